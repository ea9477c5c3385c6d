//! The audit log: who changed what in an organization, when, and from where. Every change to
//! members, roles, invitations, limits, workspaces, guests, channels and API keys writes one
//! event in the transaction of the change itself (so an event exists exactly when the change
//! does). Organization admins read it at `/audit`, filtered by actor, action and date, page by
//! page, and export it as CSV (`/audit/export.csv`, same filters).

mod get_audit_log;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod origin;
#[cfg(feature = "ssr")]
pub mod service;

pub use get_audit_log::*;

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::{ids::OrganizationId, timestamp::Timestamp};

/// Events shown per page.
pub const PAGE_SIZE: usize = 50;

/// What happened. Stored, exported and sent as its [`Action::as_str`] name
/// (`member.role_changed`), which the filter's address uses too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Action {
    OrganizationRenamed,
    InvitationSent,
    InvitationResent,
    InvitationRevoked,
    InvitationAccepted,
    InvitationDeclined,
    MemberRoleChanged,
    MemberRemoved,
    MemberLeft,
    LimitChanged,
    WorkspaceCreated,
    WorkspaceEdited,
    WorkspaceDeleted,
    GuestInvited,
    GuestInvitationResent,
    GuestInvitationRevoked,
    GuestRemoved,
    ChannelAdded,
    ChannelRemoved,
    VolumeAdded,
    VolumeRemoved,
    WorkspaceChannelsChanged,
    ApiKeyCreated,
    ApiKeyDeleted,
    /// A member or guest set a new password through an emailed reset link: their sessions and
    /// script sign-ins ended (written to each organization they are in).
    PasswordReset,
}

impl Action {
    pub const ALL: [Action; 25] = {
        use Action::*;
        [
            OrganizationRenamed,
            InvitationSent,
            InvitationResent,
            InvitationRevoked,
            InvitationAccepted,
            InvitationDeclined,
            MemberRoleChanged,
            MemberRemoved,
            MemberLeft,
            LimitChanged,
            WorkspaceCreated,
            WorkspaceEdited,
            WorkspaceDeleted,
            GuestInvited,
            GuestInvitationResent,
            GuestInvitationRevoked,
            GuestRemoved,
            ChannelAdded,
            ChannelRemoved,
            VolumeAdded,
            VolumeRemoved,
            WorkspaceChannelsChanged,
            ApiKeyCreated,
            ApiKeyDeleted,
            PasswordReset,
        ]
    };

    /// The stored name: `area.what`.
    pub const fn as_str(self) -> &'static str {
        use Action::*;
        match self {
            OrganizationRenamed => "organization.renamed",
            InvitationSent => "invitation.sent",
            InvitationResent => "invitation.resent",
            InvitationRevoked => "invitation.revoked",
            InvitationAccepted => "invitation.accepted",
            InvitationDeclined => "invitation.declined",
            MemberRoleChanged => "member.role_changed",
            MemberRemoved => "member.removed",
            MemberLeft => "member.left",
            LimitChanged => "limit.changed",
            WorkspaceCreated => "workspace.created",
            WorkspaceEdited => "workspace.edited",
            WorkspaceDeleted => "workspace.deleted",
            GuestInvited => "guest.invited",
            GuestInvitationResent => "guest.invitation_resent",
            GuestInvitationRevoked => "guest.invitation_revoked",
            GuestRemoved => "guest.removed",
            ChannelAdded => "channel.added",
            ChannelRemoved => "channel.removed",
            VolumeAdded => "volume.added",
            VolumeRemoved => "volume.removed",
            WorkspaceChannelsChanged => "workspace.channels_changed",
            ApiKeyCreated => "api_key.created",
            ApiKeyDeleted => "api_key.deleted",
            PasswordReset => "account.password_reset",
        }
    }

    /// For people, as the log's Action column and the filter's menu say it.
    pub const fn label(self) -> &'static str {
        use Action::*;
        match self {
            OrganizationRenamed => "Renamed the organization",
            InvitationSent => "Invited a member",
            InvitationResent => "Sent an invitation again",
            InvitationRevoked => "Revoked an invitation",
            InvitationAccepted => "Accepted an invitation",
            InvitationDeclined => "Declined an invitation",
            MemberRoleChanged => "Changed a role",
            MemberRemoved => "Removed a member",
            MemberLeft => "Left the organization",
            LimitChanged => "Changed a limit",
            WorkspaceCreated => "Created a workspace",
            WorkspaceEdited => "Edited a workspace",
            WorkspaceDeleted => "Deleted a workspace",
            GuestInvited => "Invited a guest",
            GuestInvitationResent => "Sent a guest invitation again",
            GuestInvitationRevoked => "Revoked a guest invitation",
            GuestRemoved => "Removed a guest",
            ChannelAdded => "Added a channel",
            ChannelRemoved => "Removed a channel",
            VolumeAdded => "Added a volume",
            VolumeRemoved => "Removed a volume",
            WorkspaceChannelsChanged => "Changed a workspace's channels",
            ApiKeyCreated => "Created an API key",
            ApiKeyDeleted => "Deleted an API key",
            PasswordReset => "Reset their password",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Action> for &'static str {
    fn from(a: Action) -> Self {
        a.as_str()
    }
}

impl TryFrom<String> for Action {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown action {s:?}"))
    }
}

/// One event as the log shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: Timestamp,
    pub actor_name: String,
    pub actor_email: String,
    pub action: Action,
    /// What was changed: `member`, `invitation`, `workspace`, `limit`, `channel`, `volume`,
    /// `api_key` or `organization`.
    pub target_kind: String,
    pub target_label: String,
    pub workspace_name: Option<String>,
    /// The change, for people: `role: member → admin`, one field per line.
    pub change: Vec<String>,
    pub address: Option<String>,
    /// `web`, `api`, or `API key osk_…` (its prefix).
    pub via: String,
}

/// What the log is narrowed to; every part optional. Dates are whole days, UTC, inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// The actor's email, exactly (case does not matter).
    pub actor: String,
    pub action: Option<Action>,
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`.
    pub to: String,
}

impl AuditFilter {
    pub fn is_empty(&self) -> bool {
        self.actor.is_empty() && self.action.is_none() && self.from.is_empty() && self.to.is_empty()
    }

    /// The filter as query parameters (for links and the export), without empty parts.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.actor.is_empty() {
            pairs.push(("actor", self.actor.clone()));
        }
        if let Some(action) = self.action {
            pairs.push(("action", action.as_str().to_owned()));
        }
        if !self.from.is_empty() {
            pairs.push(("from", self.from.clone()));
        }
        if !self.to.is_empty() {
            pairs.push(("to", self.to.clone()));
        }
        pairs
    }
}

/// One page of the log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub events: Vec<AuditEvent>,
    /// The cursor of the next (older) page, when there is one.
    pub next: Option<String>,
}

/// `day` (`YYYY-MM-DD`) as the start of that day, UTC; `None` unless it is a real date.
pub fn parse_day(day: &str) -> Option<Timestamp> {
    let day = day.trim();
    if day.len() != 10 {
        return None;
    }
    Timestamp::parse_iso(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_names() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>().unwrap(), action);
            assert!(action.as_str().len() <= 40);
        }
        let names: std::collections::HashSet<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Action::ALL.len());
        assert!("member.promoted".parse::<Action>().is_err());
    }

    #[test]
    fn days_are_dates_only() {
        assert_eq!(
            parse_day("2026-11-29"),
            Timestamp::parse_iso("2026-11-29T00:00:00Z")
        );
        for bad in [
            "",
            "2026-13-01",
            "2026-11-29T10:00:00Z",
            "yesterday",
            "2026-02-30",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
