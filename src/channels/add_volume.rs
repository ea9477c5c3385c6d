use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{OrganizationId, VolumeId},
};

/// Adds a volume to the organization's registry. Refused over the organization's Managed Volumes
/// limit, and when the organization already has a volume of that name.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "add_volume")]
pub async fn add_volume(
    organization_id: OrganizationId,
    name: String,
    #[server(default)] description: String,
) -> Result<VolumeId, AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let id = service::add(&state, &user, organization_id, &name, &description).await?;
    crate::server::forms::back_without_dialog();
    Ok(id)
}
