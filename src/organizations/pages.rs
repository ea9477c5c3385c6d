//! The overview of the current organization.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    error::FieldErrors,
    ids::{OrganizationId, WorkspaceId},
    limits::components::OrganizationLimitsPanel,
    organizations::{
        Dashboard, DashboardWorkspace, EditOrganization, OrganizationSummary, get_dashboard,
        get_organizations,
    },
    roles::Role,
    ui::{
        RoleBadge,
        form::{Field, FormAlert},
        session::SessionContext,
    },
    workspaces::components::WorkspaceItem,
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionContext::get();
    let dashboard = Resource::new(move || session.place_version(), |_| get_dashboard());
    // Three parts that each wait for their own data; the limits panel loads its own.
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(Some(d)) => view! { <Overview d/> }.into_any(),
                    Ok(None) => view! {
                        <Title text="Overview"/>
                        <div class="empty card">
                            <h1>"You are not in any organization yet"</h1>
                            <p class="muted">
                                "When someone invites you to their organization, accept the invitation to join it."
                            </p>
                            <A href="/invitations" attr:class="button">"See invitations"</A>
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
        <OrganizationLimitsPanel/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                dashboard.await.ok().flatten().map(|d| view! { <Workspaces d/> })
            })}
        </Transition>
    }
}

#[component]
fn Overview(d: Dashboard) -> impl IntoView {
    view! {
        <Title text=d.name.clone()/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"Organization"</p>
                <h1>{d.name.clone()}</h1>
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
                <span class="stat-value">{d.workspaces.len()}</span>
            </div>
        </div>
    }
}

#[component]
fn Workspaces(d: Dashboard) -> impl IntoView {
    let workspace_count = d.workspaces.len();
    let current = d.current_workspace;
    let rows = d
        .workspaces
        .into_iter()
        .map(|w| view! { <WorkspaceRow w current/> })
        .collect_view();
    view! {
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

/// `/organizations`: every organization the user has a role in; switch, and rename (admins).
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let session = SessionContext::get();
    let rename = ServerAction::<EditOrganization>::new();
    // The organization last renamed from this page, so that an error shows on its own row.
    let active = RwSignal::new(None::<OrganizationId>);
    let organizations = Resource::new(
        move || (session.place_version(), rename.version().get()),
        |_| get_organizations(),
    );
    // A new name shows in the header too.
    Effect::new(move |previous: Option<usize>| {
        let version = rename.version().get();
        if previous.is_some_and(|p| p != version)
            && rename.value().with_untracked(|v| matches!(v, Some(Ok(()))))
        {
            session.changed();
        }
        version
    });
    view! {
        <Title text="Organizations"/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"Your account"</p>
                <h1>"Organizations"</h1>
                <p class="muted">"Every organization you belong to, and your role in each."</p>
            </div>
        </div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match organizations.await {
                    Ok(list) if list.is_empty() => Either::Left(view! {
                        <div class="empty card">
                            <h2>"You are not in any organization yet"</h2>
                            <p class="muted">"Accept an invitation to join one."</p>
                            <A href="/invitations" attr:class="button">"See invitations"</A>
                        </div>
                    }),
                    Ok(list) => Either::Right(Either::Left(view! {
                        <section class="card" aria-label="Your organizations">
                            <ul class="rows">
                                {list.into_iter().map(|o| view! { <OrganizationRow o rename active/> }).collect_view()}
                            </ul>
                        </section>
                    })),
                    Err(e) => Either::Right(Either::Right(view! {
                        <div class="alert alert-error" role="alert">{e.to_string()}</div>
                    })),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrganizationRow(
    o: OrganizationSummary,
    rename: ServerAction<EditOrganization>,
    active: RwSignal<Option<OrganizationId>>,
) -> impl IntoView {
    let session = SessionContext::get();
    let id = o.id;
    let workspaces = match o.workspaces {
        1 => "1 workspace".to_owned(),
        n => format!("{n} workspaces"),
    };
    let name = o.name.clone();
    let switch = if o.current {
        Either::Left(view! { <span class="row-action"></span> })
    } else {
        Either::Right(view! {
            <ActionForm action=session.switch_organization attr:class="row-action">
                <input type="hidden" name="organization_id" value=id.to_string()/>
                <button type="submit" class="button small" aria-label=format!("Switch to {name}")>"Switch"</button>
            </ActionForm>
        })
    };
    // The error of the last rename, when it was this organization's (or, after a form sent
    // without JavaScript, the only one that could be open).
    let server = Signal::derive(move || {
        rename
            .value()
            .get()
            .and_then(Result::err)
            .filter(|_| active.get().is_none_or(|a| a == id))
    });
    let client = RwSignal::new(FieldErrors::default());
    let current_name = o.name.clone();
    let editor = (o.role == Role::Admin).then(move || {
        view! {
            <details class="row-edit" open=move || server.get().is_some()>
                <summary>"Rename"</summary>
                <ActionForm action=rename attr:class="inline-form" attr:novalidate=true
                    on:submit:capture=move |_| active.set(Some(id))>
                    <input type="hidden" name="organization_id" value=id.to_string()/>
                    <FormAlert error=server/>
                    <Field label="New name" name="name" maxlength=100 value=current_name client server/>
                    <button type="submit" class="button small primary">"Save name"</button>
                </ActionForm>
            </details>
        }
    });
    let label = o.name.clone();
    view! {
        <li class="row org-row" class:current=o.current aria-label=label>
            <span class="ws-icon org-icon" aria-hidden="true">
                {o.name.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default()}
            </span>
            <div class="row-main">
                <div class="row-title">
                    <span>{o.name.clone()}</span>
                    {o.current.then(|| view! { <span class="badge badge-current">"Current"</span> })}
                </div>
                <div class="row-sub muted">{workspaces}</div>
                {editor}
            </div>
            <RoleBadge role=o.role/>
            {switch}
        </li>
    }
}
