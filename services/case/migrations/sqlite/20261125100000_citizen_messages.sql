-- A citizen's follow-up message (a reply to a notification e-mail, a later
-- message of a social-media conversation) is a note with no user author:
-- it names the channel it came through instead, and the application id of
-- the message, unique, so that a redelivered message adds nothing twice.
-- The fingerprint refuses the same id reused for other content.
-- SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing
-- refers to case_notes, so dropping the old one is safe).
CREATE TABLE case_notes_new (
    id                   BLOB PRIMARY KEY,
    case_id              BLOB NOT NULL REFERENCES cases (id),
    author_id            BLOB,
    text                 TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    author_channel       TEXT,
    application_id       BLOB,
    request_fingerprint  TEXT,
    from_applicant       BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT case_notes_one_author CHECK ((author_id IS NULL) <> (author_channel IS NULL))
);
INSERT INTO case_notes_new (id, case_id, author_id, text, created_at)
    SELECT id, case_id, author_id, text, created_at FROM case_notes;
DROP TABLE case_notes;
ALTER TABLE case_notes_new RENAME TO case_notes;
CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);
CREATE UNIQUE INDEX case_notes_by_application ON case_notes (application_id);
