//! Building blocks shared by every page: the session context, the layout, form fields.

pub mod dialog;
pub mod form;
pub mod layout;
pub mod session;

use leptos::prelude::*;

use crate::roles::Role;

/// Percent-encodes a path for use as a query value (`next=/a%20b`), keeping `/` readable.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A small label with the caller's role, coloured by level.
#[component]
pub fn RoleBadge(role: Role) -> impl IntoView {
    view! { <span class=format!("badge role-{}", role.as_str())>{role.label()}</span> }
}

/// The page shown for an address that leads nowhere.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Not found"/>
        <main class="standalone">
            <div class="card narrow center">
                <p class="eyebrow">"404"</p>
                <h1>"This page does not exist"</h1>
                <p class="muted">"The address may be mistyped, or the page may have moved."</p>
                <a class="button primary" href="/">"Go to your dashboard"</a>
            </div>
        </main>
    }
}

/// Up to two initials of a name, for an avatar ("Ada Lovelace" → "AL").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}
