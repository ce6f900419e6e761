-- Lookups of a tracking number that reached the phone-digit check
-- (TrackCase), one row per canonical number, whether or not a case has it:
-- the current window began at window_started_at (microseconds since the
-- epoch) and `guesses` lookups counted in it (a right answer takes its own
-- back). At the limit further lookups are refused until the window ends;
-- rows whose window ended are purged.
CREATE TABLE tracking_guesses (
    tracking_number TEXT PRIMARY KEY,
    window_started_at BIGINT NOT NULL,
    guesses INTEGER NOT NULL
);
CREATE INDEX tracking_guesses_by_window ON tracking_guesses (window_started_at);
