-- Citizens who asked for no satisfaction surveys, per contact detail:
-- contact_hash is the hex HMAC-SHA256 (notify.survey.contact_key) of
-- "phone:+905321234567" or "email:ayse@example.org", so the list holds no
-- number or address and still answers "is this citizen on it?" before
-- each survey. source: link (the survey page) or sms_keyword (the opt-out
-- word texted to the SMS provider). Kept: an opt-out is never removed by
-- the system.
CREATE TABLE notify_survey_opt_outs (
    contact_hash  TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
