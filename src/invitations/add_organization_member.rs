use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, invitations::InvitationSent, roles::Role};

/// Invites someone by email to the organization, as a member or an admin, and emails them the
/// link (which the answer also carries, once). The invitation counts toward the Members limit
/// while it is pending.
///
/// Permissions: org member; only an org admin may invite an admin.
#[server(prefix = "/api", endpoint = "add_organization_member")]
pub async fn add_organization_member(
    organization_id: OrganizationId,
    email: String,
    role: Role,
) -> Result<InvitationSent, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let invitation = service::invite(&state, &user, organization_id, &email, role).await?;
    crate::server::forms::back_without_dialog();
    Ok(invitation)
}
