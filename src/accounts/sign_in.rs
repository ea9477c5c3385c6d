use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password. A wrong email and a wrong password answer alike.
///
/// Permissions: anyone.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::{
        accounts::{auth, service, validate_sign_in},
        server::state::AppState,
    };

    let state = AppState::current()?;
    let email = validate_sign_in(&email, &password).map_err(AppError::Validation)?;
    let address = crate::server::security::current_client_address(&state.config);
    let user = service::sign_in(&state, &email, password, address.as_deref()).await?;
    auth::begin_session(user).await
}
