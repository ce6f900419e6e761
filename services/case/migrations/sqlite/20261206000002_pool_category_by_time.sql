-- A pool list narrowed to a category and shown by received time (oldest or
-- newest first) reads this index in order and stops at the page's end;
-- cases_pool_category serves the same filter urgent first. Without it, a
-- category absent from one of the pools walked that pool's whole backlog.
CREATE INDEX cases_pool_category_seq ON cases (pool_id, status, category, seq);
