-- Survey opt-outs per contact hash: see the PostgreSQL migration of the same name.
CREATE TABLE notify_survey_opt_outs (
    contact_hash  TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
