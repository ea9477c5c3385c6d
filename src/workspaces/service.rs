//! Workspace operations, below the server functions and above the data layer.

use crate::{
    db::{
        users::{self, UserRecord},
        workspaces,
    },
    error::AppError,
    ids::WorkspaceId,
    policy::{Operation, authorize},
    server::state::AppState,
};

/// Makes `workspace` the user's current workspace.
pub async fn switch(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access = workspaces::access(&mut tx, workspace, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(access.role(), Operation::SetWorkspace)?;
    users::set_last_used(&mut tx, user.id, access.organization_id, Some(workspace)).await?;
    tx.commit().await?;
    Ok(())
}
