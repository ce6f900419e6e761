-- Classification on every case (issue 18): the kind of application (code of
-- tekmerkez_types::classification::ApplicationType; cases from before it are
-- requests, `talep`), the road it took (ApplicationSource: `dogrudan` for
-- citizens), and for a partner's application the partner as intake knows it
-- and the partner's own reference number (the partner's number, not the
-- citizen's: searchable, exact match). closure_reason is the code of the
-- reason the case was closed with (case_closure_reasons.code), kept as text
-- so that deactivating a reason never touches a closed case.
ALTER TABLE cases ADD COLUMN application_type TEXT NOT NULL DEFAULT 'talep';
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT 'dogrudan';
ALTER TABLE cases ADD COLUMN partner_id TEXT;
ALTER TABLE cases ADD COLUMN partner_reference TEXT;
ALTER TABLE cases ADD COLUMN closure_reason TEXT;
CREATE INDEX cases_by_partner_reference ON cases (partner_reference);
