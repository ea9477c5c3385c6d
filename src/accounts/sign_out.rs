use leptos::prelude::*;

use crate::error::AppError;

/// Ends the caller's session, on the server as well as in the browser.
///
/// Permissions: anyone (signing out twice is not an error).
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::accounts::auth::end_session().await
}
