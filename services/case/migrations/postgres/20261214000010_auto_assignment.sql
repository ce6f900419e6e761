-- Automatic assignment (issue 21): a pool's switch and mode, with the
-- round-robin cursor (the expert last given a case). A round of hand-outs
-- starts by updating this row, so on PostgreSQL it holds the row lock
-- until it commits: two rounds of one pool never count the same free
-- places, whichever replica runs them.
CREATE TABLE pool_assignment (
    pool_id      UUID PRIMARY KEY REFERENCES pools (id),
    enabled      BOOLEAN NOT NULL,
    mode         TEXT NOT NULL,    -- round_robin | least_loaded
    last_expert  UUID,
    rounds       BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   UUID
);

-- An expert's capacity in one pool: at most this many held cases there
-- before automatic assignment passes them by (none: the configured default).
CREATE TABLE expert_pool_settings (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pool_id   UUID NOT NULL REFERENCES pools (id),
    capacity  BIGINT,
    PRIMARY KEY (user_id, pool_id)
);

-- The categories an expert takes in one pool; none listed: any category.
CREATE TABLE expert_skills (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pool_id   UUID NOT NULL REFERENCES pools (id),
    category  TEXT NOT NULL,
    PRIMARY KEY (user_id, pool_id, category)
);

-- Whether an expert is at the desk (no row: present).
CREATE TABLE expert_presence (
    user_id     UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    present     BOOLEAN NOT NULL,
    changed_at  BIGINT NOT NULL
);

-- The days an expert is away (Europe/Istanbul dates, YYYY-MM-DD).
CREATE TABLE expert_absences (
    user_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    PRIMARY KEY (user_id, day)
);
