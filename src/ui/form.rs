//! Form fields with their errors beside them, and the alert for errors about the whole form.

use leptos::{ev::SubmitEvent, form::FromFormData, prelude::*};

use crate::error::{AppError, FieldErrors};

/// A submit handler (for `on:submit:capture`) that runs the shared validation of the form's
/// server function in the browser: a form with errors is not sent, and the errors show beside
/// their fields at once. The server validates again, always.
pub fn validate_on_submit<Input: FromFormData>(
    client: RwSignal<FieldErrors>,
    validate: impl Fn(&Input) -> Result<(), FieldErrors> + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    move |ev: SubmitEvent| {
        let Ok(input) = Input::from_event(&ev) else {
            // Unreadable forms go to the server, which answers with a clear error.
            return;
        };
        match validate(&input) {
            Ok(()) => client.set(FieldErrors::default()),
            Err(errors) => {
                ev.prevent_default();
                client.set(errors);
            }
        }
    }
}

/// A labelled input. Its error comes from the browser's own check of the form (`client`) or
/// from the server's answer (`server`), whichever speaks.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] minlength: Option<usize>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] autofocus: bool,
    #[prop(into)] client: Signal<FieldErrors>,
    #[prop(into)] server: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described = format!("{id}-note");
    let error = move || {
        client.read().get(name).map(str::to_owned).or_else(|| {
            server
                .read()
                .as_ref()?
                .field_message(name)
                .map(str::to_owned)
        })
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                minlength=minlength
                value=value
                autofocus=autofocus
                required
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described.clone()
            />
            <p class="field-note" id=described>
                {move || match error() {
                    Some(message) => view! { <span class="field-error">{message}</span> }.into_any(),
                    None => hint.map(|h| view! { <span class="field-hint">{h}</span> }).into_any(),
                }}
            </p>
        </div>
    }
}

/// An optional description: a textarea with its error (field `description`) beside it.
#[component]
pub fn DescriptionField(
    #[prop(optional, into)] value: String,
    maxlength: usize,
    #[prop(into)] server: Signal<Option<AppError>>,
) -> impl IntoView {
    let error = move || {
        server
            .read()
            .as_ref()
            .and_then(|e| e.field_message("description").map(str::to_owned))
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for="field-description">"Description " <span class="muted">"(optional)"</span></label>
            <textarea id="field-description" name="description" rows="3"
                maxlength=maxlength.to_string()
                aria-invalid=move || error().is_some().then_some("true")>{value}</textarea>
            {move || error().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

/// Shows an error that is not about one field (a wrong password, a server failure).
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
            .map(|e| {
                view! {
                    <div class="alert alert-error" role="alert">
                        {e.to_string()}
                    </div>
                }
            })
    }
}

/// A submit button that shows progress while its action runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    pending_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="button primary wide" aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { pending_label } else { label }}
        </button>
    }
}

/// A secret shown once (an invitation link, an API key): read-only, selected whole on focus,
/// with a button that copies it to the clipboard, and a note under it.
#[component]
pub fn CopyField(
    id: &'static str,
    label: &'static str,
    value: String,
    /// The button's label before it is pressed (`Copy`, `Copy link`).
    copy_label: &'static str,
    note: String,
    /// Extra classes for the input (`secret`: monospace).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = {
        let value = value.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                // The browser may refuse (an insecure origin): the field stays selectable.
                let _promise = window.navigator().clipboard().write_text(&value);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &value;
            copied.set(true);
        }
    };
    let note_id = format!("{id}-note");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <div class="inline-field">
                <input id=id class=class type="text" readonly value=value spellcheck="false"
                    autocomplete="off" aria-describedby=note_id.clone()
                    on:focus=|ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                    }/>
                <button type="button" class="button" on:click=copy>
                    {move || if copied.get() { "Copied" } else { copy_label }}
                </button>
            </div>
            <p class="field-note" id=note_id>
                <span class="field-hint">{note}</span>
            </p>
        </div>
    }
}
