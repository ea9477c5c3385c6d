//! The anatools-compatible GraphQL API (the dialect of the `anatools` SDK 3.0.0, and 6.x's API
//! keys and paging; `tests/anatools/` drives the real SDKs against it): the operations the
//! `anatools` Python SDK sends, at `/graphql` and at `POST /` (where
//! `anatools.client(local=True)` posts). Every resolver calls the same service functions, and so
//! the same policy, as the web UI; nothing is decided here.

mod auth;
mod keys;
mod members;
mod places;
mod schema;
mod usage;

use async_graphql::{EmptySubscription, Schema};
use std::net::SocketAddr;

use axum::{
    Extension, Json,
    extract::{ConnectInfo, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::server::state::AppState;

pub use auth::ACCESS_TOKEN_HOURS;
use schema::{Mutation, Query};

pub type ApiSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, built once per router.
pub fn schema() -> ApiSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        // Requests are small documents; deep or huge ones are abuse.
        .limit_depth(12)
        .limit_complexity(500)
        .finish()
}

/// Answers one GraphQL request with a GraphQL body, as GraphQL servers do (the SDK reads
/// `errors[0].message`): 200 for every request that could be read, 400 for one that could not.
pub async fn handler(
    State(state): State<AppState>,
    Extension(schema): Extension<ApiSchema>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned();
    // The body limit layer has bounded it already.
    let Ok(body) = axum::body::to_bytes(body, crate::server::MAX_REQUEST_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            failure("The request is too large."),
        )
            .into_response();
    };
    let Ok(request) = serde_json::from_slice::<async_graphql::Request>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            failure("The request was not understood: send JSON with a \"query\" (and \"variables\", \"operationName\")."),
        )
            .into_response();
    };
    let caller = match auth::caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => return failure(&e.to_string()).into_response(),
    };
    let address = ClientAddress(crate::server::security::client_address(
        &state.config,
        &headers,
        peer.map(|p| p.0),
    ));
    let request = request.data(state.clone()).data(caller).data(address);
    let response = schema.execute(request).await;
    // A rate-limited operation (signIn) answers 429 with Retry-After, as the web form does;
    // the body is still the GraphQL answer the SDK reads.
    let limited = response.http_headers.contains_key(header::RETRY_AFTER);
    let mut http = Json(response).into_response();
    if limited {
        *http.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
    http
}

/// Where the request came from, for rate limits (see `server::security::client_address`).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub Option<String>);

/// A GraphQL answer with no data and one error.
fn failure(message: &str) -> Json<async_graphql::Response> {
    let error = async_graphql::ServerError::new(message, None);
    Json(async_graphql::Response::from_errors(vec![error]))
}
