//! `/workspaces`: every workspace the user reaches, grouped by organization; creating one
//! (`?create=ORGANIZATION`), editing its name and description (`?edit=WORKSPACE`) and deleting
//! it (`?delete=WORKSPACE`) in dialogs that are addresses, like the members page's.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    accounts::{Me, OrganizationPlace, WorkspacePlace},
    ids::{OrganizationId, WorkspaceId},
    roles::Role,
    ui::{
        RoleBadge,
        dialog::{Dialog, DialogButtons},
        form::{DescriptionField, Field, FormAlert},
        session::SessionContext,
    },
    workspaces::{
        CreateWorkspace, DESCRIPTION_MAX, DeleteWorkspace, EditWorkspace, components::WorkspaceItem,
    },
};

#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateWorkspace>,
    edit: ServerAction<EditWorkspace>,
    delete: ServerAction<DeleteWorkspace>,
}

#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let session = SessionContext::get();
    let actions = Actions {
        create: ServerAction::new(),
        edit: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // Each change alters the header's places too: every page follows, and the dialog closes.
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = actions.create.version().get()
            + actions.edit.version().get()
            + actions.delete.version().get();
        let succeeded = actions
            .create
            .value()
            .with_untracked(|v| matches!(v, Some(Ok(_))))
            || actions
                .edit
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))))
            || actions
                .delete
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))));
        if previous.is_some_and(|p| p != version) && succeeded {
            actions.create.value().set(None);
            actions.edit.value().set(None);
            actions.delete.value().set(None);
            session.changed();
            navigate("/workspaces", Default::default());
        }
        version
    });
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
                    Ok(Some(me)) => view! { <Groups me actions/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Groups(me: Me, actions: Actions) -> impl IntoView {
    let current = me.current.as_ref().and_then(|c| c.workspace);
    let query = use_query_map();
    let organizations = me.organizations.clone();
    // The dialog the address asks for, if any.
    let dialog = move || {
        let params = query.read();
        let find_org = |id: Option<String>| {
            let id: OrganizationId = id?.parse().ok()?;
            organizations.iter().find(|o| o.id == id).cloned()
        };
        let find_ws = |id: Option<String>| {
            let id: WorkspaceId = id?.parse().ok()?;
            organizations.iter().find_map(|o| {
                o.workspaces
                    .iter()
                    .find(|w| w.id == id)
                    .map(|w| (o.clone(), w.clone()))
            })
        };
        if let Some(org) = find_org(params.get("create")).filter(|o| o.role >= Role::Member) {
            Some(view! { <CreateDialog org action=actions.create/> }.into_any())
        } else if let Some((org, ws)) =
            find_ws(params.get("edit")).filter(|(_, w)| w.role == Role::Admin)
        {
            Some(view! { <EditDialog org ws action=actions.edit/> }.into_any())
        } else if let Some((org, ws)) =
            find_ws(params.get("delete")).filter(|(_, w)| w.role == Role::Admin)
        {
            Some(view! { <DeleteDialog org ws action=actions.delete/> }.into_any())
        } else {
            None
        }
    };
    let groups = me
        .organizations
        .into_iter()
        .map(|org| {
            let count = org.workspaces.len();
            let can_create = org.role >= Role::Member;
            let create_href = format!("/workspaces?create={}", org.id);
            let rows = org
                .workspaces
                .into_iter()
                .map(|w| {
                    let is_current = Some(w.id) == current;
                    let manage = (w.role == Role::Admin).then(|| {
                        (
                            format!("/workspaces?edit={}", w.id),
                            format!("/workspaces?delete={}", w.id),
                        )
                    });
                    view! {
                        <WorkspaceItem id=w.id name=w.name role=w.role is_current
                            detail=w.description manage/>
                    }
                })
                .collect_view();
            let label = org.name.clone();
            let org_name = org.name.clone();
            view! {
                <section class="card" aria-label=label>
                    <div class="card-header">
                        <h2>{org.name}</h2>
                        <RoleBadge role=org.role/>
                        <span class="muted card-header-note">
                            {count} {if count == 1 { " workspace" } else { " workspaces" }}
                        </span>
                        {can_create.then(|| view! {
                            <a href=create_href class="button small"
                                aria-label=format!("New workspace in {org_name}")>"New workspace"</a>
                        })}
                    </div>
                    {if count == 0 {
                        view! { <p class="empty-row muted">"No workspaces yet."</p> }.into_any()
                    } else {
                        view! { <ul class="rows">{rows}</ul> }.into_any()
                    }}
                </section>
            }
        })
        .collect_view();
    view! {
        {groups}
        {dialog}
    }
}

#[component]
fn CreateDialog(org: OrganizationPlace, action: ServerAction<CreateWorkspace>) -> impl IntoView {
    let client = RwSignal::new(Default::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("New workspace in {}", org.name) close_href="/workspaces">
            <ActionForm action attr:class="form tight" attr:novalidate=true>
                <input type="hidden" name="organization_id" value=org.id.to_string()/>
                <FormAlert error=Signal::derive(move || server.get().filter(|e| e.field_message("name").is_none() && e.field_message("description").is_none()))/>
                <Field label="Name" name="name" maxlength=100 autofocus=true autocomplete="off"
                    client server/>
                <DescriptionField maxlength=DESCRIPTION_MAX server/>
                <p class="muted small">"You become its admin, and it becomes your current workspace."</p>
                <DialogButtons close_href="/workspaces".to_owned() label="Create workspace"
                    pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn EditDialog(
    org: OrganizationPlace,
    ws: WorkspacePlace,
    action: ServerAction<EditWorkspace>,
) -> impl IntoView {
    let client = RwSignal::new(Default::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Edit {}", ws.name) close_href="/workspaces">
            <ActionForm action attr:class="form tight" attr:novalidate=true>
                <input type="hidden" name="workspace_id" value=ws.id.to_string()/>
                <FormAlert error=Signal::derive(move || server.get().filter(|e| e.field_message("name").is_none() && e.field_message("description").is_none()))/>
                <Field label="Name" name="name" maxlength=100 autofocus=true autocomplete="off"
                    value=ws.name.clone() client server/>
                <DescriptionField value=ws.description.clone() maxlength=DESCRIPTION_MAX server/>
                <p class="muted small">{format!("A workspace of {}.", org.name)}</p>
                <DialogButtons close_href="/workspaces".to_owned() label="Save changes"
                    pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn DeleteDialog(
    org: OrganizationPlace,
    ws: WorkspacePlace,
    action: ServerAction<DeleteWorkspace>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Delete {}?", ws.name) close_href="/workspaces">
            <ActionForm action>
                <input type="hidden" name="workspace_id" value=ws.id.to_string()/>
                <p class="modal-text">
                    {format!(
                        "{} will be deleted from {}, with its guests' access, its pending guest invitations, its limits and the channels and volumes shared with it. Members of {} keep their membership. This cannot be undone.",
                        ws.name, org.name, org.name
                    )}
                </p>
                <FormAlert error/>
                <DialogButtons close_href="/workspaces".to_owned() label="Delete workspace"
                    danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}
