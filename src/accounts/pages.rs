//! The sign-in and sign-up pages. Both work before hydration and without JavaScript: they are
//! plain forms posting to their server functions.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::{A, Redirect},
    hooks::use_query_map,
};

use crate::{
    accounts::{
        SignIn, SignUp, SignUpPolicy, get_sign_up_policy, list_of, safe_next, validate_sign_in,
        validate_sign_up,
    },
    error::FieldErrors,
    ui::{
        form::{Field, FormAlert, SubmitButton, validate_on_submit},
        layout::AuthLayout,
        session::SessionContext,
        urlencode,
    },
};

/// Shows `form` to signed-out visitors and sends signed-in ones on to `next`.
#[component]
fn SignedOutOnly<F, V>(next: Memo<String>, form: F) -> impl IntoView
where
    F: Fn() -> V + Send + Sync + Copy + 'static,
    V: IntoView + 'static,
{
    let session = SessionContext::get();
    view! {
        <Transition fallback=|| view! { <div class="loading-screen" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match session.me.await {
                    Ok(Some(_)) => Either::Left(view! { <Redirect path=next.get_untracked()/> }),
                    _ => Either::Right(form()),
                }
            })}
        </Transition>
    }
}

fn next_from_query() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| safe_next(query.read().get("next").as_deref()))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = next_from_query();
    view! {
        <Title text="Sign in"/>
        <SignedOutOnly next form=move || view! { <SignInForm next/> }/>
    }
}

#[component]
fn SignInForm(next: Memo<String>) -> impl IntoView {
    let action = SessionContext::get().sign_in;
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &SignIn| {
        validate_sign_in(&input.email, &input.password).map(|_| ())
    });
    let signup_href = move || match next.get().as_str() {
        "/" => "/signup".to_owned(),
        other => format!("/signup?next={}", urlencode(other)),
    };
    // "Create an account" only where the operator lets people sign up.
    let policy = Resource::new(|| (), |_| get_sign_up_policy());
    view! {
        <AuthLayout title="Sign in" subtitle="Welcome back. Sign in to your organizations.">
            <ActionForm action on:submit:capture=check attr:class="form" attr:novalidate=true>
                <FormAlert error=server/>
                <Field label="Email" name="email" kind="email" autocomplete="email"
                    maxlength=254 autofocus=true client server/>
                <Field label="Password" name="password" kind="password"
                    autocomplete="current-password" maxlength=256 client server/>
                <p class="field-aside"><A href="/forgot-password">"Forgot password?"</A></p>
                <SubmitButton label="Sign in" pending_label="Signing in…" pending=action.pending()/>
            </ActionForm>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match policy.await {
                        Ok(SignUpPolicy::InviteOnly) => Either::Left(view! {
                            <p class="auth-switch muted">"Accounts here are made through invitations."</p>
                        }),
                        _ => Either::Right(view! {
                            <p class="auth-switch">
                                "New to orgspace? " <A href=signup_href>"Create an account"</A>
                            </p>
                        }),
                    }
                })}
            </Transition>
        </AuthLayout>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let next = next_from_query();
    view! {
        <Title text="Create your account"/>
        <SignedOutOnly next form=move || view! { <SignUpForm next/> }/>
    }
}

#[component]
fn SignUpForm(next: Memo<String>) -> impl IntoView {
    let action = SessionContext::get().sign_up;
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &SignUp| {
        validate_sign_up(
            &input.name,
            &input.email,
            &input.password,
            &input.organization,
        )
        .map(|_| ())
    });
    let signin_href = move || match next.get().as_str() {
        "/" => "/signin".to_owned(),
        other => format!("/signin?next={}", urlencode(other)),
    };
    let policy = Resource::new(|| (), |_| get_sign_up_policy());
    view! {
        <AuthLayout title="Create your account"
            subtitle="Start an organization. You can invite your team right after.">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match policy.await {
                        Ok(SignUpPolicy::InviteOnly) => Some(view! {
                            <p class="alert alert-info" role="status">
                                "Accounts here are made through invitations: ask an admin of your organization to invite you, then use the link in the email."
                            </p>
                        }.into_any()),
                        Ok(SignUpPolicy::Domains(domains)) => Some(view! {
                            <p class="muted small">
                                {format!("Accounts here are for addresses at {}.", list_of(&domains))}
                            </p>
                        }.into_any()),
                        _ => None,
                    }
                })}
            </Transition>
            <ActionForm action on:submit:capture=check attr:class="form" attr:novalidate=true>
                <FormAlert error=server/>
                <Field label="Your name" name="name" autocomplete="name" maxlength=100
                    autofocus=true client server/>
                <Field label="Work email" name="email" kind="email" autocomplete="email"
                    maxlength=254 client server/>
                <Field label="Password" name="password" kind="password"
                    autocomplete="new-password" minlength=8 maxlength=256
                    hint="At least 8 characters." client server/>
                <Field label="Organization name" name="organization" autocomplete="organization"
                    maxlength=100 hint="Your company or team. You can rename it later."
                    client server/>
                <SubmitButton label="Create account" pending_label="Creating your account…"
                    pending=action.pending()/>
            </ActionForm>
            <p class="auth-switch">
                "Already have an account? " <A href=signin_href>"Sign in"</A>
            </p>
        </AuthLayout>
    }
}
