//! Usage limits (spec.md §4): the settings, their units, and the shipped platform defaults.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

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
