use leptos::prelude::*;

use crate::{error::AppError, ids::InvitationId};

/// Declines an invitation addressed to the signed-in user's email.
///
/// Permissions: the invited user.
#[server(prefix = "/api", endpoint = "decline_invitation")]
pub async fn decline_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::decline(&state, &user, invitation_id).await
}
