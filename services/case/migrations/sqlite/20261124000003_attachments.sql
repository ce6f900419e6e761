-- The files that came with an application (at most 3 of 256 KiB each, so
-- they live beside the case rather than in an object store).
CREATE TABLE case_attachments (
    id            UUID PRIMARY KEY,
    case_id       UUID NOT NULL REFERENCES cases (id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    content       BLOB NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX case_attachments_by_case ON case_attachments (case_id, created_at);
