//! Who may do what: the one place that decides (spec.md §3).
//!
//! Every server function names its [`Operation`] and asks [`authorize`] with the caller's role,
//! loaded from the database on that very request. No role at all answers "not found", exactly
//! like an id that does not exist, so that nobody learns what they cannot reach.

use crate::{error::AppError, roles::Role};

/// Every operation of the role table, by its anatools name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    // Organization operations: decided by the caller's organization role.
    GetOrganization,
    SetOrganization,
    GetOrganizationLimits,
    GetOrganizationMembers,
    AddOrganizationMember,
    /// Inviting with the admin role: a stricter case of `AddOrganizationMember`.
    AddOrganizationAdmin,
    GetOrganizationInvites,
    RemoveOrganizationInvitation,
    EditOrganizationMember,
    RemoveOrganizationMember,
    SetOrganizationLimit,
    EditOrganization,
    CreateWorkspace,
    // Workspace operations: decided by the caller's effective workspace role.
    GetWorkspace,
    SetWorkspace,
    GetChannels,
    GetWorkspaceGuests,
    GetWorkspaceInvites,
    AddWorkspaceGuest,
    RemoveWorkspaceGuest,
    RemoveWorkspaceInvitation,
    GetWorkspaceLimits,
    EditWorkspace,
    DeleteWorkspace,
    SetWorkspaceLimit,
}

/// What an operation's role is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Organization,
    Workspace,
}

impl Operation {
    pub const ALL: [Operation; 25] = {
        use Operation::*;
        [
            GetOrganization,
            SetOrganization,
            GetOrganizationLimits,
            GetOrganizationMembers,
            AddOrganizationMember,
            AddOrganizationAdmin,
            GetOrganizationInvites,
            RemoveOrganizationInvitation,
            EditOrganizationMember,
            RemoveOrganizationMember,
            SetOrganizationLimit,
            EditOrganization,
            CreateWorkspace,
            GetWorkspace,
            SetWorkspace,
            GetChannels,
            GetWorkspaceGuests,
            GetWorkspaceInvites,
            AddWorkspaceGuest,
            RemoveWorkspaceGuest,
            RemoveWorkspaceInvitation,
            GetWorkspaceLimits,
            EditWorkspace,
            DeleteWorkspace,
            SetWorkspaceLimit,
        ]
    };

    /// The scope and the least role that may perform the operation.
    pub const fn requirement(self) -> (Scope, Role) {
        use Operation::*;
        match self {
            GetOrganization | SetOrganization => (Scope::Organization, Role::Guest),
            GetOrganizationLimits
            | GetOrganizationMembers
            | AddOrganizationMember
            | GetOrganizationInvites
            | RemoveOrganizationInvitation
            | CreateWorkspace => (Scope::Organization, Role::Member),
            AddOrganizationAdmin
            | EditOrganizationMember
            | RemoveOrganizationMember
            | SetOrganizationLimit
            | EditOrganization => (Scope::Organization, Role::Admin),
            GetWorkspace | SetWorkspace | GetChannels => (Scope::Workspace, Role::Guest),
            GetWorkspaceGuests
            | GetWorkspaceInvites
            | AddWorkspaceGuest
            | RemoveWorkspaceGuest
            | RemoveWorkspaceInvitation
            | GetWorkspaceLimits => (Scope::Workspace, Role::Member),
            EditWorkspace | DeleteWorkspace | SetWorkspaceLimit => (Scope::Workspace, Role::Admin),
        }
    }
}

/// Decides whether a caller holding `role` in the operation's scope may perform `op`.
///
/// `None` (no role there at all) is "not found"; a role too low is "forbidden".
pub fn authorize(role: Option<Role>, op: Operation) -> Result<Role, AppError> {
    let Some(role) = role else {
        return Err(AppError::NotFound);
    };
    let (_, least) = op.requirement();
    if role >= least {
        Ok(role)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::{Operation::*, *};

    /// The role table of spec.md §3, written out cell by cell: for each operation, whether a
    /// guest, a member and an admin (of the operation's scope) may perform it.
    const TABLE: [(Operation, Scope, [bool; 3]); 25] = [
        //                                              guest  member admin
        (GetOrganization, Scope::Organization, [true, true, true]),
        (SetOrganization, Scope::Organization, [true, true, true]),
        (
            GetOrganizationLimits,
            Scope::Organization,
            [false, true, true],
        ),
        (
            GetOrganizationMembers,
            Scope::Organization,
            [false, true, true],
        ),
        (
            AddOrganizationMember,
            Scope::Organization,
            [false, true, true],
        ),
        (
            AddOrganizationAdmin,
            Scope::Organization,
            [false, false, true],
        ),
        (
            GetOrganizationInvites,
            Scope::Organization,
            [false, true, true],
        ),
        (
            RemoveOrganizationInvitation,
            Scope::Organization,
            [false, true, true],
        ),
        (
            EditOrganizationMember,
            Scope::Organization,
            [false, false, true],
        ),
        (
            RemoveOrganizationMember,
            Scope::Organization,
            [false, false, true],
        ),
        (
            SetOrganizationLimit,
            Scope::Organization,
            [false, false, true],
        ),
        (EditOrganization, Scope::Organization, [false, false, true]),
        (CreateWorkspace, Scope::Organization, [false, true, true]),
        (GetWorkspace, Scope::Workspace, [true, true, true]),
        (SetWorkspace, Scope::Workspace, [true, true, true]),
        (GetChannels, Scope::Workspace, [true, true, true]),
        (GetWorkspaceGuests, Scope::Workspace, [false, true, true]),
        (GetWorkspaceInvites, Scope::Workspace, [false, true, true]),
        (AddWorkspaceGuest, Scope::Workspace, [false, true, true]),
        (RemoveWorkspaceGuest, Scope::Workspace, [false, true, true]),
        (
            RemoveWorkspaceInvitation,
            Scope::Workspace,
            [false, true, true],
        ),
        (GetWorkspaceLimits, Scope::Workspace, [false, true, true]),
        (EditWorkspace, Scope::Workspace, [false, false, true]),
        (DeleteWorkspace, Scope::Workspace, [false, false, true]),
        (SetWorkspaceLimit, Scope::Workspace, [false, false, true]),
    ];

    #[test]
    fn the_role_table_grants_and_denies_exactly_as_the_spec_says() {
        assert_eq!(TABLE.len(), Operation::ALL.len());
        for op in Operation::ALL {
            let (_, scope, allowed) = TABLE
                .iter()
                .find(|(o, ..)| *o == op)
                .unwrap_or_else(|| panic!("{op:?} missing from the table"));
            assert_eq!(op.requirement().0, *scope, "{op:?} scope");
            for (role, allowed) in [Role::Guest, Role::Member, Role::Admin]
                .into_iter()
                .zip(allowed)
            {
                let outcome = authorize(Some(role), op);
                if *allowed {
                    assert_eq!(outcome, Ok(role), "{role:?} may {op:?}");
                } else {
                    assert_eq!(outcome, Err(AppError::Forbidden), "{role:?} may not {op:?}");
                }
            }
        }
    }

    #[test]
    fn no_role_is_not_found_for_every_operation() {
        for op in Operation::ALL {
            assert_eq!(authorize(None, op), Err(AppError::NotFound), "{op:?}");
        }
    }
}
