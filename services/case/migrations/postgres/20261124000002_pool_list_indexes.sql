-- Pool lists are read as one index-ordered scan per (pool, status) that
-- stops at the page's end. "Urgent first" orders by urgency DESC, seq ASC,
-- so the index must too; and a category filter (the commonest) that
-- matches nothing in a pool must not walk that pool's whole backlog.
DROP INDEX cases_pool_urgent;
CREATE INDEX cases_pool_urgent ON cases (pool_id, status, urgency DESC, seq);
CREATE INDEX cases_pool_category ON cases (pool_id, status, category, urgency DESC, seq);
