//! `/audit`: the organization's audit log, for its admins: filters (actor, action, dates) in
//! the address, 50 events a page, newest first, and the CSV export of what the filters select.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::{
    audit::{Action, AuditEvent, AuditFilter, AuditPage, get_audit_log},
    error::AppError,
    ui::{session::SessionContext, urlencode},
};

/// `path` with the filter, and more parameters, as its query.
fn href(path: &str, filter: &AuditFilter, extra: &[(&'static str, String)]) -> String {
    let pairs: Vec<String> = filter
        .query_pairs()
        .into_iter()
        .chain(extra.iter().cloned())
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect();
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = SessionContext::get();
    let query = use_query_map();
    let param = move |key: &str| query.read().get(key).unwrap_or_default();
    let log = Resource::new(
        move || {
            (
                param("actor"),
                param("action"),
                param("from"),
                param("to"),
                param("before"),
                session.place_version(),
            )
        },
        |(actor, action, from, to, before, _)| get_audit_log(None, actor, action, from, to, before),
    );
    view! {
        <Title text="Audit log"/>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok((filter, page)) => {
                        let before = param("before");
                        view! { <AuditView filter page paged=!before.is_empty()/> }.into_any()
                    }
                    Err(AppError::Validation(errors)) => {
                        // The filter in the address cannot be used: say why, and offer the
                        // whole log.
                        let message = errors
                            .0
                            .iter()
                            .map(|e| e.message.clone())
                            .collect::<Vec<_>>()
                            .join(" ");
                        view! {
                            <div class="page-header"><div><h1>"Audit log"</h1></div></div>
                            <div class="alert alert-error" role="alert">{message}</div>
                            <p><a href="/audit" class="button">"Show the whole log"</a></p>
                        }
                        .into_any()
                    }
                    Err(AppError::Forbidden | AppError::NotFound) => view! {
                        <div class="empty card">
                            <h1>"Audit log"</h1>
                            <p class="muted">"Only the organization's admins can read its audit log."</p>
                        </div>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <div class="alert alert-error" role="alert">{e.to_string()}</div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AuditView(filter: AuditFilter, page: AuditPage, paged: bool) -> impl IntoView {
    let export_href = href(
        "/audit/export.csv",
        &filter,
        &[("organization", page.organization_id.to_string())],
    );
    let next_href = page
        .next
        .as_ref()
        .map(|next| href("/audit", &filter, &[("before", next.clone())]));
    let newest_href = paged.then(|| href("/audit", &filter, &[]));
    let filtered = !filter.is_empty();
    let shown = page.events.len();
    let options = Action::ALL
        .into_iter()
        .map(|a| {
            let selected = filter.action == Some(a);
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let rows = page
        .events
        .into_iter()
        // Erased: the page's view type is otherwise too deep for the compiler.
        .map(|event| view! { <EventRow event/> }.into_any())
        .collect_view();
    let filters = view! {
        <Form method="GET" action="/audit" attr:class="audit-filters" attr:role="search"
            attr:aria-label="Filter the log">
            <label class="filter">
                <span>"Actor"</span>
                <input type="email" name="actor" value=filter.actor.clone()
                    placeholder="Email of who did it" maxlength="254" autocomplete="off"/>
            </label>
            <label class="filter">
                <span>"Action"</span>
                <select name="action">
                    <option value="" selected=filter.action.is_none()>"All actions"</option>
                    {options}
                </select>
            </label>
            <label class="filter">
                <span>"From"</span>
                <input type="date" name="from" value=filter.from.clone()/>
            </label>
            <label class="filter">
                <span>"To"</span>
                <input type="date" name="to" value=filter.to.clone()/>
            </label>
            <div class="filter-buttons">
                <button type="submit" class="button">"Filter"</button>
                {filtered.then(|| view! { <a href="/audit" class="button subtle">"Clear"</a> })}
            </div>
        </Form>
    }
    .into_any();
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">{page.organization_name.clone()}</p>
                <h1>"Audit log"</h1>
                <p class="muted">
                    "Every change to members, roles, invitations, limits, workspaces, guests, channels and API keys, newest first."
                </p>
            </div>
            <a href=export_href class="button" download="">
                "Export CSV"
            </a>
        </div>

        <section class="card" aria-label="Audit log">
            <div class="card-toolbar">
                {filters}
            </div>
            {if shown == 0 {
                view! {
                    <p class="empty-row muted">
                        {if filtered || paged {
                            "No event matches these filters."
                        } else {
                            "Nothing has changed yet. Invitations, role changes, limits and the rest will be listed here."
                        }}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table stack audit-table" aria-label="Events">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col">"Change"</th>
                                    <th scope="col" class="hide-narrow">"From"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {(next_href.is_some() || newest_href.is_some()).then(|| view! {
                <nav class="pager" aria-label="Pages">
                    {newest_href.map(|h| view! { <a href=h class="button subtle">"← Newest"</a> })}
                    <span class="grow"></span>
                    {next_href.map(|h| view! { <a href=h class="button">"Older events →"</a> })}
                </nav>
            }.into_any())}
        </section>
    }
}

#[component]
fn EventRow(event: AuditEvent) -> impl IntoView {
    let target = match &event.workspace_name {
        Some(ws) if event.target_kind != "workspace" => {
            format!("{} · in {ws}", event.target_label)
        }
        _ => event.target_label.clone(),
    };
    let change = event
        .change
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    let from = match event.address {
        Some(address) => format!("{address} · {}", event.via),
        None => event.via.clone(),
    };
    view! {
        <tr>
            <td class="nowrap muted">
                <time datetime=event.at.to_string()>{event.at.human_date_time()}</time>
            </td>
            <td class="break">
                <span class="cell-label">"Who: "</span>
                {event.actor_name}
                <span class="muted small block">{event.actor_email}</span>
            </td>
            <td class="break">
                <span class="cell-label">"What: "</span>
                <strong>{event.action.label()}</strong>
                <span class="muted small block">{target}</span>
            </td>
            <td class="break">
                <ul class="change">{change}</ul>
            </td>
            <td class="muted small hide-narrow break">{from}</td>
        </tr>
    }
}
