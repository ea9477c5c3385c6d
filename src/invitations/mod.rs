//! Invitations: inviting people by email, the pending list, and accepting or declining.
//! The email link: its page, accepting, declining, and signing up through it.

mod accept_invitation;
mod accept_invitation_link;
mod add_organization_member;
pub mod components;
mod decline_invitation;
mod decline_invitation_link;
mod get_invitation_link;
mod get_my_invitations;
mod get_organization_invitation_history;
mod get_organization_invites;
pub mod link_page;
pub mod pages;
mod remove_organization_invitation;
mod resend_organization_invitation;
mod sign_up_with_invitation;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod service;

pub use accept_invitation::*;
pub use accept_invitation_link::*;
pub use add_organization_member::*;
pub use decline_invitation::*;
pub use decline_invitation_link::*;
pub use get_invitation_link::*;
pub use get_my_invitations::*;
pub use get_organization_invitation_history::*;
pub use get_organization_invites::*;
pub use remove_organization_invitation::*;
pub use resend_organization_invitation::*;
pub use sign_up_with_invitation::*;

use serde::{Deserialize, Serialize};

use crate::{
    ids::{InvitationId, OrganizationId},
    roles::Role,
    timestamp::Timestamp,
};

/// An invitation waiting for its answer, as the organization sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An invitation waiting for the signed-in user's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInvitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    /// For a guest invitation: the workspace.
    pub workspace_name: Option<String>,
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl MyInvitation {
    /// "Acme" or "Research, a workspace of Acme".
    pub fn place(&self) -> String {
        match &self.workspace_name {
            Some(ws) => format!("{ws}, a workspace of {}", self.organization_name),
            None => self.organization_name.clone(),
        }
    }
}

/// A new (or resent) invitation, with its link: the only time the link exists outside the
/// email, so the dialog offers to copy it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub invitation: PendingInvitation,
    pub link: String,
    /// Whether an email was queued (false when the server has no SMTP configured).
    pub emailed: bool,
}

/// How an invitation that is no longer pending ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Accepted,
    Declined,
    Revoked,
    Expired,
}

impl Outcome {
    pub const fn label(self) -> &'static str {
        match self {
            Outcome::Accepted => "Accepted",
            Outcome::Declined => "Declined",
            Outcome::Revoked => "Revoked",
            Outcome::Expired => "Expired",
        }
    }
}

/// An invitation in the organization's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastInvitation {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: Timestamp,
    pub outcome: Outcome,
    /// When it was accepted, declined, revoked, or expired.
    pub ended_at: Timestamp,
}

/// What an invitation link leads to. Nothing in it says whether an email has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationLink {
    /// No invitation has this token: mistyped, or replaced by a newer one.
    Unknown,
    Expired(LinkDetails),
    Revoked(LinkDetails),
    /// Accepted or declined already.
    Used(LinkDetails),
    Open {
        details: LinkDetails,
        viewer: Viewer,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDetails {
    pub organization_name: String,
    pub workspace_name: Option<String>,
    /// The invited address.
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: Timestamp,
}

impl LinkDetails {
    /// "Acme" or "the Research workspace of Acme".
    pub fn place(&self) -> String {
        match &self.workspace_name {
            Some(ws) => format!("the {ws} workspace of {}", self.organization_name),
            None => self.organization_name.clone(),
        }
    }
}

/// Who is looking at an open invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// Not signed in: may sign up with the invited address, or sign in.
    Anonymous,
    /// Signed in as the invited address.
    Invitee,
    /// Signed in as the invited address, and already in the organization (or workspace).
    AlreadyIn,
    /// Signed in as someone else.
    SomeoneElse { email: String },
}
