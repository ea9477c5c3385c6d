//! Limits and usage: what a meter shows, and the checks every write that raises usage makes
//! inside its own transaction.

use serde_json::json;

use crate::{
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{DbError, Exec, limits as db, users::UserRecord},
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
    limits::{LimitUsage, OrganizationLimits, Scope, Setting, WorkspaceLimits},
    policy::{Operation, authorize, authorize_in_organization, authorize_in_workspace},
    server::{config::Config, state::AppState},
    timestamp::Timestamp,
};

pub async fn get(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<OrganizationLimits, AppError> {
    let mut c = state.db.conn().await?;
    let (organization, role) = crate::organizations::service::resolve_for(
        &mut c,
        user,
        organization,
        Operation::GetOrganizationLimits,
    )
    .await?;
    let items = organization_limits(&mut c, &state.config, organization, Timestamp::now()).await?;
    Ok(OrganizationLimits {
        organization,
        items,
        can_edit: authorize(Some(role), Operation::SetOrganizationLimit).is_ok(),
    })
}

pub async fn set(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    setting: Setting,
    raw_limit: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::SetOrganizationLimit,
    )
    .await?;
    if !setting.applies_to(Scope::Organization) {
        return Err(AppError::field(
            "setting",
            format!("{setting} is not an organization limit."),
        ));
    }
    let max = state
        .config
        .limits
        .default_for(Scope::Organization, setting);
    let value = parse_limit(raw_limit, max)?;
    let before = db::organization_override(&mut tx, organization, setting)
        .await?
        .unwrap_or(max);
    db::set_organization_limit(&mut tx, organization, setting, value, Timestamp::now()).await?;
    if before != value {
        let event = Event::new(
            Action::LimitChanged,
            organization,
            Target::other("limit", None, setting.label()),
        )
        .before(json!({ "limit": before }))
        .after(json!({ "limit": value }));
        record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The organization's limit for `setting`: what its admin set, never above the platform's.
pub async fn organization_limit(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    setting: Setting,
) -> Result<i64, DbError> {
    let ceiling = config.limits.default_for(Scope::Organization, setting);
    let set = db::organization_override(c, organization, setting).await?;
    Ok(set.map_or(ceiling, |v| v.min(ceiling)))
}

/// The most a workspace admin may set `setting` to: the organization's own limit of that
/// setting where the organization has one (Compute Time, Dataset Storage, Instances), the
/// platform's workspace default otherwise (Datasets, Guests).
async fn workspace_ceiling(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    setting: Setting,
) -> Result<i64, DbError> {
    if setting.applies_to(Scope::Organization) {
        organization_limit(c, config, organization, setting).await
    } else {
        Ok(config.limits.default_for(Scope::Workspace, setting))
    }
}

/// A workspace limit from what its admin set (`set`), the platform default and the ceiling.
fn effective_workspace_limit(config: &Config, setting: Setting, set: Option<i64>, max: i64) -> i64 {
    set.unwrap_or_else(|| config.limits.default_for(Scope::Workspace, setting))
        .min(max)
}

/// The workspace's limit for `setting`: what its admin set, never above its ceiling.
pub async fn workspace_limit(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    workspace: WorkspaceId,
    setting: Setting,
) -> Result<i64, DbError> {
    let max = workspace_ceiling(c, config, organization, setting).await?;
    let set = db::workspace_override(c, workspace, setting).await?;
    Ok(effective_workspace_limit(config, setting, set, max))
}

/// Refuses one more guest in the workspace when it has no room. Guests usage is guests plus
/// pending guest invitations; `pending_included` says whether the guest-to-be is one of them
/// (accepting) or not (inviting).
pub async fn ensure_room_for_guest(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    workspace: WorkspaceId,
    now: Timestamp,
    pending_included: bool,
) -> Result<(), AppError> {
    let limit = workspace_limit(c, config, organization, workspace, Setting::Guests).await?;
    let (guests, pending) = db::workspace_guests(c, workspace, now).await?;
    let after = if pending_included {
        guests + 1
    } else {
        guests + pending + 1
    };
    if after > limit {
        return Err(AppError::LimitReached {
            setting: Setting::Guests,
            limit,
            usage: guests + pending,
        });
    }
    Ok(())
}

/// Every workspace setting's limit and usage, in the order the workspace page shows them.
pub async fn workspace_limits(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    workspace: WorkspaceId,
    now: Timestamp,
) -> Result<Vec<LimitUsage>, DbError> {
    let overrides = db::workspace_overrides(c, workspace).await?;
    let (guests, pending) = db::workspace_guests(c, workspace, now).await?;
    let metered = db::workspace_metered(c, workspace, now.month_start()).await?;
    let mut items = Vec::with_capacity(Setting::WORKSPACE.len());
    for setting in Setting::WORKSPACE {
        let max = workspace_ceiling(c, config, organization, setting).await?;
        let set = overrides
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, v)| *v);
        let usage = match setting {
            Setting::Guests => (guests + pending) as f64,
            _ => metered
                .iter()
                .find(|(s, _)| *s == setting)
                .map_or(0.0, |(_, amount)| *amount),
        };
        let breakdown = (setting == Setting::Guests && pending > 0).then(|| {
            format!(
                "{guests} {}, {pending} invited",
                if guests == 1 { "guest" } else { "guests" }
            )
        });
        items.push(LimitUsage {
            setting,
            limit: effective_workspace_limit(config, setting, set, max),
            usage,
            max,
            breakdown,
        });
    }
    Ok(items)
}

pub async fn get_workspace(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<WorkspaceLimits, AppError> {
    let mut c = state.db.conn().await?;
    let access =
        authorize_in_workspace(&mut c, workspace, user.id, Operation::GetWorkspaceLimits).await?;
    let items = workspace_limits(
        &mut c,
        &state.config,
        access.organization_id,
        workspace,
        Timestamp::now(),
    )
    .await?;
    Ok(WorkspaceLimits {
        workspace,
        items,
        can_edit: authorize(access.role(), Operation::SetWorkspaceLimit).is_ok(),
    })
}

/// Sets a workspace limit, from 0 up to the organization's (workspace admins).
pub async fn set_workspace(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    setting: Setting,
    raw_limit: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::SetWorkspaceLimit).await?;
    if !setting.applies_to(Scope::Workspace) {
        return Err(AppError::field(
            "setting",
            format!("{setting} is not a workspace limit."),
        ));
    }
    let max = workspace_ceiling(&mut tx, &state.config, access.organization_id, setting).await?;
    let value = parse_limit(raw_limit, max)?;
    let before = db::workspace_override(&mut tx, workspace, setting)
        .await?
        .unwrap_or(max);
    db::set_workspace_limit(&mut tx, workspace, setting, value, Timestamp::now()).await?;
    if before != value {
        let event = Event::new(
            Action::LimitChanged,
            access.organization_id,
            Target::other("limit", None, setting.label()),
        )
        .in_workspace(workspace)
        .before(json!({ "limit": before }))
        .after(json!({ "limit": value }));
        record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every organization setting's limit and usage, in the order the dashboard shows them.
pub async fn organization_limits(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<Vec<LimitUsage>, DbError> {
    let overrides = db::organization_overrides(c, organization).await?;
    let counts = db::organization_counts(c, organization, now).await?;
    let metered = db::organization_metered(c, organization, now.month_start()).await?;
    Ok(Setting::ORGANIZATION
        .into_iter()
        .map(|setting| {
            let max = config.limits.default_for(Scope::Organization, setting);
            let limit = overrides
                .iter()
                .find(|(s, _)| *s == setting)
                .map_or(max, |(_, v)| (*v).min(max));
            let usage = match setting {
                Setting::Members => (counts.members + counts.pending_member_invitations) as f64,
                Setting::Workspaces => counts.workspaces as f64,
                Setting::ManagedChannels => counts.channels as f64,
                Setting::ManagedVolumes => counts.volumes as f64,
                _ => metered
                    .iter()
                    .find(|(s, _)| *s == setting)
                    .map_or(0.0, |(_, amount)| *amount),
            };
            let breakdown = (setting == Setting::Members && counts.pending_member_invitations > 0)
                .then(|| {
                    format!(
                        "{} {}, {} invited",
                        counts.members,
                        if counts.members == 1 {
                            "member"
                        } else {
                            "members"
                        },
                        counts.pending_member_invitations
                    )
                });
            LimitUsage {
                setting,
                limit,
                usage,
                max,
                breakdown,
            }
        })
        .collect())
}

/// Refuses when `usage_after` (the usage the write would leave) exceeds the limit. `usage_now`
/// is what the error reports.
pub async fn ensure_within(
    c: &mut impl Exec,
    config: &Config,
    organization: OrganizationId,
    setting: Setting,
    usage_now: i64,
    usage_after: i64,
) -> Result<(), AppError> {
    let limit = organization_limit(c, config, organization, setting).await?;
    if usage_after > limit {
        return Err(AppError::LimitReached {
            setting,
            limit,
            usage: usage_now,
        });
    }
    Ok(())
}

/// Parses a limit typed into a form: a whole number from 0 to `max`.
pub fn parse_limit(raw: &str, max: i64) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| (0..=max).contains(v))
        .ok_or_else(|| AppError::field("limit", format!("Enter a whole number from 0 to {max}.")))
}

#[cfg(test)]
mod tests {
    use super::parse_limit;

    #[test]
    fn limits_are_whole_numbers_up_to_the_ceiling() {
        assert_eq!(parse_limit(" 25 ", 50), Ok(25));
        assert_eq!(parse_limit("0", 50), Ok(0));
        assert_eq!(parse_limit("50", 50), Ok(50));
        for bad in ["51", "-1", "2.5", "", "ten", "99999999999999999999"] {
            assert_eq!(
                parse_limit(bad, 50).unwrap_err().field_message("limit"),
                Some("Enter a whole number from 0 to 50."),
                "{bad:?}"
            );
        }
    }
}
