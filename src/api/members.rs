//! Members, guests and invitations, as anatools names them: one set of operations for both
//! scopes, the workspace one chosen by `workspaceId`.

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    accounts::normalize_email,
    api::schema::{
        Result, answer, caller, parse, state, user, user_in_organization, user_in_workspace,
    },
    db::{
        invitations as invitations_db,
        users::{self, UserRecord},
    },
    error::AppError,
    guests,
    ids::{InvitationId, OrganizationId, UserId, WorkspaceId},
    invitations::service as invitations,
    members::service as members,
    policy::{self, Operation},
    roles::Role,
    server::state::AppState,
};

#[derive(SimpleObject)]
#[graphql(name = "Member")]
pub struct ApiMember {
    organization_id: Option<String>,
    workspace_id: Option<String>,
    user_id: String,
    email: String,
    name: String,
    role: String,
}

#[derive(SimpleObject)]
#[graphql(name = "Invitation")]
pub struct ApiInvitation {
    invitation_id: String,
    email: String,
    /// When it was sent.
    timestamp: String,
    organization_id: Option<String>,
    role: String,
    workspace_id: Option<String>,
    expires_at: String,
}

/// The place an operation is about: a workspace when the SDK names one, else an organization
/// (the caller's current one when it names none).
enum Place {
    Organization(Option<OrganizationId>),
    Workspace(WorkspaceId),
}

/// The place the arguments name, and the caller's user if their credentials reach it.
async fn place<'a>(
    ctx: &Context<'a>,
    organization_id: Option<String>,
    workspace_id: Option<String>,
) -> std::result::Result<(&'a UserRecord, Place), AppError> {
    if let Some(ws) = parse::<WorkspaceId>(workspace_id.as_deref())? {
        return Ok((user_in_workspace(ctx, ws).await?, Place::Workspace(ws)));
    }
    let organization = match parse::<OrganizationId>(organization_id.as_deref())? {
        Some(org) => Some(org),
        None => caller(ctx).default_organization()?,
    };
    let user = match organization {
        Some(org) => user_in_organization(ctx, org)?,
        None => user(ctx)?,
    };
    Ok((user, Place::Organization(organization)))
}

/// A role as the SDK writes it.
fn role(raw: Option<&str>) -> std::result::Result<Role, AppError> {
    match raw.map(|r| r.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("member") => Ok(Role::Member),
        Some("admin") => Ok(Role::Admin),
        Some(_) => Err(AppError::field("role", "Choose member or admin.")),
    }
}

/// Decides the caller's right to act on someone in `place` before anyone is looked up by
/// email: looked up first, an address with an account somewhere would answer "forbidden" and
/// one without "not found", telling a caller without the right who has an account.
async fn authorize_first(
    state: &AppState,
    user: &UserRecord,
    place: &Place,
    email: &str,
    organization_op: Operation,
) -> std::result::Result<(), AppError> {
    let mut c = state.db.conn().await?;
    match place {
        Place::Workspace(ws) => {
            policy::authorize_in_workspace(&mut c, *ws, user.id, Operation::RemoveWorkspaceGuest)
                .await?;
        }
        Place::Organization(Some(org)) => {
            // Leaving needs less than removing someone else.
            let own = normalize_email(email).is_ok_and(|e| e == user.email);
            let op = if own && organization_op == Operation::RemoveOrganizationMember {
                Operation::LeaveOrganization
            } else {
                organization_op
            };
            policy::authorize_in_organization(&mut c, *org, user.id, op).await?;
        }
        Place::Organization(None) => return Err(AppError::NotFound),
    }
    Ok(())
}

/// The account of `email` (normalised), or "not found".
async fn account(state: &AppState, email: &str) -> std::result::Result<UserId, AppError> {
    let email = normalize_email(email).map_err(|m| AppError::field("email", m))?;
    let mut c = state.db.conn().await?;
    Ok(users::find_by_email(&mut c, &email)
        .await?
        .ok_or(AppError::NotFound)?
        .id)
}

const SUCCESS: &str = "success";

#[derive(Default)]
pub struct MembersQuery;

#[Object]
impl MembersQuery {
    /// The organization's members, or the workspace's guests; with `limit`, that many after
    /// the member whose `userId` is `cursor` (anatools 6 pages so).
    async fn get_members(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        limit: Option<i32>,
        cursor: Option<String>,
    ) -> Result<Vec<ApiMember>> {
        let result = match paging(limit, cursor.as_deref()) {
            Ok(paging) => get_members(ctx, organization_id, workspace_id, paging).await,
            Err(e) => Err(e),
        };
        answer(ctx, result)
    }

    /// Pending invitations to the organization, or to the workspace as a guest; with `limit`,
    /// that many after the invitation whose `invitationId` is `cursor`.
    async fn get_invitations(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        limit: Option<i32>,
        cursor: Option<String>,
    ) -> Result<Vec<ApiInvitation>> {
        let result = match paging::<InvitationId>(limit, cursor.as_deref()) {
            Ok(paging) => get_invitations(ctx, organization_id, workspace_id)
                .await
                .map(|all| paging.page(all, |i| i.invitation_id.clone())),
            Err(e) => Err(e),
        };
        answer(ctx, result)
    }
}

/// `limit` and `cursor` as anatools 6 sends them: a page size, and the id of the last item of
/// the previous page.
struct Paging<Id> {
    limit: Option<usize>,
    after: Option<Id>,
}

fn paging<Id: std::str::FromStr>(
    limit: Option<i32>,
    cursor: Option<&str>,
) -> std::result::Result<Paging<Id>, AppError> {
    let limit = match limit {
        None => None,
        Some(n) if n >= 1 => Some(n as usize),
        Some(_) => return Err(AppError::field("limit", "The limit must be at least 1.")),
    };
    let after = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => Some(raw.parse().map_err(|_| {
            AppError::field(
                "cursor",
                "The cursor is not the id of an item of the previous page.",
            )
        })?),
    };
    Ok(Paging { limit, after })
}

impl<Id: std::fmt::Display> Paging<Id> {
    /// At most `limit` of `items`, after the one whose id is `after` (for the short lists
    /// paged in memory: guests, invitations).
    fn page<T>(self, items: Vec<T>, id: impl Fn(&T) -> String) -> Vec<T> {
        let start = self.after.map_or(0, |after| {
            let after = after.to_string();
            items
                .iter()
                .position(|i| id(i) == after)
                .map_or(items.len(), |p| p + 1)
        });
        items
            .into_iter()
            .skip(start)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect()
    }
}

async fn get_members(
    ctx: &Context<'_>,
    organization_id: Option<String>,
    workspace_id: Option<String>,
    paging: Paging<UserId>,
) -> std::result::Result<Vec<ApiMember>, AppError> {
    let state = state(ctx);
    let (user, place) = place(ctx, organization_id, workspace_id).await?;
    match place {
        Place::Workspace(ws) => {
            let guests = guests::service::list(state, user, ws)
                .await?
                .into_iter()
                .map(|g| ApiMember {
                    organization_id: None,
                    workspace_id: Some(ws.to_string()),
                    user_id: g.user_id.to_string(),
                    email: g.email,
                    name: g.name,
                    role: Role::Guest.as_str().to_owned(),
                })
                .collect();
            Ok(paging.page(guests, |g| g.user_id.clone()))
        }
        Place::Organization(org) => {
            let (organization, found) =
                members::list(state, user, org, paging.after, paging.limit).await?;
            let organization = organization.to_string();
            Ok(found
                .into_iter()
                .map(|m| ApiMember {
                    organization_id: Some(organization.clone()),
                    workspace_id: None,
                    user_id: m.user_id.to_string(),
                    email: m.email,
                    name: m.name,
                    role: m.role.as_str().to_owned(),
                })
                .collect())
        }
    }
}

async fn get_invitations(
    ctx: &Context<'_>,
    organization_id: Option<String>,
    workspace_id: Option<String>,
) -> std::result::Result<Vec<ApiInvitation>, AppError> {
    let state = state(ctx);
    let (user, place) = place(ctx, organization_id, workspace_id).await?;
    let (pending, organization, workspace) = match place {
        Place::Workspace(ws) => (
            invitations::pending_guests(state, user, ws).await?,
            None,
            Some(ws.to_string()),
        ),
        Place::Organization(org) => {
            let pending = invitations::pending(state, user, org).await?;
            (pending, org.map(|o| o.to_string()), None)
        }
    };
    Ok(pending
        .into_iter()
        .map(|i| ApiInvitation {
            invitation_id: i.id.to_string(),
            email: i.email,
            timestamp: i.created_at.to_string(),
            organization_id: organization.clone(),
            role: i.role.as_str().to_owned(),
            workspace_id: workspace.clone(),
            expires_at: i.expires_at.to_string(),
        })
        .collect())
}

/// Revokes an invitation where it leads. The ids the script names must be the invitation's
/// workspace or organization: anatools 3.0.0's `remove_workspace_invitation` sends the current
/// organization's id as `workspaceId` when it is given none.
async fn revoke(
    ctx: &Context<'_>,
    invitation: InvitationId,
    named: [Option<String>; 2],
) -> std::result::Result<(), AppError> {
    let state = state(ctx);
    let (organization, workspace) = {
        let mut c = state.db.conn().await?;
        invitations_db::place_of(&mut c, invitation)
            .await?
            .ok_or(AppError::NotFound)?
    };
    for id in named {
        if let Some(id) = parse::<uuid::Uuid>(id.as_deref())?
            && id != organization.0
            && workspace.is_none_or(|w| w.0 != id)
        {
            return Err(AppError::NotFound);
        }
    }
    // Out of a key's reach answers like an invitation that does not exist: the id alone says
    // nothing of where it leads.
    let hidden = |e: AppError| match e {
        AppError::OutsideKeyScope => AppError::NotFound,
        e => e,
    };
    match workspace {
        Some(ws) => {
            let user = user_in_workspace(ctx, ws).await.map_err(hidden)?;
            invitations::revoke_guest(state, user, ws, invitation).await
        }
        None => {
            let user = user_in_organization(ctx, organization).map_err(hidden)?;
            invitations::revoke(state, user, organization, invitation).await
        }
    }
}

#[derive(Default)]
pub struct MembersMutation;

#[Object]
impl MembersMutation {
    /// Invites `email`: to the organization with `role` (member by default), or as a guest of
    /// the workspace. The email with the link goes out as from the web UI.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        email: String,
        role: Option<String>,
    ) -> Result<String> {
        let outcome = async {
            let state = state(ctx);
            let (user, place) = place(ctx, organization_id, workspace_id).await?;
            match place {
                Place::Workspace(ws) => {
                    invitations::invite_guest(state, user, ws, &email).await?;
                }
                Place::Organization(org) => {
                    let org = org.ok_or_else(|| {
                        AppError::field("organizationId", "Name the organization or workspace.")
                    })?;
                    let role = self::role(role.as_deref())?;
                    invitations::invite(state, user, org, &email, role).await?;
                }
            }
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    /// Removes the member (or the workspace's guest) with `email`; with `invitationId`, revokes
    /// that invitation instead.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        organization_id: Option<String>,
        workspace_id: Option<String>,
        email: Option<String>,
        invitation_id: Option<String>,
    ) -> Result<String> {
        let outcome = async {
            let state = state(ctx);
            if let Some(invitation) = parse::<InvitationId>(invitation_id.as_deref())? {
                revoke(ctx, invitation, [organization_id, workspace_id]).await?;
                return Ok(SUCCESS.to_owned());
            }
            let (user, place) = place(ctx, organization_id, workspace_id).await?;
            let email = email.ok_or_else(|| AppError::field("email", "Enter an email address."))?;
            authorize_first(
                state,
                user,
                &place,
                &email,
                Operation::RemoveOrganizationMember,
            )
            .await?;
            let target = account(state, &email).await?;
            match place {
                Place::Workspace(ws) => guests::service::remove(state, user, ws, target).await?,
                Place::Organization(Some(org)) => members::remove(state, user, org, target).await?,
                Place::Organization(None) => return Err(AppError::NotFound),
            }
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }

    /// Changes the role of the member with `email`.
    async fn edit_member(
        &self,
        ctx: &Context<'_>,
        organization_id: String,
        email: String,
        role: String,
    ) -> Result<String> {
        let outcome = async {
            let state = state(ctx);
            let org = parse::<OrganizationId>(Some(&organization_id))?.ok_or(AppError::NotFound)?;
            let user = user_in_organization(ctx, org)?;
            let role = self::role(Some(&role))?;
            let place = Place::Organization(Some(org));
            authorize_first(
                state,
                user,
                &place,
                &email,
                Operation::EditOrganizationMember,
            )
            .await?;
            let target = account(state, &email).await?;
            members::change_role(state, user, org, target, role).await?;
            Ok(SUCCESS.to_owned())
        };
        answer(ctx, outcome.await)
    }
}
