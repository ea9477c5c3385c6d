use leptos::prelude::*;

use crate::{api_keys::ApiKeys, error::AppError};

/// My API keys (never the keys themselves), and the organizations and workspaces a new key may
/// be limited to.
///
/// Permissions: anyone signed in, for their own keys.
#[server(prefix = "/api", endpoint = "get_api_keys")]
pub async fn get_api_keys() -> Result<ApiKeys, AppError> {
    use crate::{accounts::auth, api_keys::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let mut keys = service::list(&state, &user).await?;
    keys.just_created = service::take_shown_once().await?;
    Ok(keys)
}
