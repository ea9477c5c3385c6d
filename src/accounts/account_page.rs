//! `/settings/account`: who I am, and changing my password (which ends the access tokens my
//! scripts signed in with).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    accounts::{
        ChangePassword, EditProfile, Me, PASSWORD_MAX, SignOutElsewhere, check_password,
        normalize_email, normalize_name,
    },
    error::FieldErrors,
    ui::{
        form::{Field, FormAlert, SubmitButton, validate_on_submit},
        session::SessionContext,
    },
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = SessionContext::get();
    // A form sent without JavaScript lands back here with `?done=password` or `?done=elsewhere`.
    let query = use_query_map();
    let done = move |what: &str| query.with(|q| q.get_str("done") == Some(what));
    let action = ServerAction::<ChangePassword>::new();
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        server.get().filter(|e| {
            e.field_message("current_password").is_none()
                && e.field_message("new_password").is_none()
        })
    });
    let changed = move || match action.value().get() {
        Some(answer) => answer.is_ok(),
        None => done("password"),
    };
    let check = validate_on_submit(client, |input: &ChangePassword| {
        let mut errors = FieldErrors::default();
        if input.current_password.is_empty() {
            errors.add("current_password", "Enter your current password.");
        }
        if let Err(message) = check_password(&input.new_password) {
            errors.add("new_password", message);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    });
    // A form that was answered is emptied, so that the passwords do not stay on screen.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if changed()
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
    let elsewhere = ServerAction::<SignOutElsewhere>::new();
    let elsewhere_error = Signal::derive(move || elsewhere.value().get().and_then(Result::err));
    let elsewhere_done = move || match elsewhere.value().get() {
        Some(answer) => answer.is_ok(),
        None => done("elsewhere"),
    };
    view! {
        <Title text="Account"/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"Settings"</p>
                <h1>"Account"</h1>
            </div>
        </div>
        <section class="card" aria-labelledby="profile-heading">
            <div class="card-header">
                <h2 id="profile-heading">"Profile"</h2>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    session.me.await.ok().flatten().map(|me| view! {
                        <ProfileForm me done=Signal::derive(move || query.with(|q| q.get_str("done").map(str::to_owned)))/>
                    })
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="password-heading">
            <div class="card-header">
                <h2 id="password-heading">"Password"</h2>
            </div>
            <ActionForm action node_ref=form on:submit:capture=check
                attr:class="form tight settings-form" attr:novalidate=true>
                {move || changed().then(|| view! {
                    <div class="alert alert-success" role="status">
                        "Your password is changed. Scripts that signed in with the old one must sign in again; API keys keep working."
                    </div>
                })}
                <p class="muted small">
                    "Scripts that signed in with your password will have to sign in again. API keys keep working: delete those you no longer trust on the API keys page."
                </p>
                <FormAlert error=general/>
                <Field label="Current password" name="current_password" kind="password"
                    autocomplete="current-password" maxlength=PASSWORD_MAX client server/>
                <Field label="New password" name="new_password" kind="password"
                    autocomplete="new-password" maxlength=PASSWORD_MAX
                    hint="At least 8 characters." client server/>
                <SubmitButton label="Change password" pending_label="Changing…"
                    pending=action.pending()/>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="sessions-heading">
            <div class="card-header">
                <h2 id="sessions-heading">"Sessions"</h2>
            </div>
            <ActionForm action=elsewhere attr:class="form tight settings-form">
                {move || elsewhere_done().then(|| view! {
                    <div class="alert alert-success" role="status">
                        "You are signed out everywhere else."
                    </div>
                })}
                <p class="muted small">
                    "Signed in on a computer you no longer use? Sign out of every other browser and device, and end the sign-ins of your scripts. This one stays signed in; API keys keep working."
                </p>
                <FormAlert error=elsewhere_error/>
                <button type="submit" class="button"
                    aria-busy=move || elsewhere.pending().get().then_some("true")>
                    "Sign out everywhere else"
                </button>
            </ActionForm>
        </section>
    }
}

/// Name and email: the name changes at once; a new address once the link sent to it is opened.
#[component]
fn ProfileForm(me: Me, done: Signal<Option<String>>) -> impl IntoView {
    let session = SessionContext::get();
    let action = ServerAction::<EditProfile>::new();
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        server
            .get()
            .filter(|e| e.field_message("name").is_none() && e.field_message("email").is_none())
    });
    Effect::new(move |previous: Option<usize>| {
        let version = action.version().get();
        if previous.is_some_and(|p| p != version) {
            session.changed();
        }
        version
    });
    let check = validate_on_submit(client, |input: &EditProfile| {
        let mut errors = FieldErrors::default();
        if let Err(m) = normalize_name(&input.name, "your name") {
            errors.add("name", m);
        }
        if let Err(m) = normalize_email(&input.email) {
            errors.add("email", m);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    });
    let outcome = move || match action.value().get() {
        Some(Ok(true)) => Some("email"),
        Some(Ok(false)) => Some("profile"),
        Some(Err(_)) => None,
        None => match done.get().as_deref() {
            Some("email") => Some("email"),
            Some("profile") => Some("profile"),
            _ => None,
        },
    };
    let resent = move || done.get().as_deref() == Some("resent");
    let status = if me.email_verified {
        "Confirmed."
    } else {
        "Not confirmed yet: invitations to it show up once it is."
    };
    let pending = me.pending_email.clone();
    view! {
        <ActionForm action on:submit:capture=check attr:class="form tight settings-form"
            attr:novalidate=true>
            {move || match outcome() {
                Some("email") => Some(view! {
                    <div class="alert alert-success" role="status">
                        "We sent a link to the new address. Your account keeps its current address until you open it; the current address got a notice."
                    </div>
                }.into_any()),
                Some(_) => Some(view! {
                    <div class="alert alert-success" role="status">"Your profile is saved."</div>
                }.into_any()),
                None => None,
            }}
            {move || resent().then(|| view! {
                <div class="alert alert-success" role="status">"We sent the confirmation email again."</div>
            })}
            {pending.map(|email| view! {
                <p class="alert alert-info" role="status">
                    {format!("Waiting for you to open the link sent to {email}: your address changes then.")}
                </p>
            })}
            <FormAlert error=general/>
            <Field label="Name" name="name" autocomplete="name" maxlength=100
                value=me.name.clone() client server/>
            <Field label="Email" name="email" kind="email" autocomplete="email" maxlength=254
                value=me.email.clone() hint=status client server/>
            <SubmitButton label="Save profile" pending_label="Saving…" pending=action.pending()/>
        </ActionForm>
    }
}
