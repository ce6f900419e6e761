-- Misspelt words (issue 21): every distinct indexed term once, so that a
-- mistyped query word can be matched to the terms it is close to. An FTS5
-- trigram table over them finds the candidates sharing pieces with the
-- word; the case service keeps those alike enough by pg_trgm's measure
-- (tekmerkez_turkish::search::trigram_similarity), as PostgreSQL does.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY
);
CREATE VIRTUAL TABLE search_words_grams USING fts5(
    word, content = 'search_words', tokenize = 'trigram'
);
CREATE TRIGGER search_words_grams_add AFTER INSERT ON search_words BEGIN
    INSERT INTO search_words_grams (rowid, word) VALUES (new.rowid, new.word);
END;
WITH RECURSIVE split(word, rest) AS (
    SELECT '', terms || ' ' FROM case_search
    UNION ALL
    SELECT substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO search_words (word)
SELECT DISTINCT word FROM split WHERE length(word) >= 3;
