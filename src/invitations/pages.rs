//! `/invitations`: the invitations waiting for the signed-in user's answer.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    invitations::{AcceptInvitation, DeclineInvitation, MyInvitation, get_my_invitations},
    ui::{RoleBadge, form::FormAlert, session::SessionContext},
};

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let session = SessionContext::get();
    let accept = ServerAction::<AcceptInvitation>::new();
    let decline = ServerAction::<DeclineInvitation>::new();
    let invitations = Resource::new(
        move || (accept.version().get(), decline.version().get()),
        |_| get_my_invitations(),
    );
    // Accepting puts the user in the organization: the header follows, and so does the page.
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = accept.version().get();
        if previous.is_some_and(|p| p != version)
            && accept.value().with_untracked(|v| matches!(v, Some(Ok(()))))
        {
            session.changed();
            navigate("/", Default::default());
        }
        version
    });
    Effect::new(move |previous: Option<usize>| {
        let version = decline.version().get();
        if previous.is_some_and(|p| p != version) {
            session.changed();
        }
        version
    });
    let error = Signal::derive(move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decline.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Invitations"/>
        <div class="page-header">
            <div>
                <p class="eyebrow">"For you"</p>
                <h1>"Invitations"</h1>
                <p class="muted">"Organizations and workspaces that invited you to join them."</p>
            </div>
        </div>
        <FormAlert error/>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match invitations.await {
                    Ok(list) if list.is_empty() => Either::Left(view! {
                        <div class="empty card">
                            <h2>"No invitations waiting"</h2>
                            <p class="muted">"When someone invites you to their organization or one of its workspaces, it shows up here."</p>
                        </div>
                    }),
                    Ok(list) => Either::Right(Either::Left(view! {
                        <ul class="invitation-list">
                            {list.into_iter().map(|i| view! { <InvitationCard i accept decline/> }).collect_view()}
                        </ul>
                    })),
                    Err(e) => Either::Right(Either::Right(view! {
                        <div class="alert alert-error" role="alert">{e.to_string()}</div>
                    })),
                }
            })}
        </Transition>
    }
}

#[component]
fn InvitationCard(
    i: MyInvitation,
    accept: ServerAction<AcceptInvitation>,
    decline: ServerAction<DeclineInvitation>,
) -> impl IntoView {
    let from = i
        .invited_by
        .clone()
        .map(|name| format!("{name} invited you"))
        .unwrap_or_else(|| "You are invited".into());
    let (label, place) = (i.place(), i.place());
    view! {
        <li class="card invitation" aria-label=label>
            <div class="invitation-main">
                <h2>{place}</h2>
                <p class="muted">
                    {from} " to join as " <RoleBadge role=i.role/>
                    " · expires " {i.expires_at.human_date()}
                </p>
            </div>
            <div class="invitation-actions">
                <ActionForm action=decline>
                    <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                    <button type="submit" class="button">"Decline"</button>
                </ActionForm>
                <ActionForm action=accept>
                    <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                    <button type="submit" class="button primary">"Accept"</button>
                </ActionForm>
            </div>
        </li>
    }
}
