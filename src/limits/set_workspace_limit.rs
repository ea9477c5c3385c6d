use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId, limits::Setting};

/// Sets a workspace limit, from 0 up to the organization's limit of the same setting (or the
/// platform's workspace default, for Datasets and Guests).
///
/// Permissions: workspace admin.
#[server(prefix = "/api", endpoint = "set_workspace_limit")]
pub async fn set_workspace_limit(
    workspace_id: WorkspaceId,
    setting: Setting,
    limit: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, limits::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::set_workspace(&state, &user, workspace_id, setting, &limit).await
}
