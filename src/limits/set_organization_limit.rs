use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, limits::Setting};

/// Sets an organization limit, from 0 up to the platform's default. A limit below the current
/// usage is allowed: it stops further growth.
///
/// Permissions: org admin.
#[server(prefix = "/api", endpoint = "set_organization_limit")]
pub async fn set_organization_limit(
    organization_id: OrganizationId,
    setting: Setting,
    limit: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, limits::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::set(&state, &user, organization_id, setting, &limit).await
}
