//! Usage limits (spec.md §4): the settings, their units, the platform defaults, and the meters
//! that show usage against them.

pub mod components;
mod get_organization_limits;
mod get_workspace_limits;
mod set_organization_limit;
mod set_workspace_limit;

#[cfg(feature = "ssr")]
pub mod service;

pub use get_organization_limits::*;
pub use get_workspace_limits::*;
pub use set_organization_limit::*;
pub use set_workspace_limit::*;

#[cfg(feature = "ssr")]
use std::collections::BTreeMap;
use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::ids::{OrganizationId, WorkspaceId};

/// One setting's limit and usage, as a meter shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitUsage {
    pub setting: Setting,
    pub limit: i64,
    pub usage: f64,
    /// The most an admin may set: the platform default (or the organization's limit, for a
    /// workspace).
    pub max: i64,
    /// What the usage is made of, when it is more than one thing ("38 members, 3 invited").
    pub breakdown: Option<String>,
}

/// How full a meter is: it turns amber from 80% and red at 100%.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warning,
    Full,
}

impl LimitUsage {
    /// Usage as a fraction of the limit (1.0 and above: full). A limit of 0 is always full.
    pub fn fraction(&self) -> f64 {
        if self.limit <= 0 {
            1.0
        } else {
            self.usage / self.limit as f64
        }
    }

    pub fn level(&self) -> Level {
        match self.fraction() {
            f if f >= 1.0 => Level::Full,
            f if f >= 0.8 => Level::Warning,
            _ => Level::Ok,
        }
    }

    /// `12`, or `7.4` for fractional metered usage.
    pub fn usage_text(&self) -> String {
        if self.usage.fract() == 0.0 {
            crate::ui::thousands(self.usage as i64)
        } else {
            crate::ui::thousands(format!("{:.1}", self.usage))
        }
    }
}

/// The limits and usage of an organization, and whether the caller may change the limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationLimits {
    pub organization: OrganizationId,
    pub items: Vec<LimitUsage>,
    pub can_edit: bool,
}

/// The limits and usage of a workspace, and whether the caller may change the limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceLimits {
    pub workspace: WorkspaceId,
    pub items: Vec<LimitUsage>,
    pub can_edit: bool,
}

/// The operator's defaults, which are also the ceilings admins can set limits up to.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlatformLimits {
    overrides: BTreeMap<(ScopeKey, Setting), i64>,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ScopeKey {
    Organization,
    Workspace,
}

#[cfg(feature = "ssr")]
impl From<Scope> for ScopeKey {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::Organization => ScopeKey::Organization,
            Scope::Workspace => ScopeKey::Workspace,
        }
    }
}

#[cfg(feature = "ssr")]
impl PlatformLimits {
    /// The platform default of `setting` in `scope`.
    pub fn default_for(&self, scope: Scope, setting: Setting) -> i64 {
        self.overrides
            .get(&(scope.into(), setting))
            .copied()
            .unwrap_or_else(|| setting.shipped_default(scope))
    }

    /// Reads `SETTING=N` assignments (`members=200`, `Managed Channels=5`).
    pub fn parse(organization: &[String], workspace: &[String]) -> Result<PlatformLimits, String> {
        let mut limits = PlatformLimits::default();
        for (scope, items) in [
            (Scope::Organization, organization),
            (Scope::Workspace, workspace),
        ] {
            for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
                let (name, value) = item
                    .split_once('=')
                    .ok_or_else(|| format!("{item:?}: expected SETTING=NUMBER"))?;
                let setting: Setting = name.parse().map_err(|e| format!("{item:?}: {e}"))?;
                if !setting.applies_to(scope) {
                    return Err(format!(
                        "{item:?}: {setting} is not a{} limit",
                        match scope {
                            Scope::Organization => "n organization",
                            Scope::Workspace => " workspace",
                        }
                    ));
                }
                let value: i64 =
                    value
                        .trim()
                        .parse()
                        .ok()
                        .filter(|v| *v >= 0)
                        .ok_or_else(|| {
                            format!("{item:?}: the limit must be a whole number, 0 or more")
                        })?;
                limits.overrides.insert((scope.into(), setting), value);
            }
        }
        Ok(limits)
    }
}

/// A limit setting. The names are the ones the anatools SDK sends and shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Setting {
    ComputeTime,
    DatasetStorage,
    Datasets,
    Instances,
    ManagedChannels,
    ManagedVolumes,
    Members,
    VolumeStorage,
    Workspaces,
    Guests,
}

/// Where a limit applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    Organization,
    Workspace,
}

impl Setting {
    pub const ALL: [Setting; 10] = [
        Setting::ComputeTime,
        Setting::DatasetStorage,
        Setting::Datasets,
        Setting::Instances,
        Setting::ManagedChannels,
        Setting::ManagedVolumes,
        Setting::Members,
        Setting::VolumeStorage,
        Setting::Workspaces,
        Setting::Guests,
    ];

    /// The organization settings, in the order the dashboard shows them.
    pub const ORGANIZATION: [Setting; 8] = [
        Setting::Members,
        Setting::Workspaces,
        Setting::ComputeTime,
        Setting::Instances,
        Setting::DatasetStorage,
        Setting::VolumeStorage,
        Setting::ManagedChannels,
        Setting::ManagedVolumes,
    ];

    /// The workspace settings, in the order the workspace page shows them.
    pub const WORKSPACE: [Setting; 5] = [
        Setting::Guests,
        Setting::ComputeTime,
        Setting::Instances,
        Setting::Datasets,
        Setting::DatasetStorage,
    ];

    /// The name as users and the anatools SDK write it.
    pub const fn label(self) -> &'static str {
        match self {
            Setting::ComputeTime => "Compute Time",
            Setting::DatasetStorage => "Dataset Storage",
            Setting::Datasets => "Datasets",
            Setting::Instances => "Instances",
            Setting::ManagedChannels => "Managed Channels",
            Setting::ManagedVolumes => "Managed Volumes",
            Setting::Members => "Members",
            Setting::VolumeStorage => "Volume Storage",
            Setting::Workspaces => "Workspaces",
            Setting::Guests => "Guests",
        }
    }

    /// The stored name: stable, lowercase, used in CHECK constraints.
    pub const fn as_str(self) -> &'static str {
        match self {
            Setting::ComputeTime => "compute_time",
            Setting::DatasetStorage => "dataset_storage",
            Setting::Datasets => "datasets",
            Setting::Instances => "instances",
            Setting::ManagedChannels => "managed_channels",
            Setting::ManagedVolumes => "managed_volumes",
            Setting::Members => "members",
            Setting::VolumeStorage => "volume_storage",
            Setting::Workspaces => "workspaces",
            Setting::Guests => "guests",
        }
    }

    /// The unit a limit of this setting is counted in, as a plural noun.
    pub const fn unit(self) -> &'static str {
        match self {
            Setting::ComputeTime => "hours",
            Setting::DatasetStorage | Setting::VolumeStorage => "GB",
            Setting::Datasets => "datasets",
            Setting::Instances => "instances",
            Setting::ManagedChannels => "channels",
            Setting::ManagedVolumes => "volumes",
            Setting::Members => "members",
            Setting::Workspaces => "workspaces",
            Setting::Guests => "guests",
        }
    }

    pub fn applies_to(self, scope: Scope) -> bool {
        match scope {
            Scope::Organization => Self::ORGANIZATION.contains(&self),
            Scope::Workspace => Self::WORKSPACE.contains(&self),
        }
    }

    /// Whether usage is reported to orgspace over its API rather than counted from its own rows.
    pub const fn is_metered(self) -> bool {
        matches!(
            self,
            Setting::ComputeTime
                | Setting::DatasetStorage
                | Setting::Datasets
                | Setting::Instances
                | Setting::VolumeStorage
        )
    }

    /// The shipped platform default (spec.md §4), before the operator's configuration.
    pub const fn shipped_default(self, scope: Scope) -> i64 {
        match (scope, self) {
            (Scope::Organization, Setting::ComputeTime) => 100,
            (Scope::Organization, Setting::DatasetStorage) => 100,
            (Scope::Organization, Setting::Instances) => 4,
            (Scope::Organization, Setting::ManagedChannels) => 10,
            (Scope::Organization, Setting::ManagedVolumes) => 10,
            (Scope::Organization, Setting::Members) => 50,
            (Scope::Organization, Setting::VolumeStorage) => 100,
            (Scope::Organization, Setting::Workspaces) => 10,
            (Scope::Workspace, Setting::ComputeTime) => 100,
            (Scope::Workspace, Setting::DatasetStorage) => 100,
            (Scope::Workspace, Setting::Datasets) => 100,
            (Scope::Workspace, Setting::Instances) => 4,
            (Scope::Workspace, Setting::Guests) => 25,
            // Settings that do not apply to the scope have no limit to give.
            _ => 0,
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown setting {0:?}")]
pub struct UnknownSetting(pub String);

impl FromStr for Setting {
    type Err = UnknownSetting;

    /// Accepts the label (`Managed Channels`, any case) and the stored name (`managed_channels`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL
            .into_iter()
            .find(|setting| {
                setting.label().eq_ignore_ascii_case(wanted) || setting.as_str() == wanted
            })
            .ok_or_else(|| UnknownSetting(s.to_owned()))
    }
}

#[cfg(feature = "ssr")]
crate::db::text_enum!(Setting);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_parses_from_its_label_and_stored_name() {
        for setting in Setting::ALL {
            assert_eq!(setting.label().parse(), Ok(setting));
            assert_eq!(setting.label().to_uppercase().parse(), Ok(setting));
            assert_eq!(setting.as_str().parse(), Ok(setting));
        }
        assert!("Bananas".parse::<Setting>().is_err());
    }

    #[test]
    fn meters_turn_amber_at_80_and_red_at_100_percent() {
        let meter = |usage: f64, limit: i64| LimitUsage {
            setting: Setting::Members,
            limit,
            usage,
            max: 50,
            breakdown: None,
        };
        assert_eq!(meter(7.0, 10).level(), Level::Ok);
        assert_eq!(meter(7.9, 10).level(), Level::Ok);
        assert_eq!(meter(8.0, 10).level(), Level::Warning);
        assert_eq!(meter(10.0, 10).level(), Level::Full);
        assert_eq!(meter(12.0, 10).level(), Level::Full);
        assert_eq!(
            meter(0.0, 0).level(),
            Level::Full,
            "nothing more fits under a limit of 0"
        );
        assert_eq!(meter(7.0, 10).usage_text(), "7");
        assert_eq!(meter(7.44, 10).usage_text(), "7.4");
        assert_eq!(meter(12345.0, 20000).usage_text(), "12,345");
        assert_eq!(meter(12345.44, 20000).usage_text(), "12,345.4");
    }

    #[test]
    fn platform_defaults_come_from_configuration() {
        let limits = PlatformLimits::parse(
            &["members=200".into(), " Managed Channels = 3".into()],
            &["guests=5".into()],
        )
        .unwrap();
        assert_eq!(
            limits.default_for(Scope::Organization, Setting::Members),
            200
        );
        assert_eq!(
            limits.default_for(Scope::Organization, Setting::ManagedChannels),
            3
        );
        assert_eq!(
            limits.default_for(Scope::Organization, Setting::Workspaces),
            10
        );
        assert_eq!(limits.default_for(Scope::Workspace, Setting::Guests), 5);
        for bad in [
            "members",
            "members=-1",
            "members=many",
            "bananas=3",
            "guests=3",
        ] {
            assert!(PlatformLimits::parse(&[bad.into()], &[]).is_err(), "{bad}");
        }
        assert!(PlatformLimits::parse(&[], &["members=3".into()]).is_err());
    }

    #[test]
    fn scopes_hold_the_settings_of_the_spec() {
        assert_eq!(Setting::ORGANIZATION.len(), 8);
        assert!(Setting::Guests.applies_to(Scope::Workspace));
        assert!(!Setting::Guests.applies_to(Scope::Organization));
        assert!(Setting::Datasets.applies_to(Scope::Workspace));
        assert!(!Setting::Members.applies_to(Scope::Workspace));
        for setting in Setting::ORGANIZATION {
            assert!(
                setting.shipped_default(Scope::Organization) > 0,
                "{setting}"
            );
        }
        for setting in Setting::WORKSPACE {
            assert!(setting.shipped_default(Scope::Workspace) > 0, "{setting}");
        }
    }
}
