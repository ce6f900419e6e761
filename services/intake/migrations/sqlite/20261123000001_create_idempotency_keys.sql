-- Idempotency keys of POST /v1/applications: the same key with the same body
-- answers with the same application and tracking number; with another body, 422.
CREATE TABLE idempotency_keys (
    idempotency_key  TEXT PRIMARY KEY,
    fingerprint      TEXT NOT NULL,
    application_id   BLOB NOT NULL,
    tracking_number  TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
