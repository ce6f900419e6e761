-- "Linked to incident" (issue 20): a case opened that day and linked to an
-- incident now, under its keys like every figure (src/fact.rs), and on the
-- cases behind the figures. Facts kept before links were read know of no
-- link: `tekmerkez reports rebuild` counts those from case.events.v1.
ALTER TABLE report_daily ADD COLUMN linked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_monthly ADD COLUMN linked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_case_rows ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;
