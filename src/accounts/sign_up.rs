use leptos::prelude::*;

use crate::error::AppError;

/// Creates an account with its organization (the new user as admin) and a first workspace,
/// then signs in.
///
/// Permissions: anyone.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    organization: String,
) -> Result<(), AppError> {
    use crate::{
        accounts::{auth, service, validate_sign_up},
        server::state::AppState,
    };

    let state = AppState::current()?;
    let input =
        validate_sign_up(&name, &email, &password, &organization).map_err(AppError::Validation)?;
    if let Some(address) = crate::server::security::current_client_address(&state.config) {
        crate::rate_limits::hit(&state, crate::rate_limits::Limit::SignUpAddress, &address).await?;
    }
    let user = service::sign_up(&state, input).await?;
    auth::begin_session(user).await
}
