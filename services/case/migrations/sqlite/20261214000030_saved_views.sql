-- Saved list filters (kayıtlı görünümler), each one user's own: a name,
-- the list it narrows (a CaseView number) and the list's query string.
-- name_key is the name folded by Turkish rules, so "Acil İşler" and
-- "acil işler" are one view and saving it twice replaces it.
CREATE TABLE case_saved_views (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    list_view   INTEGER NOT NULL,
    query       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (user_id, name_key)
);
