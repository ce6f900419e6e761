-- Due dates on the case (issue 18): set at opening from the case's deadline
-- policy and the working-day calendar, in the same transaction. Records
-- opened before this migration keep NULL due dates (no back-fill: their
-- policy, source and type were never recorded, and a guessed date would be
-- shown to citizens as if it were the law's).
--   legal_due_date          Istanbul date 'YYYY-MM-DD' (sorts as text); due by its end
--   internal_due_at         microseconds; pushed back by waiting for the citizen
--   legal_extension_days    working days of the one allowed extension (0: none)
--   legal_extended_at       when the extension was made
--   note_rule_days/_count   the note rule of its policy (seed 000: 3 calendar days)
--   awaiting_citizen_since  waiting for missing information since then
ALTER TABLE cases ADD COLUMN legal_due_date TEXT;
ALTER TABLE cases ADD COLUMN internal_due_at BIGINT;
ALTER TABLE cases ADD COLUMN legal_extension_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN legal_extended_at BIGINT;
ALTER TABLE cases ADD COLUMN note_rule_days BIGINT NOT NULL DEFAULT 3;
ALTER TABLE cases ADD COLUMN note_rule_count TEXT NOT NULL DEFAULT 'calendar';
ALTER TABLE cases ADD COLUMN awaiting_citizen_since BIGINT;

-- The due-date sort of the lists reads open cases of a few pools by date.
CREATE INDEX cases_pool_due ON cases (pool_id, status, legal_due_date, seq);

-- Deadline policies, edited by admins. The key is 'source|type|category'
-- with '*' for "any" (a plain unique text, since NULLs never collide in a
-- UNIQUE constraint). A NULL value is "taken from a less specific policy".
CREATE TABLE deadline_policies (
    policy_key            TEXT PRIMARY KEY,
    source                TEXT,
    application_type      TEXT,
    category              TEXT,
    legal_days            BIGINT,
    legal_count           TEXT,
    legal_half_days_count BOOLEAN NOT NULL DEFAULT TRUE,
    internal_n            BIGINT,
    internal_unit         TEXT,
    extension_days        BIGINT,
    note_rule_days        BIGINT,
    note_rule_count       TEXT,
    version               BIGINT NOT NULL,
    updated_by            BLOB,
    updated_at            BIGINT NOT NULL
);

-- Every change, who and when (a deleted policy's last values stay here).
CREATE TABLE deadline_policy_changes (
    id          BIGINT NOT NULL,
    policy_key  TEXT NOT NULL,
    action      TEXT NOT NULL,
    version     BIGINT NOT NULL,
    changed_by  BLOB,
    changed_at  BIGINT NOT NULL,
    summary     TEXT NOT NULL,
    PRIMARY KEY (policy_key, version, action)
);

-- The seed: Law 3071's 30 days by default (not extendable; seed 000's note
-- rule of 3 calendar days), Law 4982's 15 working days extendable once by
-- 15 for bilgi_edinme, CİMER's 30 days, a water fault within 4 hours 7/24.
INSERT INTO deadline_policies (policy_key, source, application_type, category, legal_days,
    legal_count, legal_half_days_count, internal_n, internal_unit, extension_days, note_rule_days,
    note_rule_count, version, updated_by, updated_at) VALUES
    ('*|*|*', NULL, NULL, NULL, 30, 'calendar', TRUE, NULL, NULL, 0, 3, 'calendar', 1, NULL, 1796688000000000),
    ('*|bilgi_edinme|*', NULL, 'bilgi_edinme', NULL, 15, 'working', TRUE, NULL, NULL, 15, NULL, NULL, 1, NULL, 1796688000000000),
    ('cimer|*|*', 'cimer', NULL, NULL, 30, 'calendar', TRUE, NULL, NULL, NULL, NULL, NULL, 1, NULL, 1796688000000000),
    ('*|*|su_arizasi', NULL, NULL, 'su_arizasi', NULL, NULL, TRUE, 4, 'hours', NULL, NULL, NULL, 1, NULL, 1796688000000000);
