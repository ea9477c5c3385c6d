//! Accounts: sign up, sign in, sign out, and who is signed in (spec.md §6).

pub mod account_page;
mod change_password;
mod get_me;
pub mod pages;
mod sign_in;
mod sign_out;
mod sign_out_elsewhere;
mod sign_up;
mod validate;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;

pub use change_password::*;
pub use get_me::*;
pub use sign_in::*;
pub use sign_out::*;
pub use sign_out_elsewhere::*;
pub use sign_up::*;
pub use validate::*;

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
    /// Invitations waiting for this user's answer.
    pub pending_invitations: usize,
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
