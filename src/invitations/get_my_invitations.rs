use leptos::prelude::*;

use crate::{error::AppError, invitations::MyInvitation};

/// The invitations waiting for the signed-in user's answer.
///
/// Permissions: anyone signed in (only their own).
#[server(prefix = "/api", endpoint = "get_my_invitations")]
pub async fn get_my_invitations() -> Result<Vec<MyInvitation>, AppError> {
    use crate::{accounts::auth, invitations::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    service::mine(&state, &user).await
}
