-- Members pages stay fast in large organizations (see bench/README.md):
-- 1. the member's email, lowercased, beside the name key, in the covering index that the
--    members table pages through, so a search reads that index alone instead of looking up
--    every member's user row;
-- 2. a member count on the organization, kept by a trigger in the same transaction as every
--    insert and delete (cascades included), instead of counting on every page view.

ALTER TABLE organization_members ADD COLUMN email_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE organization_members m SET email_key = lower(u.email) FROM users u WHERE u.id = m.user_id;
DROP INDEX organization_members_by_name;
CREATE INDEX organization_members_by_name
    ON organization_members (organization_id, name_key, user_id, email_key);

ALTER TABLE organizations ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0
    CHECK (member_count >= 0);
UPDATE organizations o
SET member_count = (SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = o.id);

CREATE FUNCTION organization_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE organizations SET member_count = member_count + 1 WHERE id = NEW.organization_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE organizations SET member_count = member_count - 1 WHERE id = OLD.organization_id;
    ELSIF NEW.organization_id <> OLD.organization_id THEN
        RAISE EXCEPTION 'a membership cannot move to another organization';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER organization_members_counted
    AFTER INSERT OR DELETE OR UPDATE OF organization_id ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_count();
