-- The audit log: one row per change to members, roles, invitations, limits, workspaces,
-- guests, channels and API keys, written in the transaction of the change itself. Names and
-- emails are copied, so that an event still says who and what after they are gone. Events are
-- read newest first, page by page (keyset on `at, id`), filtered by actor, action and date.
CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The workspace the change was in, if any (kept after the workspace is deleted).
    workspace_id UUID,
    workspace_name TEXT,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    actor_email TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL CHECK (char_length(action) <= 40),
    target_kind TEXT NOT NULL CHECK (char_length(target_kind) <= 20),
    target_id TEXT,
    target_label TEXT NOT NULL,
    -- What changed, as JSON objects of the fields that changed (NULL when nothing was before,
    -- or nothing is after).
    before TEXT,
    after TEXT,
    -- The client address of the request, and how it came: web, api or an API key's prefix.
    address TEXT,
    via TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (organization_id, at, id);
CREATE INDEX audit_events_by_actor ON audit_events (organization_id, actor_email, at, id);
CREATE INDEX audit_events_by_action ON audit_events (organization_id, action, at, id);
