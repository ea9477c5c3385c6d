use leptos::prelude::*;

use crate::{error::AppError, ids::InvitationId};

/// Accepts an invitation addressed to the signed-in user's email: they join the organization
/// with the invited role, and it becomes their current one. The Members limit is checked again.
///
/// Permissions: the invited user.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::accept(&state, &user, invitation_id).await?;
    crate::server::forms::plain_form_goes_to("/");
    Ok(())
}
