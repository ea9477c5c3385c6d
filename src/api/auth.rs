//! Who is calling the API: an access token from `signIn`, sent as the headers `uid` and
//! `idtoken` (anatools 3.x) or as `Authorization: Bearer` (newer SDKs).

use axum::http::HeaderMap;

use crate::{
    db::{access_tokens, users::UserRecord},
    error::AppError,
    ids::UserId,
    server::state::AppState,
    timestamp::Timestamp,
    token,
};

/// How long an access token lasts; the SDK signs in again when it runs out.
pub const ACCESS_TOKEN_HOURS: i64 = 12;

/// The caller of one request: a user, or nobody (who may only sign in).
#[derive(Clone, Debug)]
pub struct Caller(pub Option<UserRecord>);

impl Caller {
    pub fn user(&self) -> Result<&UserRecord, AppError> {
        self.0.as_ref().ok_or(AppError::Unauthenticated)
    }
}

/// Reads the token from the headers and finds its user. A token that is missing, unknown,
/// expired, or another user's than `uid` says makes no caller; a malformed header is refused.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, AppError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let bearer = header("authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
            .map(str::trim)
    });
    let Some(raw) = header("idtoken").or(bearer).filter(|t| !t.is_empty()) else {
        return Ok(Caller(None));
    };
    let uid = match header("uid").filter(|u| !u.is_empty()) {
        Some(uid) => Some(
            uid.parse::<UserId>()
                .map_err(|_| AppError::Unauthenticated)?,
        ),
        None => None,
    };
    let mut c = state.db.conn().await?;
    let user = access_tokens::user_of(&mut c, uid, &token::hash(raw), Timestamp::now()).await?;
    Ok(Caller(user))
}

/// A new access token for `user`: (the token, its expiry).
pub async fn issue(state: &AppState, user: UserId) -> Result<(String, Timestamp), AppError> {
    let token = token::generate()?;
    let now = Timestamp::now();
    let expires_at =
        Timestamp::from_unix_millis(now.unix_millis() + ACCESS_TOKEN_HOURS * 3_600_000);
    let mut tx = state.db.begin().await?;
    // Expired tokens are swept as new ones are made: the table stays the size of its live part.
    access_tokens::delete_expired(&mut tx, now).await?;
    access_tokens::create(&mut tx, user, &token.hash, now, expires_at).await?;
    tx.commit().await?;
    Ok((token.raw, expires_at))
}
