-- Verified addresses and password resets. An account's address is verified once a link sent
-- to it was opened (or an invitation link, which reached the same inbox, was used); accounts
-- made before this migration start unverified, like every new one.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;

-- The links orgspace emails about an account: verifying an address (the account's own, or a
-- new one it is changing to) and resetting a password. Like invitation links, only the
-- SHA-256 of a token is kept; each works once and expires.
CREATE TABLE account_links (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    -- The address the link was sent to: for a verification, the one it verifies.
    email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    token_hash BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    CHECK (expires_at > created_at)
);
CREATE INDEX account_links_by_user ON account_links (user_id, purpose);
CREATE INDEX account_links_by_expiry ON account_links (expires_at);
