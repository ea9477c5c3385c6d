//! The overview of the current organization.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    ids::WorkspaceId,
    organizations::{Dashboard, DashboardWorkspace, get_dashboard},
    ui::{RoleBadge, session::SessionContext},
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionContext::get();
    let dashboard = Resource::new(move || session.place_version(), |_| get_dashboard());
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(Some(d)) => view! { <DashboardView d/> }.into_any(),
                    Ok(None) => view! {
                        <Title text="Overview"/>
                        <div class="empty card">
                            <h1>"You are not in any organization yet"</h1>
                            <p class="muted">
                                "When someone invites you to their organization or one of its workspaces, it will appear here."
                            </p>
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
fn DashboardView(d: Dashboard) -> impl IntoView {
    let workspace_count = d.workspaces.len();
    let current = d.current_workspace;
    let rows = d
        .workspaces
        .into_iter()
        .map(|w| view! { <WorkspaceRow w current/> })
        .collect_view();
    view! {
        <Title text=d.name.clone()/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"Organization"</p>
                <h1>{d.name}</h1>
                <p class="muted">"Created " {d.created_at.human_date()}</p>
            </div>
        </div>
        <div class="stats">
            <div class="stat">
                <span class="stat-label">"Your role"</span>
                <span class="stat-value"><RoleBadge role=d.role/></span>
            </div>
            {d.member_count.map(|n| view! {
                <div class="stat">
                    <span class="stat-label">"Members"</span>
                    <span class="stat-value">{n}</span>
                </div>
            })}
            <div class="stat">
                <span class="stat-label">"Workspaces"</span>
                <span class="stat-value">{workspace_count}</span>
            </div>
        </div>
        <section class="card" aria-labelledby="workspaces-heading">
            <div class="card-header">
                <h2 id="workspaces-heading">"Workspaces"</h2>
                <span class="muted">{workspace_count} " in this organization"</span>
            </div>
            {if workspace_count == 0 {
                view! { <p class="empty-row muted">"This organization has no workspace you can open."</p> }.into_any()
            } else {
                view! { <ul class="rows">{rows}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn WorkspaceRow(w: DashboardWorkspace, current: Option<WorkspaceId>) -> impl IntoView {
    let is_current = Some(w.id) == current;
    view! {
        <li class="row" class:current=is_current>
            <WorkspaceIcon name=w.name.clone()/>
            <div class="row-main">
                <div class="row-title">
                    <span>{w.name}</span>
                    {is_current.then(|| view! { <span class="badge badge-current">"Current"</span> })}
                </div>
                <div class="row-sub muted">
                    {if w.description.is_empty() { "No description".to_owned() } else { w.description }}
                    " · created " {w.created_at.human_date()}
                </div>
            </div>
            <RoleBadge role=w.role/>
            <SwitchButton workspace=w.id is_current/>
        </li>
    }
}

/// A square with the first letter of a workspace's name.
#[component]
pub fn WorkspaceIcon(name: String) -> impl IntoView {
    let letter: String = name
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    // A stable colour per name, so that workspaces are told apart at a glance.
    let hue = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    view! {
        <span class="ws-icon" style=format!("--hue: {hue}") aria-hidden="true">{letter}</span>
    }
}

/// "Switch" to a workspace; nothing when it is already current.
#[component]
pub fn SwitchButton(workspace: WorkspaceId, is_current: bool) -> impl IntoView {
    let session = SessionContext::get();
    if is_current {
        // The row says "Current" already; keep the column's width so rows stay aligned.
        return view! { <span class="row-action"></span> }.into_any();
    }
    view! {
        <ActionForm action=session.switch_workspace attr:class="row-action">
            <input type="hidden" name="workspace_id" value=workspace.to_string()/>
            <button type="submit" class="button small">"Switch"</button>
        </ActionForm>
    }
    .into_any()
}
