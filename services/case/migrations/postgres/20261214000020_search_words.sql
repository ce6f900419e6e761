-- Misspelt words (issue 21): every distinct indexed term once, so that a
-- mistyped query word ("borru", "Mehmed") can be matched to the terms it
-- is close to by trigram similarity (pg_trgm; SQLite keeps an FTS5
-- trigram table) before the case search runs with them. pg_trgm is a
-- trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
CREATE INDEX search_words_trgm ON search_words USING GIN (word gin_trgm_ops);
INSERT INTO search_words (word)
SELECT DISTINCT w FROM case_search, unnest(string_to_array(terms, ' ')) AS w
WHERE length(w) >= 3
ON CONFLICT DO NOTHING;
