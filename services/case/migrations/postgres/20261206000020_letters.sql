-- Answer letters (a letter reply's close makes one) and the outgoing
-- number's counter: one row per Europe/Istanbul year, incremented inside
-- the close's transaction, so numbers have no gaps and no duplicates.
CREATE TABLE letter_counters (
    year      BIGINT PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);

CREATE TABLE letters (
    id               UUID PRIMARY KEY,
    case_id          UUID NOT NULL REFERENCES cases (id),
    case_version     BIGINT NOT NULL,   -- the close that made it: one letter per close
    year             BIGINT NOT NULL,
    seq              BIGINT NOT NULL,
    number           TEXT NOT NULL,
    official_answer  TEXT NOT NULL,     -- as closed; a later close makes another letter
    created_by       UUID NOT NULL,
    created_at       BIGINT NOT NULL,
    posted_at        BIGINT,
    posted_by        UUID,
    UNIQUE (year, seq),
    UNIQUE (number),
    UNIQUE (case_id, case_version)
);
-- The queue (to be posted, oldest first) and the posted list (newest first).
CREATE INDEX letters_to_post ON letters (created_at, id) WHERE posted_at IS NULL;
CREATE INDEX letters_posted ON letters (posted_at, id) WHERE posted_at IS NOT NULL;
