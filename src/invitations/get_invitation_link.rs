use leptos::prelude::*;

use crate::{error::AppError, invitations::InvitationLink};

/// What an invitation link leads to, for whoever opens it (signed in or not). Changes nothing:
/// mail scanners open links too.
///
/// Permissions: anyone holding the link.
#[server(prefix = "/api", endpoint = "get_invitation_link")]
pub async fn get_invitation_link(token: String) -> Result<InvitationLink, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let viewer = auth::current_user(&state).await?;
    service::view_link(&state, viewer.as_ref(), &token).await
}
