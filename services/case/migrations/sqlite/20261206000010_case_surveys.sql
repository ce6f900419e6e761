-- One satisfaction answer per case: see the PostgreSQL migration of the same name.
CREATE TABLE case_surveys (
    case_id          BLOB PRIMARY KEY REFERENCES cases (id),
    score            BIGINT NOT NULL,
    source           TEXT NOT NULL,
    comment          TEXT,
    recorded_by      BLOB,
    answered_at      BIGINT NOT NULL,
    idempotency_key  TEXT
);
