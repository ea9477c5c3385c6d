use leptos::prelude::*;

use crate::{api_keys::CreatedKey, error::AppError};

/// Makes an API key: `scope` is `user`, `organization:ID` or `workspace:ID`; `expires` a number
/// of days, or `never`. Answers the key, which is never shown again.
///
/// Permissions: anyone signed in; a scoped key needs a role in the place it is limited to.
#[server(prefix = "/api", endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    scope: String,
    expires: String,
) -> Result<CreatedKey, AppError> {
    use crate::{accounts::auth, api_keys::service, server::state::AppState};

    let state = AppState::current()?;
    let user = auth::require_user(&state).await?;
    let (name, scope, expires_at) =
        service::parse_form(&name, &scope, &expires, crate::timestamp::Timestamp::now())?;
    let created = service::create(&state, &user, &name, scope, expires_at).await?;
    // A form sent without JavaScript is answered with a redirect: the page it lands on shows
    // the key, once, from the session.
    if crate::server::forms::is_plain_form() {
        service::show_once(&created).await?;
        crate::server::forms::plain_form_goes_to("/settings/api-keys?created");
    }
    Ok(created)
}
