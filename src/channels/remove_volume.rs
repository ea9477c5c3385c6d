use leptos::prelude::*;

use crate::{error::AppError, ids::VolumeId};

/// Removes a volume from its organization's registry; the workspaces sharing it lose it.
///
/// Permissions: org member (of the organization that owns it).
#[server(prefix = "/api", endpoint = "remove_volume")]
pub async fn remove_volume(volume_id: VolumeId) -> Result<(), AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::remove(&state, &user, volume_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
