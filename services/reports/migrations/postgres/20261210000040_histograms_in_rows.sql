-- Duration histograms move into the rollup rows: a cell's day (or month)
-- was a row per histogram bucket in report_durations(_monthly), 75
-- million rows at a million cases, and a year's breakdown read millions
-- of them. Now each figures row carries its two histograms as
-- text, `bucket:count` pairs in bucket order (src/histogram.rs): one row
-- per cell and day is read, and written with its figures.
ALTER TABLE report_daily ADD COLUMN first_action TEXT NOT NULL DEFAULT '';
ALTER TABLE report_daily ADD COLUMN to_close TEXT NOT NULL DEFAULT '';
ALTER TABLE report_monthly ADD COLUMN first_action TEXT NOT NULL DEFAULT '';
ALTER TABLE report_monthly ADD COLUMN to_close TEXT NOT NULL DEFAULT '';

-- A day can have samples and no figures (a first claim on a later day):
-- such rows are added with zero figures.
INSERT INTO report_daily (dims, pool_id, day, key1, key2, opened, resolved, open_delta, on_time, late,
                survey_count, survey_sum, first_action, to_close)
SELECT * FROM (
    SELECT dims, pool_id, day, key1, key2, 0, 0, 0, 0, 0, 0, 0,
           COALESCE(string_agg(bucket || ':' || samples, ',' ORDER BY bucket) FILTER (WHERE metric = 1), ''),
           COALESCE(string_agg(bucket || ':' || samples, ',' ORDER BY bucket) FILTER (WHERE metric = 2), '')
    FROM report_durations
    WHERE samples <> 0
    GROUP BY dims, pool_id, day, key1, key2
) AS folded WHERE true
ON CONFLICT (dims, pool_id, day, key1, key2) DO UPDATE
SET first_action = excluded.first_action, to_close = excluded.to_close;

INSERT INTO report_monthly (dims, pool_id, month_day, key1, key2, opened, resolved, open_delta, on_time, late,
                survey_count, survey_sum, first_action, to_close)
SELECT * FROM (
    SELECT dims, pool_id, month_day, key1, key2, 0, 0, 0, 0, 0, 0, 0,
           COALESCE(string_agg(bucket || ':' || samples, ',' ORDER BY bucket) FILTER (WHERE metric = 1), ''),
           COALESCE(string_agg(bucket || ':' || samples, ',' ORDER BY bucket) FILTER (WHERE metric = 2), '')
    FROM report_durations_monthly
    WHERE samples <> 0
    GROUP BY dims, pool_id, month_day, key1, key2
) AS folded WHERE true
ON CONFLICT (dims, pool_id, month_day, key1, key2) DO UPDATE
SET first_action = excluded.first_action, to_close = excluded.to_close;

DROP TABLE report_durations;
DROP TABLE report_durations_monthly;
