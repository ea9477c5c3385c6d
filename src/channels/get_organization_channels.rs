use leptos::prelude::*;

use crate::{channels::Registry, error::AppError, ids::OrganizationId};

/// The organization's channels and volumes, each with how many workspaces share it, and the
/// Managed Channels and Managed Volumes limits they count against. Without an id: the caller's
/// current organization.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "get_organization_channels")]
pub async fn get_organization_channels(
    organization_id: Option<OrganizationId>,
) -> Result<Registry, AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::registry(&state, &user, organization_id).await
}
