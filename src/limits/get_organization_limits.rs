use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, limits::OrganizationLimits};

/// Every organization setting with its limit and usage, and whether the caller may edit them.
/// Without an id: the caller's current organization.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "get_organization_limits")]
pub async fn get_organization_limits(
    organization_id: Option<OrganizationId>,
) -> Result<OrganizationLimits, AppError> {
    use crate::{accounts::auth, limits::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::get(&state, &user, organization_id).await
}
