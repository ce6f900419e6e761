-- Cases by status for /metrics without counting the cases table (which may
-- hold millions of rows) at every scrape: the totals, plus one delta row per
-- status change written by a trigger in the changing transaction. Appending
-- a row contends with nobody (a shared counter row would serialise every
-- case write); the case service folds the deltas into the totals every few
-- seconds, and a scrape reads the totals plus the few deltas not yet folded.
CREATE TABLE case_status_totals (
    status  TEXT PRIMARY KEY,
    n       BIGINT NOT NULL
);
CREATE TABLE case_status_deltas (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status  TEXT NOT NULL,
    delta   BIGINT NOT NULL
);

CREATE FUNCTION case_status_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO case_status_deltas (status, delta) VALUES (NEW.status, 1);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO case_status_deltas (status, delta) VALUES (OLD.status, -1);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO case_status_deltas (status, delta) VALUES (OLD.status, -1), (NEW.status, 1);
    END IF;
    RETURN NULL;
END $$;

-- The trigger first: it locks out writers until this migration commits, so
-- the count below misses no case and counts none twice.
CREATE TRIGGER cases_status_delta AFTER INSERT OR DELETE OR UPDATE OF status ON cases
    FOR EACH ROW EXECUTE FUNCTION case_status_delta();

INSERT INTO case_status_totals (status, n) SELECT status, COUNT(*) FROM cases GROUP BY status;
