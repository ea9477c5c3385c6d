use leptos::prelude::*;

use crate::{error::AppError, ids::WorkspaceId};

/// Renames a workspace and sets its description.
///
/// Permissions: workspace admin.
#[server(prefix = "/api", endpoint = "edit_workspace")]
pub async fn edit_workspace(
    workspace_id: WorkspaceId,
    name: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    use crate::{accounts::auth, server::state::AppState, workspaces::service};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::edit(&state, &user, workspace_id, &name, &description).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
