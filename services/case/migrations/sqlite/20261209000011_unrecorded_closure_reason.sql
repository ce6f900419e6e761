-- Cases closed before closure reasons existed are given this reason by the
-- one-time back-fill of due dates (app::deadline_backfill), so that every
-- closed case names one. It is inactive: nobody chooses it for a new close.
-- 1765152000000000 is 2025-12-08T00:00:00Z.
INSERT INTO case_closure_reasons (code, label_tr, label_en, active, position, version, updated_by, updated_at) VALUES
    ('kaydedilmedi', 'Kapanış nedeni kaydedilmedi (önceki sürüm)', 'Not recorded (closed before closure reasons existed)', FALSE, 1000, 1, NULL, 1765152000000000);

-- The back-fill reads the cases without a legal due date: after it, none.
CREATE INDEX cases_undated ON cases (seq) WHERE legal_due_date IS NULL;
