//! Pieces of workspace UI used on several pages.

use leptos::prelude::*;

use crate::{
    ids::WorkspaceId,
    roles::Role,
    ui::{RoleBadge, session::SessionContext},
};

/// One workspace in a list: its mark, name and role, and a way to switch to it.
#[component]
pub fn WorkspaceItem(
    id: WorkspaceId,
    name: String,
    role: Role,
    is_current: bool,
    #[prop(optional, into)] detail: Option<String>,
    /// For a workspace admin: where "Edit" and "Delete" lead.
    #[prop(default = None)]
    manage: Option<(String, String)>,
) -> impl IntoView {
    let label = name.clone();
    view! {
        <li class="row" class:current=is_current>
            <WorkspaceIcon name=name.clone()/>
            <div class="row-main">
                <div class="row-title">
                    <a href=format!("/workspaces/{id}") class="row-link">{name}</a>
                    {is_current.then(|| view! { <span class="badge badge-current">"Current"</span> })}
                </div>
                {detail.filter(|d| !d.is_empty()).map(|d| view! { <div class="row-sub muted">{d}</div> })}
            </div>
            <RoleBadge role/>
            {manage.map(|(edit, delete)| view! {
                <a href=edit class="button small subtle" aria-label=format!("Edit {label}")>"Edit"</a>
                <a href=delete class="button small subtle danger-text" aria-label=format!("Delete {label}")>"Delete"</a>
            })}
            <SwitchButton workspace=id is_current/>
        </li>
    }
}

/// A square with the first letter of a workspace's name.
#[component]
fn WorkspaceIcon(name: String) -> impl IntoView {
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
fn SwitchButton(workspace: WorkspaceId, is_current: bool) -> impl IntoView {
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
