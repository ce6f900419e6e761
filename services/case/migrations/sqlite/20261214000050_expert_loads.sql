-- The cases each expert holds in each pool, kept by triggers in the
-- changing transaction (see the PostgreSQL migration of the same name), so
-- an automatic-assignment round reads its experts' loads as a few rows. A
-- migration that rebuilds `cases` (new table, copy, rename) must create
-- these triggers again.
CREATE TABLE expert_loads (
    pool_id  BLOB NOT NULL,
    user_id  BLOB NOT NULL,
    held     BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_id)
);

CREATE TRIGGER cases_load_insert AFTER INSERT ON cases
WHEN NEW.status = 'held' AND NEW.holder_id IS NOT NULL
BEGIN
    INSERT INTO expert_loads (pool_id, user_id, held) VALUES (NEW.pool_id, NEW.holder_id, 1)
        ON CONFLICT (pool_id, user_id) DO UPDATE SET held = held + 1;
END;
CREATE TRIGGER cases_load_delete AFTER DELETE ON cases
WHEN OLD.status = 'held' AND OLD.holder_id IS NOT NULL
BEGIN
    UPDATE expert_loads SET held = held - 1
        WHERE pool_id = OLD.pool_id AND user_id = OLD.holder_id;
END;
CREATE TRIGGER cases_load_update AFTER UPDATE OF status, pool_id, holder_id ON cases
WHEN OLD.status IS NOT NEW.status OR OLD.pool_id IS NOT NEW.pool_id
    OR OLD.holder_id IS NOT NEW.holder_id
BEGIN
    UPDATE expert_loads SET held = held - 1
        WHERE OLD.status = 'held' AND OLD.holder_id IS NOT NULL
        AND pool_id = OLD.pool_id AND user_id = OLD.holder_id;
    INSERT INTO expert_loads (pool_id, user_id, held)
        SELECT NEW.pool_id, NEW.holder_id, 1
        WHERE NEW.status = 'held' AND NEW.holder_id IS NOT NULL
        ON CONFLICT (pool_id, user_id) DO UPDATE SET held = held + 1;
END;

INSERT INTO expert_loads (pool_id, user_id, held)
    SELECT pool_id, holder_id, COUNT(*) FROM cases
    WHERE status = 'held' AND holder_id IS NOT NULL GROUP BY pool_id, holder_id;

DROP INDEX cases_pool_holder;
