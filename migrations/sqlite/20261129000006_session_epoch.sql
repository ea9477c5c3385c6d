-- Sessions signed in before this instant are over: a password change (or "sign out everywhere
-- else") moves it, which ends every other session of the user at its next request.
ALTER TABLE users ADD COLUMN sessions_valid_after INTEGER NOT NULL DEFAULT 0;
