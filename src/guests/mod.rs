//! Workspace guests: people outside the organization who may open one workspace. They are
//! invited by email through the invitation flow (workspace scope), listed, and removed.

mod add_workspace_guest;
mod get_workspace_guests;
mod get_workspace_invites;
pub mod pages;
mod remove_workspace_guest;
mod remove_workspace_invitation;
mod resend_workspace_invitation;

#[cfg(feature = "ssr")]
pub mod service;

pub use add_workspace_guest::*;
pub use get_workspace_guests::*;
pub use get_workspace_invites::*;
pub use remove_workspace_guest::*;
pub use remove_workspace_invitation::*;
pub use resend_workspace_invitation::*;

use serde::{Deserialize, Serialize};

use crate::{ids::UserId, timestamp::Timestamp};

/// A guest of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    /// When they became a guest.
    pub since: Timestamp,
}
