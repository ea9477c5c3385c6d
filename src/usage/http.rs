//! `POST /api/usage`: usage reports as plain JSON, for machines that speak no GraphQL.
//!
//! ```text
//! POST /api/usage
//! apikey: osk_...
//! {"setting": "Compute Time", "amount": 1.5, "workspaceId": "...", "channel": "...",
//!  "instanceType": "...", "member": "ada@example.com"}
//! ```
//!
//! Answers 200 with `{"organizationId", "workspaceId", "setting", "usage", "limit"}`, or an error
//! status with `{"error": code, "message": sentence}` (and the figures, for `limit_reached`).

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    api_keys::service as api_keys,
    error::AppError,
    server::state::AppState,
    usage::service::{self, Report},
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    organization_id: Option<String>,
    workspace_id: Option<String>,
    setting: String,
    amount: f64,
    channel: Option<String>,
    instance_type: Option<String>,
    member: Option<String>,
}

pub async fn report(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match answer(&state, &headers, &body).await {
        Ok(value) => Json(value).into_response(),
        Err(e) => failure(&e),
    }
}

async fn answer(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, AppError> {
    let key = headers
        .get("apikey")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(AppError::Unauthenticated)?;
    let caller = api_keys::authenticate(state, key)
        .await?
        .ok_or(AppError::InvalidApiKey)?;
    let body: Body = serde_json::from_slice(body).map_err(|e| {
        AppError::field(
            "body",
            format!(
                "Send JSON like {{\"setting\": \"Compute Time\", \"amount\": 1.5}} ({}).",
                e.to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("unreadable")
            ),
        )
    })?;
    let place = service::place_for(
        caller.reach,
        id(body.organization_id.as_deref(), "organizationId")?,
        id(body.workspace_id.as_deref(), "workspaceId")?,
    )?;
    let reported = service::report(
        state,
        &caller.user,
        caller.reach,
        place,
        Report {
            setting: body.setting,
            amount: body.amount,
            channel: body.channel,
            instance_type: body.instance_type,
            member: body.member,
        },
    )
    .await?;
    Ok(json!({
        "organizationId": reported.organization.to_string(),
        "workspaceId": reported.workspace.map(|w| w.to_string()),
        "setting": reported.setting.label(),
        "usage": reported.usage,
        "limit": reported.limit,
    }))
}

/// An optional id of the body: absent, or one that parses.
fn id<T: std::str::FromStr>(raw: Option<&str>, field: &str) -> Result<Option<T>, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(field, "That is not an id orgspace made.")),
    }
}

fn failure(e: &AppError) -> Response {
    let code = match e {
        AppError::Unauthenticated | AppError::InvalidCredentials => "unauthenticated",
        AppError::InvalidApiKey => "invalid_api_key",
        AppError::OutsideKeyScope => "outside_key_scope",
        AppError::Forbidden | AppError::NeedsSignIn => "forbidden",
        AppError::NotFound => "not_found",
        AppError::LimitReached { .. } | AppError::UsageOverLimit { .. } => "limit_reached",
        AppError::Conflict(_) => "conflict",
        AppError::Validation(_) => "invalid",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::BadRequest => "bad_request",
        AppError::Network | AppError::Internal => "internal",
    };
    let mut body = json!({ "error": code, "message": e.to_string() });
    match e {
        AppError::UsageOverLimit {
            setting,
            limit,
            usage_milli,
            amount_milli,
            ..
        } => {
            body["setting"] = json!(setting.label());
            body["limit"] = json!(limit);
            body["usage"] = json!(*usage_milli as f64 / 1000.0);
            body["amount"] = json!(*amount_milli as f64 / 1000.0);
        }
        AppError::Validation(errors) => {
            body["fields"] = json!(
                errors
                    .0
                    .iter()
                    .map(|f| json!({ "field": f.field, "message": f.message }))
                    .collect::<Vec<_>>()
            );
        }
        _ => {}
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("apikey"),
        );
    }
    response
}
