-- API keys: what machines and long-running scripts authenticate with (header `apikey`). A key
-- belongs to a user and reaches, at most, what that user may do now; a scoped key reaches one
-- organization or one workspace only. Only the SHA-256 of a key is kept; its first characters
-- (`prefix`) are shown in lists so that people can tell their keys apart.
CREATE TABLE api_keys (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    prefix TEXT NOT NULL CHECK (length(prefix) <= 16),
    organization_id BLOB REFERENCES organizations (id) ON DELETE CASCADE,
    workspace_id BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    UNIQUE (user_id, name),
    CHECK (workspace_id IS NULL OR organization_id IS NOT NULL),
    CHECK (expires_at IS NULL OR expires_at > created_at),
    -- A workspace key goes with its workspace.
    FOREIGN KEY (workspace_id, organization_id)
        REFERENCES workspaces (id, organization_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX api_keys_by_organization ON api_keys (organization_id);
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id);

-- Who used what a usage report counts (anatools' getOrganizationUsage filters on it), where
-- the reporter names them.
ALTER TABLE usage_reports ADD COLUMN used_by BLOB REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX usage_reports_by_month ON usage_reports (organization_id, reported_at);
