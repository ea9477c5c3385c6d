use leptos::prelude::*;

use crate::error::AppError;

/// Confirms the address a link was sent to: the account's own (now verified), or the one it
/// asked to change to (now its address). Answers that address.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<String, AppError> {
    use crate::{accounts::links, server::state::AppState};

    let state = AppState::current()?;
    let email = links::verify(&state, &token).await?;
    crate::server::forms::plain_form_goes_to(&format!("/verify/{}?done", token.trim()));
    Ok(email)
}
