use leptos::prelude::*;

use crate::error::AppError;

/// Sets a new password through a reset link. Every session and script sign-in of the account
/// ends, this browser's too (it signs in with the new password); API keys stay.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::{
        accounts::{auth, links},
        server::state::AppState,
    };

    let state = AppState::current()?;
    links::reset_password(&state, &token, password).await?;
    // Whoever this browser was signed in as, it starts afresh.
    auth::end_session().await?;
    crate::server::forms::plain_form_goes_to(&format!("/reset-password/{}?done", token.trim()));
    Ok(())
}
