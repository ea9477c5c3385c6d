//! `/settings/api-keys`: my API keys, what each reaches and when it was last used; making one
//! (`?new`, whose dialog then shows the key, once) and deleting one (`?delete=NAME`), in
//! dialogs that are addresses, like the members page's.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api_keys::{
        ApiKey, ApiKeys, CreateApiKey, CreatedKey, DeleteApiKey, EXPIRY_CHOICES, KEYS_MAX,
        NAME_MAX, ScopeChoice, get_api_keys,
    },
    error::{AppError, FieldErrors},
    ui::{
        dialog::{Dialog, DialogButtons},
        form::{CopyField, Field, FormAlert},
        urlencode,
    },
};

const HERE: &str = "/settings/api-keys";
const NEW_HREF: &str = "/settings/api-keys?new";
/// The expiry the form starts on (one of `EXPIRY_CHOICES`): long enough for a script, short
/// enough that a forgotten key dies.
const DEFAULT_EXPIRY: &str = "90";

/// What the page's dialogs act with.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateApiKey>,
    delete: ServerAction<DeleteApiKey>,
    /// The key just made: the new-key dialog shows it, once, instead of its form.
    created: RwSignal<Option<CreatedKey>>,
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let actions = Actions {
        create: ServerAction::new(),
        delete: ServerAction::new(),
        created: RwSignal::new(None),
    };
    // Bumped when a key is made or deleted, not at every answer: a refused form is not
    // rebuilt by a reload, and keeps what was typed in it.
    let changed = RwSignal::new(0_usize);
    let keys = Resource::new(move || changed.get(), |_| get_api_keys());

    // One effect per action, each reading only its own answer, as the guests panel does.
    let query = use_query_map();
    let navigate = use_navigate();
    {
        let navigate = navigate.clone();
        Effect::new(move |previous: Option<usize>| {
            let version = actions.create.version().get();
            if previous.is_some_and(|p| p != version)
                && let Some(Ok(created)) = actions.create.value().get_untracked()
            {
                actions.created.set(Some(created));
                changed.update(|n| *n += 1);
                // Closed while the key was being made: it opens again, since this is the only
                // time the key can be seen.
                if query.with_untracked(|q| q.get("new").is_none()) {
                    navigate(NEW_HREF, Default::default());
                }
            }
            version
        });
    }
    Effect::new(move |previous: Option<usize>| {
        let version = actions.delete.version().get();
        if previous.is_some_and(|p| p != version)
            && actions
                .delete
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))))
        {
            changed.update(|n| *n += 1);
            navigate(HERE, Default::default());
        }
        version
    });
    // Closing the dialog forgets the key.
    Effect::new(move |_| {
        if query.read().get("new").is_none() {
            actions.created.set(None);
        }
    });
    // Outside the list's `Transition`, which the new key reloads: the dialog is not rebuilt
    // under the hand copying from it.
    let created = Memo::new(move |_| query.read().get("new").and_then(|_| actions.created.get()));

    view! {
        <Title text="API keys"/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"Settings"</p>
                <h1>"API keys"</h1>
                <p class="muted intro">
                    "Keys let your scripts and the anatools SDK act as you: they send one in the "
                    <code>"apikey"</code>
                    " header. A key never reaches more than you can do, and one limited to an organization or a workspace reaches only that."
                </p>
            </div>
            <a href=NEW_HREF class="button primary">"New API key"</a>
        </div>
        <Transition fallback=|| view! { <div class="card skeleton-block"></div> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(keys) => Either::Left(view! { <KeysView keys actions/> }),
                    Err(e) => Either::Right(view! {
                        <div class="alert alert-error" role="alert">{e.to_string()}</div>
                    }),
                }
            })}
        </Transition>
        {move || created.get().map(|created| view! { <CreatedDialog created/> })}
    }
}

#[component]
fn KeysView(keys: ApiKeys, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    // The dialog the address asks for, if any; it follows the address as it changes.
    let full = keys.keys.len() >= KEYS_MAX;
    let dialog = {
        let keys = keys.clone();
        move || {
            let params = query.read();
            if params.get("new").is_some() {
                // Once made, the page shows the key instead.
                return actions.created.with(Option::is_none).then(|| {
                    view! { <NewKeyDialog choices=keys.choices.clone() full action=actions.create/> }
                        .into_any()
                });
            }
            // A key made by a form sent without JavaScript: this page is the only one to show
            // it (the server took it out of the session for it).
            if params.get("created").is_some() {
                return keys
                    .just_created
                    .clone()
                    .map(|created| view! { <CreatedDialog created/> }.into_any());
            }
            // Already deleted (a form sent without JavaScript lands back here): no dialog.
            let name = params.get("delete")?;
            let key = keys.keys.iter().find(|k| k.name == name)?.clone();
            Some(view! { <DeleteDialog key action=actions.delete/> }.into_any())
        }
    };
    let count = keys.keys.len();
    let rows = keys
        .keys
        .into_iter()
        .map(|key| view! { <KeyRow key/> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="api-keys-heading">
            <div class="card-header">
                <h2 id="api-keys-heading">"Your keys"</h2>
                <span class="muted card-header-note">
                    {format!("{count} of {KEYS_MAX}")}
                </span>
            </div>
            {if count == 0 {
                Either::Left(view! {
                    <div class="empty-row">
                        <p><strong>"No API keys yet."</strong></p>
                        <p class="muted">
                            "Make one for each script or machine, limited to what it needs: you can then delete one without stopping the others."
                        </p>
                    </div>
                })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack" aria-label="API keys">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Reaches"</th>
                                    <th scope="col">"Key"</th>
                                    <th scope="col" class="hide-narrow">"Created"</th>
                                    <th scope="col">"Expires"</th>
                                    <th scope="col">"Last used"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
        {dialog}
    }
}

#[component]
fn KeyRow(key: ApiKey) -> impl IntoView {
    let delete_href = format!("{HERE}?delete={}", urlencode(&key.name));
    let delete_label = format!("Delete {}", key.name);
    let expires = match key.expires_at {
        None => Either::Left(view! { <span class="muted">"Never"</span> }),
        Some(at) => Either::Right(view! {
            <span class:muted=!key.expired>{at.human_date()}</span>
            {key.expired.then(|| view! { " " <span class="badge badge-expired">"Expired"</span> })}
        }),
    };
    let last_used = match key.last_used_at {
        None => Either::Left("Never used"),
        Some(at) => Either::Right(view! {
            <span class="cell-label">"Last used: "</span>
            {at.human_date()}
        }),
    };
    view! {
        <tr class:expired=key.expired>
            <td class="break">{key.name.clone()}</td>
            <td class="break">{key.scope.describe()}</td>
            <td class="nowrap"><code class="key-prefix">{key.prefix.clone()}</code></td>
            <td class="muted nowrap hide-narrow">{key.created_at.human_date()}</td>
            <td class="nowrap"><span class="cell-label">"Expires: "</span>{expires}</td>
            <td class="muted nowrap">{last_used}</td>
            <td class="actions">
                <a href=delete_href class="button small subtle danger-text" aria-label=delete_label>
                    "Delete"
                </a>
            </td>
        </tr>
    }
}

/// The organizations' choices, in the order they come, grouped under their organization.
fn grouped(choices: Vec<ScopeChoice>) -> Vec<(String, Vec<ScopeChoice>)> {
    let mut groups: Vec<(String, Vec<ScopeChoice>)> = Vec::new();
    for choice in choices {
        match groups.iter_mut().find(|(group, _)| *group == choice.group) {
            Some((_, items)) => items.push(choice),
            None => groups.push((choice.group.clone(), vec![choice])),
        }
    }
    groups
}

#[component]
fn NewKeyDialog(
    choices: Vec<ScopeChoice>,
    /// Whether the user already holds as many keys as they may.
    full: bool,
    action: ServerAction<CreateApiKey>,
) -> impl IntoView {
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let scopes = grouped(choices)
        .into_iter()
        .map(|(group, items)| {
            let options = items
                .into_iter()
                .map(|c| view! { <option value=c.value>{c.label}</option> })
                .collect_view();
            view! { <optgroup label=group>{options}</optgroup> }
        })
        .collect_view();
    let expiries = EXPIRY_CHOICES
        .iter()
        .map(|&(value, label)| {
            view! { <option value=value selected=value == DEFAULT_EXPIRY>{label}</option> }
        })
        .collect_view();
    view! {
        <Dialog title="New API key".to_owned() close_href=HERE>
            <ActionForm action attr:class="form tight" attr:novalidate=true>
                {full.then(|| view! {
                    <p class="alert alert-warning" role="status">
                        {format!("You hold {KEYS_MAX} keys, the most one person may: delete one first.")}
                    </p>
                })}
                <FormAlert error=server/>
                <Field label="Name" name="name" maxlength=NAME_MAX autofocus=true autocomplete="off"
                    hint="What uses it, to tell your keys apart." client server/>
                <SelectField label="Reaches" name="scope"
                    hint="Limit it to one organization or workspace when the script needs no more."
                    server>
                    <option value="user" selected>"Everything you can do"</option>
                    {scopes}
                </SelectField>
                <SelectField label="Expires" name="expires"
                    hint="After that, it is refused; make a new one." server>
                    {expiries}
                </SelectField>
                <DialogButtons close_href=HERE.to_owned() label="Create key" pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

/// A labelled choice, with its error from the server's answer beside it.
#[component]
fn SelectField(
    label: &'static str,
    name: &'static str,
    hint: &'static str,
    #[prop(into)] server: Signal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described = format!("{id}-note");
    let error = move || {
        server
            .read()
            .as_ref()
            .and_then(|e| e.field_message(name).map(str::to_owned))
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described.clone()>
                {children()}
            </select>
            <p class="field-note" id=described>
                {move || match error() {
                    Some(message) => Either::Left(view! { <span class="field-error">{message}</span> }),
                    None => Either::Right(view! { <span class="field-hint">{hint}</span> }),
                }}
            </p>
        </div>
    }
}

/// The key just made, to copy once: only its fingerprint is kept.
#[component]
fn CreatedDialog(created: CreatedKey) -> impl IntoView {
    view! {
        <Dialog title="API key created".to_owned() close_href=HERE>
            <p class="alert alert-success" role="status">
                {format!("Your key “{}” is ready.", created.name)}
            </p>
            <CopyField id="created-key" label="API key" value=created.key copy_label="Copy"
                class="secret"
                note="Copy it now: orgspace keeps only a fingerprint of it, and will not show it again.".to_owned()/>
            <div class="modal-actions">
                <a href=HERE class="button primary">"Done"</a>
            </div>
        </Dialog>
    }
}

#[component]
fn DeleteDialog(key: ApiKey, action: ServerAction<DeleteApiKey>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Delete {}?", key.name) close_href=HERE>
            <ActionForm action>
                <input type="hidden" name="name" value=key.name.clone()/>
                <p class="modal-text">
                    {format!(
                        "The key “{}” ({}…) stops working at once, for every script that uses it. This cannot be undone.",
                        key.name, key.prefix
                    )}
                </p>
                <FormAlert error/>
                <DialogButtons close_href=HERE.to_owned() label="Delete key" danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}
