use leptos::prelude::*;

use crate::error::AppError;

/// Ends the caller's session, on the server as well as in the browser, and the access tokens
/// their scripts signed in with.
///
/// Permissions: anyone (signing out twice is not an error).
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::{accounts::auth, db::access_tokens, server::state::AppState};

    let state = AppState::current()?;
    if let Some(user) = auth::current_user(&state).await? {
        let mut c = state.db.conn().await?;
        access_tokens::delete_for_user(&mut c, user.id).await?;
    }
    auth::end_session().await
}
