//! The channels and volumes of a workspace, for the workspace page: what it shares, and for
//! its admins the `?share` dialog that chooses from the organization's registry.

use leptos::{either::Either, prelude::*};
use leptos_router::{
    hooks::{use_location, use_query_map},
    params::ParamsMap,
};

use crate::{
    channels::{
        KindId, Registered, Registry, SetWorkspaceChannels, Shared, WorkspaceChannels as Channels,
        get_channels, get_organization_channels,
    },
    error::AppError,
    ids::WorkspaceId,
    ui::dialog::{DIALOG_PARAMS, Dialog, DialogButtons, close_on_success},
};

/// The address of the current page without its dialogs, or with the share dialog open.
fn page_href(path: &str, query: &ParamsMap, share: bool) -> String {
    let mut kept = query.clone();
    for param in DIALOG_PARAMS {
        kept.remove(param);
    }
    let rest = kept.to_query_string();
    match (share, rest.is_empty()) {
        (false, _) => format!("{path}{rest}"),
        (true, true) => format!("{path}?share"),
        (true, false) => format!("{path}{rest}&share"),
    }
}

/// A card listing the channels and volumes shared with `workspace`, for anyone in it (guests
/// included). For a workspace admin (the server says who), a "Choose…" link opens a dialog at
/// `?share` on the current page to pick them from the organization's registry.
#[component]
pub fn WorkspaceChannels(workspace: WorkspaceId) -> impl IntoView {
    let set = ServerAction::<SetWorkspaceChannels>::new();
    let location = use_location();
    let query = use_query_map();
    let sharing = Memo::new(move |_| query.read().get("share").is_some());
    // The registry is loaded only while the dialog is open, from the workspace's organization
    // (which may not be the caller's current one).
    let data = Resource::new(
        move || (sharing.get(), set.version().get()),
        move |(sharing, _)| async move {
            let shared = get_channels(workspace).await?;
            let registry = if sharing && shared.can_share {
                Some(get_organization_channels(Some(shared.organization)).await)
            } else {
                None
            };
            Ok::<_, AppError>((shared, registry))
        },
    );
    let close_href = move || page_href(&location.pathname.get(), &query.get(), false);
    let share_href = move || page_href(&location.pathname.get(), &query.get(), true);
    close_on_success(set, close_href);
    view! {
        <Transition fallback=|| view! { <div class="card skeleton-block"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((shared, registry)) => view! {
                        <SharedCard shared=shared.clone() share_href=shared.can_share.then(share_href)/>
                        {registry.map(|registry| view! {
                            <ShareDialog shared registry close_href=close_href() set/>
                        })}
                    }
                    .into_any(),
                    // Out of reach: the page says so already.
                    Err(AppError::NotFound | AppError::Forbidden) => ().into_any(),
                    Err(e) => view! {
                        <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SharedCard(shared: Channels, share_href: Option<String>) -> impl IntoView {
    let note = format!(
        "{} · {}",
        count(shared.channels.len(), "channel", "channels"),
        count(shared.volumes.len(), "volume", "volumes")
    );
    let empty = shared.is_empty();
    let can_share = share_href.is_some();
    let rows = shared_rows(shared.channels)
        .into_iter()
        .chain(shared_rows(shared.volumes))
        .collect_view();
    view! {
        <section class="card" aria-labelledby="workspace-channels-heading">
            <div class="card-header">
                <h2 id="workspace-channels-heading">"Channels and volumes"</h2>
                <span class="muted card-header-note">{note}</span>
                {share_href.map(|href| view! {
                    <a href=href class="button small"
                        aria-label="Choose the channels and volumes shared with this workspace">
                        "Choose…"
                    </a>
                })}
            </div>
            {if empty {
                Either::Left(view! {
                    <p class="empty-row muted">
                        "No channels or volumes are shared with this workspace yet."
                        {can_share.then_some(" Choose them from the organization's registry.")}
                    </p>
                })
            } else {
                Either::Right(view! { <ul class="rows">{rows}</ul> })
            }}
        </section>
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn shared_rows<Id: KindId>(items: Vec<Shared<Id>>) -> Vec<AnyView> {
    let kind = Id::KIND;
    items
        .into_iter()
        .map(|item| {
            view! {
                <li class="row">
                    <div class="row-main">
                        <div class="row-title">
                            <span>{item.name}</span>
                            <span class="badge">{kind.label()}</span>
                        </div>
                        {(!item.description.is_empty())
                            .then(|| view! { <div class="row-sub muted">{item.description}</div> })}
                    </div>
                </li>
            }
            .into_any()
        })
        .collect()
}

/// Checkboxes over the organization's registry, checked for what the workspace shares. A plain
/// form posts them as `channel_ids[]` and `volume_ids[]`.
#[component]
fn ShareDialog(
    shared: Channels,
    registry: Result<Registry, AppError>,
    close_href: String,
    set: ServerAction<SetWorkspaceChannels>,
) -> impl IntoView {
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    let dialog_close = close_href.clone();
    let body = match registry {
        Err(e) => Either::Left(view! {
            <p class="alert alert-error" role="alert">{e.to_string()}</p>
            <div class="modal-actions">
                <a href=close_href class="button">"Close"</a>
            </div>
        }),
        Ok(registry) => {
            let chosen_channels: Vec<_> = shared.channels.iter().map(|c| c.id).collect();
            let chosen_volumes: Vec<_> = shared.volumes.iter().map(|v| v.id).collect();
            let channels = choices(&registry.channels.items, &chosen_channels);
            let volumes = choices(&registry.volumes.items, &chosen_volumes);
            Either::Right(view! {
                <ActionForm action=set attr:class="form tight">
                    <input type="hidden" name="workspace_id" value=shared.workspace.to_string()/>
                    <p class="modal-text">
                        "Everyone in the workspace, guests included, sees what is checked."
                    </p>
                    {channels}
                    {volumes}
                    <p class="muted small">
                        {format!("From the registry of {}. ", registry.organization_name)}
                        <a href="/channels">"Manage the registry"</a>
                    </p>
                    // Not only the general errors: an id that left the registry meanwhile is a
                    // "field" error with no field on this form.
                    {move || error.get().map(|e| view! {
                        <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    })}
                    <DialogButtons close_href label="Save" pending=set.pending()/>
                </ActionForm>
            })
        }
    };
    view! {
        <Dialog title="Channels and volumes of this workspace".to_owned() close_href=dialog_close>
            {body}
        </Dialog>
    }
}

/// One kind's checkboxes, named `channel_ids[]` or `volume_ids[]`.
fn choices<Id: KindId>(items: &[Registered<Id>], chosen: &[Id]) -> AnyView {
    let kind = Id::KIND;
    let name = format!("{kind}_ids[]");
    let boxes = items
        .iter()
        .map(|item| {
            let id = format!("share-{}", item.id);
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input type="checkbox" id=id name=name.clone() value=item.id.to_string()
                        checked=chosen.contains(&item.id)/>
                    <span class="choice-text">
                        <span class="choice-name">{item.name.clone()}</span>
                        {(!item.description.is_empty()).then(|| view! {
                            <span class="muted small">{item.description.clone()}</span>
                        })}
                    </span>
                </label>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <fieldset class="choices">
            <legend>{kind.heading()}</legend>
            {if items.is_empty() {
                Either::Left(view! {
                    <p class="muted small">{format!("The organization has no {} yet.", kind.plural())}</p>
                })
            } else {
                Either::Right(boxes)
            }}
        </fieldset>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_dialog_opens_and_closes_on_the_current_page() {
        let query: ParamsMap = [("tab", "files"), ("remove", "x")].into_iter().collect();
        assert_eq!(page_href("/w/1", &query, false), "/w/1?tab=files");
        assert_eq!(page_href("/w/1", &query, true), "/w/1?tab=files&share");
        let none = ParamsMap::new();
        assert_eq!(page_href("/w/1", &none, true), "/w/1?share");
        assert_eq!(page_href("/w/1", &none, false), "/w/1");
    }
}
