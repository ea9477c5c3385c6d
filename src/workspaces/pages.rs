//! Every workspace the user reaches, grouped by organization.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    accounts::Me,
    ui::{RoleBadge, session::SessionContext},
    workspaces::components::WorkspaceItem,
};

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let session = SessionContext::get();
    view! {
        <Title text="Workspaces"/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"All organizations"</p>
                <h1>"Workspaces"</h1>
                <p class="muted">"Every workspace you can open, by organization."</p>
            </div>
        </div>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match session.me.await {
                    Ok(Some(me)) => view! { <Groups me/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Groups(me: Me) -> impl IntoView {
    let current = me.current.as_ref().and_then(|c| c.workspace);
    me.organizations
        .into_iter()
        .map(|org| {
            let count = org.workspaces.len();
            let rows = org
                .workspaces
                .into_iter()
                .map(|w| {
                    let is_current = Some(w.id) == current;
                    view! { <WorkspaceItem id=w.id name=w.name role=w.role is_current/> }
                })
                .collect_view();
            let label = org.name.clone();
            view! {
                <section class="card" aria-label=label>
                    <div class="card-header">
                        <h2>{org.name}</h2>
                        <RoleBadge role=org.role/>
                        <span class="muted card-header-note">
                            {count} {if count == 1 { " workspace" } else { " workspaces" }}
                        </span>
                    </div>
                    {if count == 0 {
                        view! { <p class="empty-row muted">"No workspaces yet."</p> }.into_any()
                    } else {
                        view! { <ul class="rows">{rows}</ul> }.into_any()
                    }}
                </section>
            }
        })
        .collect_view()
}
