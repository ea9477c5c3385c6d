//! Reporting usage and reading monthly totals, through the same policy as everything else.

use crate::{
    accounts::normalize_email,
    api_keys::service::Reach,
    db::{
        Exec, limits as db_limits, organizations,
        usage::{self as db, NewReport},
        users::{self, UserRecord},
        workspaces,
    },
    error::AppError,
    ids::{OrganizationId, UserId, WorkspaceId},
    limits::{
        Scope, Setting,
        service::{organization_limit, workspace_limit},
    },
    policy::{Operation, authorize_in_organization},
    server::state::AppState,
    timestamp::Timestamp,
};

/// The most one report may say, in any unit: larger figures are mistakes.
pub const AMOUNT_MAX: f64 = 1_000_000_000.0;
/// The longest channel or instance type name, in characters.
pub const LABEL_MAX: usize = 100;

/// Where a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsagePlace {
    Organization(OrganizationId),
    Workspace(WorkspaceId),
}

/// One report, as sent.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// A metered setting, as the SDK names it (`Compute Time`) or as stored (`compute_time`).
    pub setting: String,
    /// Compute Time: hours used since the last report (added up over the month). The other
    /// settings: the level now (GB stored, instances running, datasets kept).
    pub amount: f64,
    pub channel: Option<String>,
    pub instance_type: Option<String>,
    /// The email of the member or guest who used it, if the reporter knows.
    pub member: Option<String>,
}

/// What a report left: the setting's usage now against its limit.
#[derive(Clone, Debug, PartialEq)]
pub struct Reported {
    pub organization: OrganizationId,
    pub workspace: Option<WorkspaceId>,
    pub setting: Setting,
    pub usage: f64,
    pub limit: i64,
}

/// The place a report from a key with `reach` is about: what the script names, else the
/// key's own place. Only scoped keys report: usage comes from the platform's services, each
/// holding a key for the one organization or workspace it serves.
pub fn place_for(
    reach: Reach,
    organization: Option<OrganizationId>,
    workspace: Option<WorkspaceId>,
) -> Result<UsagePlace, AppError> {
    let place = match (workspace, organization) {
        (Some(ws), _) => UsagePlace::Workspace(ws),
        (None, Some(org)) => UsagePlace::Organization(org),
        (None, None) => match reach {
            Reach::Organization(o) => UsagePlace::Organization(o),
            Reach::Workspace { workspace, .. } => UsagePlace::Workspace(workspace),
            Reach::Everything => return Err(needs_scoped_key()),
        },
    };
    match (reach, place) {
        (Reach::Everything, _) => Err(needs_scoped_key()),
        (Reach::Organization(o), UsagePlace::Organization(org)) if o == org => Ok(place),
        // An organization key reports for its workspaces too: checked in `report`, where the
        // workspace's organization is read.
        (Reach::Organization(_), UsagePlace::Workspace(_)) => Ok(place),
        (Reach::Workspace { workspace: w, .. }, UsagePlace::Workspace(ws)) if w == ws => Ok(place),
        _ => Err(AppError::OutsideKeyScope),
    }
}

fn needs_scoped_key() -> AppError {
    AppError::Conflict(
        "Usage is reported with an API key limited to the organization or workspace it is about: make one on the API keys page.".to_owned(),
    )
}

/// A channel or instance type label: trimmed, bounded, plain; empty is none.
fn label(raw: Option<&str>, field: &str) -> Result<Option<String>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if raw.chars().count() > LABEL_MAX || raw.chars().any(char::is_control) {
        return Err(AppError::field(
            field,
            format!("Keep it to {LABEL_MAX} plain characters or fewer."),
        ));
    }
    Ok(Some(raw.to_owned()))
}

/// Checks what a report says, before anything is read: a metered setting of that scope, and
/// an amount that is a number of its unit.
fn check(report: &Report, scope: Scope) -> Result<(Setting, f64), AppError> {
    let setting: Setting = report.setting.parse().map_err(|_| {
        AppError::field(
            "setting",
            format!("There is no limit named {:?}.", report.setting.trim()),
        )
    })?;
    if !setting.is_metered() {
        return Err(AppError::field(
            "setting",
            format!(
                "{setting} is counted by orgspace itself; reports are for Compute Time, Dataset Storage, Volume Storage, Instances and Datasets."
            ),
        ));
    }
    if !setting.applies_to(scope) {
        let what = match scope {
            Scope::Organization => "an organization",
            Scope::Workspace => "a workspace",
        };
        return Err(AppError::field(
            "setting",
            format!("{setting} is not {what} limit: report it for the other."),
        ));
    }
    let amount = report.amount;
    if !amount.is_finite() || !(0.0..=AMOUNT_MAX).contains(&amount) {
        return Err(AppError::field(
            "amount",
            "The amount is a number from 0 to 1,000,000,000.",
        ));
    }
    if matches!(setting, Setting::Instances | Setting::Datasets) && amount.fract() != 0.0 {
        return Err(AppError::field(
            "amount",
            format!("{setting} is counted in whole {}.", setting.unit()),
        ));
    }
    Ok((setting, amount))
}

fn milli(value: f64) -> i64 {
    (value * 1000.0).round() as i64
}

/// What the organization (or the workspace) uses of `setting` now: this month's Compute Time,
/// or the level last reported.
fn current(metered: &[(Setting, f64)], setting: Setting) -> f64 {
    metered
        .iter()
        .find(|(s, _)| *s == setting)
        .map_or(0.0, |(_, v)| *v)
}

/// Records a report of `user` (through a key whose reach [`place_for`] checked), refused with
/// [`AppError::UsageOverLimit`] when it would take the setting past the workspace's or the
/// organization's limit. The organization's row is locked for the check and the write, so
/// that concurrent reports cannot overshoot together.
pub async fn report(
    state: &AppState,
    user: &UserRecord,
    reach: Reach,
    place: UsagePlace,
    report: Report,
) -> Result<Reported, AppError> {
    let scope = match place {
        UsagePlace::Organization(_) => Scope::Organization,
        UsagePlace::Workspace(_) => Scope::Workspace,
    };
    let (setting, amount) = check(&report, scope)?;
    let channel = label(report.channel.as_deref(), "channel")?;
    let instance_type = label(report.instance_type.as_deref(), "instanceType")?;
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let (organization, workspace) = match place {
        UsagePlace::Organization(org) => {
            authorize_in_organization(&mut tx, org, user.id, Operation::ReportOrganizationUsage)
                .await?;
            (org, None)
        }
        UsagePlace::Workspace(ws) => {
            // An organization key reaches its own organization's workspaces only; any other
            // workspace, existing or not, answers alike.
            let organization = workspaces::organization_of(&mut tx, ws).await?;
            if let Reach::Organization(o) = reach
                && organization != Some(o)
            {
                return Err(AppError::OutsideKeyScope);
            }
            let organization = organization.ok_or(AppError::NotFound)?;
            // The organization's admins, not the workspace's: any member may create a
            // workspace and be its admin, and its reports spend the organization's budget.
            authorize_in_organization(
                &mut tx,
                organization,
                user.id,
                Operation::ReportWorkspaceUsage,
            )
            .await?;
            (organization, Some(ws))
        }
    };
    organizations::lock(&mut tx, organization).await?;
    let used_by = match report
        .member
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        Some(email) => Some(member_of(&mut tx, organization, email).await?),
        None => None,
    };

    let config = &state.config;
    let month = now.month_start();
    let org_metered = db_limits::organization_metered(&mut tx, organization, month).await?;
    let org_limit = organization_limit(&mut tx, config, organization, setting).await?;
    let compute = setting == Setting::ComputeTime;
    // Each limit the report is measured against: (limit, usage before, usage after).
    let mut checks = Vec::with_capacity(2);
    let mut reply = None;
    // What this report replaces of a level: the last report of the same place.
    let mut replaced = 0.0;
    if let Some(ws) = workspace {
        let ws_metered = db_limits::workspace_metered(&mut tx, ws, month).await?;
        let ws_limit = workspace_limit(&mut tx, config, organization, ws, setting).await?;
        let before = current(&ws_metered, setting);
        let after = if compute { before + amount } else { amount };
        replaced = before;
        checks.push((ws_limit, before, after));
        reply = Some((ws_limit, after));
    } else if !compute {
        replaced = db_limits::organization_own_level(&mut tx, organization, setting).await?;
    }
    // The organization's limit, on what the organization uses as a whole: its month's Compute
    // Time, and each level as its own report plus each of its workspaces'. (Volume Storage is
    // reported for the organization only.)
    if setting.applies_to(Scope::Organization) {
        let before = current(&org_metered, setting);
        let after = if compute {
            before + amount
        } else {
            before - replaced + amount
        };
        checks.push((org_limit, before, after));
        reply.get_or_insert((org_limit, after));
    }
    for (limit, before, after) in checks {
        // A thousandth of slack: 0.1 + 0.2 hours is not over a limit of 0.3. A report that
        // lowers the usage always passes: a limit lowered below the usage must not keep the
        // old, higher level on the books.
        if milli(after) > limit * 1000 && milli(after) > milli(before) {
            return Err(AppError::UsageOverLimit {
                setting,
                limit,
                usage_milli: milli(before),
                amount_milli: milli(amount),
                after_milli: milli(after),
            });
        }
    }
    db::insert(
        &mut tx,
        NewReport {
            organization,
            workspace,
            setting,
            amount,
            channel: channel.as_deref(),
            instance_type: instance_type.as_deref(),
            reported_by: user.id,
            used_by,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    let (limit, usage) = reply.unwrap_or((org_limit, amount));
    tracing::info!(%organization, ?workspace, %setting, amount, "usage reported");
    Ok(Reported {
        organization,
        workspace,
        setting,
        usage,
        limit,
    })
}

/// The user with `email` who is a member or guest of the organization.
async fn member_of(
    c: &mut impl Exec,
    organization: OrganizationId,
    email: &str,
) -> Result<UserId, AppError> {
    let unknown = || {
        AppError::field(
            "member",
            "No member or guest of this organization has that email.",
        )
    };
    let email = normalize_email(email).map_err(|_| unknown())?;
    let user = users::find_by_email(c, &email).await?.ok_or_else(unknown)?;
    organizations::role_of(c, organization, user.id)
        .await?
        .ok_or_else(unknown)?;
    Ok(user.id)
}

/// Compute Time of one month, by channel and instance type.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyUsage {
    pub channel: Option<String>,
    pub instance_type: Option<String>,
    /// In seconds.
    pub seconds: i64,
}

/// Reads `year` (`2026`) and `month` (`1` to `12`) as anatools sends them: the month's first
/// instant and the next month's.
pub fn month_of(year: &str, month: &str) -> Result<(Timestamp, Timestamp), AppError> {
    let bad = || {
        AppError::field(
            "month",
            "Give the year (like 2026) and the month (1 to 12).",
        )
    };
    let year: i64 = year.trim().parse().map_err(|_| bad())?;
    let month: u32 = month.trim().parse().map_err(|_| bad())?;
    let from = Timestamp::from_month(year, month).ok_or_else(bad)?;
    Ok((from, from.next_month_start()))
}

/// The organization's Compute Time in the month `[from, until)`, optionally of one of its
/// workspaces and of one member (by email).
pub async fn monthly(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
    member: Option<&str>,
    (from, until): (Timestamp, Timestamp),
) -> Result<Vec<MonthlyUsage>, AppError> {
    let mut c = state.db.conn().await?;
    authorize_in_organization(
        &mut c,
        organization,
        user.id,
        Operation::GetOrganizationUsage,
    )
    .await?;
    if let Some(ws) = workspace
        && workspaces::organization_of(&mut c, ws).await? != Some(organization)
    {
        return Err(AppError::NotFound);
    }
    let used_by = match member.map(str::trim).filter(|m| !m.is_empty()) {
        Some(email) => match normalize_email(email) {
            // Someone unknown has used nothing.
            Ok(email) => match users::find_by_email(&mut c, &email).await? {
                Some(u) => Some(u.id),
                None => return Ok(Vec::new()),
            },
            Err(message) => return Err(AppError::field("member", message)),
        },
        None => None,
    };
    Ok(
        db::monthly_compute(&mut c, organization, workspace, used_by, from, until)
            .await?
            .into_iter()
            .map(|m| MonthlyUsage {
                channel: m.channel,
                instance_type: m.instance_type,
                seconds: (m.hours * 3600.0).round() as i64,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(setting: &str, amount: f64) -> Report {
        Report {
            setting: setting.to_owned(),
            amount,
            ..Report::default()
        }
    }

    #[test]
    fn only_metered_settings_of_the_scope_with_sane_amounts() {
        assert_eq!(
            check(&report("Compute Time", 1.5), Scope::Organization),
            Ok((Setting::ComputeTime, 1.5))
        );
        assert_eq!(
            check(&report("datasets", 3.0), Scope::Workspace),
            Ok((Setting::Datasets, 3.0))
        );
        for (bad, scope, field) in [
            (report("Members", 1.0), Scope::Organization, "setting"),
            (report("Guests", 1.0), Scope::Workspace, "setting"),
            (report("Datasets", 1.0), Scope::Organization, "setting"),
            (report("Volume Storage", 1.0), Scope::Workspace, "setting"),
            (report("Fuel", 1.0), Scope::Organization, "setting"),
            (report("Compute Time", -1.0), Scope::Organization, "amount"),
            (
                report("Compute Time", f64::NAN),
                Scope::Organization,
                "amount",
            ),
            (
                report("Compute Time", f64::INFINITY),
                Scope::Organization,
                "amount",
            ),
            (report("Compute Time", 2e9), Scope::Organization, "amount"),
            (report("Instances", 1.5), Scope::Organization, "amount"),
        ] {
            let e = check(&bad, scope).unwrap_err();
            assert!(e.field_message(field).is_some(), "{bad:?}: {e:?}");
        }
    }

    #[test]
    fn only_scoped_keys_report_and_only_where_they_reach() {
        let org: OrganizationId = "0190f0a0-0000-7000-8000-000000000001".parse().unwrap();
        let other: OrganizationId = "0190f0a0-0000-7000-8000-000000000009".parse().unwrap();
        let ws: WorkspaceId = "0190f0a0-0000-7000-8000-000000000002".parse().unwrap();
        let ws_key = Reach::Workspace {
            organization: org,
            workspace: ws,
        };
        assert_eq!(
            place_for(Reach::Organization(org), None, None),
            Ok(UsagePlace::Organization(org))
        );
        assert_eq!(place_for(ws_key, None, None), Ok(UsagePlace::Workspace(ws)));
        assert_eq!(
            place_for(Reach::Organization(org), Some(org), Some(ws)),
            Ok(UsagePlace::Workspace(ws))
        );
        assert!(matches!(
            place_for(Reach::Everything, Some(org), None),
            Err(AppError::Conflict(_))
        ));
        assert_eq!(
            place_for(Reach::Organization(org), Some(other), None),
            Err(AppError::OutsideKeyScope)
        );
        assert_eq!(
            place_for(ws_key, Some(org), None),
            Err(AppError::OutsideKeyScope)
        );
    }

    #[test]
    fn months_are_read_as_anatools_sends_them() {
        let (from, until) = month_of("2026", "2").unwrap();
        assert_eq!(from.to_string(), "2026-02-01T00:00:00.000Z");
        assert_eq!(until.to_string(), "2026-03-01T00:00:00.000Z");
        for (y, m) in [
            ("2026", "13"),
            ("2026", "0"),
            ("year", "1"),
            ("", ""),
            ("1900", "1"),
        ] {
            assert!(month_of(y, m).is_err(), "{y}-{m}");
        }
    }
}
