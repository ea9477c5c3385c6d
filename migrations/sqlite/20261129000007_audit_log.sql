-- The audit log: one row per change to members, roles, invitations, limits, workspaces,
-- guests, channels and API keys, written in the transaction of the change itself. Names and
-- emails are copied, so that an event still says who and what after they are gone. Events are
-- read newest first, page by page (keyset on `at, id`), filtered by actor, action and date.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The workspace the change was in, if any (kept after the workspace is deleted).
    workspace_id BLOB,
    workspace_name TEXT,
    actor_id BLOB,
    actor_name TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL CHECK (length(action) <= 40),
    target_kind TEXT NOT NULL CHECK (length(target_kind) <= 20),
    target_id TEXT,
    target_label TEXT NOT NULL,
    -- What changed, as JSON objects of the fields that changed (NULL when nothing was before,
    -- or nothing is after).
    before TEXT,
    after TEXT,
    -- The client address of the request, and how it came: web, api or an API key's prefix.
    address TEXT,
    via TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_events_by_time ON audit_events (organization_id, at, id);
CREATE INDEX audit_events_by_actor ON audit_events (organization_id, actor_email, at, id);
CREATE INDEX audit_events_by_action ON audit_events (organization_id, action, at, id);
