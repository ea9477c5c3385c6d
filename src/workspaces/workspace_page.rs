//! `/workspaces/:id`: one workspace. Everyone in it sees its name, description and channels;
//! its members also see its limits and guests, and its admins change them.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    accounts::{OrganizationPlace, WorkspacePlace},
    channels::components::WorkspaceChannels,
    guests::pages::GuestsPanel,
    ids::WorkspaceId,
    limits::components::WorkspaceLimitsPanel,
    roles::Role,
    ui::{RoleBadge, session::SessionContext},
};

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let session = SessionContext::get();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<WorkspaceId>().ok())
    });
    // Switching workspace from the header while on this page opens the new one.
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = session.switch_workspace.version().get();
        if previous.is_some_and(|p| p != version)
            && let Some(Ok(ws)) = session.switch_workspace.value().get_untracked()
            && Some(ws) != id.get_untracked()
        {
            navigate(&format!("/workspaces/{ws}"), Default::default());
        }
        version
    });
    view! {
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                let me = session.me.await.ok().flatten();
                let current = me.as_ref().and_then(|m| m.current.as_ref()).and_then(|c| c.workspace);
                let found = id.get().zip(me).and_then(|(id, me)| {
                    me.organizations.into_iter().find_map(|o| {
                        let ws = o.workspaces.iter().find(|w| w.id == id).cloned()?;
                        Some((o, ws))
                    })
                });
                match found {
                    Some((org, ws)) => {
                        let is_current = current == Some(ws.id);
                        Either::Left(view! { <Header org ws is_current/> })
                    }
                    None => Either::Right(view! {
                        <Title text="Workspace not found"/>
                        <div class="empty card">
                            <h1>"Workspace not found"</h1>
                            <p class="muted">"It does not exist, or you cannot open it."</p>
                            <a href="/workspaces" class="button">"All workspaces"</a>
                        </div>
                    }),
                }
            })}
        </Transition>
        // Each panel loads its own data and shows nothing to whoever may not see it.
        {move || id.get().map(|workspace| {
            let here = format!("/workspaces/{workspace}");
            let guests_changed = RwSignal::new(0usize);
            view! {
                <WorkspaceChannels workspace/>
                <WorkspaceLimitsPanel workspace refresh=guests_changed/>
                <GuestsPanel workspace here changed=guests_changed/>
            }
        })}
    }
}

#[component]
fn Header(org: OrganizationPlace, ws: WorkspacePlace, is_current: bool) -> impl IntoView {
    let session = SessionContext::get();
    let admin = ws.role == Role::Admin;
    let (edit, delete) = (
        format!("/workspaces?edit={}", ws.id),
        format!("/workspaces?delete={}", ws.id),
    );
    let description = if ws.description.is_empty() {
        Either::Left(view! { <p class="muted">"No description yet."</p> })
    } else {
        Either::Right(view! { <p class="muted description">{ws.description.clone()}</p> })
    };
    let guest_note = (ws.role == Role::Guest).then(|| {
        view! {
            <p class="alert alert-info" role="note">
                {format!(
                    "You are a guest of {}: you can open this workspace and the channels and volumes shared with it. The rest of {} is not shared with you.",
                    ws.name, org.name
                )}
            </p>
        }
    });
    view! {
        <Title text=ws.name.clone()/>
        <div class="page-header">
            <div>
                <p class="eyebrow">{format!("Workspace of {}", org.name)}</p>
                <h1 class="title-with-badge">
                    {ws.name.clone()}
                    <RoleBadge role=ws.role/>
                    {is_current.then(|| view! { <span class="badge badge-current">"Current"</span> })}
                </h1>
                {description}
            </div>
            <div class="page-actions">
                {(!is_current).then(|| view! {
                    <ActionForm action=session.switch_workspace>
                        <input type="hidden" name="workspace_id" value=ws.id.to_string()/>
                        <button type="submit" class="button">"Switch to it"</button>
                    </ActionForm>
                })}
                {admin.then(|| view! {
                    <a href=edit class="button">"Edit"</a>
                    <a href=delete class="button danger-text">"Delete"</a>
                })}
            </div>
        </div>
        {guest_note}
    }
}
