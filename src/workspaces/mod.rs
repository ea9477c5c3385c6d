//! Workspaces: where the work of an organization happens, and which one is current.

pub mod components;
pub mod pages;
mod switch_workspace;

#[cfg(feature = "ssr")]
pub mod service;

pub use switch_workspace::*;
