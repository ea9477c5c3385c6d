use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{InvitationId, WorkspaceId},
    invitations::InvitationSent,
};

/// Sends a guest invitation again with a new link and expiry; the old link stops working.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "resend_workspace_invitation")]
pub async fn resend_workspace_invitation(
    workspace_id: WorkspaceId,
    invitation_id: InvitationId,
) -> Result<InvitationSent, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let sent = service::resend_guest(&state, &user, workspace_id, invitation_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(sent)
}
