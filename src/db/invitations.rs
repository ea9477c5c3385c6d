//! The `invitations` table: open (pending) invitations and their history.

use crate::{
    db::{DbError, Exec, Executor},
    ids::{InvitationId, OrganizationId, UserId, WorkspaceId},
    roles::Role,
    timestamp::Timestamp,
};

pub struct NewInvitation<'a> {
    pub id: InvitationId,
    pub organization: OrganizationId,
    pub workspace: Option<WorkspaceId>,
    /// Normalised.
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a [u8],
    pub invited_by: UserId,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// An invitation with what its lists show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub workspace_id: Option<WorkspaceId>,
    pub workspace_name: Option<String>,
    pub email: String,
    pub role: Role,
    pub invited_by_name: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

const SELECT: &str = "SELECT i.id, i.organization_id, o.name AS organization_name, i.workspace_id,
        w.name AS workspace_name, i.email, i.role, u.name AS invited_by_name, i.created_at,
        i.expires_at
     FROM invitations i
     JOIN organizations o ON o.id = i.organization_id
     LEFT JOIN workspaces w ON w.id = i.workspace_id
     LEFT JOIN users u ON u.id = i.invited_by";

/// "Open": neither accepted, declined nor revoked (it may have expired).
const OPEN: &str = "i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL";
/// [`OPEN`] for statements on the table alone.
const OPEN_ROW: &str = "accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL";

pub async fn create(c: &mut impl Exec, inv: NewInvitation<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO invitations
            (id, organization_id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(inv.id)
    .bind(inv.organization)
    .bind(inv.workspace)
    .bind(inv.email)
    .bind(inv.role)
    .bind(inv.token_hash)
    .bind(inv.invited_by)
    .bind(inv.now)
    .bind(inv.expires_at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The open invitation of `email` to the organization itself (not to one of its workspaces).
pub async fn find_open_to_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    email: &str,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!(
        "{SELECT} WHERE i.organization_id = $1 AND i.workspace_id IS NULL AND i.email = $2 AND {OPEN}"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(organization).bind(email).fetch_optional(x).await)?)
}

/// What an invitation sent again gets anew.
pub struct Renewal<'a> {
    pub role: Role,
    pub token_hash: &'a [u8],
    pub invited_by: UserId,
    pub now: Timestamp,
    pub expires_at: Timestamp,
}

/// Gives an open invitation a new token, role, inviter and expiry (an expired invitation sent
/// again keeps its row: one open invitation per address).
pub async fn renew(c: &mut impl Exec, id: InvitationId, r: Renewal<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "UPDATE invitations SET role = $2, token_hash = $3, invited_by = $4, created_at = $5, expires_at = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(r.role)
    .bind(r.token_hash)
    .bind(r.invited_by)
    .bind(r.now)
    .bind(r.expires_at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Pending invitations to the organization itself, newest first: open and not expired.
pub async fn pending_to_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<Vec<InvitationRecord>, DbError> {
    let sql = format!(
        "{SELECT} WHERE i.organization_id = $1 AND i.workspace_id IS NULL AND {OPEN}
           AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.id"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(organization).bind(now).fetch_all(x).await)?)
}

/// How many invitations to the organization itself are pending: they count toward Members.
pub async fn count_pending_to_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<i64, DbError> {
    let sql = format!(
        "SELECT COUNT(*) FROM invitations i WHERE i.organization_id = $1 AND i.workspace_id IS NULL
           AND {OPEN} AND i.expires_at > $2"
    );
    Ok(run!(c, x => sqlx::query_scalar(&sql).bind(organization).bind(now).fetch_one(x).await)?)
}

/// Revokes an open invitation to the organization itself; answers its email and role, or
/// `None` when there is none.
pub async fn revoke_to_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    id: InvitationId,
    now: Timestamp,
) -> Result<Option<(String, Role)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "UPDATE invitations SET revoked_at = $3
         WHERE id = $2 AND organization_id = $1 AND workspace_id IS NULL
           AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL
         RETURNING email, role",
    )
        .bind(organization)
        .bind(id)
        .bind(now)
        .fetch_optional(x)
        .await)?)
}

/// Pending invitations addressed to `email`, to organizations and to workspaces, newest first.
pub async fn pending_for_email(
    c: &mut impl Exec,
    email: &str,
    now: Timestamp,
) -> Result<Vec<InvitationRecord>, DbError> {
    let sql = format!(
        "{SELECT} WHERE i.email = $1 AND {OPEN} AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.id"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(email).bind(now).fetch_all(x).await)?)
}

pub async fn count_pending_for_email(
    c: &mut impl Exec,
    email: &str,
    now: Timestamp,
) -> Result<i64, DbError> {
    let sql = format!(
        "SELECT COUNT(*) FROM invitations i WHERE i.email = $1 AND {OPEN} AND i.expires_at > $2"
    );
    Ok(run!(c, x => sqlx::query_scalar(&sql).bind(email).bind(now).fetch_one(x).await)?)
}

/// A pending invitation addressed to `email`, by id, whatever its scope.
pub async fn find_pending_for_email(
    c: &mut impl Exec,
    id: InvitationId,
    email: &str,
    now: Timestamp,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!("{SELECT} WHERE i.id = $1 AND i.email = $2 AND {OPEN} AND i.expires_at > $3");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(id).bind(email).bind(now).fetch_optional(x).await)?)
}

/// The open invitation of `email` to the workspace.
pub async fn find_open_to_workspace(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    email: &str,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!("{SELECT} WHERE i.workspace_id = $1 AND i.email = $2 AND {OPEN}");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(workspace).bind(email).fetch_optional(x).await)?)
}

/// An open invitation to the workspace, by id (expired or not).
pub async fn find_open_to_workspace_by_id(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    id: InvitationId,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!("{SELECT} WHERE i.id = $2 AND i.workspace_id = $1 AND {OPEN}");
    Ok(run!(c, x => sqlx::query_as(&sql).bind(workspace).bind(id).fetch_optional(x).await)?)
}

/// Pending guest invitations to the workspace, newest first: open and not expired.
pub async fn pending_to_workspace(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    now: Timestamp,
) -> Result<Vec<InvitationRecord>, DbError> {
    let sql = format!(
        "{SELECT} WHERE i.workspace_id = $1 AND {OPEN} AND i.expires_at > $2
         ORDER BY i.created_at DESC, i.id"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(workspace).bind(now).fetch_all(x).await)?)
}

/// Revokes an open guest invitation to the workspace; answers its email and role, or `None`
/// when there is none.
pub async fn revoke_to_workspace(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    id: InvitationId,
    now: Timestamp,
) -> Result<Option<(String, Role)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "UPDATE invitations SET revoked_at = $3
         WHERE id = $2 AND workspace_id = $1
           AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL
         RETURNING email, role",
    )
        .bind(workspace)
        .bind(id)
        .bind(now)
        .fetch_optional(x)
        .await)?)
}

/// Locks the invitation's row for the rest of the transaction (PostgreSQL; SQLite's write
/// transactions hold the whole database already) and answers its role and token hash while it
/// is still open, `None` once it was accepted, declined or revoked. Taken after the
/// organization's lock, the order every writer of invitations follows.
pub async fn lock_open(
    c: &mut impl Exec,
    id: InvitationId,
) -> Result<Option<(Role, Vec<u8>)>, DbError> {
    let open = "SELECT role, token_hash FROM invitations
         WHERE id = $1 AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL";
    Ok(match c.exec() {
        Executor::Sqlite(x) => sqlx::query_as(open).bind(id).fetch_optional(x).await?,
        Executor::Postgres(x) => {
            sqlx::query_as(&format!("{open} FOR UPDATE"))
                .bind(id)
                .fetch_optional(x)
                .await?
        }
    })
}

/// Marks an open invitation accepted by `user`; `false` when it was no longer open (answered
/// or revoked meanwhile), and then nothing changes.
pub async fn mark_accepted(
    c: &mut impl Exec,
    id: InvitationId,
    user: UserId,
    now: Timestamp,
) -> Result<bool, DbError> {
    let sql = format!(
        "UPDATE invitations SET accepted_at = $3, accepted_by = $2 WHERE id = $1 AND {OPEN_ROW}"
    );
    Ok(run!(c, x => sqlx::query(&sql)
        .bind(id)
        .bind(user)
        .bind(now)
        .execute(x)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

/// Marks an open invitation declined; `false` when it was no longer open.
pub async fn mark_declined(
    c: &mut impl Exec,
    id: InvitationId,
    now: Timestamp,
) -> Result<bool, DbError> {
    let sql = format!("UPDATE invitations SET declined_at = $2 WHERE id = $1 AND {OPEN_ROW}");
    Ok(run!(c, x => sqlx::query(&sql)
        .bind(id)
        .bind(now)
        .execute(x)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

/// An open invitation revoked because its sender lost the right to send it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevokedRecord {
    pub id: InvitationId,
    pub workspace_id: Option<WorkspaceId>,
    pub email: String,
    pub role: Role,
}

/// Revokes the open invitations `sender` sent to the organization and its workspaces that
/// `which` selects, and answers them.
pub async fn revoke_sent_by(
    c: &mut impl Exec,
    organization: OrganizationId,
    sender: UserId,
    which: SentBy,
    now: Timestamp,
) -> Result<Vec<RevokedRecord>, DbError> {
    let scope = match which {
        SentBy::All => "",
        SentBy::AdminInvitations => "AND workspace_id IS NULL AND role = 'admin'",
    };
    let sql = format!(
        "UPDATE invitations SET revoked_at = $3
         WHERE organization_id = $1 AND invited_by = $2 AND {OPEN_ROW} {scope}
         RETURNING id, workspace_id, email, role"
    );
    Ok(run!(c, x => sqlx::query_as(&sql)
        .bind(organization)
        .bind(sender)
        .bind(now)
        .fetch_all(x)
        .await)?)
}

/// Which of a sender's open invitations [`revoke_sent_by`] revokes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentBy {
    /// Every one, to the organization and to its workspaces: the sender left or was removed.
    All,
    /// Invitations to join as an admin: the sender is no longer one.
    AdminInvitations,
}

/// An invitation as its link page sees it, whatever became of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRecord {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub workspace_id: Option<WorkspaceId>,
    pub workspace_name: Option<String>,
    pub email: String,
    pub role: Role,
    pub invited_by_name: Option<String>,
    pub invited_by_email: Option<String>,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub declined_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// The invitation whose token hashes to `token_hash` (a token replaced by a resend finds none).
pub async fn find_by_token(
    c: &mut impl Exec,
    token_hash: &[u8],
) -> Result<Option<LinkRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT i.id, i.organization_id, o.name AS organization_name, i.workspace_id,
            w.name AS workspace_name, i.email, i.role, u.name AS invited_by_name,
            u.email AS invited_by_email, i.expires_at, i.accepted_at, i.declined_at, i.revoked_at
         FROM invitations i
         JOIN organizations o ON o.id = i.organization_id
         LEFT JOIN workspaces w ON w.id = i.workspace_id
         LEFT JOIN users u ON u.id = i.invited_by
         WHERE i.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(x)
    .await)?)
}

/// An open invitation to the organization itself, by id (expired or not).
pub async fn find_open_to_organization_by_id(
    c: &mut impl Exec,
    organization: OrganizationId,
    id: InvitationId,
) -> Result<Option<InvitationRecord>, DbError> {
    let sql = format!(
        "{SELECT} WHERE i.id = $2 AND i.organization_id = $1 AND i.workspace_id IS NULL AND {OPEN}"
    );
    Ok(run!(c, x => sqlx::query_as(&sql).bind(organization).bind(id).fetch_optional(x).await)?)
}

/// An invitation that is no longer pending, with how it ended.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClosedRecord {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by_name: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub declined_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Invitations to the organization itself that were accepted, declined, revoked or that
/// expired, most recently ended first, at most `limit`.
pub async fn history_of_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    now: Timestamp,
    limit: i64,
) -> Result<Vec<ClosedRecord>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT i.id, i.email, i.role, u.name AS invited_by_name, i.created_at, i.expires_at,
            i.accepted_at, i.declined_at, i.revoked_at
         FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
         WHERE i.organization_id = $1 AND i.workspace_id IS NULL
           AND (i.accepted_at IS NOT NULL OR i.declined_at IS NOT NULL OR i.revoked_at IS NOT NULL
                OR i.expires_at <= $2)
         ORDER BY COALESCE(i.accepted_at, i.declined_at, i.revoked_at, i.expires_at) DESC, i.id
         LIMIT $3",
    )
    .bind(organization)
    .bind(now)
    .bind(limit)
    .fetch_all(x)
    .await)?)
}

/// Where an invitation leads: its organization, and its workspace for a guest invitation.
pub async fn place_of(
    c: &mut impl Exec,
    id: InvitationId,
) -> Result<Option<(OrganizationId, Option<WorkspaceId>)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT organization_id, workspace_id FROM invitations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(x)
    .await)?)
}
