//! Channels and volumes: an organization's registry of them, counted against its Managed
//! Channels and Managed Volumes limits, and what each workspace shares of it.
//!
//! The two are alike in everything but their names and limits, so each operation is written
//! once for a [`Kind`] and its typed id ([`KindId`]).

mod add_channel;
mod add_volume;
pub mod components;
mod get_channels;
mod get_organization_channels;
pub mod pages;
mod remove_channel;
mod remove_volume;
mod set_workspace_channels;

#[cfg(feature = "ssr")]
pub mod service;

pub use add_channel::*;
pub use add_volume::*;
pub use get_channels::*;
pub use get_organization_channels::*;
pub use remove_channel::*;
pub use remove_volume::*;
pub use set_workspace_channels::*;

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    ids::{ChannelId, OrganizationId, VolumeId, WorkspaceId},
    limits::Setting,
};

/// The longest description of a channel or volume, in characters (the schema's CHECK says the
/// same).
pub const DESCRIPTION_MAX: usize = 1000;

/// What a registry entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Channel,
    Volume,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Channel, Kind::Volume];

    /// The organization limit that counts entries of this kind.
    pub const fn setting(self) -> Setting {
        match self {
            Kind::Channel => Setting::ManagedChannels,
            Kind::Volume => Setting::ManagedVolumes,
        }
    }

    /// `channel`: in sentences, and as the value of the `?add=` dialog parameter.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Channel => "channel",
            Kind::Volume => "volume",
        }
    }

    pub const fn plural(self) -> &'static str {
        match self {
            Kind::Channel => "channels",
            Kind::Volume => "volumes",
        }
    }

    /// `Channel`, as a label.
    pub const fn label(self) -> &'static str {
        match self {
            Kind::Channel => "Channel",
            Kind::Volume => "Volume",
        }
    }

    /// `Channels`, as a heading.
    pub const fn heading(self) -> &'static str {
        match self {
            Kind::Channel => "Channels",
            Kind::Volume => "Volumes",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// The typed id of one kind of entry: what lets one code path serve both while a `ChannelId`
/// still never stands where a `VolumeId` is meant.
pub trait KindId:
    Copy + Eq + std::hash::Hash + fmt::Display + FromStr + Send + Sync + 'static
{
    const KIND: Kind;
    fn uuid(self) -> Uuid;
    fn from_uuid(id: Uuid) -> Self;
}

impl KindId for ChannelId {
    const KIND: Kind = Kind::Channel;
    fn uuid(self) -> Uuid {
        self.0
    }
    fn from_uuid(id: Uuid) -> Self {
        ChannelId(id)
    }
}

impl KindId for VolumeId {
    const KIND: Kind = Kind::Volume;
    fn uuid(self) -> Uuid {
        self.0
    }
    fn from_uuid(id: Uuid) -> Self {
        VolumeId(id)
    }
}

/// A channel or volume of the registry, and how many workspaces share it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered<Id> {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub workspaces: i64,
}

impl<Id> Registered<Id> {
    /// "Shared with 2 workspaces".
    pub fn sharing(&self) -> String {
        match self.workspaces {
            0 => "Not shared".to_owned(),
            1 => "Shared with 1 workspace".to_owned(),
            n => format!("Shared with {n} workspaces"),
        }
    }
}

/// The registry's entries of one kind, with the limit they count against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section<Id> {
    pub items: Vec<Registered<Id>>,
    pub limit: i64,
}

impl<Id: KindId> Section<Id> {
    /// The usage of the limit: every entry counts.
    pub fn usage(&self) -> i64 {
        self.items.len() as i64
    }

    pub fn is_full(&self) -> bool {
        self.usage() >= self.limit
    }

    /// "3 of 10 channels".
    pub fn summary(&self) -> String {
        format!("{} of {} {}", self.usage(), self.limit, Id::KIND.plural())
    }
}

/// An organization's registry of channels and volumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub organization: OrganizationId,
    pub organization_name: String,
    pub channels: Section<ChannelId>,
    pub volumes: Section<VolumeId>,
}

/// A channel or volume shared with a workspace, as anyone in the workspace sees it (without
/// what other workspaces share, which a guest has no business knowing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared<Id> {
    pub id: Id,
    pub name: String,
    pub description: String,
}

/// What a workspace shares of its organization's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceChannels {
    pub workspace: WorkspaceId,
    pub organization: OrganizationId,
    pub channels: Vec<Shared<ChannelId>>,
    pub volumes: Vec<Shared<VolumeId>>,
    /// Whether the caller may choose what is shared (a workspace admin).
    pub can_share: bool,
}

impl WorkspaceChannels {
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.volumes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(n: usize, limit: i64) -> Section<ChannelId> {
        Section {
            items: (0..n)
                .map(|i| Registered {
                    id: ChannelId(Uuid::from_u128(i as u128)),
                    name: format!("c{i}"),
                    description: String::new(),
                    workspaces: 0,
                })
                .collect(),
            limit,
        }
    }

    #[test]
    fn a_section_counts_its_entries_against_its_limit() {
        assert_eq!(section(3, 10).summary(), "3 of 10 channels");
        assert!(!section(9, 10).is_full());
        assert!(section(10, 10).is_full());
        assert!(section(0, 0).is_full(), "nothing fits under a limit of 0");
    }

    #[test]
    fn an_entry_says_how_many_workspaces_share_it() {
        let mut entry = section(1, 10).items.remove(0);
        assert_eq!(entry.sharing(), "Not shared");
        entry.workspaces = 1;
        assert_eq!(entry.sharing(), "Shared with 1 workspace");
        entry.workspaces = 3;
        assert_eq!(entry.sharing(), "Shared with 3 workspaces");
    }

    #[test]
    fn kinds_name_their_limit_and_their_dialog_parameter() {
        assert_eq!(Kind::Channel.setting(), Setting::ManagedChannels);
        assert_eq!(Kind::Volume.setting(), Setting::ManagedVolumes);
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
        assert_eq!("channels".parse::<Kind>(), Err(()));
        assert_eq!(<VolumeId as KindId>::KIND, Kind::Volume);
    }
}
