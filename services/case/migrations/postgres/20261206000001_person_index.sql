-- The person index: one row per case and key (`phone:+905321234567`,
-- `email:ayse@ornek.com`; see domain/person.rs), written with the case, so
-- that a citizen's other applications are one index range per key, newest
-- first, however many cases the table holds.
CREATE TABLE person_keys (
    person_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,   -- the case's, for "newest first"
    case_id     UUID NOT NULL REFERENCES cases (id),
    PRIMARY KEY (person_key, created_at, case_id)
);

-- The cases opened before the index: phones are stored normalised already;
-- e-mail addresses fold ASCII letters only, as PersonKey::email does.
INSERT INTO person_keys (person_key, created_at, case_id)
SELECT 'phone:' || contact_phone, created_at, id FROM cases WHERE contact_phone IS NOT NULL;
INSERT INTO person_keys (person_key, created_at, case_id)
SELECT 'email:' || translate(contact_email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
       created_at, id
FROM cases WHERE contact_email IS NOT NULL;
