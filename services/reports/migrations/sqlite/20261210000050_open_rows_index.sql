-- The cases open at a day's end, oldest first (the longest-open list and
-- the cases behind an "open at end" figure; src/rows.rs): those still open
-- come from this partial index in creation order instead of a scan of
-- every row ever counted.
CREATE INDEX report_case_rows_open ON report_case_rows (opened_at, case_id, span)
    WHERE resolved_day IS NULL;

-- Those resolved after that day are read from the resolution-day index
-- alone: it carries what the condition and the order need (SQLite has no
-- INCLUDE, so they are key columns, as PostgreSQL's schema lists them).
DROP INDEX report_case_rows_resolved_day;
CREATE INDEX report_case_rows_resolved_day ON report_case_rows (resolved_day, pool_id, start_day,
    opened_at, case_id, span);
