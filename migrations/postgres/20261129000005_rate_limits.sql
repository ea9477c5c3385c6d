-- Rate limits (sign-in, sign-up, invitations): one counter per bucket (`sign_in_account:ada@…`)
-- and fixed window, kept in the database so that every instance sharing it counts together.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL CHECK (char_length(bucket) <= 400),
    window_start TIMESTAMPTZ NOT NULL,
    hits BIGINT NOT NULL CHECK (hits >= 0)
);
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
