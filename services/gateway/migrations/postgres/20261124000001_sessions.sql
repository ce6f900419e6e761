-- Signed-in browser sessions. The cookie holds a random id; only its SHA-256
-- is stored, so a copy of this table signs nobody in.
CREATE TABLE sessions (
    id_sha256     TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          BIGINT NOT NULL,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
