//! The `access_tokens` table: what scripts sign in with (only the tokens' SHA-256).

use crate::{
    db::{DbError, Exec, users::UserRecord},
    ids::UserId,
    timestamp::Timestamp,
};

pub async fn create(
    c: &mut impl Exec,
    user: UserId,
    token_hash: &[u8],
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO access_tokens (id, user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(user)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The user of an unexpired token whose hash is `token_hash`, if `user` is theirs.
pub async fn user_of(
    c: &mut impl Exec,
    user: Option<UserId>,
    token_hash: &[u8],
    now: Timestamp,
) -> Result<Option<UserRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.last_organization_id,
                u.last_workspace_id, u.email_verified_at
         FROM access_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.expires_at > $2 AND ($3 IS NULL OR t.user_id = $3)",
    )
    .bind(token_hash)
    .bind(now)
    .bind(user)
    .fetch_optional(x)
    .await)?)
}

/// Ends every token of `user` (signing out, a new password).
pub async fn delete_for_user(c: &mut impl Exec, user: UserId) -> Result<(), DbError> {
    run!(c, x => sqlx::query("DELETE FROM access_tokens WHERE user_id = $1")
        .bind(user)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Forgets tokens that expired before `now`.
pub async fn delete_expired(c: &mut impl Exec, now: Timestamp) -> Result<u64, DbError> {
    Ok(
        run!(c, x => sqlx::query("DELETE FROM access_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))?,
    )
}
