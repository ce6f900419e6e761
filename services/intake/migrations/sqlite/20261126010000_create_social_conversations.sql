-- Social-media webhooks (src/social): which case each conversation belongs
-- to, and every message id seen, so that a platform's retry or a replayed
-- delivery never makes a second case and messages of one conversation
-- within the window join one case.
--
-- A conversation is keyed by an HMAC of (platform, account, sender) under
-- the channel's secret, never by the sender's id (a WhatsApp id is a phone
-- number). `phone` is personal data, kept only while the conversation is
-- open so its later messages are complete applications; rows idle longer
-- than the window are purged.
CREATE TABLE social_conversations (
    conversation_key       TEXT PRIMARY KEY,
    tracking_number        TEXT,
    opened_application_id  TEXT,
    phone                  TEXT,
    last_message_at        BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX social_conversations_by_age ON social_conversations (updated_at);

-- One row per platform message id. state: held (waiting for a phone number
-- in the conversation: held_text keeps its text, personal data, until the
-- case opens or the window ends), pending (published or to be published as
-- application_id, not yet acknowledged by the bus), joined (part of the
-- application of the conversation's opening message), published.
CREATE TABLE social_messages (
    message_key       TEXT PRIMARY KEY,
    conversation_key  TEXT NOT NULL,
    application_id    TEXT NOT NULL,
    bus_key           TEXT NOT NULL,
    tracking_number   TEXT,
    follow_up_of      TEXT,
    state             TEXT NOT NULL,
    held_text         TEXT,
    sent_at           BIGINT NOT NULL,
    recorded_at       BIGINT NOT NULL
);
CREATE INDEX social_messages_by_conversation ON social_messages (conversation_key, state, sent_at);
CREATE INDEX social_messages_by_application ON social_messages (application_id);
CREATE INDEX social_messages_by_age ON social_messages (recorded_at);
