//! `/channels`: the current organization's registry of channels and volumes, each kind counted
//! against its limit; adding one (`?add=channel`, `?add=volume`) and removing one
//! (`?remove=ID`) in dialogs that are addresses, like the members page's.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    channels::{
        AddChannel, AddVolume, DESCRIPTION_MAX, Kind, KindId, Registered, Registry, RemoveChannel,
        RemoveVolume, Section, get_organization_channels,
    },
    error::AppError,
    ids::OrganizationId,
    ui::{
        dialog::{Dialog, DialogButtons, close_on_success},
        form::{DescriptionField, Field, FormAlert},
        session::SessionContext,
    },
};

const HERE: &str = "/channels";

/// What the page's dialogs act with.
#[derive(Clone, Copy)]
struct Actions {
    add_channel: ServerAction<AddChannel>,
    add_volume: ServerAction<AddVolume>,
    remove_channel: ServerAction<RemoveChannel>,
    remove_volume: ServerAction<RemoveVolume>,
}

impl Actions {
    fn version(&self) -> usize {
        self.add_channel.version().get()
            + self.add_volume.version().get()
            + self.remove_channel.version().get()
            + self.remove_volume.version().get()
    }
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let session = SessionContext::get();
    let actions = Actions {
        add_channel: ServerAction::new(),
        add_volume: ServerAction::new(),
        remove_channel: ServerAction::new(),
        remove_volume: ServerAction::new(),
    };
    // The current organization's: it does not wait for the header's data.
    let registry = Resource::new(
        move || session.place_version() + actions.version(),
        |_| get_organization_channels(None),
    );
    let here = || HERE.to_owned();
    close_on_success(actions.add_channel, here);
    close_on_success(actions.add_volume, here);
    close_on_success(actions.remove_channel, here);
    close_on_success(actions.remove_volume, here);
    view! {
        <Title text="Channels"/>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match registry.await {
                    Ok(registry) => view! { <RegistryView registry actions/> }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <div class="empty card">
                            <h1>"Channels and volumes"</h1>
                            <p class="muted">
                                "As a guest, you see the channels and volumes of the workspaces you were invited to, on their pages."
                            </p>
                        </div>
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! {
                        <div class="empty card">
                            <h1>"Channels and volumes"</h1>
                            <p class="muted">"You are not in any organization yet."</p>
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
fn RegistryView(registry: Registry, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let organization = registry.organization;
    // The dialog the address asks for, if any; it follows the address as it changes.
    let dialog = {
        let registry = registry.clone();
        move || {
            let params = query.read();
            if let Some(kind) = params.get("add").and_then(|k| k.parse::<Kind>().ok()) {
                return Some(view! { <AddDialog kind organization actions/> }.into_any());
            }
            let id = params.get("remove")?;
            let name = registry.organization_name.clone();
            if let Some(item) = find(&registry.channels, &id) {
                Some(
                    view! {
                        <RemoveDialog kind=Kind::Channel id=item.id.to_string() name=item.name
                            workspaces=item.workspaces organization_name=name actions/>
                    }
                    .into_any(),
                )
            } else {
                // Already removed (a form sent without JavaScript lands back here): no dialog.
                find(&registry.volumes, &id).map(|item| {
                    view! {
                        <RemoveDialog kind=Kind::Volume id=item.id.to_string() name=item.name
                            workspaces=item.workspaces organization_name=name actions/>
                    }
                    .into_any()
                })
            }
        }
    };
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">{registry.organization_name.clone()}</p>
                <h1>"Channels and volumes"</h1>
                <p class="muted">
                    "The organization's registry. Members add and remove them; workspace admins choose which their workspace shares."
                </p>
            </div>
        </div>
        {section_card(registry.channels)}
        {section_card(registry.volumes)}
        {dialog}
    }
}

fn find<Id: KindId>(section: &Section<Id>, raw: &str) -> Option<Registered<Id>> {
    let id: Id = raw.parse().ok()?;
    section.items.iter().find(|item| item.id == id).cloned()
}

/// One kind's card: its count against its limit, its table, and the way to add one.
fn section_card<Id: KindId>(section: Section<Id>) -> AnyView {
    let kind = Id::KIND;
    let heading_id = format!("{}-heading", kind.plural());
    let labelled_by = heading_id.clone();
    let summary = section.summary();
    let full = section.is_full();
    let count = section.items.len();
    let rows = section
        .items
        .into_iter()
        .map(|item| {
            let remove_href = format!("{HERE}?remove={}", item.id);
            let remove_label = format!("Remove {}", item.name);
            let description = if item.description.is_empty() {
                Either::Left(view! { <span class="muted">"—"</span> })
            } else {
                Either::Right(item.description.clone())
            };
            view! {
                <tr>
                    <td class="break">{item.name.clone()}</td>
                    <td class="break hide-narrow">{description}</td>
                    <td class="muted nowrap">{item.sharing()}</td>
                    <td class="actions">
                        <a href=remove_href class="button small subtle danger-text"
                            aria-label=remove_label>"Remove"</a>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <div class="card-header">
                <h2 id=heading_id>{kind.heading()}</h2>
                <span class="muted card-header-note">
                    {summary}
                    {full.then_some(" · limit reached")}
                </span>
                {(!full).then(|| view! {
                    <a href=format!("{HERE}?add={kind}") class="button small">
                        {format!("Add {kind}")}
                    </a>
                })}
            </div>
            {if count == 0 {
                Either::Left(view! {
                    <p class="empty-row muted">
                        {format!("No {} yet. Once added, workspace admins can share them with their workspaces.", kind.plural())}
                    </p>
                })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col" class="hide-narrow">"Description"</th>
                                    <th scope="col">"Shared"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AddDialog(kind: Kind, organization: OrganizationId, actions: Actions) -> impl IntoView {
    let (error, pending) = match kind {
        Kind::Channel => (
            Signal::derive(move || actions.add_channel.value().get().and_then(Result::err)),
            actions.add_channel.pending(),
        ),
        Kind::Volume => (
            Signal::derive(move || actions.add_volume.value().get().and_then(Result::err)),
            actions.add_volume.pending(),
        ),
    };
    let client = RwSignal::new(Default::default());
    let general = Signal::derive(move || {
        error.get().filter(|e| {
            e.field_message("name").is_none() && e.field_message("description").is_none()
        })
    });
    let label = match kind {
        Kind::Channel => "Add channel",
        Kind::Volume => "Add volume",
    };
    let fields = view! {
        <input type="hidden" name="organization_id" value=organization.to_string()/>
        <FormAlert error=general/>
        <Field label="Name" name="name" maxlength=100 autofocus=true autocomplete="off"
            client server=error/>
        <DescriptionField maxlength=DESCRIPTION_MAX server=error/>
        <p class="muted small">
            {format!("It counts toward the organization's {} limit.", kind.setting())}
        </p>
        <DialogButtons close_href=HERE.to_owned() label pending/>
    };
    let form = match kind {
        Kind::Channel => view! {
            <ActionForm action=actions.add_channel attr:class="form tight" attr:novalidate=true>
                {fields}
            </ActionForm>
        }
        .into_any(),
        Kind::Volume => view! {
            <ActionForm action=actions.add_volume attr:class="form tight" attr:novalidate=true>
                {fields}
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <Dialog title=format!("New {kind}") close_href=HERE>
            {form}
        </Dialog>
    }
}

#[component]
fn RemoveDialog(
    kind: Kind,
    id: String,
    name: String,
    workspaces: i64,
    organization_name: String,
    actions: Actions,
) -> impl IntoView {
    let (error, pending) = match kind {
        Kind::Channel => (
            Signal::derive(move || actions.remove_channel.value().get().and_then(Result::err)),
            actions.remove_channel.pending(),
        ),
        Kind::Volume => (
            Signal::derive(move || actions.remove_volume.value().get().and_then(Result::err)),
            actions.remove_volume.pending(),
        ),
    };
    let consequence = match workspaces {
        0 => "No workspace shares it.".to_owned(),
        1 => "The workspace that shares it loses it at once.".to_owned(),
        n => format!("The {n} workspaces that share it lose it at once."),
    };
    let (label, field) = match kind {
        Kind::Channel => ("Remove channel", "channel_id"),
        Kind::Volume => ("Remove volume", "volume_id"),
    };
    let fields = view! {
        <input type="hidden" name=field value=id/>
        <p class="modal-text">
            {format!("{name} will be removed from the {} of {organization_name}. {consequence} This cannot be undone.", kind.plural())}
        </p>
        <FormAlert error/>
        <DialogButtons close_href=HERE.to_owned() label danger=true pending/>
    };
    let form = match kind {
        Kind::Channel => {
            view! { <ActionForm action=actions.remove_channel>{fields}</ActionForm> }.into_any()
        }
        Kind::Volume => {
            view! { <ActionForm action=actions.remove_volume>{fields}</ActionForm> }.into_any()
        }
    };
    view! {
        <Dialog title=format!("Remove {name}?") close_href=HERE>
            {form}
        </Dialog>
    }
}
