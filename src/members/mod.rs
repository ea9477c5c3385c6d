//! Members of an organization: the table, role changes, removal and leaving.

mod edit_organization_member;
mod get_organization_members;
pub mod pages;
mod remove_organization_member;

#[cfg(feature = "ssr")]
pub mod service;

pub use edit_organization_member::*;
pub use get_organization_members::*;
pub use remove_organization_member::*;

use serde::{Deserialize, Serialize};

use crate::{
    ids::{OrganizationId, UserId},
    roles::Role,
    timestamp::Timestamp,
};

/// Members per page of the members table.
pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: Timestamp,
}

/// One page of the members table, and what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub organization: OrganizationId,
    pub organization_name: String,
    pub members: Vec<Member>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<String>,
    /// Members of the organization (all of them, not only those matching the search).
    pub total: i64,
    pub viewer: UserId,
    pub viewer_role: Role,
}

impl MembersPage {
    pub fn viewer_is_admin(&self) -> bool {
        self.viewer_role == Role::Admin
    }
}

/// The refusal of every path that would leave an organization without an admin.
pub const LAST_ADMIN: &str =
    "An organization needs at least one admin. Make someone else an admin first.";
