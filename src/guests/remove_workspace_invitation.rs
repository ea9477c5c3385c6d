use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{InvitationId, WorkspaceId},
};

/// Revokes a pending guest invitation: its link stops working at once.
///
/// Permissions: workspace member.
#[server(prefix = "/api", endpoint = "remove_workspace_invitation")]
pub async fn remove_workspace_invitation(
    workspace_id: WorkspaceId,
    invitation_id: InvitationId,
) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::revoke_guest(&state, &user, workspace_id, invitation_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
