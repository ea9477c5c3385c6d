//! Organizations: the current one, its overview, and switching between them.

mod edit_organization;
mod get_dashboard;
mod get_organizations;
pub mod pages;
mod switch_organization;

#[cfg(feature = "ssr")]
pub mod service;

pub use edit_organization::*;
pub use get_dashboard::*;
pub use get_organizations::*;
pub use switch_organization::*;

use serde::{Deserialize, Serialize};

use crate::{
    ids::{OrganizationId, WorkspaceId},
    roles::Role,
    timestamp::Timestamp,
};

/// The overview of the current organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub id: OrganizationId,
    pub name: String,
    pub created_at: Timestamp,
    pub role: Role,
    /// Hidden from guests, who may not see the members (spec.md §3).
    pub member_count: Option<i64>,
    /// The workspaces of this organization that the caller reaches.
    pub workspaces: Vec<DashboardWorkspace>,
    pub current_workspace: Option<WorkspaceId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardWorkspace {
    pub id: WorkspaceId,
    pub name: String,
    pub description: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// An organization the caller has a role in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub id: OrganizationId,
    pub name: String,
    pub role: Role,
    /// The workspaces of it the caller reaches.
    pub workspaces: usize,
    pub current: bool,
}
