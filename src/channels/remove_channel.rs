use leptos::prelude::*;

use crate::{error::AppError, ids::ChannelId};

/// Removes a channel from its organization's registry; the workspaces sharing it lose it.
///
/// Permissions: org member (of the organization that owns it).
#[server(prefix = "/api", endpoint = "remove_channel")]
pub async fn remove_channel(channel_id: ChannelId) -> Result<(), AppError> {
    use crate::{accounts::auth, channels::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::remove(&state, &user, channel_id).await?;
    crate::server::forms::back_without_dialog();
    Ok(())
}
