//! The guests of a workspace, on its page: who they are, who is invited, and the dialogs that
//! invite (`?invite`), remove a guest (`?remove=USER`) and revoke an invitation
//! (`?revoke=INVITATION`), addressed like the members page's.

use leptos::{either::Either, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    accounts::normalize_email,
    error::{AppError, FieldErrors},
    guests::{
        AddWorkspaceGuest, Guest, RemoveWorkspaceGuest, RemoveWorkspaceInvitation,
        ResendWorkspaceInvitation, get_workspace_guests, get_workspace_invites,
    },
    ids::{UserId, WorkspaceId},
    invitations::{InvitationSent, PendingInvitation, components::SentDialog},
    ui::{
        dialog::{Dialog, DialogButtons, close_on_success},
        form::{Field, FormAlert, validate_on_submit},
        initials,
        session::SessionContext,
    },
};

#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<AddWorkspaceGuest>,
    resend: ServerAction<ResendWorkspaceInvitation>,
    remove: ServerAction<RemoveWorkspaceGuest>,
    revoke: ServerAction<RemoveWorkspaceInvitation>,
    /// The invitation just sent or sent again: the invite dialog shows its link once.
    sent: RwSignal<Option<InvitationSent>>,
}

/// The workspace's guests and pending guest invitations, for its members. A guest, who may not
/// see them, gets nothing.
#[component]
pub fn GuestsPanel(
    workspace: WorkspaceId,
    /// The page this panel is on, without dialog parameters.
    #[prop(into)]
    here: String,
    /// Bumped after each change this panel makes, for what counts guests (the Guests meter).
    #[prop(optional)]
    changed: Option<RwSignal<usize>>,
) -> impl IntoView {
    let actions = Actions {
        invite: ServerAction::new(),
        resend: ServerAction::new(),
        remove: ServerAction::new(),
        revoke: ServerAction::new(),
        sent: RwSignal::new(None),
    };
    let changes = move || {
        actions.invite.version().get()
            + actions.resend.version().get()
            + actions.remove.version().get()
            + actions.revoke.version().get()
    };
    if let Some(changed) = changed {
        Effect::new(move |previous: Option<usize>| {
            let now = changes();
            if previous.is_some_and(|p| p != now) {
                changed.update(|n| *n += 1);
            }
            now
        });
    }
    let guests = Resource::new(changes, move |_| get_workspace_guests(workspace));
    let invites = Resource::new(changes, move |_| get_workspace_invites(workspace));

    let query = use_query_map();
    let invite_href = format!("{here}?invite");
    // A new invitation (or one sent again) opens the dialog on its link, once. One effect per
    // action, each reading only its own answer, as the members page does.
    let show_sent = {
        let navigate = use_navigate();
        let invite_href = invite_href.clone();
        move |sent: InvitationSent| {
            actions.sent.set(Some(sent));
            navigate(&invite_href, Default::default());
        }
    };
    {
        let show_sent = show_sent.clone();
        Effect::new(move |previous: Option<usize>| {
            let version = actions.invite.version().get();
            if previous.is_some_and(|p| p != version)
                && let Some(Ok(sent)) = actions.invite.value().get_untracked()
            {
                show_sent(sent);
            }
            version
        });
    }
    Effect::new(move |previous: Option<usize>| {
        let version = actions.resend.version().get();
        if previous.is_some_and(|p| p != version)
            && let Some(Ok(sent)) = actions.resend.value().get_untracked()
        {
            show_sent(sent);
        }
        version
    });
    Effect::new(move |_| {
        if query.read().get("invite").is_none() {
            actions.sent.set(None);
        }
    });
    {
        let here = here.clone();
        close_on_success(actions.remove, move || here.clone());
    }
    {
        let here = here.clone();
        close_on_success(actions.revoke, move || here.clone());
    }

    let session = SessionContext::get();
    view! {
        <Transition fallback=|| view! { <div class="card skeleton-block"></div> }>
            {move || {
                let (here, invite_href) = (here.clone(), invite_href.clone());
                Suspend::new(async move {
                    // The name, for the dialogs' words.
                    let workspace_name = session
                        .me
                        .await
                        .ok()
                        .flatten()
                        .and_then(|me| {
                            me.organizations
                                .into_iter()
                                .flat_map(|o| o.workspaces)
                                .find(|w| w.id == workspace)
                                .map(|w| w.name)
                        })
                        .unwrap_or_else(|| "this workspace".to_owned());
                    match (guests.await, invites.await) {
                        (Ok(guests), Ok(invites)) => Either::Left(view! {
                            <GuestsView workspace workspace_name here invite_href guests invites actions/>
                        }),
                        (Err(AppError::Forbidden | AppError::NotFound), _) => Either::Right(Either::Left(())),
                        (Err(e), _) | (_, Err(e)) => Either::Right(Either::Right(view! {
                            <p class="alert alert-error" role="alert">{e.to_string()}</p>
                        })),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn GuestsView(
    workspace: WorkspaceId,
    workspace_name: String,
    here: String,
    invite_href: String,
    guests: Vec<Guest>,
    invites: Vec<PendingInvitation>,
    actions: Actions,
) -> impl IntoView {
    let query = use_query_map();
    let dialog = {
        let (guests, invites, here, name) = (
            guests.clone(),
            invites.clone(),
            here.clone(),
            workspace_name.clone(),
        );
        move || {
            let params = query.read();
            if params.get("invite").is_some() {
                return Some(match actions.sent.get() {
                    Some(sent) => view! { <SentDialog sent close_href=here.clone()/> }.into_any(),
                    None => view! {
                        <InviteGuestDialog workspace workspace_name=name.clone()
                            close_href=here.clone() action=actions.invite/>
                    }
                    .into_any(),
                });
            }
            if let Some(guest) = params
                .get("remove")
                .and_then(|id| id.parse::<UserId>().ok())
                .and_then(|id| guests.iter().find(|g| g.user_id == id).cloned())
            {
                return Some(
                    view! {
                        <RemoveGuestDialog workspace workspace_name=name.clone() guest
                            close_href=here.clone() action=actions.remove/>
                    }
                    .into_any(),
                );
            }
            params
                .get("revoke")
                .and_then(|id| id.parse().ok())
                .and_then(|id| invites.iter().find(|i| i.id == id).cloned())
                .map(|invitation| {
                    view! {
                        <RevokeGuestInvitationDialog workspace invitation
                            close_href=here.clone() action=actions.revoke/>
                    }
                    .into_any()
                })
        }
    };

    let guest_count = guests.len();
    let invite_count = invites.len();
    let guest_rows = guests
        .into_iter()
        .map(|g| {
            let remove_href = format!("{here}?remove={}", g.user_id);
            let label = format!("Remove {} from {workspace_name}", g.name);
            view! {
                <tr>
                    <td>
                        <div class="person">
                            <span class="avatar small" aria-hidden="true">{initials(&g.name)}</span>
                            <div class="person-text">
                                <span class="person-name">{g.name.clone()}</span>
                                <span class="person-email">{g.email.clone()}</span>
                            </div>
                        </div>
                    </td>
                    <td class="muted nowrap hide-narrow">{g.since.human_date()}</td>
                    <td class="actions">
                        <a href=remove_href class="button small subtle danger-text" aria-label=label>
                            "Remove"
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let resend_error = Signal::derive(move || actions.resend.value().get().and_then(Result::err));
    let invite_rows = invites
        .into_iter()
        .map(|i| {
            let revoke_href = format!("{here}?revoke={}", i.id);
            let resend_label = format!("Resend the invitation to {}", i.email);
            let revoke_label = format!("Revoke the invitation to {}", i.email);
            view! {
                <tr>
                    <td class="break">{i.email.clone()}</td>
                    <td class="muted hide-narrow">{i.invited_by.clone().unwrap_or_else(|| "Someone who left".into())}</td>
                    <td class="muted nowrap">{i.expires_at.human_date()}</td>
                    <td class="actions">
                        <ActionForm action=actions.resend attr:class="row-form">
                            <input type="hidden" name="workspace_id" value=workspace.to_string()/>
                            <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                            <button type="submit" class="button small subtle" aria-label=resend_label>
                                "Resend"
                            </button>
                        </ActionForm>
                        <a href=revoke_href class="button small subtle danger-text" aria-label=revoke_label>
                            "Revoke"
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <section class="card" aria-labelledby="guests-heading">
            <div class="card-header">
                <h2 id="guests-heading">"Guests"</h2>
                <span class="muted card-header-note">
                    {guest_count} {if guest_count == 1 { " guest" } else { " guests" }}
                </span>
                <a href=invite_href class="button small primary">"Invite guest"</a>
            </div>
            {if guest_count == 0 {
                Either::Left(view! {
                    <p class="empty-row muted">"No guests yet. A guest is someone outside the organization who opens this workspace, and nothing else of it."</p>
                })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack" aria-label="Guests">
                            <thead>
                                <tr>
                                    <th scope="col">"Guest"</th>
                                    <th scope="col" class="hide-narrow">"Since"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{guest_rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
        <section class="card" aria-labelledby="guest-invites-heading">
            <div class="card-header">
                <h2 id="guest-invites-heading">"Pending guest invitations"</h2>
                <span class="muted">{invite_count} " waiting · counted toward Guests"</span>
            </div>
            <FormAlert error=resend_error/>
            {if invite_count == 0 {
                Either::Left(view! { <p class="empty-row muted">"No pending invitations."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack" aria-label="Pending guest invitations">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col" class="hide-narrow">"Invited by"</th>
                                    <th scope="col">"Expires"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{invite_rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
        {dialog}
    }
}

#[component]
fn InviteGuestDialog(
    workspace: WorkspaceId,
    workspace_name: String,
    close_href: String,
    action: ServerAction<AddWorkspaceGuest>,
) -> impl IntoView {
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &AddWorkspaceGuest| {
        let errors = errors_of(&input.email);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    });
    view! {
        <Dialog title=format!("Invite a guest to {workspace_name}") close_href=close_href.clone()>
            <ActionForm action on:submit:capture=check attr:class="form tight" attr:novalidate=true>
                <input type="hidden" name="workspace_id" value=workspace.to_string()/>
                <FormAlert error=Signal::derive(move || server.get().filter(|e| e.field_message("email").is_none()))/>
                <Field label="Email address" name="email" kind="email" autocomplete="off"
                    maxlength=254 autofocus=true client server/>
                <p class="muted small">
                    "A guest opens this workspace and its channels and volumes, and nothing else of the organization. A pending invitation counts toward the Guests limit."
                </p>
                <DialogButtons close_href label="Invite guest" pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

/// The field errors of an email typed into the invite dialog.
fn errors_of(email: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Err(m) = normalize_email(email) {
        errors.add("email", m);
    }
    errors
}

#[component]
fn RemoveGuestDialog(
    workspace: WorkspaceId,
    workspace_name: String,
    guest: Guest,
    close_href: String,
    action: ServerAction<RemoveWorkspaceGuest>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Remove {}?", guest.name) close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="workspace_id" value=workspace.to_string()/>
                <input type="hidden" name="user_id" value=guest.user_id.to_string()/>
                <p class="modal-text">
                    {format!(
                        "{} ({}) can no longer open {workspace_name}, from their next click. You can invite them again later.",
                        guest.name, guest.email
                    )}
                </p>
                <FormAlert error/>
                <DialogButtons close_href label="Remove guest" danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn RevokeGuestInvitationDialog(
    workspace: WorkspaceId,
    invitation: PendingInvitation,
    close_href: String,
    action: ServerAction<RemoveWorkspaceInvitation>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title="Revoke this invitation?".to_owned() close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="workspace_id" value=workspace.to_string()/>
                <input type="hidden" name="invitation_id" value=invitation.id.to_string()/>
                <p class="modal-text">
                    {format!("The invitation to {} stops working at once. You can invite them again later.", invitation.email)}
                </p>
                <FormAlert error/>
                <DialogButtons close_href label="Revoke invitation" danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}
