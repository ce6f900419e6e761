-- Cases by status for /metrics without counting the cases table at every
-- scrape (see the PostgreSQL migration of the same name): totals, plus one
-- delta row per status change written by triggers, folded into the totals
-- by the case service. A migration that rebuilds `cases` (new table, copy,
-- rename) must create these triggers again.
CREATE TABLE case_status_totals (
    status  TEXT PRIMARY KEY,
    n       BIGINT NOT NULL
);
CREATE TABLE case_status_deltas (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    status  TEXT NOT NULL,
    delta   BIGINT NOT NULL
);

CREATE TRIGGER cases_status_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_status_deltas (status, delta) VALUES (NEW.status, 1);
END;
CREATE TRIGGER cases_status_delete AFTER DELETE ON cases
BEGIN
    INSERT INTO case_status_deltas (status, delta) VALUES (OLD.status, -1);
END;
CREATE TRIGGER cases_status_update AFTER UPDATE OF status ON cases
WHEN OLD.status <> NEW.status
BEGIN
    INSERT INTO case_status_deltas (status, delta) VALUES (OLD.status, -1);
    INSERT INTO case_status_deltas (status, delta) VALUES (NEW.status, 1);
END;

INSERT INTO case_status_totals (status, n) SELECT status, COUNT(*) FROM cases GROUP BY status;
