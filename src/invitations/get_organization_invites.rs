use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, invitations::PendingInvitation};

/// The organization's pending invitations, newest first. Without an id: the caller's current
/// organization.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "get_organization_invites")]
pub async fn get_organization_invites(
    organization_id: Option<OrganizationId>,
) -> Result<Vec<PendingInvitation>, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::pending(&state, &user, organization_id).await
}
