//! The `account_links` table: the links orgspace emails about an account (verifying an
//! address, resetting a password), kept as hashes, each used once.

use crate::{
    db::{DbError, Exec},
    ids::UserId,
    timestamp::Timestamp,
};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Proves that the account's holder reads the mail of `email`: the account's address, or
    /// the one it is changing to.
    VerifyEmail,
    /// Lets the holder of the account's inbox set a new password.
    ResetPassword,
}

impl Purpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }
}

impl std::str::FromStr for Purpose {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "verify_email" => Ok(Purpose::VerifyEmail),
            "reset_password" => Ok(Purpose::ResetPassword),
            other => Err(format!("unknown link purpose {other:?}")),
        }
    }
}

crate::db::text_enum!(Purpose);

pub struct NewLink<'a> {
    pub user: UserId,
    pub purpose: Purpose,
    /// Normalised.
    pub email: &'a str,
    pub token_hash: &'a [u8],
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// A link, with the account it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRecord {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub purpose: Purpose,
    pub email: String,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
    /// The account's address now (a link for a new address differs from it).
    pub user_email: String,
    pub user_name: String,
}

/// Stores a new link. The account's earlier open links of the same purpose stop working: only
/// the newest email counts.
pub async fn create(c: &mut impl Exec, link: NewLink<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE account_links SET used_at = $3
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(link.user)
    .bind(link.purpose)
    .bind(link.now)
    .execute(&mut *x)
    .await
    .map(|_| ()))?;
    run!(c, x => sqlx::query(
        "INSERT INTO account_links (id, user_id, purpose, email, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(link.user)
    .bind(link.purpose)
    .bind(link.email)
    .bind(link.token_hash)
    .bind(link.now)
    .bind(link.expires_at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The link whose token hashes to `token_hash`, used or not.
pub async fn find_by_token(
    c: &mut impl Exec,
    purpose: Purpose,
    token_hash: &[u8],
) -> Result<Option<LinkRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT l.id, l.user_id, l.purpose, l.email, l.expires_at, l.used_at,
                u.email AS user_email, u.name AS user_name
         FROM account_links l JOIN users u ON u.id = l.user_id
         WHERE l.token_hash = $1 AND l.purpose = $2",
    )
    .bind(token_hash)
    .bind(purpose)
    .fetch_optional(x)
    .await)?)
}

/// Marks the link used, if it still was not: `false` when another request used it first (and
/// then nothing may change).
pub async fn use_once(c: &mut impl Exec, id: uuid::Uuid, now: Timestamp) -> Result<bool, DbError> {
    Ok(run!(c, x => sqlx::query(
        "UPDATE account_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .execute(x)
    .await
    .map(|r| r.rows_affected() == 1))?)
}

/// Ends every open link of the account's of `purpose` (a password reset ends the others).
pub async fn end_all(
    c: &mut impl Exec,
    user: UserId,
    purpose: Purpose,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE account_links SET used_at = $3
         WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(user)
    .bind(purpose)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The address the account is changing to: the newest open verification link for an address
/// other than its own.
pub async fn pending_email(
    c: &mut impl Exec,
    user: UserId,
    now: Timestamp,
) -> Result<Option<String>, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT l.email FROM account_links l JOIN users u ON u.id = l.user_id
         WHERE l.user_id = $1 AND l.purpose = 'verify_email' AND l.used_at IS NULL
           AND l.expires_at > $2 AND l.email <> u.email
         ORDER BY l.created_at DESC LIMIT 1",
    )
    .bind(user)
    .bind(now)
    .fetch_optional(x)
    .await)?)
}
