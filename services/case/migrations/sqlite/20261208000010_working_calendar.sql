-- The working-day calendar as data: see the PostgreSQL migration of the same name.
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    year       BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'half_day', 'administrative_leave')),
    name_tr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    estimated  BOOLEAN NOT NULL
);
CREATE INDEX calendar_days_by_year ON calendar_days (year, day);

CREATE TABLE calendar_state (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO calendar_state (id, version) VALUES (1, 0);

CREATE TABLE calendar_seeded_years (
    year       BIGINT PRIMARY KEY,
    seeded_at  BIGINT NOT NULL
);

CREATE TABLE calendar_revisions (
    revision        BIGINT PRIMARY KEY,
    changed_at      BIGINT NOT NULL,
    changed_by      BLOB,
    change          TEXT NOT NULL CHECK (change IN ('seed', 'add', 'edit', 'remove', 'confirm_year')),
    year            BIGINT NOT NULL,
    day             TEXT,
    kind            TEXT,
    name_tr         TEXT,
    name_en         TEXT,
    estimated       BOOLEAN,
    prev_kind       TEXT,
    prev_name_tr    TEXT,
    prev_name_en    TEXT,
    prev_estimated  BOOLEAN,
    day_count       BIGINT NOT NULL,
    reason          TEXT
);
CREATE INDEX calendar_revisions_by_year ON calendar_revisions (year, revision);

CREATE TRIGGER calendar_revisions_no_update BEFORE UPDATE ON calendar_revisions
BEGIN
    SELECT RAISE(ABORT, 'calendar_revisions is append-only');
END;
CREATE TRIGGER calendar_revisions_no_delete BEFORE DELETE ON calendar_revisions
BEGIN
    SELECT RAISE(ABORT, 'calendar_revisions is append-only');
END;
