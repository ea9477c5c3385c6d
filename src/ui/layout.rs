//! The frame around every page: the signed-in shell (header, switcher, user menu, navigation)
//! and the centred card of the sign-in and sign-up pages.

use leptos::{either::Either, html, prelude::*};
use leptos_router::{
    components::{A, Outlet, Redirect},
    hooks::use_location,
};

use crate::{
    accounts::{Me, ResendVerification},
    error::AppError,
    roles::Role,
    ui::{RoleBadge, session::SessionContext, urlencode},
};

/// While the account's address is unverified: where the confirmation link is, and a button
/// to send it again.
#[component]
fn VerifyBanner(me: Me) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let error = Signal::derive(move || resend.value().get().and_then(Result::err));
    let sent = move || matches!(resend.value().get(), Some(Ok(())));
    let where_ = if me.emails_sent {
        format!(
            "we sent a link to {}. Invitations to it show up once it is confirmed.",
            me.email
        )
    } else {
        format!(
            "orgspace sends no email here (no mail server is configured), so the link for {} is in its log: look for \"the verification link\".",
            me.email
        )
    };
    view! {
        <div class="verify-banner" role="status">
            <p><strong>"Confirm your email address: "</strong>{where_}</p>
            <ActionForm action=resend>
                {move || if sent() {
                    view! { <span>"Sent again: the new link replaces the old one."</span> }.into_any()
                } else {
                    view! {
                        <button type="submit" class="button"
                            aria-busy=move || resend.pending().get().then_some("true")>
                            "Send the email again"
                        </button>
                    }.into_any()
                }}
                {move || error.get().map(|e| view! { <span role="alert">{e.to_string()}</span> })}
            </ActionForm>
        </div>
    }
}

/// The orgspace mark: four squares, one of them filled.
#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <rect x="2" y="2" width="9" height="9" rx="2.5" class="logo-fill"/>
            <rect x="13" y="2" width="9" height="9" rx="2.5" class="logo-line"/>
            <rect x="2" y="13" width="9" height="9" rx="2.5" class="logo-line"/>
            <rect x="13" y="13" width="9" height="9" rx="2.5" class="logo-line"/>
        </svg>
    }
}

/// Pages for signed-in users. Signed-out visitors are sent to sign in, and come back here after.
///
/// Only the header and the navigation wait for `me`: the page itself (the `<Outlet/>`) is built
/// once, outside any `Suspend`, so that the resources it creates are created once, on the server
/// as in the browser, and hydrate from what the server sent.
#[component]
pub fn AppLayout() -> impl IntoView {
    let session = SessionContext::get();
    let location = use_location();
    // Transitions, not Suspense: while `me` refetches after a switch, what is on screen stays.
    view! {
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/">
                    <Logo/>
                    <span>"orgspace"</span>
                </a>
                <Transition fallback=|| view! { <div class="topbar-spacer"></div> }>
                    {move || Suspend::new(async move {
                        match session.me.await {
                            Ok(Some(me)) => Either::Left(view! {
                                <Switcher me=me.clone()/>
                                <div class="topbar-spacer"></div>
                                <UserMenu me/>
                            }),
                            Ok(None) => {
                                let here = location.pathname.get_untracked();
                                let path = if here == "/" {
                                    "/signin".to_owned()
                                } else {
                                    format!("/signin?next={}", urlencode(&here))
                                };
                                Either::Right(Either::Left(view! { <Redirect path/> }))
                            }
                            Err(e) => Either::Right(Either::Right(view! {
                                <div class="topbar-spacer"></div>
                                <p class="topbar-error" role="alert">{e.to_string()}</p>
                            })),
                        }
                    })}
                </Transition>
            </header>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.me.await {
                        Ok(Some(me)) if !me.email_verified => Some(view! { <VerifyBanner me/> }),
                        _ => None,
                    }
                })}
            </Transition>
            <div class="frame">
                <nav class="sidebar" aria-label="Main">
                    <A href="/" exact=true>
                        <span class="nav-icon" aria-hidden="true">"◧"</span>
                        "Overview"
                    </A>
                    // Guests see nothing of the organization but their workspaces: no way to
                    // its members or its registry.
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            (!is_guest(session.me.await)).then(|| view! {
                                <A href="/members">
                                    <span class="nav-icon" aria-hidden="true">"☰"</span>
                                    "Members"
                                </A>
                            })
                        })}
                    </Transition>
                    <A href="/workspaces">
                        <span class="nav-icon" aria-hidden="true">"▦"</span>
                        "Workspaces"
                    </A>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            (!is_guest(session.me.await)).then(|| view! {
                                <A href="/channels">
                                    <span class="nav-icon" aria-hidden="true">"≋"</span>
                                    "Channels"
                                </A>
                            })
                        })}
                    </Transition>
                    // The audit log is for the organization's admins.
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            is_admin(session.me.await).then(|| view! {
                                <A href="/audit">
                                    <span class="nav-icon" aria-hidden="true">"▤"</span>
                                    "Audit log"
                                </A>
                            })
                        })}
                    </Transition>
                    <A href="/organizations">
                        <span class="nav-icon" aria-hidden="true">"◎"</span>
                        "Organizations"
                    </A>
                    <A href="/invitations">
                        <span class="nav-icon" aria-hidden="true">"✉"</span>
                        "Invitations"
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let waiting = match session.me.await {
                                    Ok(Some(me)) => me.pending_invitations,
                                    _ => 0,
                                };
                                (waiting > 0).then(|| view! {
                                    <span class="nav-count" aria-label=format!("{waiting} waiting")>{waiting}</span>
                                })
                            })}
                        </Transition>
                    </A>
                </nav>
                <main class="content" id="main">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// Whether the signed-in user is only a guest of their current organization.
fn is_admin(me: Result<Option<Me>, AppError>) -> bool {
    matches!(
        me,
        Ok(Some(me)) if me.current_organization().is_some_and(|o| o.role == Role::Admin)
    )
}

fn is_guest(me: Result<Option<Me>, AppError>) -> bool {
    matches!(
        me,
        Ok(Some(me)) if me.current_organization().is_some_and(|o| o.role == Role::Guest)
    )
}

/// Closes a `<details>` menu once `version` moves (its action completed).
fn close_on(details: NodeRef<html::Details>, version: impl Fn() -> usize + 'static) {
    Effect::new(move |previous: Option<usize>| {
        let now = version();
        if previous.is_some_and(|p| p != now)
            && let Some(el) = details.get_untracked()
        {
            el.set_open(false);
        }
        now
    });
}

/// The current organization and workspace, and a menu of every workspace the user reaches,
/// grouped by organization. A plain `<details>`, so it opens and switches without JavaScript.
#[component]
fn Switcher(me: Me) -> impl IntoView {
    let session = SessionContext::get();
    let details = NodeRef::<html::Details>::new();
    close_on(details, move || {
        session.switch_workspace.version().get() + session.switch_organization.version().get()
    });
    let org_name = me
        .current_organization()
        .map_or_else(|| "No organization".to_owned(), |o| o.name.clone());
    let ws_name = me
        .current_workspace()
        .map_or_else(|| "No workspace".to_owned(), |w| w.name.clone());
    let current_ws = me.current.as_ref().and_then(|c| c.workspace);
    let current_org = me.current.as_ref().map(|c| c.organization);
    let open_current = me.current_workspace().map(|w| {
        view! {
            <a class="menu-link" href=format!("/workspaces/{}", w.id)>{format!("Open {}", w.name)}</a>
        }
    });

    let groups = me
        .organizations
        .into_iter()
        .map(|org| {
            let is_current_org = Some(org.id) == current_org;
            let items = if org.workspaces.is_empty() {
                Either::Left(view! {
                    <ActionForm action=session.switch_organization>
                        <input type="hidden" name="organization_id" value=org.id.to_string()/>
                        <button type="submit" class="menu-item" aria-current=is_current_org.then_some("true")>
                            <span class="menu-item-name">"Organization overview"</span>
                            <span class="menu-item-note">"No workspaces yet"</span>
                        </button>
                    </ActionForm>
                })
            } else {
                Either::Right(
                    org.workspaces
                        .into_iter()
                        .map(|ws| {
                            let is_current = Some(ws.id) == current_ws;
                            view! {
                                <ActionForm action=session.switch_workspace>
                                    <input type="hidden" name="workspace_id" value=ws.id.to_string()/>
                                    <button type="submit" class="menu-item" aria-current=is_current.then_some("true")>
                                        <span class="menu-item-name">{ws.name}</span>
                                        {is_current.then(|| view! { <span class="check" aria-label="current">"✓"</span> })}
                                    </button>
                                </ActionForm>
                            }
                        })
                        .collect_view(),
                )
            };
            let label = org.name.clone();
            view! {
                <div class="menu-group" role="group" aria-label=label>
                    <div class="menu-heading">
                        <span>{org.name}</span>
                        <RoleBadge role=org.role/>
                    </div>
                    {items}
                </div>
            }
        })
        .collect_view();

    view! {
        <details class="switcher dropdown" node_ref=details>
            <summary title="Switch organization or workspace">
                <span class="switcher-org">{org_name}</span>
                <span class="switcher-sep" aria-hidden="true">"/"</span>
                <span class="switcher-ws">{ws_name}</span>
                <span class="chevron" aria-hidden="true"></span>
            </summary>
            <div class="dropdown-menu switcher-menu">
                <p class="dropdown-title">"Switch workspace"</p>
                {groups}
                <div class="menu-footer">
                    {open_current}
                    <a class="menu-link" href="/workspaces">"All workspaces"</a>
                </div>
            </div>
        </details>
    }
}

#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let session = SessionContext::get();
    let initials = me.initials();
    // A link inside a `<details>` leaves it open when the hydrated router takes over the click.
    let details = NodeRef::<html::Details>::new();
    let close = move |_| {
        if let Some(el) = details.get_untracked() {
            el.set_open(false);
        }
    };
    view! {
        <details class="user-menu dropdown" node_ref=details>
            <summary title="Account">
                <span class="avatar" aria-hidden="true">{initials}</span>
                <span class="user-name">{me.name.clone()}</span>
                <span class="chevron" aria-hidden="true"></span>
            </summary>
            <div class="dropdown-menu align-right">
                <div class="user-card">
                    <strong>{me.name}</strong>
                    <span class="muted">{me.email}</span>
                </div>
                <a class="menu-item" href="/settings/account" on:click=close>"Account"</a>
                <a class="menu-item" href="/settings/api-keys" on:click=close>"API keys"</a>
                <ActionForm action=session.sign_out>
                    <button type="submit" class="menu-item">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}

/// The frame of the sign-in and sign-up pages.
#[component]
pub fn AuthLayout(
    #[prop(into)] title: String,
    #[prop(into)] subtitle: String,
    children: Children,
) -> impl IntoView {
    view! {
        <main class="auth">
            <a class="brand auth-brand" href="/">
                <Logo/>
                <span>"orgspace"</span>
            </a>
            <div class="card auth-card">
                <h1>{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </div>
        </main>
    }
}
