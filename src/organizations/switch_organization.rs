use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId};

/// Makes an organization current, with the first workspace the caller reaches in it.
///
/// Permissions: any role in the organization.
#[server(prefix = "/api", endpoint = "switch_organization")]
pub async fn switch_organization(organization_id: OrganizationId) -> Result<(), AppError> {
    use crate::{accounts::auth, organizations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::switch(&state, &user, organization_id).await
}
