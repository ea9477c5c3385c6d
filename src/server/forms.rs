//! Plain HTML forms (no JavaScript): after a successful post, Leptos sends the browser back
//! to the page the form was on. When that page had a dialog open, it should come back closed.

use leptos::prelude::*;

use crate::ui::dialog::DIALOG_PARAMS;

/// The request of the current server function, when it is a plain form post (the browser
/// asked for HTML, not the hydrated page for data).
fn plain_form() -> Option<http::request::Parts> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
        .then_some(parts)
}

/// Whether the current server function was called by a plain form post (no JavaScript).
pub fn is_plain_form() -> bool {
    plain_form().is_some()
}

/// For a plain form post, redirects to the page it came from without its dialog parameters.
/// Calls from the hydrated page (which close their dialogs themselves) are left alone.
pub fn back_without_dialog() {
    let Some(parts) = plain_form() else { return };
    let referer = parts
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok());
    if let Some(referer) = referer {
        leptos_axum::redirect(&without_dialog(&referer));
    }
}

/// For a plain form post, redirects to `path` (a path of this site).
pub fn plain_form_goes_to(path: &str) {
    if plain_form().is_some() {
        leptos_axum::redirect(path);
    }
}

/// The path and query of `url` without dialog parameters (never another site: only the path
/// is kept).
fn without_dialog(url: &url::Url) -> String {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !DIALOG_PARAMS.contains(&k.as_ref()) && !k.starts_with("__"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut path = url.path().to_owned();
    if !kept.is_empty() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish();
        path.push('?');
        path.push_str(&query);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::without_dialog;

    #[test]
    fn dialogs_close_and_the_rest_of_the_address_stays() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(without_dialog(&url("http://h/members?invite")), "/members");
        assert_eq!(
            without_dialog(&url("http://h/members?q=ada&remove=1&after=x")),
            "/members?q=ada&after=x"
        );
        assert_eq!(
            without_dialog(&url("http://h/members?role=1&to=admin&__err=x&__path=y")),
            "/members"
        );
        assert_eq!(without_dialog(&url("http://evil.example/x?leave")), "/x");
    }
}
