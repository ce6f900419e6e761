-- Receipts (alındı belgesi) of applications staff recorded for citizens:
-- what the receipt prints, so it can be printed at once and again later.
-- No personal data: the tracking number, how and when, the reply channel,
-- a counter visit's queue ticket, the consent's version and time.
CREATE TABLE receipts (
    tracking_number   TEXT PRIMARY KEY,
    recorded_by       TEXT NOT NULL,
    channel           TEXT NOT NULL,
    category          TEXT NOT NULL,
    reply_channel     TEXT NOT NULL,
    queue_ticket      TEXT NOT NULL,
    reference         TEXT NOT NULL,
    information_only  INTEGER NOT NULL,
    consent_version   TEXT NOT NULL,
    consent_at        BIGINT,
    special_category  INTEGER NOT NULL,
    received_at       BIGINT NOT NULL
);
CREATE INDEX receipts_by_recorder ON receipts (recorded_by, received_at);
