-- The call centre's figures, fed by intake.calls.v1 (src/calls.rs): one row
-- per Istanbul day (days since 1970-01-01), hour of the offer (0-23) and
-- queue. The dedupe row of each call event goes in report_processed_events
-- in the same transaction.
CREATE TABLE report_calls (
    day INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    queue TEXT NOT NULL,
    offered BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    ivr_completed BIGINT NOT NULL,
    transferred BIGINT NOT NULL,
    answered_seconds BIGINT NOT NULL,
    answered_timed BIGINT NOT NULL,
    PRIMARY KEY (day, hour, queue)
);
