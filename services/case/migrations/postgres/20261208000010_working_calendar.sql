-- The working-day calendar as data (issue 18): the special days due dates
-- are counted around, the calendar's version, and its append-only history.
-- Dates are ISO 'YYYY-MM-DD' text (Europe/Istanbul calendar dates; text
-- sorts in date order and reads the same on both databases).
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,
    year       BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'half_day', 'administrative_leave')),
    name_tr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    estimated  BOOLEAN NOT NULL
);
CREATE INDEX calendar_days_by_year ON calendar_days (year, day);

-- One row: the calendar's version. Every change bumps it inside its own
-- transaction, conditionally on the version the change was made against,
-- so two admins' edits never both apply to the same version; readers
-- compare it with their cached copy's.
CREATE TABLE calendar_state (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO calendar_state (id, version) VALUES (1, 0);

-- The years whose built-in days were loaded: each once, ever, so a day an
-- admin removed or changed is never brought back by a later start.
CREATE TABLE calendar_seeded_years (
    year       BIGINT PRIMARY KEY,
    seeded_at  BIGINT NOT NULL
);

-- Revision N made version N. `day`/`kind`/names: the day as it became (add,
-- edit); `prev_*`: as it was (edit, remove). changed_by is NULL for the
-- service's own seeding.
CREATE TABLE calendar_revisions (
    revision        BIGINT PRIMARY KEY,
    changed_at      BIGINT NOT NULL,
    changed_by      UUID,
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

CREATE FUNCTION calendar_revisions_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'calendar_revisions is append-only';
END $$;
CREATE TRIGGER calendar_revisions_no_update BEFORE UPDATE OR DELETE ON calendar_revisions
    FOR EACH ROW EXECUTE FUNCTION calendar_revisions_is_append_only();
