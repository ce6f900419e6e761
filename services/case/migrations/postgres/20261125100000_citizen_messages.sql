-- A citizen's follow-up message (a reply to a notification e-mail, a later
-- message of a social-media conversation) is a note with no user author:
-- it names the channel it came through instead, and the application id of
-- the message, unique, so that a redelivered message adds nothing twice.
-- The fingerprint refuses the same id reused for other content.
ALTER TABLE case_notes ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE case_notes ADD COLUMN author_channel TEXT;
ALTER TABLE case_notes ADD COLUMN application_id UUID;
ALTER TABLE case_notes ADD COLUMN request_fingerprint TEXT;
ALTER TABLE case_notes ADD COLUMN from_applicant BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE case_notes ADD CONSTRAINT case_notes_one_author
    CHECK ((author_id IS NULL) <> (author_channel IS NULL));
CREATE UNIQUE INDEX case_notes_by_application ON case_notes (application_id);
