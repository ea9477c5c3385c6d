use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId};

/// Deletes a workspace, with its guests' access, its guest invitations, its limits and the
/// channels and volumes shared with it.
///
/// Permissions: workspace admin.
#[server(prefix = "/api", endpoint = "delete_workspace")]
pub async fn delete_workspace(workspace_id: WorkspaceId) -> Result<(), AppError> {
    use crate::{accounts::auth, server::state::AppState, workspaces::service};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::delete(&state, &user, workspace_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
