//! Workspaces: where the work of an organization happens, and which one is current.

pub mod components;
mod create_workspace;
mod delete_workspace;
mod edit_workspace;
pub mod pages;
mod switch_workspace;
pub mod workspace_page;

#[cfg(feature = "ssr")]
pub mod service;

pub use create_workspace::*;
pub use delete_workspace::*;
pub use edit_workspace::*;
pub use switch_workspace::*;

/// The longest workspace description, in characters (the schema's CHECK says the same).
pub const DESCRIPTION_MAX: usize = 1000;
