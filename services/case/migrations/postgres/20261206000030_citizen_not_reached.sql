-- "Citizen not reached": set while a message carrying the answer could not
-- be delivered and nobody has acted on it (notify reports it, the callback
-- unit clears it by recording what it did). The delivery id makes notify's
-- report idempotent.
ALTER TABLE cases ADD COLUMN not_reached_at BIGINT;
ALTER TABLE cases ADD COLUMN not_reached_channel TEXT;
ALTER TABLE cases ADD COLUMN not_reached_reason TEXT;
ALTER TABLE cases ADD COLUMN not_reached_delivery UUID;

-- Ulaşılamayanlar reads only the marked cases of a few pools.
CREATE INDEX cases_not_reached ON cases (pool_id, status, seq) WHERE not_reached_at IS NOT NULL;
