-- The CTI/IVR endpoint (src/cti).
--
-- cti_calls: calls the CTI offered, for the call-centre screen's lookup.
-- caller_phone is personal data (E.164; NULL when the number was withheld),
-- kept only for intake.cti.call_retention_hours.
CREATE TABLE cti_calls (
    call_id         TEXT PRIMARY KEY,
    caller_phone    TEXT,
    agent           TEXT,
    ivr_selections  TEXT NOT NULL,
    offered_at      BIGINT,
    ended_at        BIGINT,
    disposition     TEXT,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX cti_calls_by_agent ON cti_calls (agent, offered_at);
CREATE INDEX cti_calls_by_age ON cti_calls (updated_at);

-- cti_events: every event id seen, so a CTI retry is answered as the first
-- time and an IVR record opens one application.
CREATE TABLE cti_events (
    event_id         TEXT PRIMARY KEY,
    fingerprint      TEXT NOT NULL,
    application_id   TEXT,
    tracking_number  TEXT,
    received_at      BIGINT NOT NULL
);
CREATE INDEX cti_events_by_age ON cti_events (received_at);

-- caller_applications: every application intake put on the bus that has a
-- phone number, under an HMAC of the number (intake.cti.caller_index_key):
-- the caller's earlier cases for the lookup, without a readable number.
CREATE TABLE caller_applications (
    application_id   TEXT PRIMARY KEY,
    phone_hash       TEXT NOT NULL,
    tracking_number  TEXT NOT NULL,
    channel          INTEGER NOT NULL,
    received_at      BIGINT NOT NULL
);
CREATE INDEX caller_applications_by_phone ON caller_applications (phone_hash, received_at);
