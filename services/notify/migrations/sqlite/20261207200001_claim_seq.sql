-- Fencing a claim: every claim of a delivery adds one to claim_seq and the
-- sender keeps the number it got; each later write for that attempt
-- (start_attempt, extend_lease, mark_sent, mark_failed, reschedule,
-- mark_in_doubt, switch_to_sms) matches only while claim_seq is still that
-- number. A sender whose lease ran out while it was paused, and whose row
-- another sender claimed since, writes nothing and stops.
ALTER TABLE notify_deliveries ADD COLUMN claim_seq BIGINT NOT NULL DEFAULT 0;
