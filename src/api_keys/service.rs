//! Making, listing and deleting API keys, and finding the key a request carries.

use std::collections::BTreeMap;

use crate::{
    api_keys::{
        ApiKey, ApiKeys, CreatedKey, KEY_PREFIX, KEYS_MAX, KeyScope, NAME_MAX, ScopeChoice,
    },
    audit::{
        Action,
        service::{Event, Target, record},
    },
    db::{
        api_keys::{self as db, KeyRow, NewKey},
        users::UserRecord,
        workspaces,
    },
    error::AppError,
    ids::{OrganizationId, WorkspaceId},
    organizations::service as organizations,
    policy::{Operation, authorize_in_organization, authorize_in_workspace},
    server::state::AppState,
    timestamp::Timestamp,
    token,
};

/// Where a new key is to be limited to, as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeRequest {
    User,
    Organization(OrganizationId),
    Workspace(WorkspaceId),
}

/// What a request may reach: everything its user may do (a session, an access token, a user
/// key), or one organization, or one workspace (a scoped key). Within it, the user's own rights
/// decide, as always.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Everything,
    Organization(OrganizationId),
    Workspace {
        organization: OrganizationId,
        workspace: WorkspaceId,
    },
}

/// A request authenticated by an API key.
#[derive(Clone, Debug)]
pub struct KeyCaller {
    pub user: UserRecord,
    pub reach: Reach,
    pub key: ApiKey,
}

/// How many characters of a key lists show: `osk_` and 8 of its random ones.
const SHOWN: usize = 12;
/// The length of every key: the prefix and 43 characters of base64url (256 bits).
const KEY_LEN: usize = KEY_PREFIX.len() + 43;

/// Reads the form's (or the SDK's) scope: `user`, `organization:ID`, `workspace:ID`, or the SDK's
/// separate arguments through [`scope_from_parts`].
pub fn parse_scope(raw: &str) -> Result<ScopeRequest, AppError> {
    let bad = || AppError::field("scope", "Choose what the key reaches.");
    let raw = raw.trim();
    if raw.is_empty() || raw == "user" {
        return Ok(ScopeRequest::User);
    }
    let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
    match kind {
        "organization" => Ok(ScopeRequest::Organization(id.parse().map_err(|_| bad())?)),
        "workspace" => Ok(ScopeRequest::Workspace(id.parse().map_err(|_| bad())?)),
        _ => Err(bad()),
    }
}

/// The scope as anatools sends it: `scope` (`user`, `organization`, `workspace`) and the id
/// it needs.
pub fn scope_from_parts(
    scope: Option<&str>,
    organization: Option<OrganizationId>,
    workspace: Option<WorkspaceId>,
) -> Result<ScopeRequest, AppError> {
    let scope = scope.map(|s| s.trim().to_ascii_lowercase());
    match (scope.as_deref(), organization, workspace) {
        (None | Some("") | Some("user"), None, None) => Ok(ScopeRequest::User),
        (Some("organization") | None | Some(""), Some(org), None) => {
            Ok(ScopeRequest::Organization(org))
        }
        (Some("workspace") | None | Some(""), _, Some(ws)) => Ok(ScopeRequest::Workspace(ws)),
        (Some("organization"), None, _) => Err(AppError::field(
            "scope",
            "An organization key needs the organizationId it is limited to.",
        )),
        (Some("workspace"), _, None) => Err(AppError::field(
            "scope",
            "A workspace key needs the workspaceId it is limited to.",
        )),
        _ => Err(AppError::field(
            "scope",
            "The scope is user, organization (with organizationId) or workspace (with workspaceId).",
        )),
    }
}

/// The form's expiry: a number of days from `now` (1 to 3650), or `never`.
pub fn parse_expiry_days(raw: &str, now: Timestamp) -> Result<Option<Timestamp>, AppError> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("never") {
        return Ok(None);
    }
    let days: i64 = raw
        .parse()
        .ok()
        .filter(|d| (1..=3650).contains(d))
        .ok_or_else(|| AppError::field("expires", "Choose when the key expires."))?;
    Ok(Some(Timestamp::from_unix_millis(
        now.unix_millis() + days * 86_400_000,
    )))
}

/// The SDK's expiry: a date or an ISO 8601 time in UTC, in the future; none never expires.
pub fn parse_expiry_time(raw: Option<&str>, now: Timestamp) -> Result<Option<Timestamp>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let at = Timestamp::parse_iso(raw).ok_or_else(|| {
        AppError::field(
            "expires",
            "Give the expiry as a date (2027-01-31) or an ISO 8601 time in UTC (2027-01-31T12:00:00.000Z).",
        )
    })?;
    if at <= now {
        return Err(AppError::field(
            "expires",
            "The expiry must be in the future.",
        ));
    }
    Ok(Some(at))
}

/// The settings page's form, every field checked at once: (name, scope, expiry).
pub fn parse_form(
    name: &str,
    scope: &str,
    expires: &str,
    now: Timestamp,
) -> Result<(String, ScopeRequest, Option<Timestamp>), AppError> {
    let name = check_name(name);
    let scope = parse_scope(scope);
    let expires = parse_expiry_days(expires, now);
    match (name, scope, expires) {
        (Ok(name), Ok(scope), Ok(expires)) => Ok((name, scope, expires)),
        (name, scope, expires) => {
            let mut errors = crate::error::FieldErrors::default();
            for e in [name.err(), scope.err(), expires.err()]
                .into_iter()
                .flatten()
            {
                if let AppError::Validation(found) = e {
                    errors.0.extend(found.0);
                }
            }
            Err(AppError::Validation(errors))
        }
    }
}

fn check_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let problem = if name.is_empty() {
        Some("Enter a name for the key.".to_owned())
    } else if name.chars().count() > NAME_MAX {
        Some(format!("Keep the name to {NAME_MAX} characters or fewer."))
    } else if name.chars().any(char::is_control) {
        Some("Remove the special characters from the name.".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => Err(AppError::field("name", message)),
        None => Ok(name.to_owned()),
    }
}

fn scope_of(row: &KeyRow) -> KeyScope {
    let organization_name = row.organization_name.clone().unwrap_or_default();
    match (row.organization_id, row.workspace_id) {
        (Some(organization_id), Some(id)) => KeyScope::Workspace {
            id,
            name: row.workspace_name.clone().unwrap_or_default(),
            organization_id,
            organization_name,
        },
        (Some(id), None) => KeyScope::Organization {
            id,
            name: organization_name,
        },
        _ => KeyScope::User,
    }
}

fn api_key(row: KeyRow, now: Timestamp) -> ApiKey {
    ApiKey {
        scope: scope_of(&row),
        expired: row.expires_at.is_some_and(|e| e <= now),
        name: row.name,
        prefix: row.prefix,
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
    }
}

/// The user's keys, and the organizations and workspaces a new one may be limited to.
pub async fn list(state: &AppState, user: &UserRecord) -> Result<ApiKeys, AppError> {
    let now = Timestamp::now();
    let mut c = state.db.conn().await?;
    let keys = db::for_user(&mut c, user.id)
        .await?
        .into_iter()
        .map(|row| api_key(row, now))
        .collect();
    let places = workspaces::reachable_by(&mut c, user.id).await?;
    drop(c);
    let mut by_organization: BTreeMap<(String, OrganizationId), Vec<ScopeChoice>> = BTreeMap::new();
    for o in organizations::list(state, user).await? {
        by_organization
            .entry((o.name.clone(), o.id))
            .or_default()
            .push(ScopeChoice {
                value: format!("organization:{}", o.id),
                label: format!("All of {}", o.name),
                group: o.name,
            });
    }
    for w in places {
        if let Some(choices) =
            by_organization.get_mut(&(w.organization_name.clone(), w.organization_id))
        {
            choices.push(ScopeChoice {
                value: format!("workspace:{}", w.id),
                label: format!("Workspace {}", w.name),
                group: w.organization_name,
            });
        }
    }
    Ok(ApiKeys {
        keys,
        choices: by_organization.into_values().flatten().collect(),
        just_created: None,
    })
}

/// Makes a key for `user`, limited as asked to a place where they hold a role now. Answers the
/// key itself: the only time it exists outside the caller's hands.
pub async fn create(
    state: &AppState,
    user: &UserRecord,
    name: &str,
    scope: ScopeRequest,
    expires_at: Option<Timestamp>,
) -> Result<CreatedKey, AppError> {
    let name = check_name(name)?;
    let now = Timestamp::now();
    let mut tx = state.db.begin().await?;
    let (organization, workspace) = match scope {
        ScopeRequest::User => (None, None),
        ScopeRequest::Organization(org) => {
            authorize_in_organization(&mut tx, org, user.id, Operation::GetOrganization).await?;
            (Some(org), None)
        }
        ScopeRequest::Workspace(ws) => {
            let access =
                authorize_in_workspace(&mut tx, ws, user.id, Operation::GetWorkspace).await?;
            (Some(access.organization_id), Some(ws))
        }
    };
    if db::count_for_user(&mut tx, user.id).await? >= KEYS_MAX as i64 {
        return Err(AppError::Conflict(format!(
            "You have {KEYS_MAX} API keys, the most one person may hold. Delete one you no longer use first."
        )));
    }
    let secret = token::generate()?;
    let key = format!("{KEY_PREFIX}{}", secret.raw);
    let created = db::create(
        &mut tx,
        NewKey {
            user: user.id,
            name: &name,
            key_hash: &token::hash(&key),
            prefix: &key[..SHOWN],
            organization,
            workspace,
            now,
            expires_at,
        },
    )
    .await?;
    if !created {
        return Err(AppError::field(
            "name",
            format!("You already have a key named \"{name}\". Choose another name."),
        ));
    }
    let after = serde_json::json!({
        "reaches": match (organization, workspace) {
            (_, Some(_)) => "one workspace",
            (Some(_), None) => "the organization",
            _ => "everything its owner can do",
        },
        "expires": expires_at.map_or("never".to_owned(), |t| t.date_string()),
    });
    audit_key(
        &mut tx,
        user,
        Action::ApiKeyCreated,
        &name,
        &key[..SHOWN],
        (organization, workspace),
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, key = %name, "API key created");
    Ok(CreatedKey { name, key })
}

/// The session entry that carries a key from a no-JavaScript form to the page after it.
const SHOWN_ONCE: &str = "api_key_shown_once";

/// Keeps `created` in the caller's session for the next page to show (see [`take_shown_once`]).
pub async fn show_once(created: &CreatedKey) -> Result<(), AppError> {
    let session = crate::accounts::auth::session().await?;
    session.insert(SHOWN_ONCE, created).await.map_err(|e| {
        tracing::error!(error = %e, "the session could not be written");
        AppError::Internal
    })
}

/// The key a no-JavaScript form just made, removed from the session as it is read.
pub async fn take_shown_once() -> Result<Option<CreatedKey>, AppError> {
    let session = crate::accounts::auth::session().await?;
    session.remove(SHOWN_ONCE).await.map_err(|e| {
        tracing::error!(error = %e, "the session could not be read");
        AppError::Internal
    })
}

/// Deletes the user's key of that name; it stops working at once.
pub async fn delete(state: &AppState, user: &UserRecord, name: &str) -> Result<(), AppError> {
    // A name no key could have names no key.
    let name = check_name(name).map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let key = db::for_user(&mut tx, user.id)
        .await?
        .into_iter()
        .find(|k| k.name == name)
        .ok_or(AppError::NotFound)?;
    if !db::delete_by_name(&mut tx, user.id, &name).await? {
        return Err(AppError::NotFound);
    }
    let before = serde_json::json!({ "prefix": key.prefix });
    let place = (key.organization_id, key.workspace_id);
    audit_key(
        &mut tx,
        user,
        Action::ApiKeyDeleted,
        &name,
        &key.prefix,
        place,
        before,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, key = %name, "API key deleted");
    Ok(())
}

/// The events of a key made or deleted: in the organization it is limited to, or, for a key
/// that reaches everything its owner can do, in every organization the owner is in.
async fn audit_key(
    tx: &mut crate::db::Tx,
    user: &UserRecord,
    action: Action,
    name: &str,
    prefix: &str,
    (organization, workspace): (Option<OrganizationId>, Option<WorkspaceId>),
    fields: serde_json::Value,
) -> Result<(), AppError> {
    let organizations = match organization {
        Some(org) => vec![org],
        None => crate::audit::service::organizations_of(tx, user.id).await?,
    };
    for organization in organizations {
        let target = Target::other("api_key", None, &format!("{name} ({prefix}…)"));
        let mut event = Event::new(action, organization, target);
        event.workspace = workspace;
        event = if action == Action::ApiKeyDeleted {
            event.before(fields.clone())
        } else {
            event.after(fields.clone())
        };
        record(tx, user, event).await?;
    }
    Ok(())
}

/// The key `raw` names, with its owner and reach: `None` for anything that is not a live key.
pub async fn authenticate(state: &AppState, raw: &str) -> Result<Option<KeyCaller>, AppError> {
    let raw = raw.trim();
    // Not even shaped like a key: no need to ask the database.
    if raw.len() != KEY_LEN || !raw.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let now = Timestamp::now();
    let mut c = state.db.conn().await?;
    let Some(found) = db::find_live(&mut c, &token::hash(raw), now).await? else {
        return Ok(None);
    };
    db::touch(&mut c, found.id, now).await?;
    crate::audit::origin::used_api_key(&found.key.prefix);
    let reach = match (found.key.organization_id, found.key.workspace_id) {
        (Some(organization), Some(workspace)) => Reach::Workspace {
            organization,
            workspace,
        },
        (Some(organization), None) => Reach::Organization(organization),
        _ => Reach::Everything,
    };
    Ok(Some(KeyCaller {
        user: found.user,
        reach,
        key: api_key(found.key, now),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_from_the_form_and_from_the_sdk() {
        let org: OrganizationId = "0190f0a0-0000-7000-8000-000000000001".parse().unwrap();
        let ws: WorkspaceId = "0190f0a0-0000-7000-8000-000000000002".parse().unwrap();
        assert_eq!(parse_scope("user"), Ok(ScopeRequest::User));
        assert_eq!(
            parse_scope(&format!("organization:{org}")),
            Ok(ScopeRequest::Organization(org))
        );
        assert_eq!(
            parse_scope(&format!("workspace:{ws}")),
            Ok(ScopeRequest::Workspace(ws))
        );
        for bad in ["organization:", "workspace:x", "team:1", "organization"] {
            assert!(
                parse_scope(bad)
                    .unwrap_err()
                    .field_message("scope")
                    .is_some(),
                "{bad}"
            );
        }
        assert_eq!(scope_from_parts(None, None, None), Ok(ScopeRequest::User));
        assert_eq!(
            scope_from_parts(Some("organization"), Some(org), None),
            Ok(ScopeRequest::Organization(org))
        );
        assert_eq!(
            scope_from_parts(Some("Workspace"), Some(org), Some(ws)),
            Ok(ScopeRequest::Workspace(ws))
        );
        assert!(scope_from_parts(Some("organization"), None, None).is_err());
        assert!(scope_from_parts(Some("workspace"), Some(org), None).is_err());
        assert!(scope_from_parts(Some("user"), Some(org), None).is_err());
        assert!(scope_from_parts(Some("planet"), None, None).is_err());
    }

    #[test]
    fn expiries_are_in_the_future() {
        let now = Timestamp::from_unix_millis(1_800_000_000_000);
        assert_eq!(parse_expiry_days("never", now), Ok(None));
        assert_eq!(
            parse_expiry_days("30", now),
            Ok(Some(Timestamp::from_unix_millis(
                1_800_000_000_000 + 30 * 86_400_000
            )))
        );
        for bad in ["0", "-1", "3651", "", "soon"] {
            assert!(parse_expiry_days(bad, now).is_err(), "{bad}");
        }
        assert_eq!(parse_expiry_time(None, now), Ok(None));
        assert_eq!(parse_expiry_time(Some("  "), now), Ok(None));
        assert!(
            parse_expiry_time(Some("2030-01-01"), now)
                .unwrap()
                .is_some()
        );
        assert_eq!(
            parse_expiry_time(Some("2020-01-01"), now)
                .unwrap_err()
                .field_message("expires"),
            Some("The expiry must be in the future.")
        );
        assert!(parse_expiry_time(Some("next week"), now).is_err());
    }

    #[test]
    fn the_form_reports_every_field_at_once() {
        let now = Timestamp::from_unix_millis(1_800_000_000_000);
        let e = parse_form(" ", "team:1", "0", now).unwrap_err();
        assert_eq!(e.field_message("name"), Some("Enter a name for the key."));
        assert_eq!(
            e.field_message("scope"),
            Some("Choose what the key reaches.")
        );
        assert_eq!(
            e.field_message("expires"),
            Some("Choose when the key expires.")
        );
        assert_eq!(
            parse_form("CI", "user", "never", now),
            Ok(("CI".to_owned(), ScopeRequest::User, None))
        );
    }

    #[test]
    fn key_names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  CI  "), Ok("CI".to_owned()));
        assert!(check_name("").is_err());
        assert!(check_name("a\u{0}b").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name(&"é".repeat(100)).is_ok());
    }
}
