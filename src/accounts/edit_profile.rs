use leptos::prelude::*;

use crate::error::AppError;

/// Changes my name, and asks for a new address: the confirmation link goes to the new address
/// and my account keeps the old one until it is opened. Answers whether a link was sent.
///
/// Permissions: anyone signed in, for themselves.
#[server(prefix = "/api", endpoint = "edit_profile")]
pub async fn edit_profile(name: String, email: String) -> Result<bool, AppError> {
    use crate::{
        accounts::{auth, links},
        server::state::AppState,
    };

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let sent = links::edit_profile(&state, &user, &name, &email).await?;
    crate::server::forms::plain_form_goes_to(if sent {
        "/settings/account?done=email"
    } else {
        "/settings/account?done=profile"
    });
    Ok(sent)
}
