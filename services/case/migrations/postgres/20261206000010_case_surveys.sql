-- One satisfaction answer per case (memnuniyet anketi): the primary key
-- makes a second answer impossible, whatever raced. The score and source are
-- what the reports count; the comment is the citizen's words (personal data)
-- and never leaves the case service but to those who may read the case.
-- idempotency_key is what made it (a survey form's key, a CTI event id), so
-- the same submission again is the same answer.
CREATE TABLE case_surveys (
    case_id          UUID PRIMARY KEY REFERENCES cases (id),
    score            BIGINT NOT NULL,
    source           TEXT NOT NULL,
    comment          TEXT,
    recorded_by      UUID,
    answered_at      BIGINT NOT NULL,
    idempotency_key  TEXT
);
