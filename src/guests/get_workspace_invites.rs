use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId, invitations::PendingInvitation};

/// The workspace's pending guest invitations, newest first.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "get_workspace_invites")]
pub async fn get_workspace_invites(
    workspace_id: WorkspaceId,
) -> Result<Vec<PendingInvitation>, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::pending_guests(&state, &user, workspace_id).await
}
