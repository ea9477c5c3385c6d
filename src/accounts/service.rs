//! Account operations, below the server functions and above the data layer.

use std::{collections::BTreeMap, sync::Arc};

use crate::{
    accounts::{Current, Me, OrganizationPlace, SignUpPolicy, ValidSignUp, WorkspacePlace, links},
    db::{
        DbError, Exec, invitations,
        organizations::{self, MembershipRecord, NewMember},
        users::{self, NewUser, UserRecord},
        workspaces::{self, NewWorkspace, ReachableWorkspace},
    },
    error::AppError,
    ids::{OrganizationId, UserId, WorkspaceId},
    rate_limits::{self, Limit},
    roles::Role,
    server::{memo::RequestMemo, state::AppState},
    timestamp::Timestamp,
};

/// The name of the workspace every new organization starts with.
pub const FIRST_WORKSPACE_NAME: &str = "Main";

/// Who may sign up here, as the pages say it: `invite-only` on an instance without any account
/// yet is open (its first account can always be made).
pub async fn sign_up_policy(state: &AppState) -> Result<SignUpPolicy, AppError> {
    let policy = state.config.sign_up.clone();
    if policy == SignUpPolicy::InviteOnly {
        let mut c = state.db.conn().await?;
        if !users::any(&mut c).await? {
            return Ok(SignUpPolicy::Open);
        }
    }
    Ok(policy)
}

/// The answer to a sign-up with an address that has an account. Its owner is told by email; if
/// the account is unverified (someone may have signed up with an address that is not theirs),
/// a password reset is how the address's real owner takes it back.
const EMAIL_TAKEN: &str =
    "An account with this email already exists. Sign in, or reset your password if you forgot it.";

/// Creates the user, their organization (with them as admin) and its first workspace, in one
/// transaction: either all of it exists afterwards or none of it. The account starts
/// unverified, and a confirmation link goes to its address in the same transaction.
pub async fn sign_up(state: &AppState, input: ValidSignUp) -> Result<UserId, AppError> {
    // The operator's policy first; the first account of an empty instance is always allowed
    // (asked only where it matters: a sign-up is never "first" for the other policies).
    let invite_only = state.config.sign_up == SignUpPolicy::InviteOnly;
    let first = invite_only && {
        let mut c = state.db.conn().await?;
        !users::any(&mut c).await?
    };
    state
        .config
        .sign_up
        .admits(&input.email, first)
        .map_err(|m| AppError::field("email", m))?;
    let hash = state.passwords.hash(input.password).await?;
    let now = Timestamp::now();
    let user = UserId::new();
    let organization = OrganizationId::new();
    let workspace = WorkspaceId::new();

    let mut tx = state.db.begin().await?;
    if first && users::any(&mut tx).await? {
        // Two first sign-ups at once: the one that came second is not first any more. (Exact
        // on SQLite, whose write transactions queue; on PostgreSQL two in the same instant can
        // both get through, which leaves two accounts rather than one: no one's rights.)
        return Err(AppError::field(
            "email",
            SignUpPolicy::InviteOnly
                .admits(&input.email, false)
                .unwrap_err(),
        ));
    }
    let created = users::create(
        &mut tx,
        NewUser {
            id: user,
            email: &input.email,
            name: &input.name,
            password_hash: &hash,
            now,
        },
    )
    .await;
    match created {
        Err(DbError::UniqueViolation) => {
            drop(tx);
            links::sign_up_attempted(state, &input.email).await?;
            return Err(AppError::field("email", EMAIL_TAKEN));
        }
        other => other?,
    }
    organizations::create(&mut tx, organization, &input.organization, now).await?;
    let admin = NewMember {
        user,
        name: &input.name,
        email: &input.email,
    };
    organizations::add_member(&mut tx, organization, admin, Role::Admin, now).await?;
    workspaces::create(
        &mut tx,
        NewWorkspace {
            id: workspace,
            organization,
            name: FIRST_WORKSPACE_NAME,
            description: "",
            created_by: user,
            now,
        },
    )
    .await?;
    workspaces::grant(&mut tx, workspace, user, Role::Admin, now).await?;
    users::set_last_used(&mut tx, user, organization, Some(workspace)).await?;
    links::send_verification(state, &mut tx, (user, &input.name), &input.email, false).await?;
    tx.commit().await?;
    state.outbox.wake();
    tracing::info!(%user, %organization, "new account");
    Ok(user)
}

/// Sets a new password for `user`, who must give the current one. Every access token their
/// scripts signed in with ends (API keys, made and deleted on purpose, stay). A wrong current
/// password counts as a failed sign-in: a stolen session cannot guess it without end.
pub async fn change_password(
    state: &AppState,
    user: &UserRecord,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let mut errors = crate::error::FieldErrors::default();
    if let Err(message) = crate::accounts::check_password(&new) {
        errors.add("new_password", message);
    }
    if current == new && errors.is_empty() {
        errors.add(
            "new_password",
            "Choose a password other than the current one.",
        );
    }
    // Reserved before the password is checked, as at sign-in: see `sign_in`.
    rate_limits::reserve(state, Limit::SignInAccount, &user.email).await?;
    let matches = state
        .passwords
        .verify(current, Some(user.password_hash.clone()))
        .await?;
    if matches {
        rate_limits::release(state, Limit::SignInAccount, &user.email).await?;
    } else {
        errors.0.insert(
            0,
            crate::error::FieldError {
                field: "current_password".to_owned(),
                message: "That is not your current password.".to_owned(),
            },
        );
    }
    errors.into_result()?;
    let hash = state.passwords.hash(new).await?;
    let mut tx = state.db.begin().await?;
    users::set_password_hash(&mut tx, user.id, &hash).await?;
    crate::db::access_tokens::delete_for_user(&mut tx, user.id).await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, "password changed; access tokens ended");
    Ok(())
}

/// The user whose email and password match. An unknown email costs the same time as a wrong
/// password and answers the same error. Rate limited, for the web form and the API alike:
/// every attempt counts against the client's address (`address`, when known), and failures
/// against the account, which is refused for a while after too many, even with the right
/// password.
///
/// The account's attempt is reserved *before* the password is checked and given back only
/// when it was right: checking first and counting the failure after would let many guesses
/// sent at the same moment all be checked before any of them counted.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    address: Option<&str>,
) -> Result<UserId, AppError> {
    if let Some(address) = address {
        rate_limits::hit(state, Limit::SignInAddress, address).await?;
    }
    // Reserved for unknown emails too: the answer must not tell them apart.
    rate_limits::reserve(state, Limit::SignInAccount, email).await?;
    let user = {
        let mut c = state.db.conn().await?;
        users::find_by_email(&mut c, email).await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = state.passwords.verify(password, stored).await?;
    match user {
        Some(user) if matches => {
            rate_limits::release(state, Limit::SignInAccount, email).await?;
            Ok(user.id)
        }
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Everything the user can reach, read in two queries.
#[derive(Debug)]
pub struct Reach {
    pub memberships: Vec<MembershipRecord>,
    pub workspaces: Vec<ReachableWorkspace>,
}

impl Reach {
    pub async fn load(c: &mut impl Exec, user: UserId) -> Result<Reach, DbError> {
        Ok(Reach {
            memberships: organizations::memberships_of(c, user).await?,
            workspaces: workspaces::reachable_by(c, user).await?,
        })
    }

    /// [`Reach::load`], read once per page render (see `server::memo`): for reads only, never
    /// inside a transaction that writes.
    pub async fn of_request(c: &mut impl Exec, user: UserId) -> Result<Arc<Reach>, DbError> {
        match RequestMemo::current() {
            Some(memo) => {
                memo.reach(|| async { Reach::load(c, user).await.map(Arc::new) })
                    .await
            }
            None => Reach::load(c, user).await.map(Arc::new),
        }
    }

    /// Organizations by name, each with its reachable workspaces. An organization the user
    /// is no member of, but a guest in one of its workspaces, appears with the role guest.
    pub fn places(&self) -> Vec<OrganizationPlace> {
        let mut by_id: BTreeMap<OrganizationId, OrganizationPlace> = BTreeMap::new();
        for m in &self.memberships {
            by_id.insert(
                m.organization_id,
                OrganizationPlace {
                    id: m.organization_id,
                    name: m.name.clone(),
                    role: m.role,
                    workspaces: Vec::new(),
                },
            );
        }
        for w in &self.workspaces {
            let Some(role) = w.role() else { continue };
            let org = by_id
                .entry(w.organization_id)
                .or_insert_with(|| OrganizationPlace {
                    id: w.organization_id,
                    name: w.organization_name.clone(),
                    role: Role::Guest,
                    workspaces: Vec::new(),
                });
            org.workspaces.push(WorkspacePlace {
                id: w.id,
                name: w.name.clone(),
                description: w.description.clone(),
                role,
            });
        }
        let mut places: Vec<_> = by_id.into_values().collect();
        places.sort_by_cached_key(|o| (o.name.to_lowercase(), o.id));
        places
    }
}

/// Where the user is: the organization and workspace they used last when they still reach
/// them, otherwise the first of each.
pub fn current(
    places: &[OrganizationPlace],
    last_organization: Option<OrganizationId>,
    last_workspace: Option<WorkspaceId>,
) -> Option<Current> {
    let org = last_organization
        .and_then(|id| places.iter().find(|o| o.id == id))
        .or_else(|| places.first())?;
    let workspace = last_workspace
        .filter(|id| org.workspaces.iter().any(|w| w.id == *id))
        .or_else(|| org.workspaces.first().map(|w| w.id));
    Some(Current {
        organization: org.id,
        workspace,
    })
}

pub async fn me(state: &AppState, user: &UserRecord) -> Result<Me, AppError> {
    let mut c = state.db.conn().await?;
    let reach = Reach::of_request(&mut c, user.id).await?;
    let organizations = reach.places();
    let current = current(
        &organizations,
        user.last_organization_id,
        user.last_workspace_id,
    );
    let now = Timestamp::now();
    // An unverified address may not be its holder's: its invitations stay out of sight.
    let pending_invitations = if user.email_verified() {
        invitations::count_pending_for_email(&mut c, &user.email, now).await?
    } else {
        0
    };
    let pending_email = crate::db::account_links::pending_email(&mut c, user.id, now).await?;
    Ok(Me {
        id: user.id,
        name: user.name.clone(),
        email: user.email.clone(),
        organizations,
        current,
        pending_invitations: usize::try_from(pending_invitations).unwrap_or_default(),
        email_verified: user.email_verified(),
        pending_email,
        emails_sent: state.config.smtp_url.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn org(n: u128, name: &str, role: Role, ws: &[u128]) -> OrganizationPlace {
        OrganizationPlace {
            id: OrganizationId(Uuid::from_u128(n)),
            name: name.into(),
            role,
            workspaces: ws
                .iter()
                .map(|w| WorkspacePlace {
                    id: WorkspaceId(Uuid::from_u128(*w)),
                    name: format!("w{w}"),
                    description: String::new(),
                    role,
                })
                .collect(),
        }
    }

    #[test]
    fn current_prefers_the_last_used_place_while_it_is_reachable() {
        let places = vec![
            org(1, "A", Role::Admin, &[10, 11]),
            org(2, "B", Role::Guest, &[20]),
            org(3, "C", Role::Member, &[]),
        ];
        let ws = |n| WorkspaceId(Uuid::from_u128(n));
        let o = |n| OrganizationId(Uuid::from_u128(n));

        let c = current(&places, Some(o(1)), Some(ws(11))).unwrap();
        assert_eq!((c.organization, c.workspace), (o(1), Some(ws(11))));
        // A workspace of another organization is not current in this one.
        let c = current(&places, Some(o(1)), Some(ws(20))).unwrap();
        assert_eq!((c.organization, c.workspace), (o(1), Some(ws(10))));
        // An organization the user left falls back to the first.
        let c = current(&places, Some(o(9)), Some(ws(20))).unwrap();
        assert_eq!((c.organization, c.workspace), (o(1), Some(ws(10))));
        // An organization without workspaces has no current workspace.
        let c = current(&places, Some(o(3)), None).unwrap();
        assert_eq!((c.organization, c.workspace), (o(3), None));
        assert!(current(&[], Some(o(1)), None).is_none());
    }
}
