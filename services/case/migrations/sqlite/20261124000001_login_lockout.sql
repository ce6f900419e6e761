-- Sign-in lockout: consecutive failed sign-ins, and until when the account
-- refuses sign-in (microseconds since the epoch; NULL when not locked).
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;
