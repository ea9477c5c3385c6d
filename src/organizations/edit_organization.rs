use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId};

/// Renames the organization.
///
/// Permissions: org admin.
#[server(prefix = "/api", endpoint = "edit_organization")]
pub async fn edit_organization(
    organization_id: OrganizationId,
    name: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, organizations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::rename(&state, &user, organization_id, &name).await
}
