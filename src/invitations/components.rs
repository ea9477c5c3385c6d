//! The invite dialog.

use crate::{
    accounts::normalize_email,
    error::FieldErrors,
    ids::OrganizationId,
    invitations::{AddOrganizationMember, InvitationSent},
    ui::{
        dialog::Dialog,
        form::{CopyField, Field, FormAlert, validate_on_submit},
    },
};
use leptos::prelude::*;

/// Invites someone by email. Admins choose the role; members invite members.
#[component]
pub fn InviteDialog(
    organization: OrganizationId,
    organization_name: String,
    /// Whether the inviter is an admin (only admins may invite admins).
    admin: bool,
    close_href: String,
    action: ServerAction<AddOrganizationMember>,
    /// The invitation just sent, whose link the dialog shows instead of the form.
    sent: RwSignal<Option<InvitationSent>>,
) -> impl IntoView {
    if let Some(sent) = sent.get() {
        return view! { <SentDialog sent close_href/> }.into_any();
    }
    let client = RwSignal::new(FieldErrors::default());
    let server = Signal::derive(move || action.value().get().and_then(Result::err));
    let check = validate_on_submit(client, |input: &AddOrganizationMember| {
        let mut errors = FieldErrors::default();
        if let Err(m) = normalize_email(&input.email) {
            errors.add("email", m);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    });
    let role_choice = if admin {
        view! {
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    <option value="member" selected>"Member"</option>
                    <option value="admin">"Admin"</option>
                </select>
                <p class="field-note">
                    <span class="field-hint">"Admins also manage people, limits and the organization's name."</span>
                </p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <input type="hidden" name="role" value="member"/>
            <p class="muted small">"They will join as a member. Only admins can invite admins."</p>
        }
        .into_any()
    };
    view! {
        <Dialog title=format!("Invite people to {organization_name}") close_href=close_href.clone()>
            <ActionForm action on:submit:capture=check attr:class="form tight" attr:novalidate=true>
                <input type="hidden" name="organization_id" value=organization.to_string()/>
                <FormAlert error=server/>
                <Field label="Email address" name="email" kind="email" autocomplete="off"
                    maxlength=254 autofocus=true client server/>
                {role_choice}
                <p class="muted small">
                    "A pending invitation counts toward the Members limit until it is accepted, declined, revoked or expired."
                </p>
                <div class="modal-actions">
                    <a href=close_href class="button">"Cancel"</a>
                    <button type="submit" class="button primary"
                        aria-busy=move || action.pending().get().then_some("true")>
                        "Invite"
                    </button>
                </div>
            </ActionForm>
        </Dialog>
    }
    .into_any()
}

/// The invitation is on its way: its link, to copy once (it is never shown again).
#[component]
pub fn SentDialog(sent: InvitationSent, close_href: String) -> impl IntoView {
    let email = sent.invitation.email.clone();
    let note = if sent.emailed {
        format!("We emailed {email} a link to join. You can also send it yourself:")
    } else {
        format!(
            "Email is not set up on this server, so nothing was sent. Send {email} this link yourself:"
        )
    };
    view! {
        <Dialog title="Invitation sent".to_owned() close_href=close_href.clone()>
            <p class="alert alert-success" role="status">{note}</p>
            <CopyField id="invite-link" label="Invitation link" value=sent.link.clone()
                copy_label="Copy link"
                note=format!("It works once, for {email} only, until {}. It is shown only now.", sent.invitation.expires_at.human_date_time())/>
            <div class="modal-actions">
                <a href=close_href class="button primary">"Done"</a>
            </div>
        </Dialog>
    }
}
