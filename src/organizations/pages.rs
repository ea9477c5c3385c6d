//! The overview of the current organization.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    ids::WorkspaceId,
    organizations::{Dashboard, DashboardWorkspace, get_dashboard},
    ui::{RoleBadge, session::SessionContext},
    workspaces::components::WorkspaceItem,
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
    let description = if w.description.is_empty() {
        "No description".to_owned()
    } else {
        w.description
    };
    let detail = format!("{description} · created {}", w.created_at.human_date());
    let is_current = Some(w.id) == current;
    view! { <WorkspaceItem id=w.id name=w.name role=w.role is_current detail/> }
}
