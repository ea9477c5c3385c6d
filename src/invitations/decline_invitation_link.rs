use leptos::prelude::*;

use crate::error::AppError;

/// Declines the invitation of a link, as the signed-in invited address.
///
/// Permissions: the invited address.
#[server(prefix = "/api", endpoint = "decline_invitation_link")]
pub async fn decline_invitation_link(token: String) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::decline_link(&state, &user, &token).await?;
    crate::server::forms::plain_form_goes_to(&format!("/invite/{}?declined", token.trim()));
    Ok(())
}
