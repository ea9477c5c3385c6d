use leptos::prelude::*;

use crate::{accounts::EmailLink, error::AppError};

/// What an address confirmation link leads to. Changes nothing: mail scanners open links too.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "get_email_link")]
pub async fn get_email_link(token: String) -> Result<EmailLink, AppError> {
    use crate::{accounts::links, server::state::AppState};

    let state = AppState::current()?;
    links::view_verification(&state, &token).await
}
