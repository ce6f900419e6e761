-- The closure reason of each close no person makes (an information-only
-- call, an incident's close, a field team's confirmation) is a deadline
-- policy value, like the others taken from the most specific policy that
-- states it (issue 18's Clarifications). It replaces the settings
-- case.closure.*; the default policy states all three, with the values
-- those settings had by default. NULL: taken from a less specific policy.
ALTER TABLE deadline_policies ADD COLUMN information_only_reason TEXT;
ALTER TABLE deadline_policies ADD COLUMN incident_closed_reason TEXT;
ALTER TABLE deadline_policies ADD COLUMN field_work_confirmed_reason TEXT;
UPDATE deadline_policies
   SET information_only_reason = 'bilgi_verildi',
       incident_closed_reason = 'cozuldu',
       field_work_confirmed_reason = 'cozuldu'
 WHERE policy_key = '*|*|*';
