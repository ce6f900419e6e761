-- The e-mail channel's unusable messages (src/email/problems): each one
-- that made no case, for staff to find in the mailbox, where it stays with
-- $TekmerkezUnusable. Its place is the key, so a message read again is the
-- same row. No address, name, subject or text: only where it is, its
-- Message-ID (what a mail program searches by) and the reason code.
CREATE TABLE email_problems (
    account       TEXT NOT NULL,
    mailbox       TEXT NOT NULL,
    uid_validity  BIGINT NOT NULL,
    uid           BIGINT NOT NULL,
    message_id    TEXT,
    reason        TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    recorded_at   BIGINT NOT NULL,
    PRIMARY KEY (account, mailbox, uid_validity, uid)
);
CREATE INDEX email_problems_newest ON email_problems (received_at DESC);
