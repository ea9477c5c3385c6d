//! The application: the HTML shell and the routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::{
    accounts::{
        account_page::AccountPage,
        pages::{SignInPage, SignUpPage},
    },
    api_keys::pages::ApiKeysPage,
    audit::pages::AuditPage,
    channels::pages::ChannelsPage,
    invitations::{link_page::InvitationLinkPage, pages::InvitationsPage},
    members::pages::MembersPage,
    organizations::pages::{DashboardPage, OrganizationsPage},
    ui::{NotFound, layout::AppLayout, session::SessionContext},
    workspaces::{pages::WorkspacesPage, workspace_page::WorkspacePage},
};

/// The document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The nonce of this response's Content-Security-Policy (see `server::security`): Leptos
    // puts it on every inline script it writes.
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<crate::server::security::CspNonce>()
            .cloned()
    }) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <meta name="description" content="orgspace: organizations, members, workspaces and guests."/>
                <link rel="stylesheet" href="/pkg/orgspace.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="icon" href="/favicon.ico" sizes="32x32"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text: String| {
            if text.is_empty() { "orgspace".to_owned() } else { format!("{text} · orgspace") }
        }/>
        <Router>
            <AppRoutes/>
        </Router>
    }
}

/// Every page renders completely on the server before it is sent (`SsrMode::Async`): the
/// first paint has the data, redirects are real HTTP redirects, and forms work without
/// JavaScript.
#[component]
fn AppRoutes() -> impl IntoView {
    SessionContext::provide();
    view! {
        <Routes fallback=|| view! { <NotFound/> }>
            <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
            <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async/>
            <Route path=path!("/invite/:token") view=InvitationLinkPage ssr=SsrMode::Async/>
            <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                <Route path=path!("") view=DashboardPage/>
                <Route path=path!("/workspaces") view=WorkspacesPage/>
                <Route path=path!("/workspaces/:id") view=WorkspacePage/>
                <Route path=path!("/channels") view=ChannelsPage/>
                <Route path=path!("/members") view=MembersPage/>
                <Route path=path!("/organizations") view=OrganizationsPage/>
                <Route path=path!("/invitations") view=InvitationsPage/>
                <Route path=path!("/audit") view=AuditPage/>
                <Route path=path!("/settings/account") view=AccountPage/>
                <Route path=path!("/settings/api-keys") view=ApiKeysPage/>
            </ParentRoute>
        </Routes>
    }
}
