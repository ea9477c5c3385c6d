//! The `users` table.

use crate::{
    db::{DbError, Exec},
    ids::{OrganizationId, UserId, WorkspaceId},
    timestamp::Timestamp,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: Timestamp,
    pub last_organization_id: Option<OrganizationId>,
    pub last_workspace_id: Option<WorkspaceId>,
    /// When the address was proven to reach this account's holder; `None` while unverified.
    pub email_verified_at: Option<Timestamp>,
}

impl UserRecord {
    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }
}

const COLUMNS: &str = "id, email, name, password_hash, created_at, last_organization_id, \
     last_workspace_id, email_verified_at";

pub struct NewUser<'a> {
    pub id: UserId,
    /// Already normalised.
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub now: Timestamp,
}

/// Inserts a user. A taken email answers [`DbError::UniqueViolation`].
pub async fn create(c: &mut impl Exec, user: NewUser<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.name)
    .bind(user.password_hash)
    .bind(user.now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn find_by_id(c: &mut impl Exec, id: UserId) -> Result<Option<UserRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(id).fetch_optional(x).await)?)
}

/// The user of a session that began at `signed_in_at`, unless their sessions were ended
/// after it (a password change, "sign out everywhere else"): `None` then, as for a user who no
/// longer exists.
pub async fn find_for_session(
    c: &mut impl Exec,
    id: UserId,
    signed_in_at: Timestamp,
) -> Result<Option<UserRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND sessions_valid_after <= $2");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(id).bind(signed_in_at).fetch_optional(x).await)?)
}

/// Ends every session of the user that began before `now`.
pub async fn end_sessions_before(
    c: &mut impl Exec,
    id: UserId,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query("UPDATE users SET sessions_valid_after = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// `email` must be normalised the way it was stored.
pub async fn find_by_email(c: &mut impl Exec, email: &str) -> Result<Option<UserRecord>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(email).fetch_optional(x).await)?)
}

/// Remembers where the user was, so that the next sign-in starts there.
pub async fn set_last_used(
    c: &mut impl Exec,
    id: UserId,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE users SET last_organization_id = $2, last_workspace_id = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(organization)
    .bind(workspace)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn set_password_hash(
    c: &mut impl Exec,
    id: UserId,
    password_hash: &str,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Marks the account's address verified, if it is still `email` (a link for an address the
/// account has since left verifies nothing).
pub async fn set_verified(
    c: &mut impl Exec,
    id: UserId,
    email: &str,
    now: Timestamp,
) -> Result<bool, DbError> {
    Ok(run!(c, x => sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $3), updated_at = $3
         WHERE id = $1 AND email = $2",
    )
    .bind(id)
    .bind(email)
    .bind(now)
    .execute(x)
    .await
    .map(|r| r.rows_affected() == 1))?)
}

/// Moves the account to a new, just verified, address. A taken address answers
/// [`DbError::UniqueViolation`].
pub async fn set_email(
    c: &mut impl Exec,
    id: UserId,
    email: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(email)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn set_name(
    c: &mut impl Exec,
    id: UserId,
    name: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query("UPDATE users SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(x)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Whether any account exists (the first sign-up of an empty instance is always allowed).
pub async fn any(c: &mut impl Exec) -> Result<bool, DbError> {
    let found: Option<i32> = run!(c, x => sqlx::query_scalar("SELECT 1 FROM users LIMIT 1")
        .fetch_optional(x)
        .await)?;
    Ok(found.is_some())
}
