//! The pages of the account links and of "Forgot password?": `/verify/TOKEN` (confirm an
//! address), `/forgot-password` (ask for a reset link) and `/reset-password/TOKEN` (choose a new
//! password). Opening a link's page changes nothing; its button does. Each works without
//! JavaScript, and a dead link gets a page that says why.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    accounts::{
        EmailLink, PASSWORD_MAX, RequestPasswordReset, ResetLink, ResetPassword, VerifyEmail,
        check_password, get_email_link, get_reset_link, normalize_email,
    },
    error::FieldErrors,
    ui::{
        form::{Field, FormAlert, SubmitButton, validate_on_submit},
        layout::Logo,
        session::SessionContext,
    },
};

/// The centred card of a link's page.
#[component]
fn LinkCard(children: Children) -> impl IntoView {
    view! {
        <main class="auth">
            <a class="brand auth-brand" href="/">
                <Logo/>
                <span>"orgspace"</span>
            </a>
            <div class="card auth-card">{children()}</div>
        </main>
    }
}

fn token_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("token").unwrap_or_default())
}

/// Whether the page was reached after its form was sent without JavaScript (`?done`).
fn done_param() -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("done").is_some())
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let session = SessionContext::get();
    let token = token_param();
    let done = done_param();
    let verify = ServerAction::<VerifyEmail>::new();
    let link = Resource::new(move || token.get(), get_email_link);
    // Once confirmed, the header's banner goes.
    Effect::new(move |previous: Option<usize>| {
        let version = verify.version().get();
        if previous.is_some_and(|p| p != version) {
            session.changed();
        }
        version
    });
    let confirmed = move || match verify.value().get() {
        Some(Ok(email)) => Some(Some(email)),
        Some(Err(_)) => None,
        None => done.get().then_some(None),
    };
    let error = Signal::derive(move || verify.value().get().and_then(Result::err));
    view! {
        <Title text="Confirm your email address"/>
        <LinkCard>
            {move || match confirmed() {
                Some(email) => view! {
                    <p class="eyebrow">"Email address"</p>
                    <h1>"Your address is confirmed"</h1>
                    <p class="muted">{match email {
                        Some(email) => format!("{email} is your orgspace address now. Invitations sent to it show up in orgspace."),
                        None => "Invitations sent to it show up in orgspace.".to_owned(),
                    }}</p>
                    <a href="/" class="button primary">"Go to orgspace"</a>
                }
                .into_any(),
                None => view! {
                    <Transition fallback=|| view! { <div class="skeleton-block" aria-busy="true"></div> }>
                        {move || Suspend::new(async move {
                            match link.await {
                                Ok(EmailLink::Open { email, change }) => view! {
                                    <p class="eyebrow">"Email address"</p>
                                    <h1>"Confirm your email address"</h1>
                                    <p class="muted">{if change {
                                        format!("Press the button to make {email} the address of your orgspace account. Until you do, it keeps its current one.")
                                    } else {
                                        format!("Press the button to confirm that {email} is your address.")
                                    }}</p>
                                    <FormAlert error/>
                                    <ActionForm action=verify>
                                        <input type="hidden" name="token" value=token.get_untracked()/>
                                        <SubmitButton label="Confirm my address" pending_label="Confirming…"
                                            pending=verify.pending()/>
                                    </ActionForm>
                                }
                                .into_any(),
                                Ok(dead) => view! {
                                    <p class="eyebrow">"Email address"</p>
                                    <h1>{match dead {
                                        EmailLink::Expired => "This confirmation link has expired",
                                        EmailLink::Used => "This confirmation link was already used",
                                        _ => "This confirmation link is not valid",
                                    }}</h1>
                                    <p class="muted">
                                        "Links work once, for 48 hours, and only the newest one does. Sign in and press \"Send the email again\" on the banner or your account page for a new one."
                                    </p>
                                    <a href="/" class="button">"Go to orgspace"</a>
                                }
                                .into_any(),
                                Err(e) => view! {
                                    <h1>"This link cannot be shown"</h1>
                                    <p class="alert alert-error" role="alert">{e.to_string()}</p>
                                }
                                .into_any(),
                            }
                        })}
                    </Transition>
                }
                .into_any(),
            }}
        </LinkCard>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let sent_plain = Memo::new(move |_| query.read().get("sent").is_some());
    let action = ServerAction::<RequestPasswordReset>::new();
    let sent = move || match action.value().get() {
        Some(answer) => answer.is_ok(),
        None => sent_plain.get(),
    };
    view! {
        <Title text="Reset your password"/>
        <LinkCard>
            <h1>"Reset your password"</h1>
            {move || if sent() {
                view! {
                    <p class="alert alert-success" role="status">
                        "If an account uses that address, we have sent it a link to choose a new password. It works for an hour."
                    </p>
                    <p class="muted small">"Nothing came? Check your spam folder, or ask again in a few minutes."</p>
                    <p class="auth-switch"><a href="/signin">"Back to sign in"</a></p>
                }
                .into_any()
            } else {
                view! { <ForgotForm action/> }.into_any()
            }}
        </LinkCard>
    }
}

#[component]
fn ForgotForm(action: ServerAction<RequestPasswordReset>) -> impl IntoView {
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &RequestPasswordReset| {
        normalize_email(&input.email).map(|_| ()).map_err(|m| {
            let mut errors = FieldErrors::default();
            errors.add("email", m);
            errors
        })
    });
    view! {
        <p class="muted">"Enter the address you sign in with. We will email you a link to choose a new password."</p>
        <ActionForm action on:submit:capture=check attr:class="form" attr:novalidate=true>
            <FormAlert error=server/>
            <Field label="Email" name="email" kind="email" autocomplete="email"
                maxlength=254 autofocus=true client server/>
            <SubmitButton label="Email me a link" pending_label="Sending…"
                pending=action.pending()/>
        </ActionForm>
        <p class="auth-switch">"Remembered it? " <a href="/signin">"Sign in"</a></p>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let session = SessionContext::get();
    let token = token_param();
    let done = done_param();
    let reset = ServerAction::<ResetPassword>::new();
    let link = Resource::new(move || token.get(), get_reset_link);
    // The reset signs this browser out too: the header follows.
    Effect::new(move |previous: Option<usize>| {
        let version = reset.version().get();
        if previous.is_some_and(|p| p != version) {
            session.changed();
        }
        version
    });
    let changed = move || match reset.value().get() {
        Some(answer) => answer.is_ok(),
        None => done.get(),
    };
    view! {
        <Title text="Choose a new password"/>
        <LinkCard>
            {move || if changed() {
                view! {
                    <h1>"Your password is changed"</h1>
                    <p class="alert alert-success" role="status">
                        "Every browser and script that was signed in to your account is signed out. API keys keep working: delete those you no longer trust on the API keys page."
                    </p>
                    <a href="/signin" class="button primary">"Sign in"</a>
                }
                .into_any()
            } else {
                view! {
                    <Transition fallback=|| view! { <div class="skeleton-block" aria-busy="true"></div> }>
                        {move || Suspend::new(async move {
                            match link.await {
                                Ok(ResetLink::Open { email }) => view! {
                                    <ResetForm reset token=token.get_untracked() email/>
                                }
                                .into_any(),
                                Ok(dead) => view! {
                                    <h1>{match dead {
                                        ResetLink::Expired => "This reset link has expired",
                                        ResetLink::Used => "This reset link was already used",
                                        _ => "This reset link is not valid",
                                    }}</h1>
                                    <p class="muted">"Reset links work once, for an hour, and only the newest one does. Ask for a new one."</p>
                                    <a href="/forgot-password" class="button primary">"Ask for a new link"</a>
                                }
                                .into_any(),
                                Err(e) => view! {
                                    <h1>"This link cannot be shown"</h1>
                                    <p class="alert alert-error" role="alert">{e.to_string()}</p>
                                }
                                .into_any(),
                            }
                        })}
                    </Transition>
                }
                .into_any()
            }}
        </LinkCard>
    }
}

#[component]
fn ResetForm(reset: ServerAction<ResetPassword>, token: String, email: String) -> impl IntoView {
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || reset.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &ResetPassword| {
        check_password(&input.password).map_err(|m| {
            let mut errors = FieldErrors::default();
            errors.add("password", m);
            errors
        })
    });
    view! {
        <h1>"Choose a new password"</h1>
        <p class="muted">{format!("For the account of {email}. Every browser and script signed in to it will be signed out; API keys keep working.")}</p>
        <ActionForm action=reset on:submit:capture=check attr:class="form" attr:novalidate=true>
            <FormAlert error=server/>
            <input type="hidden" name="token" value=token/>
            <Field label="New password" name="password" kind="password"
                autocomplete="new-password" minlength=8 maxlength=PASSWORD_MAX
                autofocus=true hint="At least 8 characters." client server/>
            <SubmitButton label="Set my new password" pending_label="Saving…"
                pending=reset.pending()/>
        </ActionForm>
    }
}
