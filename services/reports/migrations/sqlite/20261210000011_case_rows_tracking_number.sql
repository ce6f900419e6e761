-- The tracking number people know a case by (not personal data), so the
-- lists behind the figures name cases as the desk does. Rows written before
-- it are empty until a rebuild (`tekmerkez reports rebuild`).
ALTER TABLE report_case_rows ADD COLUMN tracking_number TEXT NOT NULL DEFAULT '';
