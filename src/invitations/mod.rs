//! Invitations: inviting people by email, the pending list, and accepting or declining.
//! (The email itself and the link page come with the invitations issue.)

mod accept_invitation;
mod add_organization_member;
pub mod components;
mod decline_invitation;
mod get_my_invitations;
mod get_organization_invites;
pub mod pages;
mod remove_organization_invitation;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod token;

pub use accept_invitation::*;
pub use add_organization_member::*;
pub use decline_invitation::*;
pub use get_my_invitations::*;
pub use get_organization_invites::*;
pub use remove_organization_invitation::*;

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
    pub role: Role,
    pub invited_by: Option<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}
