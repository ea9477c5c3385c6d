//! Hostile input against every server function, on both backends: each is posted, signed in
//! as an admin and anonymously, with every argument set to values no function may accept
//! (empty, blank, control characters, oversized, wrong types, odd Unicode), and with bodies
//! that are not forms at all (bad percent-encoding, JSON, nesting, a body past the size limit).
//! The sign-up, sign-in and invite forms are also sent as a browser without JavaScript sends
//! them. Never a 5xx, never "something went wrong", every refusal in words, nothing stored.

mod common;

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{Client, DOMAIN_TABLES, TestApp, TestDb, domain_rows};

/// Every server function and its arguments, as its form names them. The test checks this list
/// against the functions the server has registered, so that a new one cannot be left out.
const FUNCTIONS: &[(&str, &[&str])] = &[
    ("accept_invitation", &["invitation_id"]),
    ("accept_invitation_link", &["token"]),
    ("add_channel", &["organization_id", "name", "description"]),
    (
        "add_organization_member",
        &["organization_id", "email", "role"],
    ),
    ("add_volume", &["organization_id", "name", "description"]),
    ("add_workspace_guest", &["workspace_id", "email"]),
    ("change_password", &["current_password", "new_password"]),
    ("create_api_key", &["name", "scope", "expires"]),
    (
        "create_workspace",
        &["organization_id", "name", "description"],
    ),
    ("decline_invitation", &["invitation_id"]),
    ("decline_invitation_link", &["token"]),
    ("delete_api_key", &["name"]),
    ("delete_workspace", &["workspace_id"]),
    ("edit_organization", &["organization_id", "name"]),
    ("edit_profile", &["name", "email"]),
    (
        "edit_organization_member",
        &["organization_id", "user_id", "role"],
    ),
    ("edit_workspace", &["workspace_id", "name", "description"]),
    ("get_api_keys", &[]),
    (
        "get_audit_log",
        &["organization_id", "actor", "action", "from", "to", "before"],
    ),
    ("get_channels", &["workspace_id"]),
    ("get_dashboard", &[]),
    ("get_email_link", &["token"]),
    ("get_invitation_link", &["token"]),
    ("get_me", &[]),
    ("get_my_invitations", &[]),
    ("get_organization_channels", &["organization_id"]),
    ("get_organization_invitation_history", &["organization_id"]),
    ("get_organization_invites", &["organization_id"]),
    ("get_organization_limits", &["organization_id"]),
    (
        "get_organization_members",
        &["organization_id", "search", "after"],
    ),
    ("get_organizations", &[]),
    ("get_reset_link", &["token"]),
    ("get_sign_up_policy", &[]),
    ("get_workspace_guests", &["workspace_id"]),
    ("get_workspace_invites", &["workspace_id"]),
    ("get_workspace_limits", &["workspace_id"]),
    ("remove_channel", &["channel_id"]),
    (
        "remove_organization_invitation",
        &["organization_id", "invitation_id"],
    ),
    (
        "remove_organization_member",
        &["organization_id", "user_id"],
    ),
    ("remove_volume", &["volume_id"]),
    ("request_password_reset", &["email"]),
    ("resend_verification", &[]),
    ("reset_password", &["token", "password"]),
    ("remove_workspace_guest", &["workspace_id", "user_id"]),
    (
        "remove_workspace_invitation",
        &["workspace_id", "invitation_id"],
    ),
    (
        "resend_organization_invitation",
        &["organization_id", "invitation_id"],
    ),
    (
        "resend_workspace_invitation",
        &["workspace_id", "invitation_id"],
    ),
    (
        "set_organization_limit",
        &["organization_id", "setting", "limit"],
    ),
    (
        "set_workspace_channels",
        &["workspace_id", "channel_ids[]", "volume_ids[]"],
    ),
    ("set_workspace_limit", &["workspace_id", "setting", "limit"]),
    ("sign_in", &["email", "password"]),
    ("sign_out", &[]),
    ("sign_out_elsewhere", &[]),
    ("sign_up", &["name", "email", "password", "organization"]),
    ("sign_up_with_invitation", &["token", "name", "password"]),
    ("switch_organization", &["organization_id"]),
    ("switch_workspace", &["workspace_id"]),
    ("verify_email", &["token"]),
];

/// Values no argument may accept: each is empty, blank, holds a control character, is not
/// the type asked for, or is longer than any field allows.
fn hostile_values() -> Vec<String> {
    vec![
        String::new(),
        "   ".to_owned(),
        "\u{0}".to_owned(),
        "' OR 1=1 --\u{0}".to_owned(),
        "<script>alert(1)</script>\u{7}".to_owned(),
        "ada@example.com\r\nBcc: eve@example.com".to_owned(),
        "../../etc/passwd\u{1b}".to_owned(),
        "é".repeat(5_000),
        "\u{202e}\u{0}\u{feff}".to_owned(),
        "0193f5c2-1111-7000-8000-00000000000".to_owned(),
        "-99999999999999999999999".to_owned(),
        "1e309".to_owned(),
        "𝕬\u{1F600}\u{0301}\u{200d}".repeat(30),
    ]
}

/// Functions whose only effect is on the caller's own session: sent hostile input signed in,
/// they would sign the test out; they are sent it anonymously only.
fn ends_the_session(function: &str) -> bool {
    matches!(function, "sign_out" | "sign_out_elsewhere")
}

/// A refusal as the client reads it: not a server failure, and said in words.
fn assert_clear_refusal(what: &str, status: StatusCode, body: &str) {
    assert!(
        !status.is_server_error(),
        "{what}: HTTP {status} {}",
        &body[..body.len().min(300)]
    );
    assert!(
        !body.contains("Internal") && !body.contains("Something went wrong"),
        "{what}: {body}"
    );
    if status.is_client_error() {
        assert!(
            !body.trim().is_empty(),
            "{what}: HTTP {status} with no words"
        );
    }
}

async fn post_raw(
    client: &mut Client,
    function: &str,
    content_type: &str,
    body: Vec<u8>,
) -> common::Response {
    let mut b = Request::builder()
        .method("POST")
        .uri(format!("/api/{function}"))
        .header(header::HOST, "orgspace.test")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, body.len())
        .header(header::ACCEPT, "application/json")
        .header(header::ORIGIN, common::PUBLIC_URL);
    if let Some(cookie) = &client.cookie {
        b = b.header(header::COOKIE, cookie);
    }
    client.send(b.body(Body::from(body)).unwrap()).await
}

async fn every_server_function_refuses_hostile_input_and_stores_nothing(t: TestDb) {
    // Failed sign-ins are counted per account; the test sends many on purpose.
    let app = TestApp::with_rate_limits(&t, &["sign_in_account=off", "sign_in_address=off"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;

    // The list above is every registered server function, no more, no less.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let listed: BTreeSet<String> = FUNCTIONS.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        listed, registered,
        "FUNCTIONS must list every server function"
    );

    let before = domain_rows(&t).await;
    let mut tried = 0;
    for (function, args) in FUNCTIONS {
        for value in hostile_values() {
            let form: Vec<(&str, &str)> = args.iter().map(|a| (*a, value.as_str())).collect();
            let mut callers = vec![app.client()];
            if !ends_the_session(function) {
                let mut signed_in = app.client();
                signed_in.cookie = admin.cookie.clone();
                callers.push(signed_in);
            }
            for caller in &mut callers {
                let r = caller.call(function, &form).await;
                tried += 1;
                let what = format!("{function} with {value:?}");
                assert_clear_refusal(&what, r.status, &r.body);
                // A write that takes input never succeeds with such input (reads may answer:
                // an empty list; signing out needs no input).
                if !function.starts_with("get_") && !args.is_empty() && r.status.is_success() {
                    panic!("{what} succeeded: {}", r.body);
                }
            }
        }
        // Bodies that are not forms at all.
        let shapes: Vec<(&str, Vec<u8>)> = vec![
            (
                "application/x-www-form-urlencoded",
                b"%ZZ=%FF%FE&&==&name".to_vec(),
            ),
            (
                "application/x-www-form-urlencoded",
                vec![0xff, 0xfe, 0x00, 0x80],
            ),
            (
                "application/x-www-form-urlencoded",
                format!("{}=1", "a[".repeat(500)).into_bytes(),
            ),
            (
                "application/x-www-form-urlencoded",
                args.iter()
                    .map(|a| format!("{a}=1&{a}=2"))
                    .collect::<Vec<_>>()
                    .join("&")
                    .into_bytes(),
            ),
            (
                "application/json",
                br#"{"name": {"$gt": ""}, "organization_id": [1,2]}"#.to_vec(),
            ),
            ("text/plain", b"DROP TABLE users;".to_vec()),
            (
                "multipart/form-data; boundary=x",
                b"--x\r\nnonsense".to_vec(),
            ),
        ];
        for (content_type, body) in shapes {
            let mut caller = app.client();
            if !ends_the_session(function) {
                caller.cookie = admin.cookie.clone();
            }
            let r = post_raw(&mut caller, function, content_type, body.clone()).await;
            tried += 1;
            let what = format!(
                "{function} with a {content_type} body {:?}",
                String::from_utf8_lossy(&body)
            );
            assert_clear_refusal(&what, r.status, &r.body);
            if !function.starts_with("get_") && r.status.is_success() && !args.is_empty() {
                panic!("{what} succeeded: {}", r.body);
            }
        }
    }
    assert_eq!(
        domain_rows(&t).await,
        before,
        "nothing stored ({DOMAIN_TABLES:?})"
    );
    eprintln!(
        "hostile server-function input: {tried} calls over {} functions",
        FUNCTIONS.len()
    );

    // The admin is still signed in, and still the only account.
    assert_eq!(admin.me().await["name"], "Ada");
}

async fn bodies_past_the_limit_are_refused_before_they_are_read(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let before = domain_rows(&t).await;
    let huge = format!("name={}&organization_id=x", "a".repeat(2 * 1024 * 1024));
    for function in ["create_workspace", "sign_up", "add_organization_member"] {
        let mut caller = app.client();
        caller.cookie = admin.cookie.clone();
        let r = post_raw(
            &mut caller,
            function,
            "application/x-www-form-urlencoded",
            huge.clone().into_bytes(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{function}: {}",
            r.body
        );
    }
    // The GraphQL endpoint too.
    let mut script = app.client();
    script.origin = None;
    let body = format!(
        r#"{{"query": "{{ getCurrentUser {{ name }} }}", "pad": "{}"}}"#,
        "a".repeat(2 * 1024 * 1024)
    );
    let r = script
        .send(
            Request::builder()
                .method("POST")
                .uri("/graphql")
                .header(header::HOST, "orgspace.test")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, body.len())
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(domain_rows(&t).await, before);
}

async fn forms_without_javascript_refuse_hostile_input_in_words(t: TestDb) {
    let app = TestApp::with_rate_limits(&t, &["sign_in_account=off", "sign_up_address=off"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let before = domain_rows(&t).await;
    let mut tried = 0;
    for value in hostile_values() {
        let v = value.as_str();
        let mut anonymous = app.client();
        for (client, function, form, page) in [
            (
                &mut anonymous,
                "sign_up",
                vec![
                    ("name", v),
                    ("email", v),
                    ("password", v),
                    ("organization", v),
                ],
                "/signup",
            ),
            (
                &mut app.client(),
                "sign_in",
                vec![("email", v), ("password", v)],
                "/signin",
            ),
            (
                &mut admin,
                "add_organization_member",
                vec![
                    ("organization_id", org.as_str()),
                    ("email", v),
                    ("role", "member"),
                ],
                "/members?invite",
            ),
        ] {
            let r = client
                .submit(function, &form, &format!("{}{page}", common::PUBLIC_URL))
                .await;
            tried += 1;
            let what = format!("the {function} form with {value:?}");
            assert_clear_refusal(&what, r.status, &r.body);
            // The browser is sent back to the form, the error in the address for the page to
            // show; never on to where a success would go.
            assert!(
                r.status.is_redirection(),
                "{what}: HTTP {} {}",
                r.status,
                r.body
            );
            let location = r.header("location").unwrap_or_default();
            assert!(location.contains("__err"), "{what}: went to {location}");
        }
    }
    assert_eq!(domain_rows(&t).await, before, "nothing stored");
    eprintln!("hostile form posts without JavaScript: {tried}");
}

on_both_backends!(
    every_server_function_refuses_hostile_input_and_stores_nothing,
    bodies_past_the_limit_are_refused_before_they_are_read,
    forms_without_javascript_refuse_hostile_input_in_words,
);
