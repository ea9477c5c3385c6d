//! The invite dialog.

use crate::{
    accounts::normalize_email,
    error::FieldErrors,
    ids::OrganizationId,
    invitations::AddOrganizationMember,
    ui::{
        dialog::Dialog,
        form::{Field, FormAlert, validate_on_submit},
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
) -> impl IntoView {
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
}
