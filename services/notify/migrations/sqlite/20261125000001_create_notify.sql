-- Notify's delivery log and its catalogue (rules and templates, versioned).
-- Timestamps are BIGINT microseconds since the epoch (UTC), as in every
-- tekmerkez schema (ADR 0002); the same statements serve SQLite.

-- One row per message to a citizen. idempotency_key = "<event id>:<rule key>"
-- makes a redelivered event a no-op. recipient/subject/body/html are the
-- personal data of a message in flight: they are cleared once the delivery
-- is final (sent, delivered or failed).
CREATE TABLE notify_deliveries (
    id                 BLOB PRIMARY KEY,
    idempotency_key    TEXT NOT NULL UNIQUE,
    event_id           TEXT NOT NULL,
    case_id            TEXT NOT NULL,
    tracking_number    TEXT NOT NULL,
    kind               TEXT NOT NULL,
    channel            TEXT NOT NULL,
    rule_version       BIGINT NOT NULL,
    template_key       TEXT NOT NULL,
    template_locale    TEXT NOT NULL,
    template_version   BIGINT NOT NULL,
    state              TEXT NOT NULL,
    reason             TEXT,
    recipient          TEXT,
    subject            TEXT,
    body               TEXT,
    html               TEXT,
    message_id         TEXT,
    encoding           TEXT,
    segments           BIGINT,
    urgent             BOOLEAN NOT NULL,
    deferred           BOOLEAN NOT NULL,
    due_at             BIGINT NOT NULL,
    attempts           BIGINT NOT NULL,
    lease_until        BIGINT,
    in_doubt           BOOLEAN NOT NULL,
    provider           TEXT,
    provider_ref       TEXT,
    attempt_started_at BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    sent_at            BIGINT,
    delivered_at       BIGINT
);
CREATE INDEX notify_deliveries_due ON notify_deliveries (state, due_at);
CREATE INDEX notify_deliveries_by_case ON notify_deliveries (case_id, created_at);
CREATE INDEX notify_deliveries_by_ref ON notify_deliveries (provider, provider_ref);

-- Every version of every rule; the highest version of a key is in force.
CREATE TABLE notify_rules (
    rule_key    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    definition  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (rule_key, version)
);

-- Every version of every template per language.
CREATE TABLE notify_templates (
    template_key TEXT NOT NULL,
    locale       TEXT NOT NULL,
    version      BIGINT NOT NULL,
    definition   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (template_key, locale, version)
);

-- What the development sinks of `tekmerkez dev` received (never used in production).
CREATE TABLE notify_dev_sink (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL UNIQUE,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    html         TEXT NOT NULL,
    headers      TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    segments     BIGINT NOT NULL,
    received_at  BIGINT NOT NULL
);
