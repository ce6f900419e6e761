-- Monthly pre-sums of report_daily and report_durations, written in the
-- same transaction as the daily rows (src/store.rs): a period's whole
-- months are read from here and only its first and last partial months
-- day by day, so a year reads twelve rows per key instead of 365 (the
-- duration histograms most: a busy key has a row per bucket per day).
-- month_day is the day number (Istanbul days since 1970-01-01) of the
-- month's first day.
CREATE TABLE report_monthly (
    dims TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    month_day INTEGER NOT NULL,
    key1 TEXT NOT NULL,
    key2 TEXT NOT NULL,
    opened BIGINT NOT NULL,
    resolved BIGINT NOT NULL,
    open_delta BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    late BIGINT NOT NULL,
    survey_count BIGINT NOT NULL,
    survey_sum BIGINT NOT NULL,
    PRIMARY KEY (dims, pool_id, month_day, key1, key2)
);

CREATE TABLE report_durations_monthly (
    dims TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    month_day INTEGER NOT NULL,
    metric INTEGER NOT NULL,
    key1 TEXT NOT NULL,
    key2 TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    samples BIGINT NOT NULL,
    PRIMARY KEY (dims, pool_id, month_day, metric, key1, key2, bucket)
);

-- The months of what was counted before.
INSERT INTO report_monthly
SELECT dims, pool_id,
       (date_trunc('month', DATE '1970-01-01' + day)::date - DATE '1970-01-01') AS month_day,
       key1, key2, SUM(opened), SUM(resolved), SUM(open_delta), SUM(on_time), SUM(late),
       SUM(survey_count), SUM(survey_sum)
FROM report_daily
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO report_durations_monthly
SELECT dims, pool_id,
       (date_trunc('month', DATE '1970-01-01' + day)::date - DATE '1970-01-01') AS month_day,
       metric, key1, key2, bucket, SUM(samples)
FROM report_durations
GROUP BY 1, 2, 3, 4, 5, 6, 7;
