//! Cross-site request refusal and the response headers every answer carries.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use crate::server::state::AppState;

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that a browser sent from
/// another site. Browsers send `Origin` with every POST; scripts usually send none, and carry
/// no ambient cookies for a forged request to ride on.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && !same_site(request.headers(), &state.config.public_origin)
    {
        tracing::warn!(
            origin = ?request.headers().get(header::ORIGIN),
            path = %request.uri().path(),
            "refused a cross-site request"
        );
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether the request's `Origin` is the public URL's origin or the host it was sent to.
/// Without `Origin`, `Sec-Fetch-Site: cross-site` still marks a forged request.
pub fn same_site(headers: &HeaderMap, public_origin: &str) -> bool {
    match headers.get(header::ORIGIN) {
        Some(origin) => {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            if origin == public_origin {
                return true;
            }
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            match (host, origin.split_once("://")) {
                (Some(host), Some(("http" | "https", origin_host))) => origin_host == host,
                _ => false,
            }
        }
        None => headers
            .get("sec-fetch-site")
            .is_none_or(|site| site.as_bytes() != b"cross-site"),
    }
}

/// The pages for signed-in users (`AppLayout`'s routes).
const SIGNED_IN_PAGES: [&str; 6] = [
    "/",
    "/members",
    "/workspaces",
    "/channels",
    "/organizations",
    "/invitations",
];

/// Sends signed-out visitors of a page for signed-in users to sign in, before anything is
/// rendered: the same redirect the layout would make, without building the page first.
pub async fn sign_in_first(session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if matches!(*request.method(), Method::GET | Method::HEAD)
        && (SIGNED_IN_PAGES.contains(&path)
            || path.starts_with("/workspaces/")
            || path.starts_with("/settings/"))
        && !crate::accounts::auth::has_user(&session).await
    {
        let target = if path == "/" {
            "/signin".to_owned()
        } else {
            format!("/signin?next={}", crate::ui::urlencode(path))
        };
        return (StatusCode::FOUND, [(header::LOCATION, target)]).into_response();
    }
    next.run(request).await
}

/// Headers for every response: no sniffing, no framing, no referrer to other sites, and no
/// caching of signed-in pages unless a route said otherwise.
pub async fn standard_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("frame-ancestors 'none'"));
    // `same-origin` everywhere, the invitation page included: its address holds the token, and
    // no other site ever receives it; `no-referrer` would also strip the Referer from the
    // page's own form posts, which a plain (no-JavaScript) form needs to come back to the page
    // with its errors.
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const PUBLIC: &str = "https://orgs.example.com";

    #[test]
    fn same_origin_posts_pass() {
        assert!(same_site(&headers(&[("origin", PUBLIC)]), PUBLIC));
        assert!(same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        // A script without Origin.
        assert!(same_site(&headers(&[]), PUBLIC));
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC
        ));
    }

    #[test]
    fn foreign_origins_are_refused() {
        assert!(!same_site(
            &headers(&[("origin", "https://evil.example")]),
            PUBLIC
        ));
        assert!(!same_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        assert!(!same_site(&headers(&[("origin", "null")]), PUBLIC));
        assert!(!same_site(
            &headers(&[
                ("origin", "ftp://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            PUBLIC
        ));
    }
}
