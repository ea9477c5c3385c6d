//! Invitation operations. Creating and accepting lock the organization and check the Members
//! limit inside the same transaction as the write.

use crate::{
    accounts::normalize_email,
    db::{
        DbError, Exec,
        invitations::{self, InvitationRecord, NewInvitation},
        limits::organization_counts,
        organizations::{self, NewMember},
        users::{self, UserRecord},
    },
    error::AppError,
    ids::{InvitationId, OrganizationId},
    invitations::{MyInvitation, PendingInvitation, token},
    limits::{Setting, service::ensure_within},
    policy::{Operation, authorize, authorize_in_organization},
    roles::Role,
    server::state::AppState,
    timestamp::Timestamp,
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
) -> Result<PendingInvitation, AppError> {
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
    let expires_at = Timestamp::from_unix_millis(
        now.unix_millis() + i64::from(state.config.invitation_days) * 86_400_000,
    );
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
    let id = match existing {
        // An expired invitation to the same address is sent again rather than duplicated.
        Some(expired) => {
            invitations::renew(
                &mut tx,
                expired.id,
                role,
                &token.hash,
                user.id,
                now,
                expires_at,
            )
            .await?;
            expired.id
        }
        None => {
            let id = InvitationId::new();
            invitations::create(
                &mut tx,
                NewInvitation {
                    id,
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
            id
        }
    };
    tx.commit().await?;
    tracing::info!(%organization, invitation = %id, "invitation created");
    Ok(PendingInvitation {
        id,
        email,
        role,
        invited_by: Some(user.name.clone()),
        created_at: now,
        expires_at,
    })
}

pub async fn pending(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<Vec<PendingInvitation>, AppError> {
    let mut c = state.db.conn().await?;
    let organization = crate::organizations::service::resolve(&mut c, user, organization).await?;
    authorize_in_organization(
        &mut c,
        organization,
        user.id,
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
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::RemoveOrganizationInvitation,
    )
    .await?;
    if !invitations::revoke_to_organization(&mut tx, organization, invitation, Timestamp::now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub async fn mine(state: &AppState, user: &UserRecord) -> Result<Vec<MyInvitation>, AppError> {
    let mut c = state.db.conn().await?;
    let rows =
        invitations::pending_to_organizations_for_email(&mut c, &user.email, Timestamp::now())
            .await?;
    Ok(rows.into_iter().map(MyInvitation::from).collect())
}

/// Joins the organization. Only the invited address can accept: the invitation is looked up
/// by id *and* the caller's email, so anyone else gets "not found".
pub async fn accept(
    state: &AppState,
    user: &UserRecord,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv =
        invitations::find_pending_to_organization_for_email(&mut tx, invitation, &user.email, now)
            .await?
            .ok_or(AppError::NotFound)?;
    let organization = inv.organization_id;
    lock(&mut tx, organization).await?;
    if organizations::member_role(&mut tx, organization, user.id)
        .await?
        .is_none()
    {
        // Pending invitations count toward Members only while they wait; accepting turns one
        // into a member, so it needs room among the members themselves.
        let (members, usage) = members_usage(&mut tx, organization, now).await?;
        ensure_within(
            &mut tx,
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
        organizations::add_member(&mut tx, organization, member, inv.role, now).await?;
    }
    invitations::mark_accepted(&mut tx, inv.id, user.id, now).await?;
    users::set_last_used(&mut tx, user.id, organization, None).await?;
    tx.commit().await?;
    tracing::info!(%organization, invitation = %inv.id, user = %user.id, "invitation accepted");
    Ok(())
}

pub async fn decline(
    state: &AppState,
    user: &UserRecord,
    invitation: InvitationId,
) -> Result<(), AppError> {
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let inv =
        invitations::find_pending_to_organization_for_email(&mut tx, invitation, &user.email, now)
            .await?
            .ok_or(AppError::NotFound)?;
    invitations::mark_declined(&mut tx, inv.id, now).await?;
    tx.commit().await?;
    Ok(())
}
