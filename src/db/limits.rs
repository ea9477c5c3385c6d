//! Limits set by admins (`organization_limits`, `workspace_limits`) and the usage they are
//! measured against: counted from the application's own rows, or reported (`usage_reports`).

use crate::{
    db::{DbError, Exec},
    ids::{OrganizationId, WorkspaceId},
    limits::Setting,
    timestamp::Timestamp,
};

/// The limits an admin has set on the organization; settings without a row have the platform
/// default.
pub async fn organization_overrides(
    c: &mut impl Exec,
    organization: OrganizationId,
) -> Result<Vec<(Setting, i64)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT setting, limit_value FROM organization_limits WHERE organization_id = $1",
    )
    .bind(organization)
    .fetch_all(x)
    .await)?)
}

pub async fn organization_override(
    c: &mut impl Exec,
    organization: OrganizationId,
    setting: Setting,
) -> Result<Option<i64>, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT limit_value FROM organization_limits WHERE organization_id = $1 AND setting = $2",
    )
    .bind(organization)
    .bind(setting)
    .fetch_optional(x)
    .await)?)
}

pub async fn workspace_override(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    setting: Setting,
) -> Result<Option<i64>, DbError> {
    Ok(run!(c, x => sqlx::query_scalar(
        "SELECT limit_value FROM workspace_limits WHERE workspace_id = $1 AND setting = $2",
    )
    .bind(workspace)
    .bind(setting)
    .fetch_optional(x)
    .await)?)
}

/// A workspace's guests and its pending (open, unexpired) guest invitations, in one round trip.
pub async fn workspace_guests(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    now: Timestamp,
) -> Result<(i64, i64), DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'guest'),
            (SELECT COUNT(*) FROM invitations WHERE workspace_id = $1 AND accepted_at IS NULL
                AND declined_at IS NULL AND revoked_at IS NULL AND expires_at > $2)",
    )
    .bind(workspace)
    .bind(now)
    .fetch_one(x)
    .await)?)
}

pub async fn set_organization_limit(
    c: &mut impl Exec,
    organization: OrganizationId,
    setting: Setting,
    value: i64,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO organization_limits (organization_id, setting, limit_value, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organization_id, setting)
         DO UPDATE SET limit_value = excluded.limit_value, updated_at = excluded.updated_at",
    )
    .bind(organization)
    .bind(setting)
    .bind(value)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// What the organization's own rows say, in one round trip.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct OrganizationCounts {
    pub members: i64,
    pub pending_member_invitations: i64,
    pub workspaces: i64,
    pub channels: i64,
    pub volumes: i64,
}

pub async fn organization_counts(
    c: &mut impl Exec,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<OrganizationCounts, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT
            -- Kept by triggers on organization_members.
            COALESCE((SELECT member_count FROM organizations WHERE id = $1), 0) AS members,
            (SELECT COUNT(*) FROM invitations WHERE organization_id = $1 AND workspace_id IS NULL
                AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL
                AND expires_at > $2) AS pending_member_invitations,
            (SELECT COUNT(*) FROM workspaces WHERE organization_id = $1) AS workspaces,
            (SELECT COUNT(*) FROM channels WHERE organization_id = $1) AS channels,
            (SELECT COUNT(*) FROM volumes WHERE organization_id = $1) AS volumes",
    )
    .bind(organization)
    .bind(now)
    .fetch_one(x)
    .await)?)
}

/// Reported usage of the organization: Compute Time summed since `month_start`, of the
/// organization and its workspaces alike; each level (storage, instances) as the sum of the
/// last report for the organization as a whole and the last report of each of its workspaces.
pub async fn organization_metered(
    c: &mut impl Exec,
    organization: OrganizationId,
    month_start: Timestamp,
) -> Result<Vec<(Setting, f64)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT setting, SUM(amount) FROM usage_reports
         WHERE organization_id = $1 AND setting = 'compute_time' AND reported_at >= $2
         GROUP BY setting
         UNION ALL
         SELECT setting, SUM(amount) FROM (
            SELECT setting, amount, ROW_NUMBER() OVER (
                PARTITION BY workspace_id, setting ORDER BY reported_at DESC, id DESC) AS newest
            FROM usage_reports WHERE organization_id = $1 AND setting <> 'compute_time'
         ) latest
         WHERE newest = 1
         GROUP BY setting",
    )
    .bind(organization)
    .bind(month_start)
    .fetch_all(x)
    .await)?)
}

/// The level of `setting` last reported for the organization as a whole (not for one of its
/// workspaces), 0 when none was.
pub async fn organization_own_level(
    c: &mut impl Exec,
    organization: OrganizationId,
    setting: Setting,
) -> Result<f64, DbError> {
    let found: Option<f64> = run!(c, x => sqlx::query_scalar(
        "SELECT amount FROM usage_reports
         WHERE organization_id = $1 AND workspace_id IS NULL AND setting = $2
         ORDER BY reported_at DESC, id DESC LIMIT 1",
    )
    .bind(organization)
    .bind(setting)
    .fetch_optional(x)
    .await)?;
    Ok(found.unwrap_or(0.0))
}

/// The limits an admin has set on the workspace.
pub async fn workspace_overrides(
    c: &mut impl Exec,
    workspace: WorkspaceId,
) -> Result<Vec<(Setting, i64)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT setting, limit_value FROM workspace_limits WHERE workspace_id = $1",
    )
    .bind(workspace)
    .fetch_all(x)
    .await)?)
}

pub async fn set_workspace_limit(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    setting: Setting,
    value: i64,
    now: Timestamp,
) -> Result<(), DbError> {
    run!(c, x => sqlx::query(
        "INSERT INTO workspace_limits (workspace_id, setting, limit_value, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, setting)
         DO UPDATE SET limit_value = excluded.limit_value, updated_at = excluded.updated_at",
    )
    .bind(workspace)
    .bind(setting)
    .bind(value)
    .bind(now)
    .execute(x)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Reported usage of the workspace: Compute Time summed since `month_start`; the levels
/// (storage, datasets, instances) as last reported for it.
pub async fn workspace_metered(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    month_start: Timestamp,
) -> Result<Vec<(Setting, f64)>, DbError> {
    Ok(run!(c, x => sqlx::query_as(
        "SELECT setting, SUM(amount) FROM usage_reports
         WHERE workspace_id = $1 AND setting = 'compute_time' AND reported_at >= $2
         GROUP BY setting
         UNION ALL
         SELECT setting, amount FROM (
            SELECT setting, amount, ROW_NUMBER() OVER (
                PARTITION BY setting ORDER BY reported_at DESC, id DESC) AS newest
            FROM usage_reports WHERE workspace_id = $1 AND setting <> 'compute_time'
         ) latest
         WHERE newest = 1",
    )
    .bind(workspace)
    .bind(month_start)
    .fetch_all(x)
    .await)?)
}
