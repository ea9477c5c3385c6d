use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
};

/// Creates a workspace in the organization and makes it the current one; its creator becomes
/// its admin. Refused over the organization's Workspaces limit.
///
/// Permissions: org member.
#[server(prefix = "/api", endpoint = "create_workspace")]
pub async fn create_workspace(
    organization_id: OrganizationId,
    name: String,
    #[server(default)] description: String,
) -> Result<WorkspaceId, AppError> {
    use crate::{accounts::auth, server::state::AppState, workspaces::service};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let id = service::create(&state, &user, organization_id, &name, &description).await?;
    crate::server::forms::plain_form_goes_to("/");
    Ok(id)
}
