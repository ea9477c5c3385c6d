//! Member operations. Every write locks the organization first and checks inside its
//! transaction, so concurrent requests can neither overshoot a limit nor remove the last admin.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use serde_json::json;

use crate::{
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{
        Exec,
        invitations::SentBy,
        limits::organization_counts,
        organizations::{self, MemberRecord, NewMember},
        users::{self, UserRecord},
    },
    error::AppError,
    ids::{OrganizationId, UserId},
    limits::{Setting, service::ensure_within},
    members::{LAST_ADMIN, Member, MembersPage, PAGE_SIZE},
    policy::{Operation, authorize, authorize_in_organization},
    roles::Role,
    server::state::AppState,
    timestamp::Timestamp,
};

impl From<MemberRecord> for Member {
    fn from(m: MemberRecord) -> Self {
        Member {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: m.role,
            joined_at: m.joined_at,
        }
    }
}

/// A page position, just after the member `user` whose sort key is `name_key`:
/// `USER_ID.BASE64(name_key)`, opaque to clients.
pub fn cursor(user: UserId, name_key: &str) -> String {
    format!("{user}.{}", URL_SAFE_NO_PAD.encode(name_key.as_bytes()))
}

fn encode_cursor(m: &MemberRecord) -> String {
    cursor(m.user_id, &m.name_key)
}

fn decode_cursor(raw: &str) -> Result<(String, UserId), AppError> {
    let bad = || {
        AppError::field(
            "after",
            "That page no longer exists. Start from the first page.",
        )
    };
    if raw.len() > 1024 {
        return Err(bad());
    }
    let (id, key) = raw.split_once('.').ok_or_else(bad)?;
    let id: UserId = id.parse().map_err(|_| bad())?;
    let key = URL_SAFE_NO_PAD.decode(key).map_err(|_| bad())?;
    Ok((String::from_utf8(key).map_err(|_| bad())?, id))
}

/// The longest search term looked for; longer input is cut, not refused.
const SEARCH_MAX: usize = 100;

pub async fn page(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
    search: Option<&str>,
    after: Option<&str>,
) -> Result<MembersPage, AppError> {
    let after = after
        .filter(|a| !a.is_empty())
        .map(decode_cursor)
        .transpose()?;
    let search: Option<String> = search
        .map(|s| s.trim().chars().take(SEARCH_MAX).collect::<String>())
        .filter(|s| !s.is_empty());
    let mut c = state.db.conn().await?;
    let (organization, viewer_role) = crate::organizations::service::resolve_for(
        &mut c,
        user,
        organization,
        Operation::GetOrganizationMembers,
    )
    .await?;
    let org = organizations::find_by_id(&mut c, organization)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut rows = organizations::members_page(
        &mut c,
        organization,
        search.as_deref(),
        after.as_ref().map(|(key, id)| (key.as_str(), *id)),
        PAGE_SIZE + 1,
    )
    .await?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(encode_cursor)
    } else {
        None
    };
    let total = organizations::count_members(&mut c, organization).await?;
    Ok(MembersPage {
        organization,
        organization_name: org.name,
        members: rows.into_iter().map(Member::from).collect(),
        next,
        total,
        viewer: user.id,
        viewer_role,
    })
}

/// The most members one call of [`list`] reads per statement.
const LIST_BATCH: i64 = 1000;

/// Members in the table's order, for scripts: `limit` of them (every one when `None`), starting
/// after the member `after` (a user id: the last of the previous page, as anatools 6 pages).
/// Authorized once, then read in batches of [`LIST_BATCH`] along the index.
pub async fn list(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
    after: Option<UserId>,
    limit: Option<usize>,
) -> Result<(OrganizationId, Vec<Member>), AppError> {
    let mut c = state.db.conn().await?;
    let (organization, _) = crate::organizations::service::resolve_for(
        &mut c,
        user,
        organization,
        Operation::GetOrganizationMembers,
    )
    .await?;
    let mut position = match after {
        Some(id) => Some((
            organizations::member_name_key(&mut c, organization, id)
                .await?
                .ok_or_else(|| {
                    AppError::field(
                        "cursor",
                        "The member this page starts after is no longer in the organization. \
                         Start from the first page.",
                    )
                })?,
            id,
        )),
        None => None,
    };
    let mut members = Vec::new();
    loop {
        let wanted = limit.map_or(LIST_BATCH, |l| LIST_BATCH.min((l - members.len()) as i64));
        if wanted == 0 {
            break;
        }
        let rows = organizations::members_page(
            &mut c,
            organization,
            None,
            position
                .as_ref()
                .map(|(key, id): &(String, UserId)| (key.as_str(), *id)),
            wanted,
        )
        .await?;
        let last_batch = (rows.len() as i64) < wanted;
        position = rows.last().map(|m| (m.name_key.clone(), m.user_id));
        members.extend(rows.into_iter().map(Member::from));
        if last_batch {
            break;
        }
    }
    Ok((organization, members))
}

/// Locks the organization for the rest of the transaction; "not found" when it does not exist.
async fn lock(c: &mut impl Exec, organization: OrganizationId) -> Result<(), AppError> {
    if organizations::lock(c, organization).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn change_role(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    target: UserId,
    role: Role,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    lock(&mut tx, organization).await?;
    authorize_in_organization(
        &mut tx,
        organization,
        user.id,
        Operation::EditOrganizationMember,
    )
    .await?;
    if role == Role::Guest {
        return Err(AppError::field("role", "Choose admin or member."));
    }
    let person = users::find_by_id(&mut tx, target)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = match organizations::member_role(&mut tx, organization, target).await? {
        Some(current) if current == role => None,
        Some(Role::Admin) => {
            if organizations::count_admins(&mut tx, organization).await? <= 1 {
                return Err(AppError::Conflict(LAST_ADMIN.into()));
            }
            organizations::set_member_role(&mut tx, organization, target, role).await?;
            // Only admins invite admins: what they sent as one dies with the role.
            crate::invitations::service::revoke_sent_by(
                &mut tx,
                user,
                organization,
                target,
                SentBy::AdminInvitations,
            )
            .await?;
            Some(Role::Admin)
        }
        Some(current) => {
            organizations::set_member_role(&mut tx, organization, target, role).await?;
            Some(current)
        }
        None => {
            // Only a guest of one of the organization's workspaces can be made a member.
            if organizations::role_of(&mut tx, organization, target).await? != Some(Role::Guest) {
                return Err(AppError::NotFound);
            }
            let now = Timestamp::now();
            let counts = organization_counts(&mut tx, organization, now).await?;
            let usage = counts.members + counts.pending_member_invitations;
            ensure_within(
                &mut tx,
                &state.config,
                organization,
                Setting::Members,
                usage,
                usage + 1,
            )
            .await?;
            let member = NewMember {
                user: target,
                name: &person.name,
                email: &person.email,
            };
            organizations::add_member(&mut tx, organization, member, role, now).await?;
            Some(Role::Guest)
        }
    };
    if let Some(before) = before {
        let event = Event::new(
            Action::MemberRoleChanged,
            organization,
            Target::person(Some(target), &person.name, &person.email),
        )
        .before(json!({ "role": before }))
        .after(json!({ "role": role }));
        record(&mut tx, user, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove(
    state: &AppState,
    user: &UserRecord,
    organization: OrganizationId,
    target: UserId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    lock(&mut tx, organization).await?;
    let own_role = organizations::role_of(&mut tx, organization, user.id).await?;
    let op = if target == user.id {
        Operation::LeaveOrganization
    } else {
        Operation::RemoveOrganizationMember
    };
    authorize(own_role, op)?;
    let target_role = organizations::member_role(&mut tx, organization, target)
        .await?
        .ok_or(AppError::NotFound)?;
    if target_role == Role::Admin && organizations::count_admins(&mut tx, organization).await? <= 1
    {
        return Err(AppError::Conflict(LAST_ADMIN.into()));
    }
    organizations::remove_member(&mut tx, organization, target).await?;
    crate::invitations::service::revoke_sent_by(&mut tx, user, organization, target, SentBy::All)
        .await?;
    let person = users::find_by_id(&mut tx, target)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if target == user.id {
        Action::MemberLeft
    } else {
        Action::MemberRemoved
    };
    let event = Event::new(
        action,
        organization,
        Target::person(Some(target), &person.name, &person.email),
    )
    .before(json!({ "role": target_role }));
    record(&mut tx, user, event).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let record = MemberRecord {
            user_id: UserId(uuid::Uuid::from_u128(7)),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            role: Role::Member,
            joined_at: Timestamp::from_unix_millis(0),
            name_key: "ada lovelace, ñ".into(),
        };
        let cursor = encode_cursor(&record);
        assert_eq!(
            decode_cursor(&cursor).unwrap(),
            (record.name_key.clone(), record.user_id)
        );
        for bad in [
            "",
            "x",
            "not-a-uuid.YWRh",
            "00000000-0000-0000-0000-000000000007.%%%",
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad:?}");
        }
        assert!(decode_cursor(&"a".repeat(2000)).is_err());
    }
}
