use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId};

/// Makes a workspace (and its organization) the caller's current one; the next sign-in, on
/// any device, starts there. Answers the workspace's id, so that a page showing a workspace
/// can follow the switch.
///
/// Permissions: workspace guest (any role in the workspace).
#[server(prefix = "/api", endpoint = "switch_workspace")]
pub async fn switch_workspace(workspace_id: WorkspaceId) -> Result<WorkspaceId, AppError> {
    use crate::{accounts::auth, server::state::AppState, workspaces::service};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::switch(&state, &user, workspace_id).await?;
    Ok(workspace_id)
}
