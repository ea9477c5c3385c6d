//! Accounts over HTTP, the way browsers and scripts reach them: sign up, sign in, sign out,
//! sessions and their cookie, cross-site refusal, and the pages' redirects.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};

fn session_id(client: &Client) -> String {
    client.cookie.clone().expect("a session cookie")
}

async fn sign_up_signs_in_with_a_new_organization_and_workspace(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let (email, _) = browser.sign_up("Ada Lovelace", "Analytical Engines").await;

    let me = browser.me().await;
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["email"], email);
    let orgs = me["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["name"], "Analytical Engines");
    assert_eq!(orgs[0]["role"], "admin");
    assert_eq!(orgs[0]["workspaces"][0]["name"], "Main");
    assert_eq!(me["current"]["organization"], orgs[0]["id"]);
    assert_eq!(me["current"]["workspace"], orgs[0]["workspaces"][0]["id"]);

    let dashboard = browser.call("get_dashboard", &[]).await.json();
    assert_eq!(dashboard["name"], "Analytical Engines");
    assert_eq!(dashboard["role"], "admin");
    assert_eq!(dashboard["member_count"], 1);
}

async fn the_session_cookie_is_http_only_and_lax(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let r = browser
        .call(
            "sign_up",
            &[
                ("name", "Cookie Monster"),
                ("email", "cookie@example.com"),
                ("password", "om nom nom nom"),
                ("organization", "Bakery"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r.header("set-cookie").expect("a session cookie");
    assert!(cookie.starts_with("orgspace_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");

    // Behind https, the cookie is Secure.
    let https = TestApp::with_public_url(&t, "https://orgs.example.com").await;
    let mut browser = https.client();
    browser.origin = Some("https://orgs.example.com".into());
    let r = browser
        .call(
            "sign_in",
            &[
                ("email", "cookie@example.com"),
                ("password", "om nom nom nom"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.header("set-cookie").unwrap().contains("Secure"));
}

async fn duplicate_email_is_refused_beside_the_email_field(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut first = app.client();
    let (email, _) = first.sign_up("First", "One").await;
    let mut second = app.client();
    let r = second
        .call(
            "sign_up",
            &[
                ("name", "Second"),
                ("email", &email.to_uppercase()),
                ("password", "another password"),
                ("organization", "Two"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let body = r.json();
    assert_eq!(
        body["Validation"][0],
        serde_json::json!({"field": "email", "message": "An account with this email already exists. Sign in, or reset your password if you forgot it."})
    );
    assert!(second.cookie.is_none(), "no session for a refused sign-up");
}

async fn invalid_sign_up_names_every_bad_field_and_stores_nothing(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let long_name = "x".repeat(101);
    let r = browser
        .call(
            "sign_up",
            &[
                ("name", &long_name),
                ("email", "not-an-email"),
                ("password", "short"),
                ("organization", "   "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields: Vec<String> = r.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["name", "email", "password", "organization"]);
    let mut c = t.db.conn().await.unwrap();
    let users: i64 = orgspace::db_run!(&mut c, x => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(x).await).unwrap();
    assert_eq!(users, 0);

    // Missing arguments and garbage are a clear 400, not a crash.
    let r = browser.call("sign_up", &[("name", "only a name")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!("BadRequest"));
}

async fn wrong_email_and_wrong_password_answer_the_same(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut owner = app.client();
    let (email, _) = owner.sign_up("Owner", "Org").await;

    let mut stranger = app.client();
    let wrong_password = stranger
        .call(
            "sign_in",
            &[("email", &email), ("password", "not the password")],
        )
        .await;
    let wrong_email = stranger
        .call(
            "sign_in",
            &[
                ("email", "nobody@example.com"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.status, wrong_email.status);
    assert_eq!(wrong_password.body, wrong_email.body);
    assert_eq!(
        wrong_password.json(),
        serde_json::json!("InvalidCredentials")
    );
    assert!(stranger.cookie.is_none());
}

async fn sign_in_cycles_the_session_id_and_sign_out_ends_it_on_the_server(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let (email, password) = browser.sign_up("Grace Hopper", "Navy").await;
    let after_sign_up = session_id(&browser);

    // Signing in again (any case of the email) issues a new session id...
    let r = browser
        .call(
            "sign_in",
            &[("email", &email.to_uppercase()), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after_sign_in = session_id(&browser);
    assert_ne!(after_sign_up, after_sign_in);
    // ...and the old one is worthless.
    let mut replay = app.client();
    replay.cookie = Some(after_sign_up);
    assert_eq!(replay.me().await, serde_json::Value::Null);

    assert_eq!(browser.me().await["name"], "Grace Hopper");
    let r = browser.call("sign_out", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(browser.me().await, serde_json::Value::Null);
    // Replaying the cookie after sign-out finds no session: it was deleted server-side.
    let mut replay = app.client();
    replay.cookie = Some(after_sign_in);
    assert_eq!(replay.me().await, serde_json::Value::Null);
    let r = replay.call("get_dashboard", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn a_new_password_or_signing_out_elsewhere_ends_the_other_sessions(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut laptop = app.client();
    let (email, password) = laptop.sign_up("Grace Hopper", "Navy").await;
    let sign_in = |password: String| {
        let email = email.clone();
        let app = &app;
        async move {
            let mut c = app.client();
            let r = c
                .call("sign_in", &[("email", &email), ("password", &password)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            c
        }
    };
    let mut phone = sign_in(password.clone()).await;
    assert_eq!(phone.me().await["name"], "Grace Hopper");

    // A new password: the phone is signed out at its next request, the laptop stays (under a
    // new session id).
    let before = session_id(&laptop);
    let new = "a brand new passphrase".to_owned();
    let r = laptop
        .call(
            "change_password",
            &[
                ("current_password", password.as_str()),
                ("new_password", new.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_ne!(session_id(&laptop), before);
    assert_eq!(phone.me().await, serde_json::Value::Null);
    let r = phone.call("get_dashboard", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(laptop.me().await["name"], "Grace Hopper");
    let mut replay = app.client();
    replay.cookie = Some(before);
    assert_eq!(replay.me().await, serde_json::Value::Null);

    // Signed in again elsewhere; "sign out everywhere else" ends that one, keeps this one.
    let mut tablet = sign_in(new.clone()).await;
    assert_eq!(tablet.me().await["name"], "Grace Hopper");
    let r = laptop.call("sign_out_elsewhere", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(tablet.me().await, serde_json::Value::Null);
    assert_eq!(laptop.me().await["name"], "Grace Hopper");
    // And signing in afresh still works.
    let mut again = sign_in(new).await;
    assert_eq!(again.me().await["name"], "Grace Hopper");
}

async fn cross_site_posts_are_refused(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut attacker = app.client();
    attacker.origin = Some("https://evil.example".into());
    let r = attacker
        .call(
            "sign_up",
            &[
                ("name", "Mallory"),
                ("email", "mallory@example.com"),
                ("password", "password123"),
                ("organization", "Evil"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut c = t.db.conn().await.unwrap();
    let users: i64 = orgspace::db_run!(&mut c, x => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(x).await).unwrap();
    assert_eq!(users, 0, "nothing was created");

    // A script sends no Origin and is let through.
    let mut script = app.client();
    script.origin = None;
    script.sign_up("Script", "Automation").await;
}

async fn forms_work_without_javascript(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let r = browser
        .submit(
            "sign_up",
            &[
                ("name", "No Script"),
                ("email", "noscript@example.com"),
                ("password", "plain html forms"),
                ("organization", "Static Inc"),
            ],
            "http://orgspace.test/signup",
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let back = r.header("location").unwrap().trim_end_matches('?');
    assert_eq!(
        back, "http://orgspace.test/signup",
        "back where the form was"
    );
    // Back on the sign-up page, now signed in: sent on to the dashboard.
    let r = browser.get("/signup").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.header("location"), Some("/"));
    let r = browser.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Static Inc"),
        "the dashboard names the organization"
    );

    browser
        .submit("sign_out", &[], "http://orgspace.test/")
        .await;
    let mut fresh = app.client();
    let r = fresh
        .submit(
            "sign_in",
            &[
                ("email", "noscript@example.com"),
                ("password", "wrong password"),
            ],
            "http://orgspace.test/signin",
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.header("location").unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    // The page it leads back to shows the message.
    let path = location.trim_start_matches("http://orgspace.test");
    let r = fresh.get(path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("The email or password is incorrect."),
        "{}",
        r.body
    );
}

async fn pages_redirect_by_session(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut visitor = app.client();
    let r = visitor.get("/").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.header("location"), Some("/signin"));
    let r = visitor.get("/workspaces").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.header("location"), Some("/signin?next=/workspaces"));
    let r = visitor.get("/signin").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<form"), "{}", r.body);
    let r = visitor.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("This page does not exist"));
}

async fn switching_workspace_is_limited_to_reachable_ones(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut alice = app.client();
    alice.sign_up("Alice", "Alice Org").await;
    let mut bob = app.client();
    bob.sign_up("Bob", "Bob Org").await;
    let bobs_workspace = bob.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();
    let alices_workspace = alice.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else's workspace and one that does not exist answer alike.
    let foreign = alice
        .call("switch_workspace", &[("workspace_id", &bobs_workspace)])
        .await;
    let missing = alice
        .call(
            "switch_workspace",
            &[("workspace_id", &uuid::Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (foreign.status, foreign.body.clone()),
        (missing.status, missing.body)
    );
    let garbage = alice
        .call("switch_workspace", &[("workspace_id", "not-a-uuid")])
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);

    let own = alice
        .call("switch_workspace", &[("workspace_id", &alices_workspace)])
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let anonymous = app
        .client()
        .call("switch_workspace", &[("workspace_id", &alices_workspace)])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn health_and_readiness(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut probe = app.client();
    let r = probe.get("/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
    let r = probe.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    // With the database gone, ready says so.
    t.db.close().await;
    let r = probe.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn oversized_bodies_are_refused(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let huge = "x".repeat(orgspace::server::MAX_REQUEST_BODY + 1);
    let r = browser
        .call(
            "sign_in",
            &[("email", "a@example.com"), ("password", &huge)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn responses_carry_the_standard_headers(t: TestDb) {
    let app = TestApp::new(&t).await;
    let r = app.client().get("/signin").await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    assert_eq!(r.header("strict-transport-security"), None, "not over http");
    // A page's policy names this response's nonce, and every inline script carries it.
    let policy = r.header("content-security-policy").unwrap().to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("a nonce in {policy}"));
    assert!(nonce.len() >= 22, "{nonce}");
    for directive in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    let script_src = policy
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    let scripts: Vec<&str> = r
        .body
        .match_indices("<script")
        .map(|(i, _)| &r.body[i..])
        .collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        let tag = &script[..script.find('>').unwrap()];
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{tag}");
    }
    // Another page, another nonce.
    let again = app.client().get("/signin").await;
    assert_ne!(
        again.header("content-security-policy"),
        Some(policy.as_str())
    );
    // Answers that are not pages run nothing.
    let r = app.client().call("get_me", &[]).await;
    assert_eq!(
        r.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
    // Behind https, browsers are told to stay on https.
    let secure = TestApp::with_public_url(&t, "https://orgs.example.com").await;
    let r = secure.client().get("/signin").await;
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=31536000")
    );
}

async fn the_versioned_bundle_is_linked_and_kept_for_a_year(t: TestDb) {
    let app = TestApp::with_bundle_version(&t, "3f9a0c1d").await;
    let mut browser = app.client();
    let page = browser.get("/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"href="/pkg/3f9a0c1d/orgspace.css""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("/pkg/3f9a0c1d/orgspace.js"),
        "{}",
        page.body
    );
    let css = browser.get("/pkg/3f9a0c1d/orgspace.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.body, "body{}");
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    // Only the version's own names: the unversioned one is not there.
    let plain = browser.get("/pkg/orgspace.css").await;
    assert_eq!(plain.status, StatusCode::NOT_FOUND);

    // A site assembled by hand (no pkg/current): plain names, revalidated on every use.
    let unversioned = TestApp::new(&t).await;
    let mut browser = unversioned.client();
    assert!(
        browser
            .get("/signin")
            .await
            .body
            .contains(r#"href="/pkg/orgspace.css""#)
    );
    let css = browser.get("/pkg/orgspace.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("cache-control"), Some("no-cache"));
}

on_both_backends!(
    the_versioned_bundle_is_linked_and_kept_for_a_year,
    sign_up_signs_in_with_a_new_organization_and_workspace,
    the_session_cookie_is_http_only_and_lax,
    duplicate_email_is_refused_beside_the_email_field,
    invalid_sign_up_names_every_bad_field_and_stores_nothing,
    wrong_email_and_wrong_password_answer_the_same,
    sign_in_cycles_the_session_id_and_sign_out_ends_it_on_the_server,
    a_new_password_or_signing_out_elsewhere_ends_the_other_sessions,
    cross_site_posts_are_refused,
    forms_work_without_javascript,
    pages_redirect_by_session,
    switching_workspace_is_limited_to_reachable_ones,
    health_and_readiness,
    oversized_bodies_are_refused,
    responses_carry_the_standard_headers,
);
