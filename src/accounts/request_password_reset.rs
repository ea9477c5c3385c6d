use leptos::prelude::*;

use crate::error::AppError;

/// "Forgot password?": emails a reset link if the address has an account. The answer is the
/// same whether it has one or not.
///
/// Permissions: anyone.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::{accounts::links, server::state::AppState};

    let state = AppState::current()?;
    let client = crate::server::security::current_client_address(&state.config);
    links::request_reset(&state, &email, client.as_deref()).await?;
    crate::server::forms::plain_form_goes_to("/forgot-password?sent");
    Ok(())
}
