//! Where a request came from, for the audit log: the client's address and the way in (`web`
//! for the browser's pages and server functions, `api` for GraphQL and the usage endpoint, or
//! the prefix of the API key that authenticated it). A middleware notes it for every request;
//! the audit log reads it when it writes an event, wherever in the request that happens.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};

use crate::server::{security, state::AppState};

#[derive(Clone, Debug)]
pub struct Origin {
    address: Option<String>,
    /// Set once the request is authenticated by an API key.
    via: Arc<Mutex<String>>,
}

tokio::task_local! {
    static ORIGIN: Origin;
}

/// Notes the origin of every request: in a task-local for the request's own task, and in its
/// extensions for what Leptos runs from the request's parts.
pub async fn note(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let address = security::exact_client_address(&state.config, request.headers(), peer);
    let path = request.uri().path();
    let via = if path == "/graphql" || path == "/" || path.starts_with("/api/usage") {
        "api"
    } else {
        "web"
    };
    let origin = Origin {
        address,
        via: Arc::new(Mutex::new(via.to_owned())),
    };
    request.extensions_mut().insert(origin.clone());
    ORIGIN.scope(origin, next.run(request)).await
}

fn current_origin() -> Option<Origin> {
    ORIGIN.try_with(Origin::clone).ok().or_else(|| {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Origin>().cloned())
    })
}

/// Notes that the current request is authenticated by the API key starting with `prefix`.
pub fn used_api_key(prefix: &str) {
    if let Some(origin) = current_origin()
        && let Ok(mut via) = origin.via.lock()
    {
        *via = format!("API key {prefix}");
    }
}

/// The current request's client address and way in; `(None, "internal")` outside a request.
pub fn current() -> (Option<String>, String) {
    match current_origin() {
        Some(origin) => {
            let via = origin
                .via
                .lock()
                .map(|v| v.clone())
                .unwrap_or_else(|_| "api".to_owned());
            (origin.address, via)
        }
        None => (None, "internal".to_owned()),
    }
}
