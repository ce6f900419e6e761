-- The KVKK audit trail (issue 22): see the PostgreSQL migration of the
-- same name.
CREATE TABLE audit_entries (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    at               BIGINT NOT NULL,
    actor_user_id    BLOB,
    actor            TEXT NOT NULL,
    actor_role       TEXT,
    client_address   TEXT,
    session_mark     TEXT,
    request_id       BLOB,
    action           TEXT NOT NULL,
    case_id          BLOB,
    tracking_number  TEXT,
    object           TEXT NOT NULL,
    detail           TEXT NOT NULL,
    request_key      TEXT UNIQUE
);
CREATE INDEX audit_by_time ON audit_entries (at);
CREATE INDEX audit_by_actor ON audit_entries (actor_user_id, seq);
CREATE INDEX audit_by_case ON audit_entries (case_id, seq) WHERE case_id IS NOT NULL;

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries is append-only');
END;
