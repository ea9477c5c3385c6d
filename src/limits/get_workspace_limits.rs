use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId, limits::WorkspaceLimits};

/// Every workspace setting with its limit and usage, and whether the caller may edit them.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "get_workspace_limits")]
pub async fn get_workspace_limits(workspace_id: WorkspaceId) -> Result<WorkspaceLimits, AppError> {
    use crate::{accounts::auth, limits::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::get_workspace(&state, &user, workspace_id).await
}
