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

/// A number with its thousands grouped by commas, as the pages write dates (en-US):
/// `100000` reads `100,000`, `12345.5` reads `12,345.5`.
pub fn thousands(number: impl std::fmt::Display) -> String {
    let text = number.to_string();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (whole, tail) = rest.split_at(digits);
    let mut grouped = String::with_capacity(text.len() + whole.len() / 3);
    grouped.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped.push_str(tail);
    grouped
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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_grouped_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100000), "100,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1234), "-1,234");
        assert_eq!(thousands("12345.5"), "12,345.5");
    }
}
