use leptos::prelude::*;

use crate::{accounts::ResetLink, error::AppError};

/// What a password reset link leads to. Changes nothing.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "get_reset_link")]
pub async fn get_reset_link(token: String) -> Result<ResetLink, AppError> {
    use crate::{accounts::links, server::state::AppState};

    let state = AppState::current()?;
    links::view_reset(&state, &token).await
}
