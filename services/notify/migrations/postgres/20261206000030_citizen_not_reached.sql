-- A delivery that carries the official answer and fails for good marks its
-- case "citizen not reached" in the case service. carries_answer is decided
-- when the delivery is recorded (the rule's trigger and template);
-- not_reached_reported_at is set once the case service took the report, so
-- a crash between the failure and the report only delays it.
ALTER TABLE notify_deliveries ADD COLUMN carries_answer BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE notify_deliveries ADD COLUMN not_reached_reported_at BIGINT;

CREATE INDEX notify_deliveries_not_reached_unreported ON notify_deliveries (updated_at)
    WHERE state = 'failed' AND carries_answer AND not_reached_reported_at IS NULL;
