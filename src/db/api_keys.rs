//! The `api_keys` table: keys for scripts and machines (only their SHA-256), with what each
//! reaches.

use crate::{
    db::{DbError, Exec, users::UserRecord},
    ids::{OrganizationId, UserId, WorkspaceId},
    timestamp::Timestamp,
};

pub struct NewKey<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub key_hash: &'a [u8],
    pub prefix: &'a str,
    pub organization: Option<OrganizationId>,
    pub workspace: Option<WorkspaceId>,
    pub now: Timestamp,
    pub expires_at: Option<Timestamp>,
}

/// Stores a key; `false` when the user already has one of that name.
pub async fn create(c: &mut impl Exec, key: NewKey<'_>) -> Result<bool, DbError> {
    let inserted = run!(c, x => sqlx::query(
        "INSERT INTO api_keys (id, user_id, name, key_hash, prefix, organization_id, workspace_id,
                               created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id, name) DO NOTHING",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(key.user)
    .bind(key.name)
    .bind(key.key_hash)
    .bind(key.prefix)
    .bind(key.organization)
    .bind(key.workspace)
    .bind(key.now)
    .bind(key.expires_at)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// One key of a user, with the names of the places it is limited to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub name: String,
    pub prefix: String,
    pub organization_id: Option<OrganizationId>,
    pub organization_name: Option<String>,
    pub workspace_id: Option<WorkspaceId>,
    pub workspace_name: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

const KEY_COLUMNS: &str = "k.name, k.prefix, k.organization_id, o.name AS organization_name,
    k.workspace_id, w.name AS workspace_name, k.created_at, k.expires_at, k.last_used_at";

/// The user's keys, newest first.
pub async fn for_user(c: &mut impl Exec, user: UserId) -> Result<Vec<KeyRow>, DbError> {
    let sql = format!(
        "SELECT {KEY_COLUMNS} FROM api_keys k
         LEFT JOIN organizations o ON o.id = k.organization_id
         LEFT JOIN workspaces w ON w.id = k.workspace_id
         WHERE k.user_id = $1
         ORDER BY k.created_at DESC, k.name"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(user).fetch_all(x).await)?)
}

pub async fn count_for_user(c: &mut impl Exec, user: UserId) -> Result<i64, DbError> {
    Ok(
        run!(c, x => sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE user_id = $1")
        .bind(user)
        .fetch_one(x)
        .await)?,
    )
}

/// Deletes the user's key of that name; `false` when there is none.
pub async fn delete_by_name(c: &mut impl Exec, user: UserId, name: &str) -> Result<bool, DbError> {
    let deleted = run!(c, x => sqlx::query("DELETE FROM api_keys WHERE user_id = $1 AND name = $2")
        .bind(user)
        .bind(name)
        .execute(x)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// A key found by its hash: its owner and what it reaches.
#[derive(Debug, Clone)]
pub struct FoundKey {
    pub id: uuid::Uuid,
    pub user: UserRecord,
    pub key: KeyRow,
}

#[derive(sqlx::FromRow)]
struct FoundRow {
    key_id: uuid::Uuid,
    // The owner's columns, named apart from the key's own `name` and `created_at`.
    user_id: UserId,
    user_email: String,
    user_name: String,
    user_password_hash: String,
    user_created_at: Timestamp,
    user_last_organization_id: Option<OrganizationId>,
    user_last_workspace_id: Option<WorkspaceId>,
    user_email_verified_at: Option<Timestamp>,
    #[sqlx(flatten)]
    key: KeyRow,
}

/// The key whose hash is `key_hash`, if it has not expired by `now`.
pub async fn find_live(
    c: &mut impl Exec,
    key_hash: &[u8],
    now: Timestamp,
) -> Result<Option<FoundKey>, DbError> {
    let sql = format!(
        "SELECT k.id AS key_id, u.id AS user_id, u.email AS user_email, u.name AS user_name,
                u.password_hash AS user_password_hash, u.created_at AS user_created_at,
                u.last_organization_id AS user_last_organization_id,
                u.last_workspace_id AS user_last_workspace_id,
                u.email_verified_at AS user_email_verified_at, {KEY_COLUMNS}
         FROM api_keys k
         JOIN users u ON u.id = k.user_id
         LEFT JOIN organizations o ON o.id = k.organization_id
         LEFT JOIN workspaces w ON w.id = k.workspace_id
         WHERE k.key_hash = $1 AND (k.expires_at IS NULL OR k.expires_at > $2)"
    );
    let row: Option<FoundRow> =
        run!(c, x => sqlx::query_as(&sql).bind(key_hash).bind(now).fetch_optional(x).await)?;
    Ok(row.map(|r| FoundKey {
        id: r.key_id,
        user: UserRecord {
            id: r.user_id,
            email: r.user_email,
            name: r.user_name,
            password_hash: r.user_password_hash,
            created_at: r.user_created_at,
            last_organization_id: r.user_last_organization_id,
            last_workspace_id: r.user_last_workspace_id,
            email_verified_at: r.user_email_verified_at,
        },
        key: r.key,
    }))
}

/// Notes that a key was used: at most once a minute per key, so that busy scripts do not turn
/// every read into a write.
pub async fn touch(c: &mut impl Exec, id: uuid::Uuid, now: Timestamp) -> Result<(), DbError> {
    let minute_ago = Timestamp::from_unix_millis(now.unix_millis() - 60_000);
    run!(c, x => sqlx::query(
        "UPDATE api_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(minute_ago)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}
