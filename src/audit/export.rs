//! `GET /audit/export.csv`: the organization's audit log as CSV, for its admins, with the same
//! filters as the page (`organization`, `actor`, `action`, `from`, `to`). Streamed a page of
//! events at a time, newest first, so that a log of a million events costs no more memory
//! than one of fifty.

use axum::{
    body::Body,
    extract::{Query as QueryString, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    accounts::auth,
    audit::service,
    db::audit::{self as db, EventRow, Query},
    error::AppError,
    ids::OrganizationId,
    server::state::AppState,
    timestamp::Timestamp,
};

/// Events read per query while exporting.
const CHUNK: i64 = 2000;

const COLUMNS: [&str; 15] = [
    "time",
    "actor_name",
    "actor_email",
    "action",
    "target_kind",
    "target_id",
    "target",
    "workspace_id",
    "workspace",
    "before",
    "after",
    "address",
    "via",
    "event_id",
    "actor_id",
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    organization: Option<String>,
    actor: String,
    action: String,
    from: String,
    to: String,
}

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    params: Result<QueryString<Params>, QueryRejection>,
) -> Response {
    let answer = match params {
        Ok(QueryString(params)) => start(&state, &session, params).await,
        Err(_) => Err(AppError::BadRequest),
    };
    match answer {
        Ok(response) => response,
        Err(e) => {
            let status = axum::http::StatusCode::from_u16(e.status())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                e.to_string(),
            )
                .into_response()
        }
    }
}

async fn start(state: &AppState, session: &Session, p: Params) -> Result<Response, AppError> {
    let user = auth::user_of_session(state, session)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let organization = match p.organization.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<OrganizationId>()
                .map_err(|_| AppError::NotFound)?,
        ),
    };
    let (filter, query) = service::check_filter(&p.actor, &p.action, &p.from, &p.to)?;
    let (organization, name) = {
        let mut c = state.db.conn().await?;
        service::organization_for(&mut c, &user, organization).await?
    };
    tracing::info!(%organization, user = %user.id, "audit log exported");

    let mut header_row = csv::Writer::from_writer(Vec::new());
    let _ = header_row.write_record(COLUMNS);
    let first = header_row.into_inner().unwrap_or_default();

    let actor = filter.actor.clone();
    let action = filter.action.map(|a| a.as_str());
    let (since, until) = (query.since, query.until);
    let state = state.clone();
    // Each step reads the chunk after the last event written (`Some(None)`: from the newest);
    // `None` once done.
    let chunks = futures_util::stream::unfold(Some(None::<(Timestamp, i64)>), move |cursor| {
        let state = state.clone();
        let actor = actor.clone();
        async move {
            let older_than = cursor?;
            let q = Query {
                actor_email: (!actor.is_empty()).then_some(actor.as_str()),
                action,
                since,
                until,
                older_than,
            };
            let rows = match read(&state, organization, &q).await {
                Ok(rows) => rows,
                Err(e) => {
                    // The client sees a file cut short; the log says why.
                    tracing::error!(error = %e, "audit export stopped");
                    return Some((Err(std::io::Error::other("export stopped")), None));
                }
            };
            if rows.is_empty() {
                return None;
            }
            // A short chunk is the last one.
            let next = (rows.len() as i64 == CHUNK)
                .then(|| rows.last().map(|r| Some((r.at, r.id))))
                .flatten();
            Some((Ok::<_, std::io::Error>(csv_rows(&rows)), next))
        }
    });
    // Fused: the compression layer polls a body once more after its end, which an unfused
    // `unfold` answers with a panic.
    let body = futures_util::StreamExt::fuse(futures_util::StreamExt::chain(
        futures_util::stream::once(std::future::ready(Ok::<_, std::io::Error>(first))),
        chunks,
    ));
    let file = format!(
        "audit-{}-{}.csv",
        slug(&name),
        Timestamp::now().date_string()
    );
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn read(
    state: &AppState,
    organization: OrganizationId,
    q: &Query<'_>,
) -> Result<Vec<EventRow>, AppError> {
    let mut c = state.db.conn().await?;
    Ok(db::page(&mut c, organization, q, CHUNK).await?)
}

fn csv_rows(rows: &[EventRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 200));
    for r in rows {
        let id = r.id.to_string();
        let at = r.at.to_string();
        let workspace_id = r.workspace_id.map(|w| w.to_string()).unwrap_or_default();
        let actor_id = r.actor_id.map(|a| a.to_string()).unwrap_or_default();
        let record = [
            at.as_str(),
            &r.actor_name,
            &r.actor_email,
            &r.action,
            &r.target_kind,
            r.target_id.as_deref().unwrap_or(""),
            &r.target_label,
            &workspace_id,
            r.workspace_name.as_deref().unwrap_or(""),
            r.before.as_deref().unwrap_or(""),
            r.after.as_deref().unwrap_or(""),
            r.address.as_deref().unwrap_or(""),
            &r.via,
            &id,
            &actor_id,
        ];
        let cells: Vec<std::borrow::Cow<'_, str>> = record.iter().map(|f| defused(f)).collect();
        let _ = w.write_record(cells.iter().map(|c| c.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}

/// A cell as a spreadsheet may open it: text that a spreadsheet would run as a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return; names and labels come from
/// outside) is prefixed with an apostrophe.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The organization's name as a file name: letters and digits, dashes between words.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "organization".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_file_names_are_plain() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("-1"), "'-1");
        assert_eq!(defused("Ada"), "Ada");
        assert_eq!(slug("Acme Corp. / Lab ✓"), "acme-corp-lab");
        assert_eq!(slug("✓✓"), "organization");
    }
}
