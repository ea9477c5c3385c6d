//! The application: the HTML shell and the routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path,
};

use crate::{
    accounts::{
        account_page::AccountPage,
        link_pages::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage},
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
    let stylesheet = format!("/{}/orgspace.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <meta name="description" content="orgspace: organizations, members, workspaces and guests."/>
                <link rel="stylesheet" href=stylesheet/>
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

/// Each page is a lazy route: its code is a chunk of the browser bundle of its own, fetched
/// when the page is first shown (`scripts/build` splits the bundle where `#[lazy_route]` marks
/// it), so that the first visit downloads the layout and one page rather than every page.
/// On the server a lazy route renders like any other.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let $route = this;
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    SignIn => SignInPage,
    SignUp => SignUpPage,
    InvitationLink => InvitationLinkPage,
    VerifyEmail => VerifyEmailPage,
    ForgotPassword => ForgotPasswordPage,
    ResetPassword => ResetPasswordPage,
    Dashboard => DashboardPage,
    Workspaces => WorkspacesPage,
    Workspace => WorkspacePage,
    Channels => ChannelsPage,
    Members => MembersPage,
    Organizations => OrganizationsPage,
    Invitations => InvitationsPage,
    Audit => AuditPage,
    Account => AccountPage,
    ApiKeys => ApiKeysPage,
}

/// Every page renders completely on the server before it is sent (`SsrMode::Async`): the
/// first paint has the data, redirects are real HTTP redirects, and forms work without
/// JavaScript.
#[component]
fn AppRoutes() -> impl IntoView {
    SessionContext::provide();
    view! {
        <Routes fallback=|| view! { <NotFound/> }>
            <Route path=path!("/signin") view={Lazy::<SignIn>::new()} ssr=SsrMode::Async/>
            <Route path=path!("/signup") view={Lazy::<SignUp>::new()} ssr=SsrMode::Async/>
            <Route
                path=path!("/invite/:token")
                view={Lazy::<InvitationLink>::new()}
                ssr=SsrMode::Async
            />
            <Route path=path!("/verify/:token") view={Lazy::<VerifyEmail>::new()} ssr=SsrMode::Async/>
            <Route
                path=path!("/forgot-password")
                view={Lazy::<ForgotPassword>::new()}
                ssr=SsrMode::Async
            />
            <Route
                path=path!("/reset-password/:token")
                view={Lazy::<ResetPassword>::new()}
                ssr=SsrMode::Async
            />
            <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                <Route path=path!("") view={Lazy::<Dashboard>::new()}/>
                <Route path=path!("/workspaces") view={Lazy::<Workspaces>::new()}/>
                <Route path=path!("/workspaces/:id") view={Lazy::<Workspace>::new()}/>
                <Route path=path!("/channels") view={Lazy::<Channels>::new()}/>
                <Route path=path!("/members") view={Lazy::<Members>::new()}/>
                <Route path=path!("/organizations") view={Lazy::<Organizations>::new()}/>
                <Route path=path!("/invitations") view={Lazy::<Invitations>::new()}/>
                <Route path=path!("/audit") view={Lazy::<Audit>::new()}/>
                <Route path=path!("/settings/account") view={Lazy::<Account>::new()}/>
                <Route path=path!("/settings/api-keys") view={Lazy::<ApiKeys>::new()}/>
            </ParentRoute>
        </Routes>
    }
}
