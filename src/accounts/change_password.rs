use leptos::prelude::*;

use crate::error::AppError;

/// Changes my password, given the current one. My other sessions end, and the scripts signed
/// in with my email and password (access tokens) must sign in again; my API keys and this
/// session stay.
///
/// Permissions: anyone signed in, for themselves.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, accounts::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::change_password(&state, &user, current_password, new_password).await?;
    // Whoever else was signed in with the old password is signed out.
    auth::end_other_sessions(&state, user.id).await?;
    // Without JavaScript, the page it lands on says so.
    crate::server::forms::plain_form_goes_to("/settings/account?done=password");
    Ok(())
}
