-- Search (issue 21): each case's terms, made in Rust (tekmerkez_turkish::
-- search) from its text, its applicant's name and its notes, in an FTS5
-- table whose rowid is the case's seq; matched by prefix. A case opened
-- before this is indexed by the case service's start-up backfill.
CREATE VIRTUAL TABLE case_search USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
