-- Periodic reports (src/periodic/): who receives each directorate's report,
-- which reports were handed to notify, and the lease that lets one replica
-- at a time run the monthly round.

-- One row per directorate that has recipients set; emails is a JSON array
-- of addresses (personal data: never logged). version guards admins' edits.
CREATE TABLE report_recipients (
    directorate_id TEXT PRIMARY KEY,
    emails TEXT NOT NULL,
    language TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A report handed to notify (reports.mail.v1): written in the same round
-- as the publish, after it, so a crash between the two publishes again
-- with the same event id (notify sends nothing twice), and a row here means
-- the round never sends that directorate's period again.
CREATE TABLE report_mail_runs (
    directorate_id TEXT NOT NULL,
    period TEXT NOT NULL,
    event_id TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (directorate_id, period)
);

-- Named leases (the monthly round): the holder until until_at (Unix ms).
CREATE TABLE report_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_at BIGINT NOT NULL
);
