-- Automatic assignment (issue 21): a pool's switch and mode, with the
-- round-robin cursor (the expert last given a case). A round of hand-outs
-- starts by updating this row; SQLite has one writer, so rounds never
-- overlap here (PostgreSQL holds the row lock until the round commits).
CREATE TABLE pool_assignment (
    pool_id      BLOB PRIMARY KEY REFERENCES pools (id),
    enabled      BOOLEAN NOT NULL,
    mode         TEXT NOT NULL,    -- round_robin | least_loaded
    last_expert  BLOB,
    rounds       BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   BLOB
);

-- An expert's capacity in one pool: at most this many held cases there
-- before automatic assignment passes them by (none: the configured default).
CREATE TABLE expert_pool_settings (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pool_id   BLOB NOT NULL REFERENCES pools (id),
    capacity  BIGINT,
    PRIMARY KEY (user_id, pool_id)
);

-- The categories an expert takes in one pool; none listed: any category.
CREATE TABLE expert_skills (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pool_id   BLOB NOT NULL REFERENCES pools (id),
    category  TEXT NOT NULL,
    PRIMARY KEY (user_id, pool_id, category)
);

-- Whether an expert is at the desk (no row: present).
CREATE TABLE expert_presence (
    user_id     BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    present     BOOLEAN NOT NULL,
    changed_at  BIGINT NOT NULL
);

-- The days an expert is away (Europe/Istanbul dates, YYYY-MM-DD).
CREATE TABLE expert_absences (
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    PRIMARY KEY (user_id, day)
);
