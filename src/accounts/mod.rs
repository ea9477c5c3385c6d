//! Accounts: sign up, sign in, sign out, who is signed in (spec.md §6), verified addresses,
//! password reset, and the operator's sign-up policy.

pub mod account_page;
mod change_password;
mod edit_profile;
mod get_email_link;
mod get_me;
mod get_reset_link;
mod get_sign_up_policy;
pub mod link_pages;
pub mod pages;
mod request_password_reset;
mod resend_verification;
mod reset_password;
mod sign_in;
mod sign_out;
mod sign_out_elsewhere;
mod sign_up;
mod sign_up_policy;
mod validate;
mod verify_email;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod emails;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;

pub use change_password::*;
pub use edit_profile::*;
pub use get_email_link::*;
pub use get_me::*;
pub use get_reset_link::*;
pub use get_sign_up_policy::*;
pub use request_password_reset::*;
pub use resend_verification::*;
pub use reset_password::*;
pub use sign_in::*;
pub use sign_out::*;
pub use sign_out_elsewhere::*;
pub use sign_up::*;
pub use sign_up_policy::*;
pub use validate::*;
pub use verify_email::*;

use serde::{Deserialize, Serialize};

use crate::{
    ids::{OrganizationId, UserId, WorkspaceId},
    roles::Role,
};

/// The signed-in user, where they are, and everywhere they can go: what the header needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: UserId,
    pub name: String,
    pub email: String,
    /// Every organization the user has a role in, with the workspaces they reach in it.
    pub organizations: Vec<OrganizationPlace>,
    pub current: Option<Current>,
    /// Invitations waiting for this user's answer (none are shown while the address is
    /// unverified: only its owner may see them).
    pub pending_invitations: usize,
    /// Whether the address is proven to be this user's (a link sent to it was opened).
    pub email_verified: bool,
    /// The address the user asked to change to, until its link is opened.
    pub pending_email: Option<String>,
    /// Whether orgspace sends email (`--smtp-url`); without it, links go to its log.
    pub emails_sent: bool,
}

/// What an address confirmation link leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailLink {
    /// Not a link orgspace made (mistyped, or replaced by a newer email).
    Unknown,
    Used,
    Expired,
    /// Ready: pressing the page's button confirms `email`; `change` when it is a new address
    /// for the account.
    Open {
        email: String,
        change: bool,
    },
}

/// What a password reset link leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLink {
    Unknown,
    Used,
    Expired,
    Open { email: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationPlace {
    pub id: OrganizationId,
    pub name: String,
    pub role: Role,
    pub workspaces: Vec<WorkspacePlace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspacePlace {
    pub id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub role: Role,
}

/// The current organization and workspace (spec.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Current {
    pub organization: OrganizationId,
    pub workspace: Option<WorkspaceId>,
}

impl Me {
    pub fn current_organization(&self) -> Option<&OrganizationPlace> {
        let current = self.current.as_ref()?;
        self.organizations
            .iter()
            .find(|o| o.id == current.organization)
    }

    pub fn current_workspace(&self) -> Option<&WorkspacePlace> {
        let id = self.current.as_ref()?.workspace?;
        self.current_organization()?
            .workspaces
            .iter()
            .find(|w| w.id == id)
    }

    /// Initials for the avatar: the first letters of the first two words of the name.
    pub fn initials(&self) -> String {
        crate::ui::initials(&self.name)
    }
}
