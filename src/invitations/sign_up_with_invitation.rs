use leptos::prelude::*;

use crate::error::AppError;

/// Creates an account for the invited address of a link and accepts the invitation: the new
/// user joins that organization, and no other organization is created. Then signs in.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "sign_up_with_invitation")]
pub async fn sign_up_with_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    if let Some(address) = crate::server::security::current_client_address(&state.config) {
        crate::rate_limits::hit(&state, crate::rate_limits::Limit::SignUpAddress, &address).await?;
    }
    let user = service::sign_up_with_link(&state, &token, &name, password).await?;
    auth::begin_session(user).await?;
    crate::server::forms::plain_form_goes_to("/");
    Ok(())
}
