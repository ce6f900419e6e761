-- The escalation scheduler and the Süresi Yaklaşan / Süresi Geçen lists read
-- the unresolved cases by their due dates (columns of 20261208000030).
CREATE INDEX cases_open_legal_due ON cases (legal_due_date)
    WHERE status IN ('in_pool', 'held', 'awaiting_callback') AND legal_due_date IS NOT NULL;
CREATE INDEX cases_open_internal_due ON cases (internal_due_at)
    WHERE status IN ('in_pool', 'held', 'awaiting_callback') AND internal_due_at IS NOT NULL;
