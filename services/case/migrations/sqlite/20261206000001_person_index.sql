-- The person index: see the PostgreSQL migration of the same name.
CREATE TABLE person_keys (
    person_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    case_id     BLOB NOT NULL REFERENCES cases (id),
    PRIMARY KEY (person_key, created_at, case_id)
);

-- SQLite's lower() folds ASCII letters only, as PersonKey::email does.
INSERT INTO person_keys (person_key, created_at, case_id)
SELECT 'phone:' || contact_phone, created_at, id FROM cases WHERE contact_phone IS NOT NULL;
INSERT INTO person_keys (person_key, created_at, case_id)
SELECT 'email:' || lower(contact_email), created_at, id FROM cases WHERE contact_email IS NOT NULL;
