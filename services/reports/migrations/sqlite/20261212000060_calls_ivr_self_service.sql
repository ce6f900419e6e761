-- The IVR's self-service answers (an outage question answered without an
-- agent, intake's IvrSelfService on intake.calls.v1), by the day, hour and
-- queue of the answer, beside the calls of report_calls.
ALTER TABLE report_calls ADD COLUMN ivr_self_service BIGINT NOT NULL DEFAULT 0;
