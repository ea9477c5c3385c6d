use leptos::prelude::*;

use crate::{accounts::SignUpPolicy, error::AppError};

/// Who may create an account here, for the sign-in and sign-up pages: under `invite-only`, an
/// instance with no account yet answers `Open` (its first account can always be made).
///
/// Permissions: anyone.
#[server(prefix = "/api", endpoint = "get_sign_up_policy")]
pub async fn get_sign_up_policy() -> Result<SignUpPolicy, AppError> {
    use crate::{accounts::service, server::state::AppState};

    let state = AppState::current()?;
    service::sign_up_policy(&state).await
}
