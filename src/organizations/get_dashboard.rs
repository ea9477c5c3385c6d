use leptos::prelude::*;

use crate::{error::AppError, organizations::Dashboard};

/// The caller's current organization: its name, the caller's role, its workspaces.
/// `None` when the caller belongs to no organization at all.
///
/// Permissions: any role in the organization.
#[server(prefix = "/api", endpoint = "get_dashboard")]
pub async fn get_dashboard() -> Result<Option<Dashboard>, AppError> {
    use crate::{accounts::auth, organizations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::dashboard(&state, &user).await
}
