use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{OrganizationId, UserId},
    members::Member,
};

/// One member of the organization.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "get_organization_member")]
pub async fn get_organization_member(
    organization_id: OrganizationId,
    user_id: UserId,
) -> Result<Member, AppError> {
    use crate::{accounts::auth, members::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::one(&state, &user, organization_id, user_id).await
}
