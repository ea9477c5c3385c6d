//! API keys: what machines and long-running scripts authenticate with (the `apikey` header of
//! the GraphQL API and of the usage endpoint). A key belongs to a user and never reaches more
//! than that user may do at the time of each request; a scoped key reaches one organization
//! or one workspace only. The key is shown once, when it is made; only its SHA-256 is kept.

mod create_api_key;
mod delete_api_key;
mod get_api_keys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;

pub use create_api_key::*;
pub use delete_api_key::*;
pub use get_api_keys::*;

use serde::{Deserialize, Serialize};

use crate::{
    ids::{OrganizationId, WorkspaceId},
    timestamp::Timestamp,
};

/// The longest key name, in characters (the schema's CHECK says the same).
pub const NAME_MAX: usize = 100;
/// How many keys one user may hold.
pub const KEYS_MAX: usize = 50;
/// What every key starts with: it tells people (and secret scanners) what the string is.
pub const KEY_PREFIX: &str = "osk_";

/// What a key reaches, with the names to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyScope {
    /// Everything its owner may do.
    User,
    Organization {
        id: OrganizationId,
        name: String,
    },
    Workspace {
        id: WorkspaceId,
        name: String,
        organization_id: OrganizationId,
        organization_name: String,
    },
}

impl KeyScope {
    /// `user`, `organization` or `workspace`: as anatools names scopes.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyScope::User => "user",
            KeyScope::Organization { .. } => "organization",
            KeyScope::Workspace { .. } => "workspace",
        }
    }

    /// For people: what the key can reach.
    pub fn describe(&self) -> String {
        match self {
            KeyScope::User => "Everything you can do".to_owned(),
            KeyScope::Organization { name, .. } => format!("Organization {name}"),
            KeyScope::Workspace {
                name,
                organization_name,
                ..
            } => format!("Workspace {name} ({organization_name})"),
        }
    }

    pub fn organization_id(&self) -> Option<OrganizationId> {
        match self {
            KeyScope::User => None,
            KeyScope::Organization { id, .. } => Some(*id),
            KeyScope::Workspace {
                organization_id, ..
            } => Some(*organization_id),
        }
    }

    pub fn workspace_id(&self) -> Option<WorkspaceId> {
        match self {
            KeyScope::Workspace { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// One key, as its owner sees it (never the key itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub scope: KeyScope,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    /// Expired when the list was read.
    pub expired: bool,
}

/// A place a new key can be limited to, for the form's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeChoice {
    /// What the form sends: `organization:ID` or `workspace:ID`.
    pub value: String,
    pub label: String,
    /// The organization it belongs to, to group the choices.
    pub group: String,
}

/// The settings page's data: my keys, and where a new one may be limited to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKey>,
    pub choices: Vec<ScopeChoice>,
    /// A key made by a form sent without JavaScript, kept in the session until this first
    /// page after it: the only time that page can show it.
    pub just_created: Option<CreatedKey>,
}

/// A key just made: the only time the key itself is seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub name: String,
    pub key: String,
}

/// The expiries the form offers, in days (`never` is no expiry), shortest first.
pub const EXPIRY_CHOICES: [(&str, &str); 5] = [
    ("7", "In 7 days"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    ("never", "Never"),
];
