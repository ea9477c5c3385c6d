//! Writing events (in the caller's transaction) and reading them back for admins.

use base64::Engine as _;
use serde_json::Value;

use crate::{
    audit::{Action, AuditEvent, AuditFilter, AuditPage, PAGE_SIZE, origin, parse_day},
    db::{
        DbError, Exec,
        audit::{self as db, EventRow, NewEvent, Query},
        organizations,
        users::UserRecord,
    },
    error::{AppError, FieldErrors},
    ids::{OrganizationId, UserId, WorkspaceId},
    policy::Operation,
    server::state::AppState,
    timestamp::Timestamp,
};

/// What an event is about, as it is named at the time.
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: &'static str,
    pub id: Option<String>,
    pub label: String,
}

impl Target {
    /// A person: by name and email.
    pub fn person(id: Option<UserId>, name: &str, email: &str) -> Target {
        Target {
            kind: "member",
            id: id.map(|i| i.to_string()),
            label: format!("{name} <{email}>"),
        }
    }

    pub fn invitation(id: impl ToString, email: &str) -> Target {
        Target {
            kind: "invitation",
            id: Some(id.to_string()),
            label: email.to_owned(),
        }
    }

    pub fn workspace(id: WorkspaceId, name: &str) -> Target {
        Target {
            kind: "workspace",
            id: Some(id.to_string()),
            label: name.to_owned(),
        }
    }

    pub fn organization(id: OrganizationId, name: &str) -> Target {
        Target {
            kind: "organization",
            id: Some(id.to_string()),
            label: name.to_owned(),
        }
    }

    pub fn other(kind: &'static str, id: Option<String>, label: &str) -> Target {
        Target {
            kind,
            id,
            label: label.to_owned(),
        }
    }
}

/// One change, as a service describes it.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: Action,
    pub organization: OrganizationId,
    pub workspace: Option<WorkspaceId>,
    pub target: Target,
    /// The fields that changed, before and after (`None`: nothing before, or nothing after).
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Event {
    pub fn new(action: Action, organization: OrganizationId, target: Target) -> Event {
        Event {
            action,
            organization,
            workspace: None,
            target,
            before: None,
            after: None,
        }
    }

    pub fn in_workspace(mut self, workspace: WorkspaceId) -> Event {
        self.workspace = Some(workspace);
        self
    }

    pub fn before(mut self, before: Value) -> Event {
        self.before = Some(before);
        self
    }

    pub fn after(mut self, after: Value) -> Event {
        self.after = Some(after);
        self
    }
}

/// Writes `event`, done by `actor`, in `c` (the transaction of the change): the client address
/// and the way in come from the current request.
pub async fn record(c: &mut impl Exec, actor: &UserRecord, event: Event) -> Result<(), DbError> {
    let (address, via) = origin::current();
    db::insert(
        c,
        NewEvent {
            organization: event.organization,
            workspace: event.workspace,
            actor: Some(actor.id),
            actor_name: &actor.name,
            actor_email: &actor.email,
            action: event.action.as_str(),
            target_kind: event.target.kind,
            target_id: event.target.id,
            target_label: &event.target.label,
            before: event.before.map(|v| v.to_string()),
            after: event.after.map(|v| v.to_string()),
            address: address.as_deref(),
            via: &via,
            at: Timestamp::now(),
        },
    )
    .await
}

/// Every organization `user` holds a role in, through membership or a workspace invitation:
/// where a key that reaches everything they can do is worth an event. Read as the switcher
/// reads the user's places (`accounts::service::Reach`), the one definition of what a user (and
/// so their user-wide key) reaches: a grant that gives no role there adds nothing.
pub async fn organizations_of(
    c: &mut impl Exec,
    user: UserId,
) -> Result<Vec<OrganizationId>, DbError> {
    let reach = crate::accounts::service::Reach::load(c, user).await?;
    Ok(reach.places().into_iter().map(|o| o.id).collect())
}

/// The longest actor filter: an email is at most 254 characters.
const ACTOR_MAX: usize = 254;

/// Checks a filter from outside: a clear error for each part that cannot be used.
pub fn check_filter(
    actor: &str,
    action: &str,
    from: &str,
    to: &str,
) -> Result<(AuditFilter, Query<'static>), AppError> {
    let mut errors = FieldErrors::default();
    let actor = actor.trim().to_lowercase();
    if actor.chars().count() > ACTOR_MAX || actor.chars().any(char::is_control) {
        errors.add("actor", "Enter an email address.");
    }
    let action = match action.trim() {
        "" => None,
        name => match name.parse::<Action>() {
            Ok(a) => Some(a),
            Err(_) => {
                errors.add("action", "Choose an action from the list.");
                None
            }
        },
    };
    let day = |raw: &str, field: &str, errors: &mut FieldErrors| -> Option<Timestamp> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = parse_day(raw);
        if parsed.is_none() {
            errors.add(field, "Enter a date as YYYY-MM-DD.");
        }
        parsed
    };
    let since = day(from, "from", &mut errors);
    let until = day(to, "to", &mut errors)
        .map(|t| Timestamp::from_unix_millis(t.unix_millis() + 86_400_000));
    if let (Some(s), Some(u)) = (since, until)
        && u <= s
    {
        errors.add("to", "The end date is before the start date.");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let filter = AuditFilter {
        actor: actor.clone(),
        action,
        from: from.trim().to_owned(),
        to: to.trim().to_owned(),
    };
    Ok((
        filter,
        Query {
            actor_email: None,
            action: None,
            since,
            until,
            older_than: None,
        },
    ))
}

/// A page cursor: the `at` and `id` of the last event shown.
pub fn encode_cursor(at: Timestamp, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}.{id}", at.unix_millis()))
}

pub fn decode_cursor(raw: &str) -> Result<(Timestamp, i64), AppError> {
    let bad = || {
        AppError::field(
            "before",
            "This page link is not valid. Start from the newest events.",
        )
    };
    if raw.len() > 64 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once('.').ok_or_else(bad)?;
    Ok((
        Timestamp::from_unix_millis(at.parse().map_err(|_| bad())?),
        id.parse().map_err(|_| bad())?,
    ))
}

/// Where the log is read: the organization asked for (or the current one), for its admins.
pub async fn organization_for(
    c: &mut impl Exec,
    user: &UserRecord,
    organization: Option<OrganizationId>,
) -> Result<(OrganizationId, String), AppError> {
    let (organization, _) =
        crate::organizations::service::resolve_for(c, user, organization, Operation::GetAuditLog)
            .await?;
    let name = organizations::find_by_id(c, organization)
        .await?
        .ok_or(AppError::NotFound)?
        .name;
    Ok((organization, name))
}

/// One page of the organization's log (admins), newest first, from `before` on.
pub async fn page(
    state: &AppState,
    user: &UserRecord,
    organization: Option<OrganizationId>,
    filter: (&str, &str, &str, &str),
    before: &str,
) -> Result<(AuditFilter, AuditPage), AppError> {
    let (filter, mut query) = check_filter(filter.0, filter.1, filter.2, filter.3)?;
    if !before.trim().is_empty() {
        query.older_than = Some(decode_cursor(before.trim())?);
    }
    let mut c = state.db.conn().await?;
    let (organization_id, organization_name) = organization_for(&mut c, user, organization).await?;
    let action = filter.action.map(Action::as_str);
    let query = Query {
        actor_email: (!filter.actor.is_empty()).then_some(filter.actor.as_str()),
        action,
        ..query
    };
    let mut rows = db::page(&mut c, organization_id, &query, PAGE_SIZE as i64 + 1).await?;
    let next = (rows.len() > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE);
        let last = &rows[PAGE_SIZE - 1];
        encode_cursor(last.at, last.id)
    });
    let events = rows.into_iter().filter_map(event_of).collect();
    Ok((
        filter,
        AuditPage {
            organization_id,
            organization_name,
            events,
            next,
        },
    ))
}

/// A stored row as the log shows it (a row of an action this version does not know is
/// skipped rather than shown wrong).
pub fn event_of(row: EventRow) -> Option<AuditEvent> {
    let action = row.action.parse().ok()?;
    let change = describe_change(row.before.as_deref(), row.after.as_deref());
    Some(AuditEvent {
        id: row.id,
        at: row.at,
        actor_name: row.actor_name,
        actor_email: row.actor_email,
        action,
        target_kind: row.target_kind,
        target_label: row.target_label,
        workspace_name: row.workspace_name,
        change,
        address: row.address,
        via: row.via,
    })
}

/// `field: before → after` for each field of either side, in the order they were written.
pub fn describe_change(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, Value> {
        s.and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default()
    };
    let (before, after) = (parse(before), parse(after));
    let show = |v: &Value| match v {
        Value::String(s) if s.is_empty() => "none".to_owned(),
        Value::String(s) => s.clone(),
        Value::Null => "none".to_owned(),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let mut keys: Vec<&String> = before.keys().collect();
    for k in after.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .map(|k| {
            let field = k.replace('_', " ");
            match (before.get(k), after.get(k)) {
                (Some(b), Some(a)) => format!("{field}: {} → {}", show(b), show(a)),
                (None, Some(a)) => format!("{field}: {}", show(a)),
                (Some(b), None) => format!("{field} was {}", show(b)),
                (None, None) => unreachable!(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_before_and_after() {
        assert_eq!(
            describe_change(Some(r#"{"role":"member"}"#), Some(r#"{"role":"admin"}"#)),
            vec!["role: member → admin"]
        );
        assert_eq!(
            describe_change(None, Some(r#"{"role":"member","expires_at":"2026-12-06"}"#)),
            vec!["role: member", "expires at: 2026-12-06"]
        );
        assert_eq!(
            describe_change(Some(r#"{"limit":null}"#), Some(r#"{"limit":50}"#)),
            vec!["limit: none → 50"]
        );
        assert_eq!(
            describe_change(
                Some(r#"{"channels":["a","b"]}"#),
                Some(r#"{"channels":[]}"#)
            ),
            vec!["channels: a, b → none"]
        );
        assert_eq!(
            describe_change(
                Some(r#"{"description":""}"#),
                Some(r#"{"description":"Lab"}"#)
            ),
            vec!["description: none → Lab"]
        );
        assert!(describe_change(Some("not json"), None).is_empty());
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = Timestamp::from_unix_millis(1_764_400_000_123);
        assert_eq!(decode_cursor(&encode_cursor(at, 42)).unwrap(), (at, 42));
        for bad in ["", "x", "%%%", &"a".repeat(100), "MTIz"] {
            assert!(decode_cursor(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn filters_are_checked() {
        let (f, q) = check_filter(
            " Ada@Example.com ",
            "member.role_changed",
            "2026-11-01",
            "2026-11-01",
        )
        .unwrap();
        assert_eq!(f.actor, "ada@example.com");
        assert_eq!(f.action, Some(Action::MemberRoleChanged));
        assert_eq!(q.since, parse_day("2026-11-01"));
        assert_eq!(q.until, parse_day("2026-11-02"));
        for (actor, action, from, to, field) in [
            ("a\u{0}b", "", "", "", "actor"),
            ("", "member.promoted", "", "", "action"),
            ("", "", "yesterday", "", "from"),
            ("", "", "", "2026-02-30", "to"),
            ("", "", "2026-11-02", "2026-11-01", "to"),
        ] {
            match check_filter(actor, action, from, to) {
                Err(AppError::Validation(e)) => assert!(e.get(field).is_some(), "{field}: {e:?}"),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
