-- Duplicates: a citizen's repeated report merged into their first one
-- (the duplicate is resolved with merged_into set, so its tracking number
-- still leads to the original), and the suggestions an agent dismissed.
ALTER TABLE cases ADD COLUMN merged_into BLOB;
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- Reports of one place: same category, province and district, by time.
CREATE INDEX cases_by_place ON cases (category, province_code, district, created_at);

-- A pair is stored once, the smaller id first: dismissed on either
-- record's page, it is not suggested on the other's either.
CREATE TABLE duplicate_dismissals (
    case_a        BLOB NOT NULL,
    case_b        BLOB NOT NULL,
    dismissed_by  BLOB NOT NULL,
    dismissed_at  BIGINT NOT NULL,
    PRIMARY KEY (case_a, case_b)
);
CREATE INDEX duplicate_dismissals_by_b ON duplicate_dismissals (case_b);

-- The neighbourhood (mahalle) of the place, as the reference data spells
-- it, when the citizen or agent named one.
ALTER TABLE cases ADD COLUMN neighbourhood TEXT;
