use leptos::prelude::*;

use crate::error::AppError;

/// Signs me out of every other browser and device (this session stays), and ends the access
/// tokens my scripts signed in with. API keys stay: they are deleted one by one.
///
/// Permissions: anyone signed in, for themselves.
#[server(prefix = "/api", endpoint = "sign_out_elsewhere")]
pub async fn sign_out_elsewhere() -> Result<(), AppError> {
    use crate::{accounts::auth, db::access_tokens, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    auth::end_other_sessions(&state, user.id).await?;
    let mut c = state.db.conn().await?;
    access_tokens::delete_for_user(&mut c, user.id).await?;
    tracing::info!(user = %user.id, "signed out everywhere else");
    // Without JavaScript, the page it lands on says so.
    crate::server::forms::plain_form_goes_to("/settings/account?done=elsewhere");
    Ok(())
}
