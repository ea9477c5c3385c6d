use leptos::prelude::*;

use crate::{error::AppError, organizations::OrganizationSummary};

/// Every organization the caller has a role in (admin, member, or guest of one of its
/// workspaces), by name.
///
/// Permissions: anyone signed in (only their own).
#[server(prefix = "/api", endpoint = "get_organizations")]
pub async fn get_organizations() -> Result<Vec<OrganizationSummary>, AppError> {
    use crate::{accounts::auth, organizations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::list(&state, &user).await
}
