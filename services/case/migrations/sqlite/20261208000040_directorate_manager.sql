-- The directorate manager (müdürlük yöneticisi) is scoped to one
-- directorate: every pool of its units. Other roles leave it empty.
ALTER TABLE users ADD COLUMN directorate_id BLOB REFERENCES directorates (id);
