-- The cases behind the figures, one row per open span of a case (its
-- opening, then each reopening), with the case's current keys: what
-- LongestOpen and CasesBehind read (src/rows.rs). A case has rows once its
-- opening is known, as in the rollups; they are rewritten in the same
-- transaction as its fact.
--   opened: span 0 with opened_day in the period;
--   resolved / on_time / late: resolved_day in the period (on_time 1 / 0,
--     null without a legal due date);
--   open at the end of day T: start_day <= T and (resolved_day is null or
--     resolved_day > T).
-- Days are Istanbul days since 1970-01-01, times Unix seconds.
CREATE TABLE report_case_rows (
    case_id TEXT NOT NULL,
    span INTEGER NOT NULL,
    opened_at BIGINT NOT NULL,
    opened_day INTEGER NOT NULL,
    start_day INTEGER NOT NULL,
    resolved_at BIGINT,
    resolved_day INTEGER,
    due_day INTEGER,
    on_time INTEGER,
    channel TEXT NOT NULL,
    type TEXT NOT NULL,
    category TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    province TEXT NOT NULL,
    partner TEXT NOT NULL,
    closure_reason TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (case_id, span)
);

-- Open cases in these pools, oldest first.
CREATE INDEX report_case_rows_pool_opened ON report_case_rows (pool_id, opened_at);
-- Cases opened in a period.
CREATE INDEX report_case_rows_opened_day ON report_case_rows (opened_day, pool_id);
-- Cases resolved in a period.
CREATE INDEX report_case_rows_resolved_day ON report_case_rows (resolved_day, pool_id);
