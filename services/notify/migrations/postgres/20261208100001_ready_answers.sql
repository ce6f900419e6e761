-- Ready answers (hazır cevaplar): one row per version, the highest in force;
-- retiring an answer is a version with retired set, so the history keeps
-- who wrote and who retired what, and when.
CREATE TABLE notify_ready_answers (
    answer_id  TEXT NOT NULL,
    version    BIGINT NOT NULL,
    title      TEXT NOT NULL,
    -- The category code; '' for a general answer.
    category   TEXT NOT NULL,
    language   TEXT NOT NULL,
    body       TEXT NOT NULL,
    retired    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (answer_id, version)
);
