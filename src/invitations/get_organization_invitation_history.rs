use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, invitations::PastInvitation};

/// The organization's invitations that were accepted, declined, revoked or that expired, most
/// recent first (the latest 100). Without an id: the caller's current organization.
///
/// Permissions: org admin.
#[server(prefix = "/api", endpoint = "get_organization_invitation_history")]
pub async fn get_organization_invitation_history(
    organization_id: Option<OrganizationId>,
) -> Result<Vec<PastInvitation>, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::history(&state, &user, organization_id).await
}
