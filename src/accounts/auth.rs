//! Who is calling: the session's user, checked against the database on every request.

use tower_sessions::Session;

use crate::{
    db::users::{self, UserRecord},
    error::AppError,
    ids::UserId,
    server::{memo::RequestMemo, state::AppState},
    timestamp::Timestamp,
};

const USER_KEY: &str = "user_id";
/// When the session was signed in (Unix milliseconds): sessions older than the user's
/// `sessions_valid_after` are over.
const SIGNED_IN_KEY: &str = "signed_in_at";
/// When the session was last refreshed (Unix seconds).
const SEEN_KEY: &str = "seen";
/// Sessions expire after a period of inactivity; refreshing the expiry on every request would
/// write to the database on every page view, so it is refreshed at most this often.
const REFRESH_EVERY_SECS: i64 = 3600;

fn session_error(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// The session of the current request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(session_error)
}

/// The signed-in user, if any. A session whose user no longer exists is ended.
/// Read once per page render (see `server::memo`).
pub async fn current_user(state: &AppState) -> Result<Option<UserRecord>, AppError> {
    let session = session().await?;
    match RequestMemo::current() {
        Some(memo) => memo.user(|| user_of_session(state, &session)).await,
        None => user_of_session(state, &session).await,
    }
}

/// The user `session` is signed in as, if any (for plain axum handlers, which have the session
/// but no Leptos context). A session whose user no longer exists, or that was ended, is ended.
pub async fn user_of_session(
    state: &AppState,
    session: &Session,
) -> Result<Option<UserRecord>, AppError> {
    let Some(id) = session
        .get::<UserId>(USER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    // Sessions from before this was recorded count as signed in at the epoch: still valid
    // until the user's sessions are first ended.
    let signed_in_at: i64 = session
        .get(SIGNED_IN_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let mut c = state.db.conn().await?;
    let found =
        users::find_for_session(&mut c, id, Timestamp::from_unix_millis(signed_in_at)).await?;
    let Some(user) = found else {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    };
    let now = Timestamp::now().unix_millis() / 1000;
    let seen: i64 = session
        .get(SEEN_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    if now - seen >= REFRESH_EVERY_SECS {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(Some(user))
}

/// Whether the session says someone signed in (without checking that the user still exists:
/// rendering does that).
pub async fn has_user(session: &Session) -> bool {
    matches!(session.get::<UserId>(USER_KEY).await, Ok(Some(_)))
}

/// The signed-in user, or "please sign in".
pub async fn require_user(state: &AppState) -> Result<UserRecord, AppError> {
    current_user(state).await?.ok_or(AppError::Unauthenticated)
}

/// Starts a signed-in session under a new id, so that an id planted before sign-in is useless.
pub async fn begin_session(user: UserId) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_KEY, user)
        .await
        .map_err(session_error)?;
    let now = Timestamp::now();
    session
        .insert(SEEN_KEY, now.unix_millis() / 1000)
        .await
        .map_err(session_error)?;
    session
        .insert(SIGNED_IN_KEY, now.unix_millis())
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Ends every other session of the signed-in user (and keeps this one): their next request
/// finds them signed out. This session gets a new id too.
pub async fn end_other_sessions(state: &AppState, user: UserId) -> Result<(), AppError> {
    let session = session().await?;
    // The line is drawn a millisecond ahead, so that a session signed in during this very
    // millisecond is ended too; this session is stamped with the line itself, first, so that
    // it is never on the wrong side of it.
    let line = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 1);
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SIGNED_IN_KEY, line.unix_millis())
        .await
        .map_err(session_error)?;
    session.save().await.map_err(session_error)?;
    let mut c = state.db.conn().await?;
    users::end_sessions_before(&mut c, user, line).await?;
    Ok(())
}

/// Ends the session: deleted from the store, the cookie cleared.
pub async fn end_session() -> Result<(), AppError> {
    session().await?.flush().await.map_err(session_error)
}
