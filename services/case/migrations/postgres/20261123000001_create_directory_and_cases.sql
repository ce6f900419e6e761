-- The case service's schema. Timestamps are BIGINT microseconds since the
-- Unix epoch (UTC) on both backends, so one set of SQL statements serves
-- PostgreSQL and SQLite alike (see docs/adr/0002).

CREATE TABLE directorates (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,   -- Turkish case-folded name
    created_at  BIGINT NOT NULL
);

CREATE TABLE units (
    id              UUID PRIMARY KEY,
    directorate_id  UUID NOT NULL REFERENCES directorates (id),
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (directorate_id, name_key)
);

CREATE TABLE pools (
    id             UUID PRIMARY KEY,
    unit_id        UUID NOT NULL REFERENCES units (id),
    province_code  BIGINT NOT NULL CHECK (province_code BETWEEN 1 AND 81),
    name           TEXT NOT NULL,
    triage         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    UNIQUE (unit_id, province_code)
);
CREATE UNIQUE INDEX pools_one_triage_per_province ON pools (province_code) WHERE triage;

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    username       TEXT NOT NULL,
    username_key   TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    active         BOOLEAN NOT NULL,
    email          TEXT,
    phone          TEXT,
    password_hash  TEXT,
    created_at     BIGINT NOT NULL
);

CREATE TABLE user_pools (
    user_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pool_id  UUID NOT NULL REFERENCES pools (id),
    PRIMARY KEY (user_id, pool_id)
);
CREATE INDEX user_pools_by_pool ON user_pools (pool_id);

CREATE TABLE api_tokens (
    token_sha256  TEXT PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id),
    label         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);

CREATE TABLE cases (
    id                    UUID PRIMARY KEY,
    seq                   BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    tracking_number       TEXT NOT NULL UNIQUE,
    application_id        UUID NOT NULL UNIQUE,
    request_fingerprint   TEXT NOT NULL,
    channel               TEXT NOT NULL,
    category              TEXT NOT NULL,
    text                  TEXT NOT NULL,
    urgency               BIGINT NOT NULL,
    province_code         BIGINT NOT NULL,
    district              TEXT,
    latitude              DOUBLE PRECISION,
    longitude             DOUBLE PRECISION,
    pool_id               UUID NOT NULL REFERENCES pools (id),
    status                TEXT NOT NULL,
    holder_id             UUID,
    reply_channel         TEXT NOT NULL,
    contact_name          TEXT,
    contact_phone         TEXT,
    contact_email         TEXT,
    contact_address       TEXT,
    consent_text_version  TEXT,
    consent_accepted_at   BIGINT,
    consent_special       BOOLEAN NOT NULL DEFAULT FALSE,
    information_only      BOOLEAN NOT NULL,
    official_answer       TEXT,
    closed_by             UUID,
    created_by            UUID,
    created_at            BIGINT NOT NULL,
    entered_pool_at       BIGINT NOT NULL,
    held_since            BIGINT,
    closed_at             BIGINT,
    resolved_at           BIGINT,
    last_note_at          BIGINT,
    callback_attempts     BIGINT NOT NULL DEFAULT 0,
    callback_retry_at     BIGINT,
    version               BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX cases_pool_view ON cases (pool_id, status, seq);
CREATE INDEX cases_pool_urgent ON cases (pool_id, status, urgency, seq);
CREATE INDEX cases_by_holder ON cases (holder_id, status, seq);
CREATE INDEX cases_by_creator ON cases (created_by, seq);
CREATE INDEX cases_by_closer ON cases (closed_by, seq);
CREATE INDEX cases_by_status ON cases (status, seq);

CREATE TABLE case_notes (
    id          UUID PRIMARY KEY,
    case_id     UUID NOT NULL REFERENCES cases (id),
    author_id   UUID NOT NULL,
    text        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);

-- Task steps (görev adımları): append-only, enforced below.
CREATE TABLE case_history (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id        UUID NOT NULL REFERENCES cases (id),
    action         TEXT NOT NULL,
    actor_user_id  UUID,
    actor_service  TEXT,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    from_pool_id   UUID,
    to_pool_id     UUID NOT NULL,
    from_holder_id UUID,
    to_holder_id   UUID,
    detail         TEXT,
    occurred_at    BIGINT NOT NULL
);
CREATE INDEX case_history_by_case ON case_history (case_id, id);

CREATE FUNCTION case_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_history is append-only';
END $$;
CREATE TRIGGER case_history_no_update BEFORE UPDATE OR DELETE ON case_history
    FOR EACH ROW EXECUTE FUNCTION case_history_is_append_only();

-- Transactional outbox: written in the same transaction as the change it
-- describes; the relay publishes rows in id order and stamps published_at.
CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      UUID NOT NULL UNIQUE,
    topic         TEXT NOT NULL,
    msg_key       TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    payload       BYTEA NOT NULL,
    traceparent   TEXT,
    created_at    BIGINT NOT NULL,
    published_at  BIGINT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

-- One relay publishes at a time (ordering per case), whoever holds the lease.
CREATE TABLE outbox_lease (
    name        TEXT PRIMARY KEY,
    holder      UUID NOT NULL,
    expires_at  BIGINT NOT NULL
);
