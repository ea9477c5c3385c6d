use leptos::prelude::*;

use crate::{accounts::Me, error::AppError};

/// The signed-in user with every organization and workspace they reach and where they are;
/// `None` when signed out.
///
/// Permissions: anyone.
#[server(prefix = "/api", endpoint = "get_me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::{
        accounts::{auth, service},
        server::state::AppState,
    };

    let state = AppState::current()?;
    match auth::current_user(&state).await? {
        Some(user) => service::me(&state, &user).await.map(Some),
        None => Ok(None),
    }
}
