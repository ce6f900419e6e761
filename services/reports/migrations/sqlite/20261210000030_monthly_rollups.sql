-- Monthly pre-sums of report_daily and report_durations (see the
-- PostgreSQL migration of the same name). month_day is the day number of
-- the month's first day.
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

-- Julian day 2440587.5 is 1970-01-01.
INSERT INTO report_monthly
SELECT dims, pool_id,
       CAST(julianday(date(day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
       key1, key2, SUM(opened), SUM(resolved), SUM(open_delta), SUM(on_time), SUM(late),
       SUM(survey_count), SUM(survey_sum)
FROM report_daily
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO report_durations_monthly
SELECT dims, pool_id,
       CAST(julianday(date(day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
       metric, key1, key2, bucket, SUM(samples)
FROM report_durations
GROUP BY 1, 2, 3, 4, 5, 6, 7;
