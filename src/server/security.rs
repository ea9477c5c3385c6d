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
    ) && !same_site(
        request.headers(),
        &state.config.public_origin,
        state.config.origin_from_host,
    ) {
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

/// Whether the request's `Origin` is the public URL's origin, or (`from_host`: no public URL
/// was configured) the host it was sent to. Without `Origin`, `Sec-Fetch-Site: cross-site`
/// still marks a forged request.
pub fn same_site(headers: &HeaderMap, public_origin: &str, from_host: bool) -> bool {
    match headers.get(header::ORIGIN) {
        Some(origin) => {
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            if origin == public_origin {
                return true;
            }
            if !from_host {
                return false;
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
const SIGNED_IN_PAGES: [&str; 7] = [
    "/",
    "/members",
    "/workspaces",
    "/channels",
    "/organizations",
    "/invitations",
    "/audit",
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

/// The Content-Security-Policy of an HTML page: its own scripts, and the inline ones Leptos
/// writes (hydration, resolved resources) only with this response's `nonce`; WebAssembly; its
/// own styles, and `style` attributes (the meters' widths); nothing from other sites; never in
/// a frame; forms post only here.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one response's Content-Security-Policy: 128 random bits, base64url.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn new() -> CspNonce {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let mut bytes = [0u8; 16];
        // The OS random source does not fail on the systems orgspace runs on; if it ever did,
        // a time-derived value keeps the page working (the policy still forbids inline code
        // that does not carry it).
        if getrandom::getrandom(&mut bytes).is_err() {
            bytes = crate::timestamp::Timestamp::now()
                .unix_millis()
                .to_le_bytes()
                .repeat(2)[..16]
                .try_into()
                .unwrap_or_default();
        }
        CspNonce(URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The Content-Security-Policy of everything that is not a page (JSON, files): nothing runs.
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Browsers remember for a year to come back over https only (sent when the public URL is
/// https).
const HSTS: &str = "max-age=31536000";

/// Headers for every response: no sniffing, no framing, a Content-Security-Policy (pages set
/// their own, with their nonce), no referrer to other sites, HSTS behind https, and no caching
/// of signed-in pages unless a route said otherwise.
pub async fn standard_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // The nonce is chosen here, where the header is written, and handed to the page (the shell
    // gives it to Leptos): the policy and the page's scripts always agree.
    let nonce = CspNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    if is_page && let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce.0)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(OTHER_POLICY));
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
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

/// The client a request came from, as rate limits count it: the connection's address, or,
/// behind a trusted proxy (`--trust-forwarded-for`), the last address of `X-Forwarded-For`.
/// IPv6 addresses count by their /64 network, which one client usually holds whole. `None`
/// when unknown (requests made in process, as in tests): such requests are not limited per
/// address.
pub fn client_address(
    config: &crate::server::config::Config,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Option<String> {
    address_of(config.trust_forwarded_for, headers, peer)
}

/// The client's own address, as the audit log records it (an IPv6 address whole).
pub fn exact_client_address(
    config: &crate::server::config::Config,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Option<String> {
    use std::net::IpAddr;

    Some(match ip_of(config.trust_forwarded_for, headers, peer)? {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => v6.to_string(),
        ip => ip.to_canonical().to_string(),
    })
}

fn address_of(
    trust_forwarded_for: bool,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Option<String> {
    use std::net::IpAddr;

    Some(match ip_of(trust_forwarded_for, headers, peer)? {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    })
}

fn ip_of(
    trust_forwarded_for: bool,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Option<std::net::IpAddr> {
    use std::net::IpAddr;

    let forwarded = || {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|a| a.trim().parse::<IpAddr>().ok())
    };
    if trust_forwarded_for {
        forwarded()
    } else {
        None
    }
    .or_else(|| peer.map(|p| p.ip()))
}

/// The client address of the current server function's request (see [`client_address`]).
pub fn current_client_address(config: &crate::server::config::Config) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    client_address(config, &parts.headers, peer)
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
    fn client_addresses_come_from_the_connection_or_a_trusted_proxy() {
        let peer = Some("10.0.0.5:51000".parse().unwrap());
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.9")]);
        assert_eq!(
            address_of(false, &forwarded, peer).as_deref(),
            Some("10.0.0.5")
        );
        // Behind a proxy: the address it appended last (earlier ones are the client's say).
        assert_eq!(
            address_of(true, &forwarded, peer).as_deref(),
            Some("203.0.113.9")
        );
        // A proxy that sent rubbish: the connection's.
        let junk = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(address_of(true, &junk, peer).as_deref(), Some("10.0.0.5"));
        // IPv6 by /64; IPv4-mapped as IPv4; unknown stays unknown.
        let v6 = Some("[2001:db8:aa:bb:1:2:3:4]:1".parse().unwrap());
        assert_eq!(
            address_of(false, &HeaderMap::new(), v6).as_deref(),
            Some("2001:db8:aa:bb::/64")
        );
        let mapped = Some("[::ffff:192.0.2.1]:1".parse().unwrap());
        assert_eq!(
            address_of(false, &HeaderMap::new(), mapped).as_deref(),
            Some("192.0.2.1")
        );
        assert_eq!(address_of(false, &HeaderMap::new(), None), None);
    }

    #[test]
    fn same_origin_posts_pass() {
        assert!(same_site(&headers(&[("origin", PUBLIC)]), PUBLIC, true));
        assert!(same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC,
            true
        ));
        // A script without Origin.
        assert!(same_site(&headers(&[]), PUBLIC, true));
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC,
            true
        ));
    }

    #[test]
    fn foreign_origins_are_refused() {
        assert!(!same_site(
            &headers(&[("origin", "https://evil.example")]),
            PUBLIC,
            true
        ));
        assert!(!same_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC,
            true
        ));
        assert!(!same_site(&headers(&[("origin", "null")]), PUBLIC, true));
        assert!(!same_site(
            &headers(&[
                ("origin", "ftp://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC,
            true
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            PUBLIC,
            true
        ));
    }

    #[test]
    fn with_a_public_url_only_its_origin_passes() {
        // A request whose Host the sender chose (a proxy passing it on, a DNS rebinding) must
        // not make its own origin ours.
        assert!(!same_site(
            &headers(&[("origin", "http://evil.example"), ("host", "evil.example")]),
            PUBLIC,
            false
        ));
        assert!(same_site(&headers(&[("origin", PUBLIC)]), PUBLIC, false));
        assert!(same_site(&headers(&[]), PUBLIC, false));
    }
}
