-- Answer letters: see the PostgreSQL migration of the same name.
CREATE TABLE letter_counters (
    year      BIGINT PRIMARY KEY,
    last_seq  BIGINT NOT NULL
);

CREATE TABLE letters (
    id               BLOB PRIMARY KEY,
    case_id          BLOB NOT NULL REFERENCES cases (id),
    case_version     BIGINT NOT NULL,
    year             BIGINT NOT NULL,
    seq              BIGINT NOT NULL,
    number           TEXT NOT NULL,
    official_answer  TEXT NOT NULL,
    created_by       BLOB NOT NULL,
    created_at       BIGINT NOT NULL,
    posted_at        BIGINT,
    posted_by        BLOB,
    UNIQUE (year, seq),
    UNIQUE (number),
    UNIQUE (case_id, case_version)
);
CREATE INDEX letters_to_post ON letters (created_at, id) WHERE posted_at IS NULL;
CREATE INDEX letters_posted ON letters (posted_at, id) WHERE posted_at IS NOT NULL;
