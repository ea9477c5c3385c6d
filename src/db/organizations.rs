//! The `organizations` and `organization_members` tables.

use crate::{
    db::{DbError, Exec},
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

/// Adds `user` to the organization. Only `Admin` and `Member` can be stored (CHECK).
pub async fn add_member(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
    role: Role,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO organization_members (organization_id, user_id, role, joined_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(organization)
    .bind(user)
    .bind(role)
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
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1",
    )
    .bind(organization)
    .fetch_one(x)
    .await)?)
}
