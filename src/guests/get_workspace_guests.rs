use leptos::prelude::*;

use crate::{error::AppError, guests::Guest, ids::WorkspaceId};

/// The workspace's guests, by name.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "get_workspace_guests")]
pub async fn get_workspace_guests(workspace_id: WorkspaceId) -> Result<Vec<Guest>, AppError> {
    use crate::{accounts::auth, guests::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::list(&state, &user, workspace_id).await
}
