//! Who may do what: the one place that decides (spec.md §3).
//!
//! Every server function names its [`Operation`] and asks [`authorize`] with the caller's role,
//! loaded from the database on that very request. No role at all answers "not found", exactly
//! like an id that does not exist, so that nobody learns what they cannot reach.

use crate::{
    db::{
        Exec, organizations,
        workspaces::{self, WorkspaceAccess},
    },
    error::AppError,
    ids::{OrganizationId, UserId, WorkspaceId},
    roles::Role,
};

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
    /// Accepted, declined, revoked and expired invitations.
    GetOrganizationInvitationHistory,
    RemoveOrganizationInvitation,
    EditOrganizationMember,
    RemoveOrganizationMember,
    /// Removing oneself: open to every member (a guest has no membership to leave).
    LeaveOrganization,
    SetOrganizationLimit,
    EditOrganization,
    CreateWorkspace,
    /// The organization's channels and volumes, with how many workspaces share each.
    GetChannelRegistry,
    /// Adding channels and volumes to the registry and removing them.
    ManageChannelRegistry,
    /// Monthly compute totals by channel and instance type (anatools' `get_organization_usage`).
    GetOrganizationUsage,
    /// Reporting metered usage (Compute Time, storage, instances) of the organization as a
    /// whole: it decides what the organization may still use, so admins only.
    ReportOrganizationUsage,
    /// Reading and exporting the organization's audit log.
    GetAuditLog,
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
    /// Reporting metered usage of one of the organization's workspaces: the organization's
    /// admins, since it spends the organization's budget (any member may create a workspace
    /// and be its admin). Decided by the organization role of the workspace's organization.
    ReportWorkspaceUsage,
}

/// What an operation's role is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Organization,
    Workspace,
}

impl Operation {
    pub const ALL: [Operation; 33] = {
        use Operation::*;
        [
            GetOrganization,
            SetOrganization,
            GetOrganizationLimits,
            GetOrganizationMembers,
            AddOrganizationMember,
            AddOrganizationAdmin,
            GetOrganizationInvites,
            GetOrganizationInvitationHistory,
            RemoveOrganizationInvitation,
            EditOrganizationMember,
            RemoveOrganizationMember,
            LeaveOrganization,
            SetOrganizationLimit,
            EditOrganization,
            CreateWorkspace,
            GetChannelRegistry,
            ManageChannelRegistry,
            GetOrganizationUsage,
            ReportOrganizationUsage,
            GetAuditLog,
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
            ReportWorkspaceUsage,
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
            | LeaveOrganization
            | CreateWorkspace
            | GetChannelRegistry
            | ManageChannelRegistry
            | GetOrganizationUsage => (Scope::Organization, Role::Member),
            AddOrganizationAdmin
            | GetOrganizationInvitationHistory
            | EditOrganizationMember
            | RemoveOrganizationMember
            | SetOrganizationLimit
            | EditOrganization
            | ReportOrganizationUsage
            | ReportWorkspaceUsage
            | GetAuditLog => (Scope::Organization, Role::Admin),
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

/// Loads `user`'s role in `organization` from the database, now, and decides `op` with it.
/// Call it inside the transaction of the write it guards.
pub async fn authorize_in_organization(
    c: &mut impl Exec,
    organization: OrganizationId,
    user: UserId,
    op: Operation,
) -> Result<Role, AppError> {
    debug_assert_eq!(op.requirement().0, Scope::Organization, "{op:?}");
    let role = organizations::role_of(c, organization, user).await?;
    authorize(role, op)
}

/// Loads `user`'s grants on `workspace` from the database, now, and decides `op` with the
/// effective workspace role. A workspace that does not exist answers like one out of reach.
pub async fn authorize_in_workspace(
    c: &mut impl Exec,
    workspace: WorkspaceId,
    user: UserId,
    op: Operation,
) -> Result<WorkspaceAccess, AppError> {
    debug_assert_eq!(op.requirement().0, Scope::Workspace, "{op:?}");
    let access = workspaces::access(c, workspace, user)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(access.role(), op)?;
    Ok(access)
}

#[cfg(test)]
mod tests {
    use super::{Operation::*, *};

    const O: Scope = Scope::Organization;
    const W: Scope = Scope::Workspace;
    const Y: bool = true;
    const N: bool = false;
    /// The role table of spec.md §3, written out cell by cell: for each operation, its scope
    /// (O: organization role, W: workspace role) and whether a guest, a member and an admin may
    /// perform it.
    #[rustfmt::skip]
    const TABLE: [(Operation, Scope, [bool; 3]); 33] = [
        //                                   guest member admin
        (GetOrganization,               O, [Y,    Y,    Y]),
        (SetOrganization,               O, [Y,    Y,    Y]),
        (GetOrganizationLimits,         O, [N,    Y,    Y]),
        (GetOrganizationMembers,        O, [N,    Y,    Y]),
        (AddOrganizationMember,         O, [N,    Y,    Y]),
        (AddOrganizationAdmin,          O, [N,    N,    Y]),
        (GetOrganizationInvites,        O, [N,    Y,    Y]),
        (GetOrganizationInvitationHistory, O, [N, N,    Y]),
        (RemoveOrganizationInvitation,  O, [N,    Y,    Y]),
        (EditOrganizationMember,        O, [N,    N,    Y]),
        (RemoveOrganizationMember,      O, [N,    N,    Y]),
        (LeaveOrganization,             O, [N,    Y,    Y]),
        (SetOrganizationLimit,          O, [N,    N,    Y]),
        (EditOrganization,              O, [N,    N,    Y]),
        (CreateWorkspace,               O, [N,    Y,    Y]),
        (GetChannelRegistry,            O, [N,    Y,    Y]),
        (ManageChannelRegistry,         O, [N,    Y,    Y]),
        (GetOrganizationUsage,          O, [N,    Y,    Y]),
        (ReportOrganizationUsage,       O, [N,    N,    Y]),
        (GetAuditLog,                   O, [N,    N,    Y]),
        (GetWorkspace,                  W, [Y,    Y,    Y]),
        (SetWorkspace,                  W, [Y,    Y,    Y]),
        (GetChannels,                   W, [Y,    Y,    Y]),
        (GetWorkspaceGuests,            W, [N,    Y,    Y]),
        (GetWorkspaceInvites,           W, [N,    Y,    Y]),
        (AddWorkspaceGuest,             W, [N,    Y,    Y]),
        (RemoveWorkspaceGuest,          W, [N,    Y,    Y]),
        (RemoveWorkspaceInvitation,     W, [N,    Y,    Y]),
        (GetWorkspaceLimits,            W, [N,    Y,    Y]),
        (EditWorkspace,                 W, [N,    N,    Y]),
        (DeleteWorkspace,               W, [N,    N,    Y]),
        (SetWorkspaceLimit,             W, [N,    N,    Y]),
        (ReportWorkspaceUsage,          O, [N,    N,    Y]),
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
