-- An automatic-assignment round counts each expert's held cases in the
-- pool with one grouped read of this index (on PostgreSQL an index-only
-- scan); a count per expert by holder read every case they held in any
-- pool, 34 ms a round with a million records.
CREATE INDEX cases_pool_holder ON cases (pool_id, status, holder_id);
