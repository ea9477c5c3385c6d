use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{InvitationId, OrganizationId},
    invitations::InvitationSent,
};

/// Sends a pending or expired invitation again, with a new link and a new expiry; the old link
/// stops working at once.
///
/// Permissions: org member; only an org admin may resend an admin's invitation.
#[server(prefix = "/api", endpoint = "resend_organization_invitation")]
pub async fn resend_organization_invitation(
    organization_id: OrganizationId,
    invitation_id: InvitationId,
) -> Result<InvitationSent, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let sent = service::resend(&state, &user, organization_id, invitation_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(sent)
}
