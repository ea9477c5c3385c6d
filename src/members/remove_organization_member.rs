use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{OrganizationId, UserId},
};

/// Removes a member (and every grant they hold on the organization's workspaces); with the
/// caller's own id, leaves the organization. The last admin can neither be removed nor leave.
///
/// Permissions: org admin; any member for themselves.
#[server(prefix = "/api", endpoint = "remove_organization_member")]
pub async fn remove_organization_member(
    organization_id: OrganizationId,
    user_id: UserId,
) -> Result<(), AppError> {
    use crate::{accounts::auth, members::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::remove(&state, &user, organization_id, user_id).await?;
    if user_id == user.id {
        // Left: nothing of the organization is reachable any more.
        crate::server::forms::plain_form_goes_to("/");
    } else {
        crate::server::forms::back_without_dialog();
    }
    Ok(())
}
