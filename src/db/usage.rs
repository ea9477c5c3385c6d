//! The `usage_reports` table: metered usage reported over the API (what is summed or read
//! back as the current level lives with the limits, in `db::limits`).

use crate::{
    db::{DbError, Exec},
    ids::{OrganizationId, UserId, WorkspaceId},
    limits::Setting,
    timestamp::Timestamp,
};

pub struct NewReport<'a> {
    pub organization: OrganizationId,
    pub workspace: Option<WorkspaceId>,
    pub setting: Setting,
    pub amount: f64,
    pub channel: Option<&'a str>,
    pub instance_type: Option<&'a str>,
    pub reported_by: UserId,
    pub used_by: Option<UserId>,
    pub now: Timestamp,
}

pub async fn insert(c: &mut impl Exec, r: NewReport<'_>) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO usage_reports (id, organization_id, workspace_id, setting, amount, channel,
                                    instance_type, reported_by, used_by, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(r.organization)
    .bind(r.workspace)
    .bind(r.setting)
    .bind(r.amount)
    .bind(r.channel)
    .bind(r.instance_type)
    .bind(r.reported_by)
    .bind(r.used_by)
    .bind(r.now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Compute Time of one month, by channel and instance type.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MonthlyCompute {
    pub channel: Option<String>,
    pub instance_type: Option<String>,
    pub hours: f64,
}

/// The organization's Compute Time reported in `[from, until)`, optionally of one workspace and
/// one user, by channel and instance type.
pub async fn monthly_compute(
    c: &mut impl Exec,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
    used_by: Option<UserId>,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<MonthlyCompute>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT channel, instance_type, SUM(amount) AS hours FROM usage_reports
         WHERE organization_id = $1 AND setting = 'compute_time'
           AND reported_at >= $2 AND reported_at < $3
           AND ($4 IS NULL OR workspace_id = $4)
           AND ($5 IS NULL OR used_by = $5)
         GROUP BY channel, instance_type
         ORDER BY channel, instance_type",
    )
    .bind(organization)
    .bind(from)
    .bind(until)
    .bind(workspace)
    .bind(used_by)
    .fetch_all(x)
    .await)?)
}
