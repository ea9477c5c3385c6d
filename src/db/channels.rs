//! The registry tables `channels` and `volumes`, and what workspaces share of them
//! (`workspace_channels`, `workspace_volumes`).
//!
//! The two registries are twins, table for table and column for column, so each statement is
//! written once and the kind's table names are put into it. Those names are constants of this
//! module ([`tables`]), never input.

use uuid::Uuid;

use crate::{
    channels::{Kind, KindId, Registered, Shared},
    db::{DbError, Exec},
    ids::{OrganizationId, WorkspaceId},
    timestamp::Timestamp,
};

/// The tables and the sharing column of one kind.
struct Tables {
    registry: &'static str,
    shares: &'static str,
    column: &'static str,
}

const fn tables(kind: Kind) -> Tables {
    match kind {
        Kind::Channel => Tables {
            registry: "channels",
            shares: "workspace_channels",
            column: "channel_id",
        },
        Kind::Volume => Tables {
            registry: "volumes",
            shares: "workspace_volumes",
            column: "volume_id",
        },
    }
}

#[derive(sqlx::FromRow)]
struct RegisteredRow {
    id: Uuid,
    name: String,
    description: String,
    workspaces: i64,
}

#[derive(sqlx::FromRow)]
struct SharedRow {
    id: Uuid,
    name: String,
    description: String,
}

/// The organization's entries of one kind, by name, each with how many workspaces share it.
pub async fn list<Id: KindId>(
    c: &mut impl Exec,
    organization: OrganizationId,
) -> Result<Vec<Registered<Id>>, DbError> {
    let Tables {
        registry,
        shares,
        column,
    } = tables(Id::KIND);
    let sql = format!(
        "SELECT r.id, r.name, r.description,
                (SELECT COUNT(*) FROM {shares} s WHERE s.{column} = r.id) AS workspaces
         FROM {registry} r
         WHERE r.organization_id = $1
         ORDER BY lower(r.name), r.id"
    );
    let rows: Vec<RegisteredRow> = run!(c, x => sqlx::query_as(&sql)
        .bind(organization)
        .fetch_all(x)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Registered {
            id: Id::from_uuid(r.id),
            name: r.name,
            description: r.description,
            workspaces: r.workspaces,
        })
        .collect())
}

/// The ids of the organization's entries of one kind.
pub async fn ids_of<Id: KindId>(
    c: &mut impl Exec,
    organization: OrganizationId,
) -> Result<Vec<Id>, DbError> {
    let sql = format!(
        "SELECT id FROM {} WHERE organization_id = $1",
        tables(Id::KIND).registry
    );
    let ids: Vec<Uuid> = run!(c, x => sqlx::query_scalar(&sql)
        .bind(organization)
        .fetch_all(x)
        .await)?;
    Ok(ids.into_iter().map(Id::from_uuid).collect())
}

/// Inserts an entry. A name already used in the organization (for this kind) answers
/// [`DbError::UniqueViolation`].
pub async fn create<Id: KindId>(
    c: &mut impl Exec,
    id: Id,
    organization: OrganizationId,
    name: &str,
    description: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO {} (id, organization_id, name, description, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
        tables(Id::KIND).registry
    );
    run!(c, x => sqlx::query(&sql)
        .bind(id.uuid())
        .bind(organization)
        .bind(name)
        .bind(description)
        .bind(now)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// An entry's organization and name; `None` when it does not exist.
pub async fn find<Id: KindId>(
    c: &mut impl Exec,
    id: Id,
) -> Result<Option<(OrganizationId, String)>, DbError> {
    let sql = format!(
        "SELECT organization_id, name FROM {} WHERE id = $1",
        tables(Id::KIND).registry
    );
    Ok(run!(c, x => sqlx::query_as(&sql)
        .bind(id.uuid())
        .fetch_optional(x)
        .await)?)
}

/// Deletes an entry; the workspaces sharing it lose it (the schema cascades).
pub async fn delete<Id: KindId>(c: &mut impl Exec, id: Id) -> Result<(), DbError> {
    let sql = format!("DELETE FROM {} WHERE id = $1", tables(Id::KIND).registry);
    run!(c, x => sqlx::query(&sql)
        .bind(id.uuid())
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// What the workspace shares of one kind, by name.
pub async fn shared_with<Id: KindId>(
    c: &mut impl Exec,
    workspace: WorkspaceId,
) -> Result<Vec<Shared<Id>>, DbError> {
    let Tables {
        registry,
        shares,
        column,
    } = tables(Id::KIND);
    let sql = format!(
        "SELECT r.id, r.name, r.description
         FROM {shares} s
         JOIN {registry} r ON r.id = s.{column}
         WHERE s.workspace_id = $1
         ORDER BY lower(r.name), r.id"
    );
    let rows: Vec<SharedRow> = run!(c, x => sqlx::query_as(&sql)
        .bind(workspace)
        .fetch_all(x)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Shared {
            id: Id::from_uuid(r.id),
            name: r.name,
            description: r.description,
        })
        .collect())
}

/// Makes `ids` exactly what the workspace shares of one kind. Each row names the workspace's
/// organization, so the composite foreign keys refuse an entry of another organization
/// ([`DbError::ForeignKeyViolation`]).
pub async fn replace_shared<Id: KindId>(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    organization: OrganizationId,
    ids: &[Id],
) -> Result<(), DbError> {
    let Tables { shares, column, .. } = tables(Id::KIND);
    let clear = format!("DELETE FROM {shares} WHERE workspace_id = $1");
    run!(c, x => sqlx::query(&clear)
        .bind(workspace)
        .execute(x)
        .await
        .map(|_| ()))?;
    let insert = format!(
        "INSERT INTO {shares} (workspace_id, {column}, organization_id) VALUES ($1, $2, $3)"
    );
    for id in ids {
        run!(c, x => sqlx::query(&insert)
            .bind(workspace)
            .bind(id.uuid())
            .bind(organization)
            .execute(x)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// An entry of a registry as the API lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisibleRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub organization_id: OrganizationId,
    pub organization: String,
    /// Whether `user` is a member of the owning organization (not only a guest of a workspace
    /// that shares it).
    pub member: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Every entry of `kind` that `user` sees: the registries of their organizations, and what is
/// shared with the workspaces they are a guest of. By organization, then name.
pub async fn visible_to(
    c: &mut impl Exec,
    kind: Kind,
    user: crate::ids::UserId,
) -> Result<Vec<VisibleRow>, DbError> {
    let Tables {
        registry,
        shares,
        column,
    } = tables(kind);
    let sql = format!(
        "SELECT r.id, r.name, r.description, r.organization_id, o.name AS organization,
                (om.user_id IS NOT NULL) AS member, r.created_at, r.updated_at
         FROM {registry} r
         JOIN organizations o ON o.id = r.organization_id
         LEFT JOIN organization_members om ON om.organization_id = r.organization_id AND om.user_id = $1
         WHERE om.user_id IS NOT NULL
            OR r.id IN (SELECT s.{column} FROM {shares} s
                        JOIN workspace_members wm ON wm.workspace_id = s.workspace_id
                        WHERE wm.user_id = $1)
         ORDER BY lower(o.name), o.id, lower(r.name), r.id"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(user).fetch_all(x).await)?)
}
