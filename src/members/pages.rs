//! The members page: the members table with search and pages, the pending invitations, and
//! the dialogs that change them (`?invite`, `?role=ID&to=ROLE`, `?remove=ID`, `?leave`,
//! `?revoke=ID`).

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    error::AppError,
    ids::{InvitationId, OrganizationId, UserId},
    invitations::{
        AddOrganizationMember, InvitationSent, PastInvitation, PendingInvitation,
        RemoveOrganizationInvitation, ResendOrganizationInvitation, components::InviteDialog,
        get_organization_invitation_history, get_organization_invites,
    },
    members::{
        EditOrganizationMember, Member, MembersPage as Page, RemoveOrganizationMember,
        get_organization_members,
    },
    roles::Role,
    ui::{
        RoleBadge,
        dialog::{Dialog, DialogButtons, close_on_success},
        form::FormAlert,
        initials,
        session::SessionContext,
        thousands, urlencode,
    },
};

/// `/members`, keeping the search and page, with extra parameters (a dialog's).
fn members_href(search: &str, after: Option<&str>, extra: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = Vec::new();
    if !search.is_empty() {
        params.push(("q".into(), search.into()));
    }
    if let Some(after) = after {
        params.push(("after".into(), after.into()));
    }
    params.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    if params.is_empty() {
        return "/members".into();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={}", urlencode(v))
            }
        })
        .collect();
    format!("/members?{}", query.join("&"))
}

/// What the page's dialogs act with, shared by all of them.
#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<AddOrganizationMember>,
    edit: ServerAction<EditOrganizationMember>,
    remove: ServerAction<RemoveOrganizationMember>,
    /// Removing oneself: the same server function, with another ending.
    leave: ServerAction<RemoveOrganizationMember>,
    revoke: ServerAction<RemoveOrganizationInvitation>,
    resend: ServerAction<ResendOrganizationInvitation>,
    /// The invitation just sent or sent again, with its link: the invite dialog shows it once.
    sent: RwSignal<Option<InvitationSent>>,
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let session = SessionContext::get();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let after = Memo::new(move |_| query.read().get("after").filter(|a| !a.is_empty()));
    let actions = Actions {
        invite: ServerAction::new(),
        edit: ServerAction::new(),
        remove: ServerAction::new(),
        leave: ServerAction::new(),
        revoke: ServerAction::new(),
        resend: ServerAction::new(),
        sent: RwSignal::new(None),
    };
    let changes = move || {
        session.place_version()
            + actions.invite.version().get()
            + actions.edit.version().get()
            + actions.remove.version().get()
            + actions.revoke.version().get()
            + actions.resend.version().get()
    };
    // The current organization's: these do not wait for the header's data.
    let members = Resource::new(
        move || (search.get(), after.get(), changes()),
        |(search, after, _)| get_organization_members(None, Some(search), after),
    );
    let pending = Resource::new(changes, |_| get_organization_invites(None));
    // Admins see what became of past invitations; others get "forbidden" and see nothing.
    let history = Resource::new(changes, |_| get_organization_invitation_history(None));

    let here = move || members_href(&search.get(), after.get().as_deref(), &[]);
    // A new invitation (or one sent again) keeps the dialog open on its link, once; closing
    // the dialog forgets it.
    let show_sent = {
        let navigate = use_navigate();
        move |sent: InvitationSent| {
            actions.sent.set(Some(sent));
            let href = members_href(
                &search.get_untracked(),
                after.get_untracked().as_deref(),
                &[("invite", "")],
            );
            navigate(&href, Default::default());
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
    close_on_success(actions.edit, here);
    close_on_success(actions.remove, here);
    close_on_success(actions.revoke, here);
    // Leaving takes the user out of the organization: every page follows.
    let navigate = use_navigate();
    Effect::new(move |previous: Option<usize>| {
        let version = actions.leave.version().get();
        if previous.is_some_and(|p| p != version)
            && actions
                .leave
                .value()
                .with_untracked(|v| matches!(v, Some(Ok(()))))
        {
            session.changed();
            navigate("/", Default::default());
        }
        version
    });

    view! {
        <Title text="Members"/>
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match (members.await, pending.await) {
                    (Ok(page), Ok(pending)) => view! {
                        <MembersView page pending search after actions/>
                        {history.await.ok().map(|past| view! { <InvitationHistory past/> })}
                    }
                    .into_any(),
                    (Err(AppError::Forbidden), _) => view! {
                        <div class="empty card">
                            <h1>"Members"</h1>
                            <p class="muted">
                                "As a guest, you see only the workspaces you were invited to."
                            </p>
                        </div>
                    }
                    .into_any(),
                    (Err(AppError::NotFound), _) => view! {
                        <div class="empty card">
                            <h1>"Members"</h1>
                            <p class="muted">"You are not in any organization yet."</p>
                        </div>
                    }
                    .into_any(),
                    (Err(e), _) | (_, Err(e)) => view! {
                        <div class="alert alert-error" role="alert">{e.to_string()}</div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MembersView(
    page: Page,
    pending: Vec<PendingInvitation>,
    search: Memo<String>,
    after: Memo<Option<String>>,
    actions: Actions,
) -> impl IntoView {
    let query = use_query_map();
    let q = search.get_untracked();
    let after_now = after.get_untracked();
    let here = members_href(&q, after_now.as_deref(), &[]);
    let invite_href = members_href(&q, after_now.as_deref(), &[("invite", "")]);
    let admin = page.viewer_is_admin();
    let organization = page.organization;
    let total = page.total;
    let shown = page.members.len();
    let q_value = q.clone();
    let searching = !q.is_empty();

    let rows = page
        .members
        .iter()
        .map(|m| {
            let is_me = m.user_id == page.viewer;
            let tools = member_tools(m, is_me, admin, &q, after_now.as_deref());
            view! {
                <tr>
                    <td>
                        <div class="person">
                            <span class="avatar small" aria-hidden="true">{initials(&m.name)}</span>
                            <div class="person-text">
                                <span class="person-name">
                                    {m.name.clone()}
                                    {is_me.then(|| view! { <span class="badge badge-current">"You"</span> })}
                                </span>
                                <span class="person-email">{m.email.clone()}</span>
                            </div>
                        </div>
                    </td>
                    <td><RoleBadge role=m.role/></td>
                    <td class="muted nowrap hide-narrow">{m.joined_at.human_date()}</td>
                    <td class="actions">{tools}</td>
                </tr>
            }
            // Erased: the page's view type is otherwise too deep for the compiler.
            .into_any()
        })
        .collect_view();

    let next_href = page
        .next
        .as_deref()
        .map(|next| members_href(&q, Some(next), &[]));
    let first_href = after_now.is_some().then(|| members_href(&q, None, &[]));
    let summary = if q.is_empty() {
        format!(
            "{} {}",
            thousands(total),
            if total == 1 { "member" } else { "members" }
        )
    } else {
        format!(
            "{} {} “{q}”",
            thousands(shown),
            if shown == 1 {
                "member matches"
            } else {
                "members match"
            }
        )
    };

    // The dialog the address asks for, if any; it follows the address as it changes.
    let dialog = {
        let page = page.clone();
        let pending = pending.clone();
        let here = here.clone();
        move || {
            let params = query.read();
            let find = |key: &str| {
                params
                    .get(key)
                    .and_then(|v| v.parse::<UserId>().ok())
                    .and_then(|id| page.members.iter().find(|m| m.user_id == id).cloned())
            };
            if params.get("invite").is_some() {
                let name = page.organization_name.clone();
                Some(view! { <InviteDialog organization organization_name=name admin close_href=here.clone() action=actions.invite sent=actions.sent/> }.into_any())
            } else if params.get("leave").is_some() {
                Some(view! { <LeaveDialog page=page.clone() close_href=here.clone() action=actions.leave/> }.into_any())
            } else if let Some(member) = find("remove") {
                let name = page.organization_name.clone();
                Some(view! { <RemoveDialog organization organization_name=name member close_href=here.clone() action=actions.remove/> }.into_any())
            } else if let (Some(member), Some(to)) = (
                find("role"),
                params.get("to").and_then(|v| v.parse::<Role>().ok()),
            ) {
                // Already done (a form sent without JavaScript lands back here): no dialog.
                (member.role != to && to != Role::Guest).then(|| {
                    view! { <RoleDialog organization member to close_href=here.clone() action=actions.edit/> }.into_any()
                })
            } else if let Some(id) = params
                .get("revoke")
                .and_then(|v| v.parse::<InvitationId>().ok())
            {
                pending.iter().find(|i| i.id == id).cloned().map(|invitation| {
                    view! { <RevokeDialog organization invitation close_href=here.clone() action=actions.revoke/> }.into_any()
                })
            } else {
                None
            }
        }
    };

    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">{page.organization_name.clone()}</p>
                <h1>"Members"</h1>
                <p class="muted">{format!("{} {}", thousands(total), if total == 1 { "member" } else { "members" })}</p>
            </div>
            <a href=invite_href class="button primary">"Invite people"</a>
        </div>

        <section class="card" aria-label="Members">
            <div class="card-toolbar">
                <Form method="GET" action="/members" attr:class="search" attr:role="search">
                    <label for="member-search" class="visually-hidden">"Search members"</label>
                    <input id="member-search" type="search" name="q" value=q_value
                        placeholder="Search by name or email" maxlength="100" autocomplete="off"/>
                    <button type="submit" class="button">"Search"</button>
                    {searching.then(|| view! { <a href="/members" class="button subtle">"Clear"</a> })}
                </Form>
                <span class="muted small">{summary}</span>
            </div>
            {if shown == 0 {
                Either::Left(view! { <p class="empty-row muted">"No member matches your search."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Member"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col" class="hide-narrow">"Joined"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
            {(next_href.is_some() || first_href.is_some()).then(|| view! {
                <nav class="pager" aria-label="Pages">
                    {first_href.map(|h| view! { <a href=h class="button subtle">"← First page"</a> })}
                    <span class="grow"></span>
                    {next_href.map(|h| view! { <a href=h class="button">"Next page →"</a> })}
                </nav>
            })}
        </section>

        <PendingInvitations pending q=q.clone() after=after_now.clone() organization resend=actions.resend/>
        {dialog}
    }
}

/// The buttons at the end of a member's row.
fn member_tools(m: &Member, is_me: bool, admin: bool, q: &str, after: Option<&str>) -> AnyView {
    let id = m.user_id.to_string();
    if is_me {
        let href = members_href(q, after, &[("leave", "")]);
        return view! { <a href=href class="button small subtle">"Leave"</a> }.into_any();
    }
    if !admin {
        return ().into_any();
    }
    let (to, label) = match m.role {
        Role::Admin => ("member", "Make member"),
        _ => ("admin", "Make admin"),
    };
    let role_href = members_href(q, after, &[("role", &id), ("to", to)]);
    let remove_href = members_href(q, after, &[("remove", &id)]);
    let name = m.name.clone();
    view! {
        <a href=role_href class="button small subtle" aria-label=format!("{label}: {name}")>{label}</a>
        <a href=remove_href class="button small subtle danger-text" aria-label=format!("Remove {}", m.name)>"Remove"</a>
    }
    .into_any()
}

#[component]
fn PendingInvitations(
    pending: Vec<PendingInvitation>,
    q: String,
    after: Option<String>,
    organization: OrganizationId,
    resend: ServerAction<ResendOrganizationInvitation>,
) -> impl IntoView {
    let count = pending.len();
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));
    let rows = pending
        .into_iter()
        .map(|i| {
            let revoke_href = members_href(&q, after.as_deref(), &[("revoke", &i.id.to_string())]);
            let resend_label = format!("Resend the invitation to {}", i.email);
            let revoke_label = format!("Revoke the invitation to {}", i.email);
            view! {
                <tr>
                    <td class="break">{i.email.clone()}</td>
                    <td><RoleBadge role=i.role/></td>
                    <td class="muted hide-narrow">{i.invited_by.clone().unwrap_or_else(|| "Someone who left".into())}</td>
                    <td class="muted nowrap hide-narrow">{i.created_at.human_date()}</td>
                    <td class="muted nowrap">{i.expires_at.human_date()}</td>
                    <td class="actions">
                        <ActionForm action=resend attr:class="row-form">
                            <input type="hidden" name="organization_id" value=organization.to_string()/>
                            <input type="hidden" name="invitation_id" value=i.id.to_string()/>
                            <button type="submit" class="button small subtle"
                                aria-label=resend_label>"Resend"</button>
                        </ActionForm>
                        <a href=revoke_href class="button small subtle danger-text"
                            aria-label=revoke_label>"Revoke"</a>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="pending-heading">
            <div class="card-header">
                <h2 id="pending-heading">"Pending invitations"</h2>
                <span class="muted">{count} " waiting · counted toward Members"</span>
            </div>
            <FormAlert error=resend_error/>
            {if count == 0 {
                Either::Left(view! { <p class="empty-row muted">"No pending invitations."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col" class="hide-narrow">"Invited by"</th>
                                    <th scope="col" class="hide-narrow">"Sent"</th>
                                    <th scope="col">"Expires"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
    }
}

/// What became of past invitations: accepted, declined, revoked, expired (admins only).
#[component]
fn InvitationHistory(past: Vec<PastInvitation>) -> impl IntoView {
    let count = past.len();
    let rows = past
        .into_iter()
        .map(|i| {
            view! {
                <tr>
                    <td class="break">{i.email}</td>
                    <td><RoleBadge role=i.role/></td>
                    <td>
                        <span class=format!("badge outcome-{}", i.outcome.label().to_lowercase())>
                            {i.outcome.label()}
                        </span>
                    </td>
                    <td class="muted nowrap">{i.ended_at.human_date()}</td>
                    <td class="muted hide-narrow">{i.invited_by.unwrap_or_else(|| "Someone who left".into())}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="history-heading">
            <div class="card-header">
                <h2 id="history-heading">"Past invitations"</h2>
                <span class="muted">"Accepted, declined, revoked and expired · the latest 100"</span>
            </div>
            {if count == 0 {
                Either::Left(view! { <p class="empty-row muted">"No past invitations yet."</p> })
            } else {
                Either::Right(view! {
                    <div class="table-scroll">
                        <table class="table stack">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Outcome"</th>
                                    <th scope="col">"When"</th>
                                    <th scope="col" class="hide-narrow">"Invited by"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })
            }}
        </section>
    }
}

#[component]
fn RoleDialog(
    organization: OrganizationId,
    member: Member,
    to: Role,
    close_href: String,
    action: ServerAction<EditOrganizationMember>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let (title, message, label) = match to {
        Role::Admin => (
            format!("Make {} an admin?", member.name),
            "Admins can invite admins, change roles, remove members, rename the organization and set its limits.",
            "Make admin",
        ),
        _ => (
            format!("Make {} a member?", member.name),
            "Members can see the organization, invite members and create workspaces, but not manage people or limits.",
            "Make member",
        ),
    };
    view! {
        <Dialog title close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="organization_id" value=organization.to_string()/>
                <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                <input type="hidden" name="role" value=to.as_str()/>
                <p class="modal-text">{message}</p>
                <FormAlert error/>
                <DialogButtons close_href label pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn RemoveDialog(
    organization: OrganizationId,
    organization_name: String,
    member: Member,
    close_href: String,
    action: ServerAction<RemoveOrganizationMember>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Remove {}?", member.name) close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="organization_id" value=organization.to_string()/>
                <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                <p class="modal-text">
                    {format!("{} ({}) loses access to {organization_name} and all its workspaces at once. To come back, they need a new invitation.", member.name, member.email)}
                </p>
                <FormAlert error/>
                <DialogButtons close_href label="Remove member" danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn LeaveDialog(
    page: Page,
    close_href: String,
    action: ServerAction<RemoveOrganizationMember>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title=format!("Leave {}?", page.organization_name) close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="organization_id" value=page.organization.to_string()/>
                <input type="hidden" name="user_id" value=page.viewer.to_string()/>
                <p class="modal-text">
                    {format!("You will lose access to {} and its workspaces. To come back, someone has to invite you again.", page.organization_name)}
                </p>
                <FormAlert error/>
                <DialogButtons close_href label="Leave organization" danger=true pending=action.pending()/>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn RevokeDialog(
    organization: OrganizationId,
    invitation: PendingInvitation,
    close_href: String,
    action: ServerAction<RemoveOrganizationInvitation>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title="Revoke this invitation?".to_owned() close_href=close_href.clone()>
            <ActionForm action>
                <input type="hidden" name="organization_id" value=organization.to_string()/>
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
