use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{UserId, WorkspaceId},
};

/// Removes a guest from the workspace: their access ends at their next request.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "remove_workspace_guest")]
pub async fn remove_workspace_guest(
    workspace_id: WorkspaceId,
    user_id: UserId,
) -> Result<(), AppError> {
    use crate::{accounts::auth, guests::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::remove(&state, &user, workspace_id, user_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
