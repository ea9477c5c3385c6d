//! `/invite/TOKEN`: the page an invitation email links to. Opening it changes nothing; it says
//! what the invitation is for and offers the next step: accept or decline, sign up with the
//! invited address, or sign out of another account first. Dead links get a clear page each.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::{
    error::FieldErrors,
    invitations::{
        AcceptInvitationLink, DeclineInvitationLink, InvitationLink, LinkDetails,
        SignUpWithInvitation, Viewer, get_invitation_link,
    },
    ui::{
        RoleBadge,
        form::{Field, FormAlert, SubmitButton},
        layout::Logo,
        session::SessionContext,
        urlencode,
    },
};

#[component]
pub fn InvitationLinkPage() -> impl IntoView {
    let session = SessionContext::get();
    let params = use_params_map();
    let query = use_query_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let declined = Memo::new(move |_| query.read().get("declined").is_some());
    let accept = ServerAction::<AcceptInvitationLink>::new();
    let decline = ServerAction::<DeclineInvitationLink>::new();
    let sign_up = ServerAction::<SignUpWithInvitation>::new();
    let link = Resource::new(
        move || {
            (
                token.get(),
                session.sign_out.version().get(),
                decline.version().get(),
            )
        },
        |(token, ..)| get_invitation_link(token),
    );
    // Accepting, or signing up through the link, lands in the organization.
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = accept.version().get() + sign_up.version().get();
        let joined = accept.value().with_untracked(|v| matches!(v, Some(Ok(()))))
            || sign_up
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))));
        if previous.is_some_and(|p| p != version) && joined {
            session.changed();
            navigate("/", Default::default());
        }
        version
    });
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = decline.version().get();
        if previous.is_some_and(|p| p != version)
            && decline
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))))
        {
            navigate(
                &format!("/invite/{}?declined", token.get_untracked()),
                Default::default(),
            );
        }
        version
    });

    view! {
        <Title text="Invitation"/>
        <main class="auth">
            <a class="brand auth-brand" href="/">
                <Logo/>
                <span>"orgspace"</span>
            </a>
            <div class="card auth-card invite-card">
                <Transition fallback=|| view! { <div class="skeleton-block" aria-busy="true"></div> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(state) => view! {
                                <LinkView state token=token.get_untracked() declined=declined.get_untracked()
                                    accept decline sign_up/>
                            }
                            .into_any(),
                            Err(e) => view! {
                                <h1>"This invitation cannot be shown"</h1>
                                <p class="alert alert-error" role="alert">{e.to_string()}</p>
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </div>
        </main>
    }
}

#[component]
fn LinkView(
    state: InvitationLink,
    token: String,
    declined: bool,
    accept: ServerAction<AcceptInvitationLink>,
    decline: ServerAction<DeclineInvitationLink>,
    sign_up: ServerAction<SignUpWithInvitation>,
) -> impl IntoView {
    match state {
        InvitationLink::Unknown => view! {
            <h1>"This invitation link is not valid"</h1>
            <p class="muted">
                "It may have been cut off or mistyped, or a newer invitation replaced it. \
                 Ask the person who invited you to send it again."
            </p>
            <a href="/" class="button">"Go to orgspace"</a>
        }
        .into_any(),
        InvitationLink::Expired(d) => view! {
            <h1>"This invitation has expired"</h1>
            <p class="muted">
                {format!("The invitation for {} to join {} ended on {}.", d.email, d.place(), d.expires_at.human_date())}
                " "
                {inviter_ask(&d)}
            </p>
            <a href="/" class="button">"Go to orgspace"</a>
        }
        .into_any(),
        InvitationLink::Revoked(d) => view! {
            <h1>"This invitation was withdrawn"</h1>
            <p class="muted">
                {format!("The invitation for {} to join {} is no longer valid.", d.email, d.place())}
                " "
                {inviter_ask(&d)}
            </p>
            <a href="/" class="button">"Go to orgspace"</a>
        }
        .into_any(),
        InvitationLink::Used(d) if declined => view! {
            <h1>"You declined the invitation"</h1>
            <p class="muted">
                {format!("You will not join {}. If you change your mind, ask for a new invitation.", d.place())}
            </p>
            <a href="/" class="button">"Go to orgspace"</a>
        }
        .into_any(),
        InvitationLink::Used(d) => view! {
            <h1>"This invitation has already been answered"</h1>
            <p class="muted">
                {format!("The invitation for {} to join {} was accepted or declined, and works only once.", d.email, d.place())}
            </p>
            <a href="/" class="button">"Go to orgspace"</a>
        }
        .into_any(),
        InvitationLink::Open { details, viewer } => view! {
            <Invitation details=details.clone()/>
            <NextStep details viewer token accept decline sign_up/>
        }
        .into_any(),
    }
}

fn inviter_ask(d: &LinkDetails) -> String {
    match &d.invited_by {
        Some(name) => format!("Ask {name} for a new invitation if you still need one."),
        None => "Ask the organization for a new invitation if you still need one.".to_owned(),
    }
}

/// What the invitation is for, by whom, as what, until when.
#[component]
fn Invitation(details: LinkDetails) -> impl IntoView {
    let by = details
        .invited_by
        .clone()
        .unwrap_or_else(|| "Someone".to_owned());
    view! {
        <p class="eyebrow">"Invitation"</p>
        <h1>{format!("Join {}", details.place())}</h1>
        <dl class="invite-facts">
            <div><dt>"Invited by"</dt><dd>{by}</dd></div>
            <div><dt>"For"</dt><dd>{details.email.clone()}</dd></div>
            <div><dt>"Role"</dt><dd><RoleBadge role=details.role/></dd></div>
            <div><dt>"Expires"</dt><dd>{details.expires_at.human_date_time()}</dd></div>
        </dl>
    }
}

#[component]
fn NextStep(
    details: LinkDetails,
    viewer: Viewer,
    token: String,
    accept: ServerAction<AcceptInvitationLink>,
    decline: ServerAction<DeclineInvitationLink>,
    sign_up: ServerAction<SignUpWithInvitation>,
) -> impl IntoView {
    let session = SessionContext::get();
    match viewer {
        Viewer::Invitee => {
            let error = Signal::derive(move || {
                accept
                    .value()
                    .get()
                    .and_then(Result::err)
                    .or_else(|| decline.value().get().and_then(Result::err))
            });
            let accept_token = token.clone();
            view! {
                <FormAlert error/>
                <div class="invite-actions">
                    <ActionForm action=accept>
                        <input type="hidden" name="token" value=accept_token/>
                        <SubmitButton label="Accept invitation" pending_label="Joining…"
                            pending=accept.pending()/>
                    </ActionForm>
                    <ActionForm action=decline>
                        <input type="hidden" name="token" value=token/>
                        <button type="submit" class="button subtle">"Decline"</button>
                    </ActionForm>
                </div>
            }
            .into_any()
        }
        Viewer::AlreadyIn => view! {
            <p class="alert alert-info" role="status">
                {format!("You are already in {}.", details.place())}
            </p>
            <a href="/" class="button primary">"Go to your dashboard"</a>
        }
        .into_any(),
        Viewer::SomeoneElse { email } => view! {
            <p class="alert alert-warning" role="status">
                {format!("This invitation is for {}, but you are signed in as {email}.", details.email)}
            </p>
            <p class="muted small">
                {format!("Sign out, then sign in or sign up as {} to accept it.", details.email)}
            </p>
            <ActionForm action=session.sign_out>
                <button type="submit" class="button primary">"Sign out and continue"</button>
            </ActionForm>
        }
        .into_any(),
        Viewer::Anonymous => {
            let client = RwSignal::new(FieldErrors::default());
            let server = Signal::derive(move || sign_up.value().get().and_then(Result::err));
            let signin_href = format!("/signin?next={}", urlencode(&format!("/invite/{token}")));
            view! {
                <h2 class="invite-step">"Create your account to join"</h2>
                <ActionForm action=sign_up attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="token" value=token/>
                    <FormAlert error=server/>
                    <div class="field">
                        <label for="invite-email">"Email"</label>
                        <input id="invite-email" type="email" value=details.email.clone()
                            readonly aria-describedby="invite-email-note"/>
                        <p class="field-note" id="invite-email-note">
                            <span class="field-hint">"The invitation is for this address."</span>
                        </p>
                    </div>
                    <Field label="Your name" name="name" autocomplete="name" maxlength=100
                        autofocus=true client server/>
                    <Field label="Password" name="password" kind="password"
                        autocomplete="new-password" minlength=8 maxlength=256
                        hint="At least 8 characters." client server/>
                    <SubmitButton label="Create account and join"
                        pending_label="Creating your account…" pending=sign_up.pending()/>
                </ActionForm>
                <p class="auth-switch">
                    "Already have an account? " <a href=signin_href>"Sign in to accept"</a>
                </p>
            }
            .into_any()
        }
    }
}
