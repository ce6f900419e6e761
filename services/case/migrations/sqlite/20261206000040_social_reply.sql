-- The social-media conversation a reply goes to (reply channel `social`):
-- the platform, the institution's account on it, the citizen there
-- (personal data, like the other contact columns) and when the citizen's
-- message was sent; and the channel's own reference of the application (an
-- e-mail's Message-ID, which notify's acknowledgement replies to).
ALTER TABLE cases ADD COLUMN contact_social_platform TEXT;
ALTER TABLE cases ADD COLUMN contact_social_account TEXT;
ALTER TABLE cases ADD COLUMN contact_social_user TEXT;
ALTER TABLE cases ADD COLUMN contact_social_at BIGINT;
ALTER TABLE cases ADD COLUMN source_reference TEXT;
