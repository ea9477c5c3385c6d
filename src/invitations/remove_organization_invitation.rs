use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{InvitationId, OrganizationId},
};

/// Revokes a pending invitation: its link stops working at once.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "remove_organization_invitation")]
pub async fn remove_organization_invitation(
    organization_id: OrganizationId,
    invitation_id: InvitationId,
) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::revoke(&state, &user, organization_id, invitation_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
