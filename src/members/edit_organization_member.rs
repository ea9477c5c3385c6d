use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{OrganizationId, UserId},
    roles::Role,
};

/// Makes a member an admin or a member. A guest of one of the organization's workspaces made
/// a member joins the organization (counted against Members). The last admin cannot be demoted.
///
/// Permissions: org admin.
#[server(prefix = "/api", endpoint = "edit_organization_member")]
pub async fn edit_organization_member(
    organization_id: OrganizationId,
    user_id: UserId,
    role: Role,
) -> Result<(), AppError> {
    use crate::{accounts::auth, members::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::change_role(&state, &user, organization_id, user_id, role).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
