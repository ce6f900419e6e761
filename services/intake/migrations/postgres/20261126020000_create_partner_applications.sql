-- Partners over gRPC (src/partner): each partner's own reference → the
-- application it made. The same reference with the same content (the
-- fingerprint) answers the same tracking number; with other content it is
-- refused. Ids and a hash only, no personal data.
CREATE TABLE partner_applications (
    partner_id         TEXT NOT NULL,
    partner_reference  TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    application_id     TEXT NOT NULL,
    tracking_number    TEXT NOT NULL,
    received_at        BIGINT NOT NULL,
    PRIMARY KEY (partner_id, partner_reference)
);
CREATE UNIQUE INDEX partner_applications_by_tracking_number ON partner_applications (partner_id, tracking_number);
