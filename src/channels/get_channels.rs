use leptos::prelude::*;

use crate::{channels::WorkspaceChannels, error::AppError, ids::WorkspaceId};

/// The channels and volumes available in the workspace: what it shares of its organization's
/// registry.
///
/// Permissions: workspace guest.
#[server(prefix = "/api", endpoint = "get_channels")]
pub async fn get_channels(workspace_id: WorkspaceId) -> Result<WorkspaceChannels, AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::shared(&state, &user, workspace_id).await
}
