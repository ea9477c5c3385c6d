use leptos::prelude::*;

use crate::error::AppError;

/// Deletes one of my API keys by its name; it stops working at once.
///
/// Permissions: anyone signed in, for their own keys.
#[server(prefix = "/api", endpoint = "delete_api_key")]
pub async fn delete_api_key(name: String) -> Result<(), AppError> {
    use crate::{accounts::auth, api_keys::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::delete(&state, &user, &name).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
