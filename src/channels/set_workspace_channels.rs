use leptos::prelude::*;

use crate::{
    error::AppError,
    ids::{ChannelId, VolumeId, WorkspaceId},
};

/// Chooses which of its organization's channels and volumes the workspace shares: the lists
/// replace what it shared before (empty lists share nothing). A plain form sends them as
/// checkboxes named `channel_ids[]` and `volume_ids[]`. An id that is not in the workspace's
/// organization's registry refuses the whole change.
///
/// Permissions: workspace admin.
#[server(prefix = "/api", endpoint = "set_workspace_channels")]
pub async fn set_workspace_channels(
    workspace_id: WorkspaceId,
    #[server(default)] channel_ids: Vec<ChannelId>,
    #[server(default)] volume_ids: Vec<VolumeId>,
) -> Result<(), AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::share(&state, &user, workspace_id, &channel_ids, &volume_ids).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
