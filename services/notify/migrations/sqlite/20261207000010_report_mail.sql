-- Report e-mails (reports.mail.v1): one row per (event, recipient), the
-- once-only record. The address itself is not kept: recipient_hash is the
-- SHA-256 of the lower-cased address, so a redelivered event finds its rows
-- while the database holds no personal data. list_index is the address's
-- place in the event's list (which one an `invalid_address` was).
--
-- state: sending (claimed until lease_until; after it, in doubt: sent again
-- with the same Message-ID), sent, failed (reason), pending (the relay did
-- not take it; the next delivery of the event tries again).
CREATE TABLE notify_report_mails (
    event_id        TEXT NOT NULL,
    recipient_hash  TEXT NOT NULL,
    directorate_id  TEXT NOT NULL,
    period          TEXT NOT NULL,
    list_index      BIGINT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT,
    message_id      TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    PRIMARY KEY (event_id, recipient_hash)
);

-- What the development sink shows of an e-mail's attachments: a JSON array
-- of {filename, content_type, size}.
ALTER TABLE notify_dev_sink ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
