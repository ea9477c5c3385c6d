//! Invitation operations. Creating and accepting lock the organization and check the Members
//! limit inside the same transaction as the write.

use serde_json::json;

use crate::{
    accounts::{check_password, normalize_email, normalize_name},
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{
        DbError, Exec, Tx,
        invitations::{self, InvitationRecord, LinkRecord, NewInvitation, SentBy},
        limits::organization_counts,
        organizations::{self, NewMember},
        outbox,
        users::{self, NewUser, UserRecord},
        workspaces,
    },
    error::{AppError, FieldErrors},
    ids::{InvitationId, OrganizationId, UserId, WorkspaceId},
    invitations::{
        InvitationLink, InvitationSent, LinkDetails, MyInvitation, Outcome, PastInvitation,
        PendingInvitation, Viewer,
        email::{self, InvitationEmail},
    },
    limits::{
        Setting,
        service::{ensure_room_for_guest, ensure_within},
    },
    policy::{Operation, authorize, authorize_in_organization, authorize_in_workspace},
    rate_limits::{self, Limit},
    roles::Role,
    server::state::AppState,
    timestamp::Timestamp,
    token,
};

impl From<InvitationRecord> for PendingInvitation {
    fn from(i: InvitationRecord) -> Self {
        PendingInvitation {
            id: i.id,
            email: i.email,
            role: i.role,
            invited_by: i.invited_by_name,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

impl From<InvitationRecord> for MyInvitation {
    fn from(i: InvitationRecord) -> Self {
        MyInvitation {
            id: i.id,
            organization_id: i.organization_id,
            organization_name: i.organization_name,
            workspace_name: i.workspace_name,
            role: i.role,
            invited_by: i.invited_by_name,
            created_at: i.created_at,
            expires_at: i.expires_at,
        }
    }
}

async fn lock(c: &mut impl Exec, organization: OrganizationId) -> Result<(), AppError> {
    if organizations::lock(c, organization).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Members usage as the meter shows it: members plus pending invitations.
async fn members_usage(
    c: &mut impl Exec,
    organization: OrganizationId,
    now: Timestamp,
) -> Result<(i64, i64), DbError> {
    let counts = organization_counts(c, organization, now).await?;
    Ok((
        counts.members,
        counts.members + counts.pending_member_invitations,
    ))
}

pub async fn invite(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    raw_email: &str,
    role: Role,
) -> Result<InvitationSent, AppError> {
    // Every invitation sent is an email to someone: counted per sender.
    rate_limits::hit(state, Limit::InvitationsUser, &user.id.to_string()).await?;
    let mut tx = state.db.begin().await?;
    lock(&mut tx, organization).await?;
    let own_role = authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::AddOrganizationMember,
    )
    .await?;
    let email = normalize_email(raw_email).map_err(|m| AppError::field("email", m))?;
    match role {
        Role::Member => {}
        Role::Admin => {
            authorize(Some(own_role), Operation::AddOrganizationAdmin)?;
        }
        Role::Guest => return Err(AppError::field("role", "Choose member or admin.")),
    }
    if let Some(invitee) = users::find_by_email(&mut tx, &email).await?
        && organizations::member_role(&mut tx, organization, invitee.id)
            .await?
            .is_some()
    {
        return Err(AppError::field(
            "email",
            format!("{email} is already a member."),
        ));
    }

    let now = Timestamp::now();
    let expires_at = expiry(state, now);
    let existing = invitations::find_open_to_organization(&mut tx, organization, &email).await?;
    if existing.as_ref().is_some_and(|i| i.expires_at > now) {
        return Err(AppError::field(
            "email",
            format!("An invitation to {email} is already pending."),
        ));
    }
    let (_, usage) = members_usage(&mut tx, organization, now).await?;
    ensure_within(
        &mut tx,
        &state.config,
        organization,
        Setting::Members,
        usage,
        usage + 1,
    )
    .await?;

    let token = token::generate()?;
    let id = store(
        &mut tx,
        existing,
        NewInvitation {
            id: InvitationId::new(),
            organization,
            workspace: None,
            email: &email,
            role,
            token_hash: &token.hash,
            invited_by: user.id,
            now,
            expires_at,
        },
    )
    .await?;
    let invitation = PendingInvitation {
        id,
        email,
        role,
        invited_by: Some(user.name.clone()),
        created_at: now,
        expires_at,
    };
    let sent = deliver(
        state,
        tx,
        Action::InvitationSent,
        user,
        organization,
        None,
        invitation,
        &token.raw,
    )
    .await?;
    tracing::info!(%organization, invitation = %id, "invitation created");
    Ok(sent)
}

/// Stores a new invitation, or, when the address's open invitation had `expired`, sends that one
/// again (one open invitation per address and place); answers the id it has.
async fn store(
    tx: &mut Tx,
    expired: Option<InvitationRecord>,
    new: NewInvitation<'_>,
) -> Result<InvitationId, DbError> {
    match expired {
        Some(expired) => {
            let renewal = invitations::Renewal {
                role: new.role,
                token_hash: new.token_hash,
                invited_by: new.invited_by,
                now: new.now,
                expires_at: new.expires_at,
            };
            invitations::renew(tx, expired.id, renewal).await?;
            Ok(expired.id)
        }
        None => {
            let id = new.id;
            invitations::create(tx, new).await?;
            Ok(id)
        }
    }
}

fn expiry(state: &AppState, now: Timestamp) -> Timestamp {
    Timestamp::from_unix_millis(
        now.unix_millis() + i64::from(state.config.invitation_days) * 86_400_000,
    )
}

/// The link of an invitation token.
pub fn link(state: &AppState, raw_token: &str) -> String {
    format!("{}/invite/{raw_token}", state.config.public_url)
}

/// Sends the invitation just stored in `tx` and commits: its email is queued in the same
/// transaction (nothing is lost if the mail server is down), and the sender is woken after.
#[allow(clippy::too_many_arguments)]
async fn deliver(
    state: &AppState,
    mut tx: Tx,
    action: Action,
    inviter: &UserRecord,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
    invitation: PendingInvitation,
    raw_token: &str,
) -> Result<InvitationSent, AppError> {
    let mut event = Event::new(
        action,
        organization,
        Target::invitation(invitation.id, &invitation.email),
    )
    .after(json!({
        "role": invitation.role,
        "expires": invitation.expires_at.date_string(),
    }));
    event.workspace = workspace;
    record(&mut tx, inviter, event).await?;
    let sent = send(
        state,
        &mut tx,
        inviter,
        organization,
        workspace,
        invitation,
        raw_token,
    )
    .await?;
    tx.commit().await?;
    state.outbox.wake();
    Ok(sent)
}

/// Queues the invitation's email in `tx` (or, with no SMTP configured, logs its link). A
/// guest invitation names its `workspace`.
async fn send(
    state: &AppState,
    tx: &mut Tx,
    inviter: &UserRecord,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
    invitation: PendingInvitation,
    raw_token: &str,
) -> Result<InvitationSent, AppError> {
    let link = link(state, raw_token);
    let emailed = state.config.smtp_url.is_some();
    if emailed {
        let org = organizations::find_by_id(tx, organization)
            .await?
            .ok_or(AppError::NotFound)?;
        let workspace_name = match workspace {
            Some(ws) => Some(
                workspaces::name_of(tx, ws)
                    .await?
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let rendered = email::render(&InvitationEmail {
            to: &invitation.email,
            inviter_name: &inviter.name,
            inviter_email: &inviter.email,
            organization: &org.name,
            workspace: workspace_name.as_deref(),
            role: invitation.role,
            link: &link,
            expires_at: invitation.expires_at,
        });
        outbox::queue(
            tx,
            rendered.as_new_email(&invitation.email),
            Timestamp::now(),
        )
        .await?;
    } else {
        tracing::info!(
            invitation = %invitation.id, to = %invitation.email, %link,
            "no SMTP configured: send this invitation link yourself"
        );
    }
    Ok(InvitationSent {
        invitation,
        link,
        emailed,
    })
}

/// Sends a pending (or expired) invitation again: a new token, so the old link stops working,
/// and a new expiry.
pub async fn resend(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    invitation: InvitationId,
) -> Result<InvitationSent, AppError> {
    // Every invitation sent is an email to someone: counted per sender.
    rate_limits::hit(state, Limit::InvitationsUser, &user.id.to_string()).await?;
    let mut tx = state.db.begin().await?;
    lock(&mut tx, organization).await?;
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::AddOrganizationMember,
    )
    .await?;
    let inv = invitations::find_open_to_organization_by_id(&mut tx, organization, invitation)
        .await?
        .ok_or(AppError::NotFound)?;
    // A member may not refresh an admin's invitation: that would be inviting an admin.
    if inv.role == Role::Admin {
        let own = organizations::member_role(&mut tx, organization, user.id).await?;
        authorize(own, Operation::AddOrganizationAdmin)?;
    }
    let now = Timestamp::now();
    if inv.expires_at <= now {
        // An expired invitation no longer counts toward Members: it needs room again.
        let (_, usage) = members_usage(&mut tx, organization, now).await?;
        ensure_within(
            &mut tx,
            &state.config,
            organization,
            Setting::Members,
            usage,
            usage + 1,
        )
        .await?;
    }
    let expires_at = expiry(state, now);
    let token = token::generate()?;
    let renewal = invitations::Renewal {
        role: inv.role,
        token_hash: &token.hash,
        invited_by: user.id,
        now,
        expires_at,
    };
    invitations::renew(&mut tx, inv.id, renewal).await?;
    let pending = PendingInvitation {
        id: inv.id,
        email: inv.email,
        role: inv.role,
        invited_by: Some(user.name.clone()),
        created_at: now,
        expires_at,
    };
    let sent = deliver(
        state,
        tx,
        Action::InvitationResent,
        user,
        organization,
        None,
        pending,
        &token.raw,
    )
    .await?;
    tracing::info!(%organization, invitation = %inv.id, "invitation resent");
    Ok(sent)
}

/// Invites `raw_email` to the workspace as a guest and emails them the link. The invitation
/// counts toward the workspace's Guests limit while it is pending.
pub async fn invite_guest(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    raw_email: &str,
) -> Result<InvitationSent, AppError> {
    // Every invitation sent is an email to someone: counted per sender.
    rate_limits::hit(state, Limit::InvitationsUser, &user.id.to_string()).await?;
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::AddWorkspaceGuest).await?;
    let organization = access.organization_id;
    lock(&mut tx, organization).await?;
    let email = normalize_email(raw_email).map_err(|m| AppError::field("email", m))?;
    if let Some(invitee) = users::find_by_email(&mut tx, &email).await?
        && workspaces::access(&mut tx, workspace, invitee.id)
            .await?
            .and_then(|a| a.role())
            .is_some()
    {
        return Err(AppError::field(
            "email",
            format!("{email} can already open this workspace."),
        ));
    }
    let now = Timestamp::now();
    let expires_at = expiry(state, now);
    let existing = invitations::find_open_to_workspace(&mut tx, workspace, &email).await?;
    if existing.as_ref().is_some_and(|i| i.expires_at > now) {
        return Err(AppError::field(
            "email",
            format!("An invitation to {email} is already pending."),
        ));
    }
    ensure_room_for_guest(&mut tx, &state.config, organization, workspace, now, false).await?;
    let token = token::generate()?;
    let id = store(
        &mut tx,
        existing,
        NewInvitation {
            id: InvitationId::new(),
            organization,
            workspace: Some(workspace),
            email: &email,
            role: Role::Guest,
            token_hash: &token.hash,
            invited_by: user.id,
            now,
            expires_at,
        },
    )
    .await?;
    let invitation = PendingInvitation {
        id,
        email,
        role: Role::Guest,
        invited_by: Some(user.name.clone()),
        created_at: now,
        expires_at,
    };
    let sent = deliver(
        state,
        tx,
        Action::GuestInvited,
        user,
        organization,
        Some(workspace),
        invitation,
        &token.raw,
    )
    .await?;
    tracing::info!(%workspace, invitation = %id, "guest invitation created");
    Ok(sent)
}

/// Sends a pending (or expired) guest invitation again, with a new token and expiry.
pub async fn resend_guest(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    invitation: InvitationId,
) -> Result<InvitationSent, AppError> {
    // Every invitation sent is an email to someone: counted per sender.
    rate_limits::hit(state, Limit::InvitationsUser, &user.id.to_string()).await?;
    let mut tx = state.db.begin().await?;
    let access =
        authorize_in_workspace(&mut tx, workspace, user.id, Operation::AddWorkspaceGuest).await?;
    lock(&mut tx, access.organization_id).await?;
    let inv = invitations::find_open_to_workspace_by_id(&mut tx, workspace, invitation)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Timestamp::now();
    if inv.expires_at <= now {
        // An expired invitation no longer counts among the Guests: it needs room again.
        let organization = access.organization_id;
        ensure_room_for_guest(&mut tx, &state.config, organization, workspace, now, false).await?;
    }
    let expires_at = expiry(state, now);
    let token = token::generate()?;
    let renewal = invitations::Renewal {
        role: Role::Guest,
        token_hash: &token.hash,
        invited_by: user.id,
        now,
        expires_at,
    };
    invitations::renew(&mut tx, inv.id, renewal).await?;
    let pending = PendingInvitation {
        id: inv.id,
        email: inv.email,
        role: Role::Guest,
        invited_by: Some(user.name.clone()),
        created_at: now,
        expires_at,
    };
    let sent = deliver(
        state,
        tx,
        Action::GuestInvitationResent,
        user,
        access.organization_id,
        Some(workspace),
        pending,
        &token.raw,
    )
    .await?;
    tracing::info!(%workspace, invitation = %inv.id, "guest invitation resent");
    Ok(sent)
}

/// The workspace's pending guest invitations (workspace members).
pub async fn pending_guests(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
) -> Result<Vec<PendingInvitation>, AppError> {
    let mut c = state.db.conn().await?;
    authorize_in_workspace(&mut c, workspace, user.id, Operation::GetWorkspaceInvites).await?;
    let rows = invitations::pending_to_workspace(&mut c, workspace, Timestamp::now()).await?;
    Ok(rows.into_iter().map(PendingInvitation::from).collect())
}

/// Revokes a pending guest invitation (workspace members).
pub async fn revoke_guest(
    state: &AppState,
    user: &UserRecord,
    workspace: WorkspaceId,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access = authorize_in_workspace(
        &mut tx,
        workspace,
        user.id,
        Operation::RemoveWorkspaceInvitation,
    )
    .await?;
    // The organization first, then the invitation: the order an acceptance takes them in.
    lock(&mut tx, access.organization_id).await?;
    let (email, role) =
        invitations::revoke_to_workspace(&mut tx, workspace, invitation, Timestamp::now())
            .await?
            .ok_or(AppError::NotFound)?;
    let event = Event::new(
        Action::GuestInvitationRevoked,
        access.organization_id,
        Target::invitation(invitation, &email),
    )
    .in_workspace(workspace)
    .before(json!({ "role": role }));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes the open invitations `sender` sent to the organization (and, with [`SentBy::All`],
/// to its workspaces) once they lost the right to send them: removed, left, or no longer an
/// admin for invitations to join as one. Otherwise a member could invite their own other
/// address, be removed, and come back through that link. One audit event each, by `actor`, in
/// the transaction of the change that took the right away.
pub async fn revoke_sent_by(
    tx: &mut Tx,
    actor: &UserRecord,
    organization: OrganizationId,
    sender: UserId,
    which: SentBy,
) -> Result<(), AppError> {
    let revoked =
        invitations::revoke_sent_by(tx, organization, sender, which, Timestamp::now()).await?;
    let reason = match which {
        SentBy::All => "its sender is no longer a member",
        SentBy::AdminInvitations => "its sender is no longer an admin",
    };
    for inv in revoked {
        let action = match inv.workspace_id {
            None => Action::InvitationRevoked,
            Some(_) => Action::GuestInvitationRevoked,
        };
        let mut event = Event::new(action, organization, Target::invitation(inv.id, &inv.email))
            .before(json!({ "role": inv.role }))
            .after(json!({ "reason": reason }));
        event.workspace = inv.workspace_id;
        record(tx, actor, event).await?;
        tracing::info!(%organization, invitation = %inv.id, reason, "invitation revoked");
    }
    Ok(())
}

/// The organization's past invitations: accepted, declined, revoked and expired (admins).
pub async fn history(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<Vec<PastInvitation>, AppError> {
    let mut c = state.db.conn().await?;
    let (organization, _) = crate::organizations::service::resolve_for(
        &mut c,
        user,
        organization,
        Operation::GetOrganizationInvitationHistory,
    )
    .await?;
    let now = Timestamp::now();
    let rows = invitations::history_of_organization(&mut c, organization, now, HISTORY_MAX).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (outcome, ended_at) = if let Some(t) = r.accepted_at {
                (Outcome::Accepted, t)
            } else if let Some(t) = r.declined_at {
                (Outcome::Declined, t)
            } else if let Some(t) = r.revoked_at {
                (Outcome::Revoked, t)
            } else {
                (Outcome::Expired, r.expires_at)
            };
            PastInvitation {
                id: r.id,
                email: r.email,
                role: r.role,
                invited_by: r.invited_by_name,
                created_at: r.created_at,
                outcome,
                ended_at,
            }
        })
        .collect())
}

/// The most past invitations the history shows.
const HISTORY_MAX: i64 = 100;

pub async fn pending(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<Vec<PendingInvitation>, AppError> {
    let mut c = state.db.conn().await?;
    let (organization, _) = crate::organizations::service::resolve_for(
        &mut c,
        user,
        organization,
        Operation::GetOrganizationInvites,
    )
    .await?;
    let rows = invitations::pending_to_organization(&mut c, organization, Timestamp::now()).await?;
    Ok(rows.into_iter().map(PendingInvitation::from).collect())
}

pub async fn revoke(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    // The organization first, then the invitation: the order an acceptance takes them in (the
    // other order deadlocks with it on PostgreSQL, the audit event's key waiting on the
    // organization's row).
    lock(&mut tx, organization).await?;
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::RemoveOrganizationInvitation,
    )
    .await?;
    let (email, role) =
        invitations::revoke_to_organization(&mut tx, organization, invitation, Timestamp::now())
            .await?
            .ok_or(AppError::NotFound)?;
    let event = Event::new(
        Action::InvitationRevoked,
        organization,
        Target::invitation(invitation, &email),
    )
    .before(json!({ "role": role }));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The refusal of an unverified account's in-app invitation list and answers: until the
/// address is proven, its invitations may be someone else's. The invitation's own link (whose
/// token reached that inbox) still works.
fn unverified() -> AppError {
    AppError::Conflict(
        "Confirm your email address first: invitations to it show here once it is confirmed. The link in an invitation email works already.".into(),
    )
}

pub async fn mine(state: &AppState, user: &UserRecord) -> Result<Vec<MyInvitation>, AppError> {
    if !user.email_verified() {
        return Err(unverified());
    }
    let mut c = state.db.conn().await?;
    let rows = invitations::pending_for_email(&mut c, &user.email, Timestamp::now()).await?;
    Ok(rows.into_iter().map(MyInvitation::from).collect())
}

/// Joins the organization. Only the invited address can accept: the invitation is looked up
/// by id *and* the caller's email, so anyone else gets "not found"; and only once that address
/// is verified.
pub async fn accept(
    state: &AppState,
    user: &UserRecord,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv = invitations::find_pending_for_email(&mut tx, invitation, &user.email, now)
        .await?
        .ok_or(AppError::NotFound)?;
    // Asked after the lookup, so that someone else's invitation is "not found" alike.
    if !user.email_verified() {
        return Err(unverified());
    }
    match inv.workspace_id {
        None => join(state, &mut tx, user, inv.organization_id, inv.id, None, now).await?,
        Some(ws) => {
            join_as_guest(
                state,
                &mut tx,
                user,
                (inv.organization_id, ws),
                inv.id,
                None,
                now,
            )
            .await?
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Locks the invitation (after its organization, the order every writer of invitations
/// takes) and checks that it is still open, and still the one of `token_hash` when it was
/// found by its link: a revoke, an answer or a resend committed since it was read wins. Answers
/// its role as it is now.
async fn claim(
    tx: &mut Tx,
    invitation: InvitationId,
    token_hash: Option<&[u8]>,
) -> Result<Role, AppError> {
    match invitations::lock_open(tx, invitation).await? {
        Some((role, hash)) if token_hash.is_none_or(|t| t == hash.as_slice()) => Ok(role),
        Some(_) => Err(AppError::Conflict(
            "This invitation link is not valid. It may be mistyped, or a newer invitation replaced it.".into(),
        )),
        None => Err(AppError::Conflict(
            "This invitation was withdrawn or answered meanwhile.".into(),
        )),
    }
}

/// [`invitations::mark_accepted`], which [`claim`] made sure finds it open.
async fn mark_accepted(
    tx: &mut Tx,
    invitation: InvitationId,
    user: UserId,
    now: Timestamp,
) -> Result<(), AppError> {
    if invitations::mark_accepted(tx, invitation, user, now).await? {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This invitation was withdrawn or answered meanwhile.".into(),
        ))
    }
}

/// Makes `user` a member as the invitation says (checking the Members limit inside `tx`),
/// marks it accepted, and makes the organization the user's current one.
async fn join(
    state: &AppState,
    tx: &mut Tx,
    user: &UserRecord,
    organization: OrganizationId,
    invitation: InvitationId,
    token_hash: Option<&[u8]>,
    now: Timestamp,
) -> Result<(), AppError> {
    lock(tx, organization).await?;
    let role = claim(tx, invitation, token_hash).await?;
    if organizations::member_role(tx, organization, user.id)
        .await?
        .is_none()
    {
        // Pending invitations count toward Members only while they wait; accepting turns one
        // into a member, so it needs room among the members themselves.
        let (members, usage) = members_usage(tx, organization, now).await?;
        ensure_within(
            tx,
            &state.config,
            organization,
            Setting::Members,
            usage,
            members + 1,
        )
        .await?;
        let member = NewMember {
            user: user.id,
            name: &user.name,
            email: &user.email,
        };
        organizations::add_member(tx, organization, member, role, now).await?;
    }
    mark_accepted(tx, invitation, user.id, now).await?;
    users::set_last_used(tx, user.id, organization, None).await?;
    let event = Event::new(
        Action::InvitationAccepted,
        organization,
        Target::person(Some(user.id), &user.name, &user.email),
    )
    .after(json!({ "role": role }));
    record(tx, user, event).await?;
    tracing::info!(%organization, %invitation, user = %user.id, "invitation accepted");
    Ok(())
}

pub async fn decline(
    state: &AppState,
    user: &UserRecord,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv = invitations::find_pending_for_email(&mut tx, invitation, &user.email, now)
        .await?
        .ok_or(AppError::NotFound)?;
    // Asked after the lookup, so that someone else's invitation is "not found" alike.
    if !user.email_verified() {
        return Err(unverified());
    }
    lock(&mut tx, inv.organization_id).await?;
    mark_declined(&mut tx, inv.id, now).await?;
    record(
        &mut tx,
        user,
        declined(
            inv.id,
            &inv.email,
            inv.organization_id,
            inv.workspace_id,
            inv.role,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the link page shows for `raw_token`, to `viewer` (signed in or not). Reads only.
pub async fn view_link(
    state: &AppState,
    viewer: Option<&UserRecord>,
    raw_token: &str,
) -> Result<InvitationLink, AppError> {
    let mut c = state.db.conn().await?;
    let Some(inv) = find_link(&mut c, raw_token).await? else {
        return Ok(InvitationLink::Unknown);
    };
    let now = Timestamp::now();
    let details = LinkDetails {
        organization_name: inv.organization_name.clone(),
        workspace_name: inv.workspace_name.clone(),
        email: inv.email.clone(),
        role: inv.role,
        invited_by: inv.invited_by_name.clone(),
        expires_at: inv.expires_at,
    };
    Ok(match link_state(&inv, now) {
        LinkState::Revoked => InvitationLink::Revoked(details),
        LinkState::Used => InvitationLink::Used(details),
        LinkState::Expired => InvitationLink::Expired(details),
        LinkState::Open => {
            let viewer = match viewer {
                None => Viewer::Anonymous,
                Some(u) if u.email != inv.email => Viewer::SomeoneElse {
                    email: u.email.clone(),
                },
                Some(u) => {
                    let already = match inv.workspace_id {
                        None => organizations::member_role(&mut c, inv.organization_id, u.id)
                            .await?
                            .is_some(),
                        Some(ws) => workspaces::access(&mut c, ws, u.id)
                            .await?
                            .and_then(|a| a.role())
                            .is_some(),
                    };
                    if already {
                        Viewer::AlreadyIn
                    } else {
                        Viewer::Invitee
                    }
                }
            };
            InvitationLink::Open { details, viewer }
        }
    })
}

enum LinkState {
    Open,
    Expired,
    Revoked,
    Used,
}

fn link_state(inv: &LinkRecord, now: Timestamp) -> LinkState {
    if inv.revoked_at.is_some() {
        LinkState::Revoked
    } else if inv.accepted_at.is_some() || inv.declined_at.is_some() {
        LinkState::Used
    } else if inv.expires_at <= now {
        LinkState::Expired
    } else {
        LinkState::Open
    }
}

/// The invitation of a token as typed into a URL: anything that is not a token finds nothing.
async fn find_link(c: &mut impl Exec, raw_token: &str) -> Result<Option<LinkRecord>, AppError> {
    let Some(hash) = token::hash_of_link(raw_token) else {
        return Ok(None);
    };
    Ok(invitations::find_by_token(c, &hash).await?)
}

/// The open invitation of `raw_token` for the write that uses it, or the sentence that says
/// why it cannot be used.
async fn usable_link(
    c: &mut impl Exec,
    raw_token: &str,
    now: Timestamp,
) -> Result<LinkRecord, AppError> {
    let Some(inv) = find_link(c, raw_token).await? else {
        return Err(AppError::Conflict(
            "This invitation link is not valid. It may be mistyped, or a newer invitation replaced it.".into(),
        ));
    };
    match link_state(&inv, now) {
        LinkState::Open => Ok(inv),
        LinkState::Expired => Err(AppError::Conflict(
            "This invitation has expired. Ask for a new one.".into(),
        )),
        LinkState::Revoked => Err(AppError::Conflict("This invitation was withdrawn.".into())),
        LinkState::Used => Err(AppError::Conflict(
            "This invitation has already been answered.".into(),
        )),
    }
}

/// Accepts the invitation of `raw_token` as `user`, who must be the invited address.
pub async fn accept_link(
    state: &AppState,
    user: &UserRecord,
    raw_token: &str,
) -> Result<OrganizationId, AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv = usable_link(&mut tx, raw_token, now).await?;
    if inv.email != user.email {
        return Err(AppError::Forbidden);
    }
    join_by_link(state, &mut tx, user, &inv, raw_token, now).await?;
    // The link's token reached this address's inbox: the address is the user's.
    crate::accounts::links::verified_by_invitation(&mut tx, user).await?;
    tx.commit().await?;
    Ok(inv.organization_id)
}

/// Accepts a link's invitation for `user`: into the organization, or into the workspace as a
/// guest.
async fn join_by_link(
    state: &AppState,
    tx: &mut Tx,
    user: &UserRecord,
    inv: &LinkRecord,
    raw_token: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    let hash = token::hash(raw_token.trim());
    let hash = Some(hash.as_slice());
    match inv.workspace_id {
        None => join(state, tx, user, inv.organization_id, inv.id, hash, now).await,
        Some(ws) => {
            join_as_guest(
                state,
                tx,
                user,
                (inv.organization_id, ws),
                inv.id,
                hash,
                now,
            )
            .await
        }
    }
}

/// Makes `user` a guest of the workspace (checking its Guests limit inside `tx`) unless they
/// reach it already, marks the invitation accepted, and makes the workspace current.
async fn join_as_guest(
    state: &AppState,
    tx: &mut Tx,
    user: &UserRecord,
    (organization, workspace): (OrganizationId, WorkspaceId),
    invitation: InvitationId,
    token_hash: Option<&[u8]>,
    now: Timestamp,
) -> Result<(), AppError> {
    lock(tx, organization).await?;
    claim(tx, invitation, token_hash).await?;
    let access = workspaces::access(tx, workspace, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if access.role().is_none() {
        // The invitation counts among the Guests while pending: accepting needs room among the
        // guests themselves.
        ensure_room_for_guest(tx, &state.config, organization, workspace, now, true).await?;
        workspaces::grant(tx, workspace, user.id, Role::Guest, now).await?;
    }
    mark_accepted(tx, invitation, user.id, now).await?;
    users::set_last_used(tx, user.id, organization, Some(workspace)).await?;
    let event = Event::new(
        Action::InvitationAccepted,
        organization,
        Target::person(Some(user.id), &user.name, &user.email),
    )
    .in_workspace(workspace)
    .after(json!({ "role": Role::Guest }));
    record(tx, user, event).await?;
    tracing::info!(%workspace, %invitation, user = %user.id, "guest invitation accepted");
    Ok(())
}

/// Declines an open invitation; a conflict when a revoke or an answer came first.
async fn mark_declined(
    tx: &mut Tx,
    invitation: InvitationId,
    now: Timestamp,
) -> Result<(), AppError> {
    if invitations::mark_declined(tx, invitation, now).await? {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This invitation was withdrawn or answered meanwhile.".into(),
        ))
    }
}

/// The event of a declined invitation.
fn declined(
    id: InvitationId,
    email: &str,
    organization: OrganizationId,
    workspace: Option<WorkspaceId>,
    role: Role,
) -> Event {
    let mut event = Event::new(
        Action::InvitationDeclined,
        organization,
        Target::invitation(id, email),
    )
    .before(json!({ "role": role }));
    event.workspace = workspace;
    event
}

/// Declines the invitation of `raw_token` as `user`, who must be the invited address.
pub async fn decline_link(
    state: &AppState,
    user: &UserRecord,
    raw_token: &str,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv = usable_link(&mut tx, raw_token, now).await?;
    if inv.email != user.email {
        return Err(AppError::Forbidden);
    }
    lock(&mut tx, inv.organization_id).await?;
    mark_declined(&mut tx, inv.id, now).await?;
    record(
        &mut tx,
        user,
        declined(
            inv.id,
            &inv.email,
            inv.organization_id,
            inv.workspace_id,
            inv.role,
        ),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(invitation = %inv.id, "invitation declined");
    Ok(())
}

/// Creates the invited person's account, with the invited address, and accepts the invitation
/// in the same transaction: they join that organization and no other is created.
pub async fn sign_up_with_link(
    state: &AppState,
    raw_token: &str,
    name: &str,
    password: String,
) -> Result<UserId, AppError> {
    let mut errors = FieldErrors::default();
    let name = normalize_name(name, "your name")
        .map_err(|m| errors.add("name", m))
        .ok();
    if let Err(m) = check_password(&password) {
        errors.add("password", m);
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    // Checked before the slow hash, so that a dead link answers at once.
    {
        let mut c = state.db.conn().await?;
        usable_link(&mut c, raw_token, Timestamp::now()).await?;
    }
    let hash = state.passwords.hash(password).await?;
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv = usable_link(&mut tx, raw_token, now).await?;
    let id = UserId::new();
    let created = users::create(
        &mut tx,
        NewUser {
            id,
            email: &inv.email,
            name: &name,
            password_hash: &hash,
            now,
        },
    )
    .await;
    match created {
        Err(DbError::UniqueViolation) => {
            return Err(AppError::field(
                "password",
                "An account with this email already exists. Sign in to accept the invitation.",
            ));
        }
        other => other?,
    }
    // The link reached the invited address: the new account's address is verified.
    users::set_verified(&mut tx, id, &inv.email, now).await?;
    let user = users::find_by_id(&mut tx, id)
        .await?
        .ok_or(AppError::Internal)?;
    join_by_link(state, &mut tx, &user, &inv, raw_token, now).await?;
    tx.commit().await?;
    tracing::info!(user = %id, invitation = %inv.id, "signed up through an invitation");
    Ok(id)
}
