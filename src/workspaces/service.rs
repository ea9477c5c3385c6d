//! Workspace operations, below the server functions and above the data layer.

use serde_json::json;

use crate::{
    accounts::{normalize_description, normalize_name},
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{
        DbError,
        limits::organization_counts,
        organizations,
        users::{self, UserRecord},
        workspaces::{self, NewWorkspace},
    },
    error::{AppError, FieldErrors},
    ids::{OrganizationId, WorkspaceId},
    limits::{Setting, service::ensure_within},
    policy::{Operation, authorize_in_organization, authorize_in_workspace},
    roles::Role,
    server::state::AppState,
    timestamp::Timestamp,
    workspaces::DESCRIPTION_MAX,
};

/// Makes `workspace` the user's current workspace.
pub async fn switch(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::SetWorkspace).await?;
    users::set_last_used(&mut tx, user.id, access.organization_id, Some(workspace)).await?;
    tx.commit().await?;
    Ok(())
}

/// What a workspace form carries, checked.
fn validate(name: &str, description: &str) -> Result<(String, String), AppError> {
    let mut errors = FieldErrors::default();
    let name = normalize_name(name, "a workspace name")
        .map_err(|m| errors.add("name", m))
        .ok();
    let description = normalize_description(description, DESCRIPTION_MAX)
        .map_err(|m| errors.add("description", m))
        .ok();
    match (name, description) {
        (Some(name), Some(description)) => Ok((name, description)),
        _ => Err(AppError::Validation(errors)),
    }
}

fn name_taken(name: &str) -> AppError {
    AppError::field(
        "name",
        format!("This organization already has a workspace named {name}."),
    )
}

/// Creates a workspace in the organization, within its Workspaces limit (checked in the
/// insert's transaction), gives its creator an explicit admin grant, and makes it current.
pub async fn create(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    name: &str,
    description: &str,
) -> Result<WorkspaceId, AppError> {
    let mut tx = state.db.begin().await?;
    if !organizations::lock(&mut tx, organization).await? {
        return Err(AppError::NotFound);
    }
    authorize_in_organization(&mut tx, organization, user.id, Operation::CreateWorkspace).await?;
    let (name, description) = validate(name, description)?;
    let now = Timestamp::now();
    let usage = organization_counts(&mut tx, organization, now)
        .await?
        .workspaces;
    ensure_within(
        &mut tx,
        &state.config,
        organization,
        Setting::Workspaces,
        usage,
        usage + 1,
    )
    .await?;
    let id = WorkspaceId::new();
    let created = workspaces::create(
        &mut tx,
        NewWorkspace {
            id,
            organization,
            name: &name,
            description: &description,
            created_by: user.id,
            now,
        },
    )
    .await;
    match created {
        Err(DbError::UniqueViolation) => return Err(name_taken(&name)),
        other => other?,
    }
    workspaces::grant(&mut tx, id, user.id, Role::Admin, now).await?;
    users::set_last_used(&mut tx, user.id, organization, Some(id)).await?;
    let event = Event::new(
        Action::WorkspaceCreated,
        organization,
        Target::workspace(id, &name),
    )
    .in_workspace(id)
    .after(named(&name, &description));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    tracing::info!(%organization, workspace = %id, "workspace created");
    Ok(id)
}

/// What an audit event says of something made: its name, and its description if it has one.
pub(crate) fn named(name: &str, description: &str) -> serde_json::Value {
    if description.is_empty() {
        json!({ "name": name })
    } else {
        json!({ "name": name, "description": description })
    }
}

/// Renames the workspace and sets its description (workspace admins).
pub async fn edit(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    name: &str,
    description: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::EditWorkspace).await?;
    let (name, description) = validate(name, description)?;
    let (old_name, old_description) = workspaces::name_and_description(&mut tx, workspace)
        .await?
        .ok_or(AppError::NotFound)?;
    match workspaces::edit(&mut tx, workspace, &name, &description, Timestamp::now()).await {
        Err(DbError::UniqueViolation) => return Err(name_taken(&name)),
        other => other?,
    }
    // Only what changed is told.
    let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
    if old_name != name {
        before.insert("name".into(), old_name.into());
        after.insert("name".into(), name.clone().into());
    }
    if old_description != description {
        before.insert("description".into(), old_description.into());
        after.insert("description".into(), description.into());
    }
    if !after.is_empty() {
        let event = Event::new(
            Action::WorkspaceEdited,
            access.organization_id,
            Target::workspace(workspace, &name),
        )
        .in_workspace(workspace)
        .before(before.into())
        .after(after.into());
        record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes the workspace (workspace admins). Whoever had it as their current workspace keeps
/// the organization as current; the deleting user moves to another workspace of it, if any.
pub async fn delete(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::DeleteWorkspace).await?;
    let (name, _) = workspaces::name_and_description(&mut tx, workspace)
        .await?
        .ok_or(AppError::NotFound)?;
    // Written first: the event names the workspace while it still exists.
    let event = Event::new(
        Action::WorkspaceDeleted,
        access.organization_id,
        Target::workspace(workspace, &name),
    )
    .in_workspace(workspace)
    .before(json!({ "name": name }));
    record(&mut tx, user, event).await?;
    workspaces::delete(&mut tx, workspace).await?;
    if user.last_workspace_id == Some(workspace) {
        let next = workspaces::reachable_by(&mut tx, user.id)
            .await?
            .into_iter()
            .find(|w| w.organization_id == access.organization_id && w.role().is_some())
            .map(|w| w.id);
        users::set_last_used(&mut tx, user.id, access.organization_id, next).await?;
    }
    tx.commit().await?;
    tracing::info!(%workspace, "workspace deleted");
    Ok(())
}
