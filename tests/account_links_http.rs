//! Accounts you can trust, over HTTP, on both backends: addresses verified by an emailed link,
//! password reset (which is also how an address's owner takes it back from someone who signed
//! up with it first), changing the address, and the operator's sign-up policy.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb, script::Script};
use orgspace::{accounts::SignUpPolicy, db::outbox, db_run, timestamp::Timestamp};
use serde_json::{Value, json};

/// SMTP is configured (emails queue in the outbox); nothing listens on port 9.
const SMTP: Option<&str> = Some("smtp://127.0.0.1:9");

/// The newest queued email to `to`: (subject, plain text).
async fn last_email(app: &TestApp, to: &str) -> Option<(String, String)> {
    let mut c = app.state.db.conn().await.unwrap();
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 86_400_000);
    outbox::due(&mut c, later, 1000)
        .await
        .unwrap()
        .into_iter()
        .rfind(|e| e.recipient == to)
        .map(|e| (e.subject, e.body_text))
}

async fn emails_to(app: &TestApp, to: &str) -> usize {
    let mut c = app.state.db.conn().await.unwrap();
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 86_400_000);
    outbox::due(&mut c, later, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.recipient == to)
        .count()
}

/// The token of the first link under `/{path}/` in `text`.
fn token_in(text: &str, path: &str) -> String {
    let marker = format!("http://orgspace.test/{path}/");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("a {path} link in {text}"))
        + marker.len();
    text[start..start + 43].to_owned()
}

async fn sign_up_as(
    client: &mut Client,
    name: &str,
    email: &str,
    password: &str,
) -> common::Response {
    client
        .call(
            "sign_up",
            &[
                ("name", name),
                ("email", email),
                ("password", password),
                ("organization", &format!("{name}'s")),
            ],
        )
        .await
}

async fn sign_in(client: &mut Client, email: &str, password: &str) -> common::Response {
    client
        .call("sign_in", &[("email", email), ("password", password)])
        .await
}

async fn me(client: &mut Client) -> Value {
    client.call("get_me", &[]).await.json()
}

async fn verified_link(client: &mut Client, token: &str) -> common::Response {
    client.call("verify_email", &[("token", token)]).await
}

async fn a_new_account_confirms_its_address_through_the_emailed_link(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut ada = app.client();
    let r = sign_up_as(&mut ada, "Ada", "ada@example.com", "a long password").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Signed in, in her new organization, unverified.
    let m = me(&mut ada).await;
    assert_eq!(m["email_verified"], json!(false));
    assert!(m["current"]["organization"].is_string());
    let (subject, text) = last_email(&app, "ada@example.com").await.expect("an email");
    assert_eq!(subject, "Confirm your email address for orgspace");
    assert!(text.contains("expires on"), "{text}");
    let token = token_in(&text, "verify");
    // The header says so, with the button.
    let page = ada.get("/").await;
    assert!(
        page.body.contains("Confirm your email address: "),
        "{}",
        page.body
    );
    assert!(page.body.contains("Send the email again"));

    // Opening the link (GET, HEAD, or its data) changes nothing; its page has a button.
    let mut mail_scanner = app.client();
    let page = mail_scanner.get(&format!("/verify/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Confirm my address"), "{}", page.body);
    let r = mail_scanner
        .call("get_email_link", &[("token", &token)])
        .await;
    assert_eq!(
        r.json(),
        json!({ "Open": { "email": "ada@example.com", "change": false } })
    );
    assert_eq!(me(&mut ada).await["email_verified"], json!(false));

    // The button, from any browser (the link is the proof).
    let r = verified_link(&mut mail_scanner, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!("ada@example.com"));
    assert_eq!(me(&mut ada).await["email_verified"], json!(true));
    let page = ada.get("/").await;
    assert!(!page.body.contains("Send the email again"));
    // Once only; anything else is a sentence.
    let r = verified_link(&mut mail_scanner, &token).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already used"), "{}", r.body);
    for bad in ["", "nope", &"A".repeat(43), "../../../etc/passwd"] {
        let r = verified_link(&mut mail_scanner, bad).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{bad:?}: {}", r.body);
        assert!(r.body.contains("not valid"), "{}", r.body);
        let page = mail_scanner.get(&format!("/verify/{bad}x")).await;
        assert!(page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND);
    }
    let r = ada.call("resend_verification", &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already confirmed"));
}

async fn confirmation_links_expire_and_only_the_newest_works(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut bob = app.client();
    sign_up_as(&mut bob, "Bob", "bob@example.com", "a long password").await;
    let first = token_in(
        &last_email(&app, "bob@example.com").await.unwrap().1,
        "verify",
    );
    let r = bob.call("resend_verification", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let second = token_in(
        &last_email(&app, "bob@example.com").await.unwrap().1,
        "verify",
    );
    assert_ne!(first, second);
    let r = verified_link(&mut app.client(), &first).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("newer email replaced it"), "{}", r.body);
    // 48 hours later the newest is dead too.
    let mut c = app.state.db.conn().await.unwrap();
    let past = Timestamp::from_unix_millis(Timestamp::now().unix_millis() - 1000);
    db_run!(&mut c, x => sqlx::query("UPDATE account_links SET expires_at = $1, created_at = $2")
        .bind(past)
        .bind(Timestamp::from_unix_millis(past.unix_millis() - 1000))
        .execute(x)
        .await
        .map(|_| ()))
    .unwrap();
    let r = app
        .client()
        .call("get_email_link", &[("token", &second)])
        .await;
    assert_eq!(r.json(), json!("Expired"));
    let r = verified_link(&mut app.client(), &second).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("expired"), "{}", r.body);
    assert_eq!(me(&mut bob).await["email_verified"], json!(false));
    // Resending is rate limited (5 an hour, the first resend included).
    for _ in 0..4 {
        let r = bob.call("resend_verification", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = bob.call("resend_verification", &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

/// The review's hole: anyone could sign up as new-hire@ before the real person, and every
/// invitation to that address showed up in their app, admin role included.
async fn an_unverified_account_sees_no_invitations_but_their_links_work(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut ada = app.client();
    sign_up_as(&mut ada, "Ada", "ada@corp.example", "a long password").await;
    let token = token_in(
        &last_email(&app, "ada@corp.example").await.unwrap().1,
        "verify",
    );
    verified_link(&mut ada, &token).await;
    let org = ada.current_organization().await;
    let mut squatter = app.client();
    sign_up_as(
        &mut squatter,
        "Not Hire",
        "new-hire@corp.example",
        "squatting here",
    )
    .await;
    let r = ada
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "new-hire@corp.example"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let invitation = r.json()["invitation"]["id"].as_str().unwrap().to_owned();

    assert_eq!(me(&mut squatter).await["pending_invitations"], json!(0));
    let r = squatter.call("get_my_invitations", &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("Confirm your email address first"),
        "{}",
        r.body
    );
    for function in ["accept_invitation", "decline_invitation"] {
        let r = squatter
            .call(function, &[("invitation_id", &invitation)])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{function}: {}", r.body);
    }
    let members = ada
        .call("get_organization_members", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(members["total"], json!(1), "{members}");

    // The invitation's own link reached the inbox: it works, and verifies the address.
    let (_, text) = last_email(&app, "new-hire@corp.example")
        .await
        .into_iter()
        .find(|(s, _)| s.contains("invited you"))
        .expect("the invitation email");
    let link = token_in(&text, "invite");
    let r = squatter
        .call("accept_invitation_link", &[("token", &link)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(me(&mut squatter).await["email_verified"], json!(true));
}

/// The real owner of an address that someone signed up with first: signing up says to reset
/// the password (and tells the owner by email); the reset link reaches the owner's inbox; the
/// new password ends the other holder's sessions and script sign-ins, and verifies the address.
async fn a_password_reset_takes_a_squatted_address_back(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut squatter = app.client();
    sign_up_as(
        &mut squatter,
        "Squatter",
        "owner@example.com",
        "squatter's password",
    )
    .await;
    let mut script = Script::new(&app);
    let signed = script
        .sign_in("owner@example.com", "squatter's password")
        .await;
    assert!(signed["idtoken"].is_string());
    let before = emails_to(&app, "owner@example.com").await;

    let mut owner = app.client();
    let r = sign_up_as(
        &mut owner,
        "Owner",
        "owner@example.com",
        "the owner's password",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("reset your password"), "{}", r.body);
    let (subject, text) = last_email(&app, "owner@example.com").await.unwrap();
    assert_eq!(
        subject,
        "Someone tried to create an orgspace account with your address"
    );
    assert!(text.contains("nothing changed"));
    assert_eq!(emails_to(&app, "owner@example.com").await, before + 1);

    // The same answer for an address without an account, and for a locked one.
    let r = owner
        .call("request_password_reset", &[("email", "nobody@example.com")])
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));
    assert_eq!(emails_to(&app, "nobody@example.com").await, 0);
    for i in 0..10 {
        let r = sign_in(
            &mut app.client(),
            "owner@example.com",
            &format!("guess {i}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = owner
        .call(
            "request_password_reset",
            &[("email", " Owner@Example.com ")],
        )
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));
    let (subject, text) = last_email(&app, "owner@example.com").await.unwrap();
    assert_eq!(subject, "Reset your orgspace password");
    let token = token_in(&text, "reset-password");

    // Opening the link changes nothing.
    let page = owner.get(&format!("/reset-password/{token}")).await;
    assert!(page.body.contains("Choose a new password"), "{}", page.body);
    let r = owner.call("get_reset_link", &[("token", &token)]).await;
    assert_eq!(
        r.json(),
        json!({ "Open": { "email": "owner@example.com" } })
    );
    assert!(me(&mut squatter).await.is_object(), "still signed in");
    // The new password follows the sign-up rules.
    let r = owner
        .call(
            "reset_password",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = owner
        .call(
            "reset_password",
            &[("token", &token), ("password", "the owner's password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The squatter's session and script are over; their password no longer works.
    assert_eq!(me(&mut squatter).await, Value::Null);
    let v = script
        .gql(
            "getOrganizations",
            "query { getOrganizations { organizationId } }",
            json!({}),
        )
        .await;
    assert_eq!(v["data"]["getOrganizations"], Value::Null, "{v}");
    let r = sign_in(
        &mut app.client(),
        "owner@example.com",
        "squatter's password",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    // The lockout of ten wrong guesses is lifted, and the address is the owner's now.
    let r = sign_in(&mut owner, "owner@example.com", "the owner's password").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(me(&mut owner).await["email_verified"], json!(true));
    // Once only.
    let r = app
        .client()
        .call(
            "reset_password",
            &[("token", &token), ("password", "yet another one")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already used"), "{}", r.body);
    // And it is in the audit log of the account's organization.
    let mut c = app.state.db.conn().await.unwrap();
    let events: i64 = db_run!(&mut c, x => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'account.password_reset'",
    )
    .fetch_one(x)
    .await)
    .unwrap();
    assert_eq!(events, 1);
}

async fn reset_requests_are_rate_limited_and_links_last_an_hour(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut ada = app.client();
    sign_up_as(&mut ada, "Ada", "ada@example.com", "a long password").await;
    let mut visitor = app.client();
    visitor.peer = Some("203.0.113.9:1".parse().unwrap());
    for _ in 0..3 {
        let r = visitor
            .call("request_password_reset", &[("email", "ada@example.com")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = visitor
        .call("request_password_reset", &[("email", "ada@example.com")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Per client too: ten requests (the refused one counted), then none.
    for i in 0..6 {
        let r = visitor
            .call(
                "request_password_reset",
                &[("email", &format!("x{i}@example.com"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = visitor
        .call("request_password_reset", &[("email", "y@example.com")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = visitor
        .call("request_password_reset", &[("email", "not an address")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let token = token_in(
        &last_email(&app, "ada@example.com").await.unwrap().1,
        "reset-password",
    );
    let mut c = app.state.db.conn().await.unwrap();
    let (created, expires): (Timestamp, Timestamp) = db_run!(&mut c, x => sqlx::query_as(
        "SELECT created_at, expires_at FROM account_links WHERE purpose = 'reset_password' AND used_at IS NULL",
    )
    .fetch_one(x)
    .await)
    .unwrap();
    assert_eq!(expires.unix_millis() - created.unix_millis(), 3_600_000);
    db_run!(&mut c, x => sqlx::query("UPDATE account_links SET expires_at = $1, created_at = $2 WHERE purpose = 'reset_password'")
        .bind(Timestamp::from_unix_millis(Timestamp::now().unix_millis() - 1))
        .bind(Timestamp::from_unix_millis(Timestamp::now().unix_millis() - 3_600_001))
        .execute(x)
        .await
        .map(|_| ()))
    .unwrap();
    let r = app
        .client()
        .call(
            "reset_password",
            &[("token", &token), ("password", "a new password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("expired"), "{}", r.body);
    let page = app.client().get(&format!("/reset-password/{token}")).await;
    assert!(
        page.body.contains("This reset link has expired"),
        "{}",
        page.body
    );
}

async fn a_new_address_takes_effect_once_its_link_is_opened(t: TestDb) {
    let app = TestApp::configured(&t, SMTP, |_| {}).await;
    let mut ada = app.client();
    sign_up_as(&mut ada, "Ada", "ada@old.example", "a long password").await;
    let mut bea = app.client();
    sign_up_as(&mut bea, "Bea", "bea@example.com", "a long password").await;
    let r = ada
        .call(
            "edit_profile",
            &[("name", "Ada Lovelace"), ("email", "bea@example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Another account uses that address"));
    let r = ada
        .call(
            "edit_profile",
            &[("name", "Ada Lovelace"), ("email", "Ada@New.example")],
        )
        .await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!(true)));
    let m = me(&mut ada).await;
    assert_eq!(
        (
            m["name"].clone(),
            m["email"].clone(),
            m["pending_email"].clone()
        ),
        (
            json!("Ada Lovelace"),
            json!("ada@old.example"),
            json!("ada@new.example")
        )
    );
    let (subject, _) = last_email(&app, "ada@old.example").await.unwrap();
    assert_eq!(subject, "Your orgspace address is about to change");
    let text = last_email(&app, "ada@new.example").await.unwrap().1;
    assert!(text.contains("keeps its current address"));
    let token = token_in(&text, "verify");
    let r = app
        .client()
        .call("get_email_link", &[("token", &token)])
        .await;
    assert_eq!(
        r.json(),
        json!({ "Open": { "email": "ada@new.example", "change": true } })
    );
    let r = verified_link(&mut app.client(), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m = me(&mut ada).await;
    assert_eq!(
        (m["email"].clone(), m["email_verified"].clone()),
        (json!("ada@new.example"), json!(true))
    );
    assert_eq!(m["pending_email"], Value::Null);
    // The members table finds her by her new name and address.
    let org = ada.current_organization().await;
    let r = ada
        .call(
            "get_organization_members",
            &[("organization_id", &org), ("search", "new.example")],
        )
        .await;
    assert_eq!(
        r.json()["members"][0]["name"],
        json!("Ada Lovelace"),
        "{}",
        r.body
    );
    // Signing in takes the new address, not the old.
    let r = sign_in(&mut app.client(), "ada@new.example", "a long password").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = sign_in(&mut app.client(), "ada@old.example", "a long password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

async fn the_operators_sign_up_policy_holds(t: TestDb) {
    let app = TestApp::configured(&t, None, |c| c.sign_up = SignUpPolicy::InviteOnly).await;
    // An empty instance can always get its first account.
    let r = app.client().call("get_sign_up_policy", &[]).await;
    assert_eq!(r.json(), json!("Open"));
    let mut ada = app.client();
    let r = sign_up_as(&mut ada, "Ada", "ada@example.com", "a long password").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.client().call("get_sign_up_policy", &[]).await;
    assert_eq!(r.json(), json!("InviteOnly"));
    let page = app.client().get("/signin").await;
    assert!(page.body.contains("Forgot password?"));
    assert!(
        page.body
            .contains("Accounts here are made through invitations."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Create an account"), "{}", page.body);
    let r = sign_up_as(
        &mut app.client(),
        "Eve",
        "eve@example.com",
        "a long password",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("made through invitations"), "{}", r.body);
    // An invitation's link still makes an account.
    let org = ada.current_organization().await;
    let r = ada
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "bob@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    let link = r.json()["link"].as_str().unwrap().to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    let mut bob = app.client();
    let r = bob
        .call(
            "sign_up_with_invitation",
            &[
                ("token", &token),
                ("name", "Bob"),
                ("password", "a long password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        me(&mut bob).await["email_verified"],
        json!(true),
        "the link proved the inbox"
    );

    // Domains: only those addresses sign up.
    let t2 = TestDb::sqlite().await;
    let app = TestApp::configured(&t2, None, |c| {
        c.sign_up = SignUpPolicy::parse("domains:example.com,example.org").unwrap()
    })
    .await;
    let r = sign_up_as(
        &mut app.client(),
        "Eve",
        "eve@evil.example",
        "a long password",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("Accounts here are for addresses at example.com or example.org."),
        "{}",
        r.body
    );
    let r = sign_up_as(
        &mut app.client(),
        "Ann",
        "ann@example.org",
        "a long password",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = app.client().get("/signup").await;
    assert!(
        page.body
            .contains("Accounts here are for addresses at example.com or example.org.")
    );
    let page = app.client().get("/signin").await;
    assert!(page.body.contains("Create an account"));
}

on_both_backends!(
    a_new_account_confirms_its_address_through_the_emailed_link,
    confirmation_links_expire_and_only_the_newest_works,
    an_unverified_account_sees_no_invitations_but_their_links_work,
    a_password_reset_takes_a_squatted_address_back,
    reset_requests_are_rate_limited_and_links_last_an_hour,
    a_new_address_takes_effect_once_its_link_is_opened,
    the_operators_sign_up_policy_holds,
);
