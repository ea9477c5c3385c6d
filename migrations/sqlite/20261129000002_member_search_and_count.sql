-- Members pages stay fast in large organizations (see bench/README.md):
-- 1. the member's email, lowercased, beside the name key, in the covering index that the
--    members table pages through, so a search reads that index alone instead of looking up
--    every member's user row;
-- 2. a member count on the organization, kept by triggers in the same transaction as every
--    insert and delete (cascades included), instead of counting on every page view.

ALTER TABLE organization_members ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
UPDATE organization_members
SET email_key = (SELECT lower(u.email) FROM users u WHERE u.id = organization_members.user_id);
DROP INDEX organization_members_by_name;
CREATE INDEX organization_members_by_name
    ON organization_members (organization_id, name_key, user_id, email_key);

ALTER TABLE organizations ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0
    CHECK (member_count >= 0);
UPDATE organizations
SET member_count = (SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = organizations.id);

CREATE TRIGGER organization_members_counted_in AFTER INSERT ON organization_members
BEGIN
    UPDATE organizations SET member_count = member_count + 1 WHERE id = NEW.organization_id;
END;

CREATE TRIGGER organization_members_counted_out AFTER DELETE ON organization_members
BEGIN
    UPDATE organizations SET member_count = member_count - 1 WHERE id = OLD.organization_id;
END;

-- A membership never moves to another organization.
CREATE TRIGGER organization_members_stay BEFORE UPDATE OF organization_id ON organization_members
BEGIN
    SELECT RAISE(ABORT, 'a membership cannot move to another organization');
END;
