-- Open311 GeoReport v2 (src/open311): what each client filed, so that it
-- follows its own requests (by id, by token, by service and date) and a
-- replay with the same Idempotency-Key files nothing twice. Ids, the
-- service code, times and the client's media link only: the description,
-- the address and the contact details live in the case.
CREATE TABLE open311_requests (
    client_id           TEXT NOT NULL,
    service_request_id  TEXT NOT NULL,
    token               TEXT NOT NULL,
    application_id      TEXT NOT NULL,
    service_code        TEXT NOT NULL,
    requested_at        BIGINT NOT NULL,
    idempotency_key     TEXT,
    fingerprint         TEXT NOT NULL,
    media_url           TEXT,
    published           BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (client_id, service_request_id)
);
CREATE UNIQUE INDEX open311_requests_by_token ON open311_requests (token);
CREATE UNIQUE INDEX open311_requests_by_key ON open311_requests (client_id, idempotency_key);
CREATE INDEX open311_requests_by_time ON open311_requests (client_id, requested_at);
