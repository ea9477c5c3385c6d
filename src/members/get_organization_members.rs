use leptos::prelude::*;

use crate::{error::AppError, ids::OrganizationId, members::MembersPage};

/// A page of the organization's members, by name, optionally only those whose name or email
/// contains `search`. `after` is the `next` of the previous page. Without an id: the caller's
/// current organization.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "get_organization_members")]
pub async fn get_organization_members(
    organization_id: Option<OrganizationId>,
    search: Option<String>,
    after: Option<String>,
) -> Result<MembersPage, AppError> {
    use crate::{accounts::auth, members::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::page(
        &state,
        &user,
        organization_id,
        search.as_deref(),
        after.as_deref(),
    )
    .await
}
