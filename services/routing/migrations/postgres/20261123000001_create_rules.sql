-- Routing rules. Lists (keywords, channels) are JSON text so that the same
-- statements serve PostgreSQL and SQLite.
CREATE TABLE routing_rules (
    id              UUID PRIMARY KEY,
    priority        BIGINT NOT NULL,
    category        TEXT,
    keywords        TEXT NOT NULL,
    channels        TEXT NOT NULL,
    province_code   BIGINT,
    district        TEXT,
    target_unit_id  UUID NOT NULL,
    urgency         BIGINT,
    description     TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX routing_rules_by_priority ON routing_rules (priority, id);
