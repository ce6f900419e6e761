-- The KVKK audit trail (issue 22): every access to personal data and every
-- administrative change, appended in the request it records. Codes and
-- counts only, never personal data; the actor's user name as it was then.
-- request_key makes a repeat within one HTTP request (a page reading a
-- record twice) one entry; a call of its own has none.
CREATE TABLE audit_entries (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               BIGINT NOT NULL,
    actor_user_id    UUID,
    actor            TEXT NOT NULL,
    actor_role       TEXT,
    client_address   TEXT,
    session_mark     TEXT,
    request_id       UUID,
    action           TEXT NOT NULL,
    case_id          UUID,
    tracking_number  TEXT,
    object           TEXT NOT NULL,
    detail           TEXT NOT NULL,
    request_key      TEXT UNIQUE
);
CREATE INDEX audit_by_time ON audit_entries (at);
CREATE INDEX audit_by_actor ON audit_entries (actor_user_id, seq);
CREATE INDEX audit_by_case ON audit_entries (case_id, seq) WHERE case_id IS NOT NULL;

-- Nobody changes or deletes an entry (retention's own path, issue 22 part
-- 2, drops whole expired periods).
CREATE FUNCTION audit_entries_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only';
END $$;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_is_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_is_append_only();
