-- The orgspace schema (spec.md §2), SQLite flavour. Its twin in ../postgres has the same name.
-- Ids are UUID BLOBs; timestamps are INTEGER Unix milliseconds, UTC.
-- The login sessions table belongs to tower-sessions-sqlx-store, which creates it at start.

CREATE TABLE organizations (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    -- Normalised (trimmed, lowercased) by the accounts domain before it gets here.
    email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- Where the next sign-in starts (spec.md §7).
    last_organization_id BLOB REFERENCES organizations (id) ON DELETE SET NULL,
    last_workspace_id BLOB REFERENCES workspaces (id) ON DELETE SET NULL
) STRICT;

CREATE TABLE organization_members (
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    -- The member's name, lowercased: the members table sorts and searches by it, page by page
    -- (keyset), without reading the users table for every member of a large organization.
    name_key TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id)
) STRICT;
CREATE INDEX organization_members_by_user ON organization_members (user_id);
CREATE INDEX organization_members_by_role ON organization_members (organization_id, role);
CREATE INDEX organization_members_by_name ON organization_members (organization_id, name_key, user_id);

CREATE TABLE workspaces (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, name),
    -- Lets other tables require that a workspace belongs to a given organization.
    UNIQUE (id, organization_id)
) STRICT;

-- Explicit workspace grants; organization roles imply the rest (spec.md §3).
CREATE TABLE workspace_members (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('guest', 'member', 'admin')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) STRICT;
CREATE INDEX workspace_members_by_user ON workspace_members (user_id);

-- An invitation to an organization (workspace_id NULL, role member or admin) or to a
-- workspace as a guest. Only the SHA-256 of the token is kept.
CREATE TABLE invitations (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    workspace_id BLOB,
    email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role TEXT NOT NULL CHECK (role IN ('guest', 'member', 'admin')),
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    invited_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    accepted_at INTEGER,
    accepted_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    declined_at INTEGER,
    revoked_at INTEGER,
    FOREIGN KEY (workspace_id, organization_id)
        REFERENCES workspaces (id, organization_id) ON DELETE CASCADE,
    CHECK ((workspace_id IS NULL AND role IN ('member', 'admin'))
        OR (workspace_id IS NOT NULL AND role = 'guest')),
    CHECK ((accepted_at IS NOT NULL) + (declined_at IS NOT NULL) + (revoked_at IS NOT NULL) <= 1),
    CHECK (expires_at > created_at)
) STRICT;
-- One open invitation per address and organization or workspace.
CREATE UNIQUE INDEX invitations_open_per_organization ON invitations (organization_id, email)
    WHERE workspace_id IS NULL AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX invitations_open_per_workspace ON invitations (workspace_id, email)
    WHERE workspace_id IS NOT NULL AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_by_email ON invitations (email);

-- Limits an admin has set; a setting without a row has the platform default.
CREATE TABLE organization_limits (
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    setting TEXT NOT NULL CHECK (setting IN ('compute_time', 'dataset_storage', 'instances',
        'managed_channels', 'managed_volumes', 'members', 'volume_storage', 'workspaces')),
    limit_value INTEGER NOT NULL CHECK (limit_value >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, setting)
) STRICT;

CREATE TABLE workspace_limits (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    setting TEXT NOT NULL CHECK (setting IN ('compute_time', 'dataset_storage', 'datasets',
        'instances', 'guests')),
    limit_value INTEGER NOT NULL CHECK (limit_value >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, setting)
) STRICT;

-- Metered usage, as reported over the API (counted settings are counted from their rows).
CREATE TABLE usage_reports (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    workspace_id BLOB,
    setting TEXT NOT NULL CHECK (setting IN ('compute_time', 'dataset_storage', 'datasets',
        'instances', 'volume_storage')),
    amount REAL NOT NULL CHECK (amount >= 0),
    channel TEXT,
    instance_type TEXT,
    reported_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    reported_at INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, organization_id)
        REFERENCES workspaces (id, organization_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX usage_reports_by_organization ON usage_reports (organization_id, setting, reported_at);
CREATE INDEX usage_reports_by_workspace ON usage_reports (workspace_id, setting, reported_at);

CREATE TABLE channels (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, name),
    UNIQUE (id, organization_id)
) STRICT;

CREATE TABLE volumes (
    id BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organization_id, name),
    UNIQUE (id, organization_id)
) STRICT;

-- What a workspace shares of its organization's registry: the composite keys make sure that
-- a workspace only ever shares its own organization's channels and volumes.
CREATE TABLE workspace_channels (
    workspace_id BLOB NOT NULL,
    channel_id BLOB NOT NULL,
    organization_id BLOB NOT NULL,
    PRIMARY KEY (workspace_id, channel_id),
    FOREIGN KEY (workspace_id, organization_id)
        REFERENCES workspaces (id, organization_id) ON DELETE CASCADE,
    FOREIGN KEY (channel_id, organization_id)
        REFERENCES channels (id, organization_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX workspace_channels_by_channel ON workspace_channels (channel_id);

CREATE TABLE workspace_volumes (
    workspace_id BLOB NOT NULL,
    volume_id BLOB NOT NULL,
    organization_id BLOB NOT NULL,
    PRIMARY KEY (workspace_id, volume_id),
    FOREIGN KEY (workspace_id, organization_id)
        REFERENCES workspaces (id, organization_id) ON DELETE CASCADE,
    FOREIGN KEY (volume_id, organization_id)
        REFERENCES volumes (id, organization_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX workspace_volumes_by_volume ON workspace_volumes (volume_id);

-- Emails waiting for the background sender (spec.md §5): queued in the same transaction as
-- the write that causes them, so nothing is lost while the mail server is away.
CREATE TABLE email_outbox (
    id BLOB PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    sent_at INTEGER,
    last_error TEXT
) STRICT;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
