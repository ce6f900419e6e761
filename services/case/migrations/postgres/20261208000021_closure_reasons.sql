-- Closure reasons (kapanış nedenleri), admin-editable data: every close
-- names one (cases.closure_reason holds its code). A code never changes and
-- a reason is never deleted, only made inactive, so closed cases always
-- find their label. updated_by is the admin of the last change (NULL for
-- the seeded rows); every change is also kept in case_closure_reason_changes.
CREATE TABLE case_closure_reasons (
    code TEXT PRIMARY KEY,
    label_tr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    version BIGINT NOT NULL,
    updated_by UUID,
    updated_at BIGINT NOT NULL
);

-- Who changed a reason when, and what it became (one row per change).
CREATE TABLE case_closure_reason_changes (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    label_tr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    position INTEGER NOT NULL,
    changed_by UUID NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX case_closure_reason_changes_by_code ON case_closure_reason_changes (code, version);

-- 1765152000000000 is 2025-12-08T00:00:00Z.
INSERT INTO case_closure_reasons (code, label_tr, label_en, active, position, version, updated_by, updated_at) VALUES
    ('cozuldu', 'Çözüldü', 'Resolved', TRUE, 10, 1, NULL, 1765152000000000),
    ('bilgi_verildi', 'Bilgi verildi', 'Information given', TRUE, 20, 1, NULL, 1765152000000000),
    ('is_programina_alindi', 'İş programına alındı', 'Scheduled for work', TRUE, 30, 1, NULL, 1765152000000000),
    ('talep_karsilanamadi', 'Talep karşılanamadı (mevzuata uygun değil)', 'Cannot be granted (not permitted by law)', TRUE, 40, 1, NULL, 1765152000000000),
    ('yetki_disi', 'Yetki dışı — başka kuruma yönlendirildi', 'Outside our remit — referred to another body', TRUE, 50, 1, NULL, 1765152000000000),
    ('mukerrer', 'Mükerrer başvuru', 'Duplicate application', TRUE, 60, 1, NULL, 1765152000000000),
    ('asilsiz', 'Asılsız', 'Unfounded', TRUE, 70, 1, NULL, 1765152000000000),
    ('vatandasa_ulasilamadi', 'Vatandaşa ulaşılamadı', 'Citizen could not be reached', TRUE, 80, 1, NULL, 1765152000000000),
    ('basvuru_sahibi_vazgecti', 'Başvuru sahibi vazgeçti', 'Withdrawn by the applicant', TRUE, 90, 1, NULL, 1765152000000000);
