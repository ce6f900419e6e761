-- Each escalation stage a case reached, once per (case, deadline, due
-- value, stage): the scheduler inserts the row in the same transaction as
-- its event and task step, and a row already there means the stage was
-- recorded (by another replica, or before a restart), so nothing is sent
-- twice. A new due value (the 4982 extension) gets its own rows.
CREATE TABLE case_escalations (
    case_id      UUID NOT NULL REFERENCES cases (id),
    deadline     TEXT NOT NULL,    -- legal | internal
    due_value    TEXT NOT NULL,    -- legal: YYYY-MM-DD; internal: microseconds since the epoch
    stage        TEXT NOT NULL,    -- approaching | overdue | escalated
    pool_id      UUID NOT NULL,
    holder_id    UUID,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, deadline, due_value, stage)
);
