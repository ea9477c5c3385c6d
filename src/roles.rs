//! Roles, with an explicit order: `Guest < Member < Admin`, so `role >= Role::Member` reads as
//! the rule it is.
//!
//! The same three levels serve organizations (where `Guest` is derived: no membership, but a
//! guest grant in one of its workspaces) and workspaces (spec.md §3).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Guest,
    Member,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Guest => "guest",
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Role::Guest => "Guest",
            Role::Member => "Member",
            Role::Admin => "Admin",
        }
    }

    /// The workspace role an organization role implies (spec.md §3): organization admins
    /// administer every workspace, members are members of every workspace, and a derived
    /// organization guest implies nothing.
    pub const fn implied_workspace_role(org_role: Role) -> Option<Role> {
        match org_role {
            Role::Admin => Some(Role::Admin),
            Role::Member => Some(Role::Member),
            Role::Guest => None,
        }
    }

    /// The effective workspace role: the highest of the explicit grant and the role implied by
    /// the organization membership.
    pub fn effective_workspace_role(
        org_role: Option<Role>,
        explicit: Option<Role>,
    ) -> Option<Role> {
        let implied = org_role.and_then(Role::implied_workspace_role);
        implied.max(explicit)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected guest, member or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "guest" => Ok(Role::Guest),
            "member" => Ok(Role::Member),
            "admin" => Ok(Role::Admin),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

#[cfg(feature = "ssr")]
crate::db::text_enum!(Role);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Guest < Role::Member && Role::Member < Role::Admin);
    }

    #[test]
    fn effective_workspace_role_is_the_highest_grant() {
        use Role::*;
        let cases = [
            (None, None, None),
            (None, Some(Guest), Some(Guest)),
            (Some(Member), None, Some(Member)),
            (Some(Member), Some(Guest), Some(Member)),
            (Some(Member), Some(Admin), Some(Admin)),
            (Some(Admin), Some(Guest), Some(Admin)),
            (Some(Guest), None, None),
            (Some(Guest), Some(Guest), Some(Guest)),
        ];
        for (org, explicit, expected) in cases {
            assert_eq!(
                Role::effective_workspace_role(org, explicit),
                expected,
                "org {org:?}, explicit {explicit:?}"
            );
        }
    }

    #[test]
    fn parses_what_it_prints() {
        for role in [Role::Guest, Role::Member, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
