-- Incidents (olaylar): place-bound parent records that many reports are
-- linked to and answered with at once. The number is assigned in the
-- declaring transaction (the largest plus one; a concurrent declaration
-- loses on the unique index and takes the next); request_id makes a
-- repeated declaration (a double click) return the first one.
CREATE TABLE incidents (
    id               BLOB PRIMARY KEY,
    number           BIGINT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,    -- planned_outage | unplanned_outage | fault
    category         TEXT NOT NULL,
    title            TEXT NOT NULL,
    public_text      TEXT NOT NULL,
    province_code    BIGINT NOT NULL,
    starts_at        BIGINT NOT NULL,
    expected_end_at  BIGINT,
    pool_id          BLOB NOT NULL,
    status           TEXT NOT NULL,    -- open | closed
    answer           TEXT,
    closure_reason   TEXT,
    created_by       BLOB NOT NULL,
    created_at       BIGINT NOT NULL,
    closed_by        BLOB,
    closed_at        BIGINT,
    due_at           BIGINT,
    request_id       BLOB UNIQUE,
    version          BIGINT NOT NULL
);

CREATE INDEX incidents_by_pool ON incidents (pool_id, number);
CREATE INDEX incidents_open_by_province ON incidents (province_code, status);

-- Where it is: a district whole (neighbourhood '') or some of its
-- neighbourhoods, as the reference data spells them.
CREATE TABLE incident_areas (
    incident_id    BLOB NOT NULL REFERENCES incidents (id),
    district       TEXT NOT NULL,
    neighbourhood  TEXT NOT NULL,
    PRIMARY KEY (incident_id, district, neighbourhood)
);

-- The incident a report is linked to, how and when: the work lists leave
-- linked reports out, the incident's page lists them.
ALTER TABLE cases ADD COLUMN incident_id BLOB;
ALTER TABLE cases ADD COLUMN incident_method TEXT;
ALTER TABLE cases ADD COLUMN incident_linked_at BIGINT;
CREATE INDEX cases_by_incident ON cases (incident_id, seq) WHERE incident_id IS NOT NULL;
