use leptos::prelude::*;

use crate::error::AppError;

/// Accepts the invitation of a link, as the signed-in invited address; its organization becomes
/// the current one.
///
/// Permissions: the invited address.
#[server(prefix = "/api", endpoint = "accept_invitation_link")]
pub async fn accept_invitation_link(token: String) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::accept_link(&state, &user, &token).await?;
    crate::server::forms::plain_form_goes_to("/");
    Ok(())
}
