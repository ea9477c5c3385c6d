//! The `organizations` and `organization_members` tables.

use crate::{
    db::{DbError, Exec, Executor},
    ids::{OrganizationId, UserId},
    roles::Role,
    timestamp::Timestamp,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRecord {
    pub id: OrganizationId,
    pub name: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An organization with the role a given user holds in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRecord {
    pub organization_id: OrganizationId,
    pub name: String,
    pub role: Role,
    pub joined_at: Timestamp,
}

/// A member as the members table shows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: Timestamp,
    pub name_key: String,
}

/// How members sort: by lowercased name, then id (unique, so pages never overlap).
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

pub async fn create(
    c: &mut impl Exec,
    id: OrganizationId,
    name: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn find_by_id(
    c: &mut impl Exec,
    id: OrganizationId,
) -> Result<Option<OrganizationRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT id, name, created_at, updated_at FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(x)
    .await)?)
}

/// Holds the organization's row until the transaction ends, so that writes which check a
/// count first (limits, the last admin) run one after the other. On SQLite every write
/// transaction is exclusive already (`BEGIN IMMEDIATE`); PostgreSQL takes a row lock.
pub async fn lock(c: &mut impl Exec, id: OrganizationId) -> Result<bool, DbError> {
    let found: Option<i32> = match c.exec() {
        Executor::Sqlite(x) => {
            sqlx::query_scalar("SELECT 1 FROM organizations WHERE id = $1")
                .bind(id)
                .fetch_optional(x)
                .await?
        }
        Executor::Postgres(x) => {
            sqlx::query_scalar("SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(x)
                .await?
        }
    };
    Ok(found.is_some())
}

pub async fn rename(
    c: &mut impl Exec,
    id: OrganizationId,
    name: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query("UPDATE organizations SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The user a membership is for, with what the members table sorts and searches by.
pub struct NewMember<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub email: &'a str,
}

/// Adds a member to the organization. Only `Admin` and `Member` can be stored.
pub async fn add_member(
    c: &mut impl Exec,
    organization: OrganizationId,
    member: NewMember<'_>,
    role: Role,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO organization_members
            (organization_id, user_id, role, name_key, email_key, joined_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(organization)
    .bind(member.user)
    .bind(role)
    .bind(name_key(member.name))
    .bind(member.email.to_lowercase())
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The role `user` holds in the organization by membership (not the derived guest role).
pub async fn member_role(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
) -> Result<Option<Role>, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization)
    .bind(user)
    .fetch_optional(x)
    .await)?)
}

/// The role `user` has in the organization: their membership, or the derived guest role when
/// they are no member but a guest (or other explicit grantee) of one of its workspaces.
/// `None` for everyone else, and for organizations that do not exist.
pub async fn role_of(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
) -> Result<Option<Role>, DbError> {
    let (member, grantee): (Option<Role>, bool) = run!(c, x => sqlx::query_as(
        "SELECT
            (SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2),
            EXISTS (SELECT 1 FROM workspace_members wm
                    JOIN workspaces w ON w.id = wm.workspace_id
                    WHERE w.organization_id = $1 AND wm.user_id = $2)",
    )
    .bind(organization)
    .bind(user)
    .fetch_one(x)
    .await)?;
    Ok(member.or(grantee.then_some(Role::Guest)))
}

pub async fn set_member_role(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
    role: Role,
) -> Result<bool, DbError> {
    let done = run!(c, x => sqlx::query(
        "UPDATE organization_members SET role = $3 WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization)
    .bind(user)
    .bind(role)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Removes the membership and every explicit grant on the organization's workspaces: nothing
/// of the organization stays reachable.
pub async fn remove_member(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
) -> Result<bool, DbError> {
    run!(c, x => sqlx::query(
        "DELETE FROM workspace_members WHERE user_id = $2
         AND workspace_id IN (SELECT id FROM workspaces WHERE organization_id = $1)",
    )
    .bind(organization)
    .bind(user)
    .execute(&mut *x)
    .await
    .map(|_| ()))?;
    let done = run!(c, x => sqlx::query(
        "DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization)
    .bind(user)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

pub async fn count_admins(c: &mut impl Exec, organization: OrganizationId) -> Result<i64, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1 AND role = 'admin'",
    )
    .bind(organization)
    .fetch_one(x)
    .await)?)
}

/// Every organization `user` is a member of, by name.
pub async fn memberships_of(
    c: &mut impl Exec,
    user: UserId,
) -> Result<Vec<MembershipRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT o.id AS organization_id, o.name, m.role, m.joined_at
         FROM organization_members m
         JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = $1
         ORDER BY o.name, o.id",
    )
    .bind(user)
    .fetch_all(x)
    .await)?)
}

pub async fn count_members(
    c: &mut impl Exec,
    organization: OrganizationId,
) -> Result<i64, DbError> {
    // Kept by triggers on `organization_members` (migration 2): no counting per request.
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT COALESCE((SELECT member_count FROM organizations WHERE id = $1), 0)",
    )
    .bind(organization)
    .fetch_one(x)
    .await)?)
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for ch in term.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// One page of members, by name: those after `after` (a `(name_key, user id)` position),
/// at most `limit`, optionally only those whose name or email contains `search`.
///
/// Keyset pagination over the `(organization_id, name_key, user_id)` index: page 2,000 of a
/// 100,000-member organization costs what page 1 does.
pub async fn members_page(
    c: &mut impl Exec,
    organization: OrganizationId,
    search: Option<&str>,
    after: Option<(&str, UserId)>,
    limit: i64,
) -> Result<Vec<MemberRecord>, DbError> {
    // Each combination gets its own statement, without `$n IS NULL OR ...` branches: the
    // planners then walk the index from the cursor instead of from the start.
    // The search reads only the index (name and email keys are both in it); users are looked
    // up for the rows of the page alone.
    let mut sql = String::from(
        "SELECT m.user_id, u.name, u.email, m.role, m.joined_at, m.name_key
         FROM organization_members m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1",
    );
    let mut n = 1;
    if after.is_some() {
        sql.push_str(&format!(
            " AND (m.name_key, m.user_id) > (${}, ${})",
            n + 1,
            n + 2
        ));
        n += 2;
    }
    let pattern = search.map(|s| like_pattern(&s.to_lowercase()));
    if pattern.is_some() {
        n += 1;
        sql.push_str(&format!(
            " AND (m.name_key LIKE ${n} ESCAPE '\\' OR m.email_key LIKE ${n} ESCAPE '\\')"
        ));
    }
    sql.push_str(&format!(" ORDER BY m.name_key, m.user_id LIMIT ${}", n + 1));
    Ok(run!(c, x => {
        let mut q = sqlx::query_as(&sql).bind(organization);
        if let Some((key, id)) = after {
            q = q.bind(key).bind(id);
        }
        if let Some(p) = &pattern {
            q = q.bind(p.as_str());
        }
        q.bind(limit).fetch_all(x).await
    })?)
}

/// The sort key of member `user` of `organization` (where a page that starts after them
/// starts), or `None` when they are not a member.
pub async fn member_name_key(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
) -> Result<Option<String>, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT name_key FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization)
    .bind(user)
    .fetch_optional(x)
    .await)?)
}

/// Keeps the members tables' sort and search keys of `user` in step with a new name or address,
/// in every organization they belong to.
pub async fn rekey_member(
    c: &mut impl Exec,
    user: UserId,
    name: &str,
    email: &str,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE organization_members SET name_key = $2, email_key = $3 WHERE user_id = $1",
    )
    .bind(user)
    .bind(name_key(name))
    .bind(email.to_lowercase())
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn search_terms_are_literal() {
        assert_eq!(like_pattern("ada"), "%ada%");
        assert_eq!(like_pattern("100%_\\"), "%100\\%\\_\\\\%");
    }
}
