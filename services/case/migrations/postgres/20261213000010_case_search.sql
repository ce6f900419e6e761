-- Search (issue 21): each case's terms, made in Rust (tekmerkez_turkish::
-- search: Turkish case folding, the letters' marks forgotten) from its
-- text, its applicant's name and its notes; matched by prefix with the
-- 'simple' configuration, which only splits on spaces here. Keyed by the
-- case's seq under the name SQLite's FTS5 gives its key, so one statement
-- writes both stores. A case opened before this is indexed by the case
-- service's start-up backfill.
CREATE TABLE case_search (
    rowid BIGINT PRIMARY KEY,
    terms TEXT NOT NULL,
    tsv   tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED
);
CREATE INDEX case_search_tsv ON case_search USING GIN (tsv);
