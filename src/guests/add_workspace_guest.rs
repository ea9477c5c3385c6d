use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId, invitations::InvitationSent};

/// Invites someone by email to the workspace as a guest, and emails them the link (which the
/// answer also carries, once). The invitation counts toward the workspace's Guests limit while
/// it is pending.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "add_workspace_guest")]
pub async fn add_workspace_guest(
    workspace_id: WorkspaceId,
    email: String,
) -> Result<InvitationSent, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let sent = service::invite_guest(&state, &user, workspace_id, &email).await?;
    crate::server::forms::back_without_dialog();
    Ok(sent)
}
