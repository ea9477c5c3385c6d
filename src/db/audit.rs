//! The `audit_events` table: one row per change, read newest first by keyset on `(at, id)`.

use crate::{
    db::{DbError, Exec},
    ids::{OrganizationId, UserId, WorkspaceId},
    timestamp::Timestamp,
};

pub struct NewEvent<'a> {
    pub organization: OrganizationId,
    /// The workspace the change was in; its name is read in the same statement.
    pub workspace: Option<WorkspaceId>,
    pub actor: Option<UserId>,
    pub actor_name: &'a str,
    pub actor_email: &'a str,
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: Option<String>,
    pub target_label: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<&'a str>,
    pub via: &'a str,
    pub at: Timestamp,
}

pub async fn insert(c: &mut impl Exec, e: NewEvent<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO audit_events (organization_id, workspace_id, workspace_name, actor_id,
             actor_name, actor_email, action, target_kind, target_id, target_label, before,
             after, address, via, at)
         VALUES ($1, $2, (SELECT name FROM workspaces WHERE id = $2), $3, $4, $5, $6, $7, $8,
                 $9, $10, $11, $12, $13, $14)",
    )
    .bind(e.organization)
    .bind(e.workspace)
    .bind(e.actor)
    .bind(e.actor_name)
    .bind(e.actor_email)
    .bind(e.action)
    .bind(e.target_kind)
    .bind(e.target_id)
    .bind(e.target_label)
    .bind(e.before)
    .bind(e.after)
    .bind(e.address)
    .bind(e.via)
    .bind(e.at)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// One stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub workspace_id: Option<WorkspaceId>,
    pub workspace_name: Option<String>,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub actor_email: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    pub target_label: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
    pub via: String,
    pub at: Timestamp,
}

/// Which events of an organization to read.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub actor_email: Option<&'a str>,
    pub action: Option<&'a str>,
    /// From this time on (inclusive).
    pub since: Option<Timestamp>,
    /// Before this time (exclusive).
    pub until: Option<Timestamp>,
    /// Older than this event (`at`, `id`): the keyset of the next page.
    pub older_than: Option<(Timestamp, i64)>,
}

/// At most `limit` events of `organization` matching `q`, newest first. Every filter is a
/// prefix of one index (`organization_id, [actor_email | action,] at, id`), so a page costs the
/// same on the first page and the thousandth, at any size of the log.
pub async fn page(
    c: &mut impl Exec,
    organization: OrganizationId,
    q: &Query<'_>,
    limit: i64,
) -> Result<Vec<EventRow>, DbError> {
    let mut sql = String::from(
        "SELECT id, workspace_id, workspace_name, actor_id, actor_name, actor_email, action,
                target_kind, target_id, target_label, before, after, address, via, at
         FROM audit_events WHERE organization_id = $1",
    );
    let mut n = 1;
    let mut next = || {
        n += 1;
        n
    };
    if q.actor_email.is_some() {
        sql.push_str(&format!(" AND actor_email = ${}", next()));
    }
    if q.action.is_some() {
        sql.push_str(&format!(" AND action = ${}", next()));
    }
    if q.since.is_some() {
        sql.push_str(&format!(" AND at >= ${}", next()));
    }
    if q.until.is_some() {
        sql.push_str(&format!(" AND at < ${}", next()));
    }
    if q.older_than.is_some() {
        let (a, b) = (next(), next());
        sql.push_str(&format!(" AND (at, id) < (${a}, ${b})"));
    }
    sql.push_str(&format!(" ORDER BY at DESC, id DESC LIMIT ${}", next()));
    Ok(run!(c, x => {
        let mut query = sqlx::query_as(&sql).bind(organization);
        if let Some(actor) = q.actor_email {
            query = query.bind(actor);
        }
        if let Some(action) = q.action {
            query = query.bind(action);
        }
        if let Some(since) = q.since {
            query = query.bind(since);
        }
        if let Some(until) = q.until {
            query = query.bind(until);
        }
        if let Some((at, id)) = q.older_than {
            query = query.bind(at).bind(id);
        }
        query.bind(limit).fetch_all(x).await
    })?)
}
