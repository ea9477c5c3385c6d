use leptos::prelude::*;

use crate::error::AppError;

/// Sends the confirmation email of my address again (a new link; the old one stops working).
///
/// Permissions: anyone signed in, for themselves.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::{
        accounts::{auth, links},
        server::state::AppState,
    };

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    links::resend_verification(&state, &user).await?;
    crate::server::forms::plain_form_goes_to("/settings/account?done=resent");
    Ok(())
}
