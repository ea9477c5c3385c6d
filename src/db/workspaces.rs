//! The `workspaces` and `workspace_members` tables.

use crate::{
    db::{DbError, Exec},
    ids::{OrganizationId, UserId, WorkspaceId},
    roles::Role,
    timestamp::Timestamp,
};

pub struct NewWorkspace<'a> {
    pub id: WorkspaceId,
    pub organization: OrganizationId,
    pub name: &'a str,
    pub description: &'a str,
    pub created_by: UserId,
    pub now: Timestamp,
}

/// A workspace `user` can reach, with the two grants its role is made of.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReachableWorkspace {
    pub id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub created_by: Option<UserId>,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    /// The user's organization membership, if any.
    pub org_role: Option<Role>,
    /// The user's explicit grant on this workspace, if any.
    pub explicit_role: Option<Role>,
}

impl ReachableWorkspace {
    pub fn role(&self) -> Option<Role> {
        Role::effective_workspace_role(self.org_role, self.explicit_role)
    }
}

/// Inserts a workspace. A name already used in the organization answers
/// [`DbError::UniqueViolation`].
pub async fn create(c: &mut impl Exec, ws: NewWorkspace<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO workspaces (id, organization_id, name, description, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(ws.id)
    .bind(ws.organization)
    .bind(ws.name)
    .bind(ws.description)
    .bind(ws.created_by)
    .bind(ws.now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Grants `user` an explicit role on the workspace, or raises/changes an existing grant.
pub async fn grant(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    user: UserId,
    role: Role,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO workspace_members (workspace_id, user_id, role, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(workspace)
    .bind(user)
    .bind(role)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Every workspace `user` reaches through an organization membership or an explicit grant,
/// ordered by organization name, then workspace name.
pub async fn reachable_by(
    c: &mut impl Exec,
    user: UserId,
) -> Result<Vec<ReachableWorkspace>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT w.id, w.name, w.description, w.created_at, w.updated_at, w.created_by,
                o.id AS organization_id, o.name AS organization_name,
                om.role AS org_role, wm.role AS explicit_role
         FROM workspaces w
         JOIN organizations o ON o.id = w.organization_id
         LEFT JOIN organization_members om ON om.organization_id = w.organization_id AND om.user_id = $1
         LEFT JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = $1
         WHERE om.user_id IS NOT NULL OR wm.user_id IS NOT NULL
         ORDER BY o.name, o.id, w.name, w.id",
    )
    .bind(user)
    .fetch_all(x)
    .await)?)
}

/// A workspace and the two grants `user` holds on it (both `None` for an outsider).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceAccess {
    pub organization_id: OrganizationId,
    pub org_role: Option<Role>,
    pub explicit_role: Option<Role>,
}

impl WorkspaceAccess {
    pub fn role(&self) -> Option<Role> {
        Role::effective_workspace_role(self.org_role, self.explicit_role)
    }
}

/// `None` when the workspace does not exist.
pub async fn access(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<Option<WorkspaceAccess>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT w.organization_id, om.role AS org_role, wm.role AS explicit_role
         FROM workspaces w
         LEFT JOIN organization_members om ON om.organization_id = w.organization_id AND om.user_id = $2
         LEFT JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = $2
         WHERE w.id = $1",
    )
    .bind(workspace)
    .bind(user)
    .fetch_optional(x)
    .await)?)
}

/// Renames the workspace and sets its description. A name already used in the organization
/// answers [`DbError::UniqueViolation`].
pub async fn edit(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    name: &str,
    description: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE workspaces SET name = $2, description = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(workspace)
    .bind(name)
    .bind(description)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Deletes the workspace; its grants, guest invitations, limits, usage and shared channels and
/// volumes go with it (the schema cascades).
pub async fn delete(c: &mut impl Exec, workspace: WorkspaceId) -> Result<(), DbError> {
    run!(c, x => sqlx::query("DELETE FROM workspaces WHERE id = $1")
        .bind(workspace)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A guest of a workspace, as its guests table shows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuestRecord {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub created_at: Timestamp,
}

/// The workspace's guests (explicit guest grants), by name.
pub async fn guests(
    c: &mut impl Exec,
    workspace: WorkspaceId,
) -> Result<Vec<GuestRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, wm.created_at
         FROM workspace_members wm JOIN users u ON u.id = wm.user_id
         WHERE wm.workspace_id = $1 AND wm.role = 'guest'
         ORDER BY lower(u.name), u.email",
    )
    .bind(workspace)
    .fetch_all(x)
    .await)?)
}

/// Removes `user`'s guest grant on the workspace; false when they are not a guest of it (a
/// member's or admin's grant is not touched).
pub async fn remove_guest(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    user: UserId,
) -> Result<bool, DbError> {
    let done = run!(c, x => sqlx::query(
        "DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2 AND role = 'guest'",
    )
    .bind(workspace)
    .bind(user)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// The workspace's name; `None` when it does not exist.
pub async fn name_of(c: &mut impl Exec, workspace: WorkspaceId) -> Result<Option<String>, DbError> {
    Ok(
        run!(c, x => sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
        .bind(workspace)
        .fetch_optional(x)
        .await)?,
    )
}

/// The workspace's name and description; `None` when it does not exist.
pub async fn name_and_description(
    c: &mut impl Exec,
    workspace: WorkspaceId,
) -> Result<Option<(String, String)>, DbError> {
    Ok(
        run!(c, x => sqlx::query_as("SELECT name, description FROM workspaces WHERE id = $1")
        .bind(workspace)
        .fetch_optional(x)
        .await)?,
    )
}

/// The organization the workspace belongs to; `None` when it does not exist.
pub async fn organization_of(
    c: &mut impl Exec,
    workspace: WorkspaceId,
) -> Result<Option<OrganizationId>, DbError> {
    Ok(
        run!(c, x => sqlx::query_scalar("SELECT organization_id FROM workspaces WHERE id = $1")
        .bind(workspace)
        .fetch_optional(x)
        .await)?,
    )
}
