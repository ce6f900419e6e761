-- The reports service's own database: per-case facts, daily rollups and
-- duration histograms, fed by case.events.v1 (see src/cells.rs, src/fact.rs).

-- Events already applied: the dedupe row is written in the same
-- transaction as the rollup change.
CREATE TABLE report_processed_events (
    event_id TEXT PRIMARY KEY,
    processed_at BIGINT NOT NULL
);

-- What the reports know of each case (a JSON fact merged from its events);
-- revision guards against two writers of one case.
CREATE TABLE report_cases (
    case_id TEXT PRIMARY KEY,
    fact TEXT NOT NULL,
    revision BIGINT NOT NULL
);

-- Additive figures per Istanbul day (days since 1970-01-01) and cell.
-- pool_id '' is all pools; dims '' the totals, else one dimension or two
-- joined by a comma.
CREATE TABLE report_daily (
    dims TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    key1 TEXT NOT NULL,
    key2 TEXT NOT NULL,
    opened BIGINT NOT NULL,
    resolved BIGINT NOT NULL,
    open_delta BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    late BIGINT NOT NULL,
    survey_count BIGINT NOT NULL,
    survey_sum BIGINT NOT NULL,
    PRIMARY KEY (dims, pool_id, day, key1, key2)
);

-- Duration samples per day, cell, metric (1 first action, 2 close) and
-- log-scale bucket (src/histogram.rs).
CREATE TABLE report_durations (
    dims TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    metric INTEGER NOT NULL,
    key1 TEXT NOT NULL,
    key2 TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    samples BIGINT NOT NULL,
    PRIMARY KEY (dims, pool_id, day, metric, key1, key2, bucket)
);

-- The consumer group's generation: a rebuild empties the tables and moves
-- to a new group, which reads case.events.v1 from the beginning.
CREATE TABLE report_meta (
    id INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO report_meta (id, generation) VALUES (1, 0);
