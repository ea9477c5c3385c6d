//! Invitation links over HTTP, on both backends: opening changes nothing; accepting, declining
//! and signing up through a link; resent, revoked, used and expired links; the email outbox.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};
use orgspace::{db::outbox, db_run, email::sender, timestamp::Timestamp};
use serde_json::{Value, json};

/// Invites `email`; answers (invitation id, token).
async fn invite(admin: &mut Client, org: &str, email: &str, role: &str) -> (String, String) {
    let r = admin
        .call(
            "add_organization_member",
            &[("organization_id", org), ("email", email), ("role", role)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "invite {email}: {}", r.body);
    sent(&r.json())
}

fn sent(v: &Value) -> (String, String) {
    let link = v["link"].as_str().expect("a link").to_owned();
    let token = link
        .strip_prefix("http://orgspace.test/invite/")
        .unwrap_or_else(|| panic!("link under the public URL: {link}"))
        .to_owned();
    assert_eq!(token.len(), 43, "256 bits in base64url");
    (v["invitation"]["id"].as_str().unwrap().to_owned(), token)
}

async fn link(client: &mut Client, token: &str) -> Value {
    let r = client
        .call("get_invitation_link", &[("token", token)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// Signs up through an invitation link, with a good password.
async fn sign_up_through(client: &mut Client, token: &str, name: &str) -> common::Response {
    client
        .call(
            "sign_up_with_invitation",
            &[
                ("token", token),
                ("name", name),
                ("password", "a long enough password"),
            ],
        )
        .await
}

async fn pending_count(admin: &mut Client, org: &str) -> usize {
    let r = admin
        .call("get_organization_invites", &[("organization_id", org)])
        .await;
    r.json().as_array().unwrap().len()
}

async fn a_new_person_signs_up_through_the_link_and_joins_only_that_organization(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let (_, token) = invite(&mut admin, &org, "New.Person@Example.com", "admin").await;

    // Opening the link, twice, as a mail scanner would, changes nothing.
    let mut visitor = app.client();
    for _ in 0..2 {
        let page = visitor.get(&format!("/invite/{token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Join Engines"), "{}", page.body);
        assert!(page.body.contains("new.person@example.com"));
        assert_eq!(page.header("referrer-policy"), Some("same-origin"));
        assert_eq!(page.header("cache-control"), Some("no-store"));
    }
    assert_eq!(pending_count(&mut admin, &org).await, 1);
    let v = link(&mut visitor, &token).await;
    assert_eq!(v["Open"]["viewer"], json!("Anonymous"));
    assert_eq!(v["Open"]["details"]["organization_name"], json!("Engines"));
    assert_eq!(v["Open"]["details"]["role"], json!("admin"));
    assert_eq!(v["Open"]["details"]["invited_by"], json!("Ada"));

    // Bad input loses nothing: the link still works afterwards.
    let r = visitor
        .call(
            "sign_up_with_invitation",
            &[("token", &token), ("name", " "), ("password", "short")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields: Vec<_> = r.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["name", "password"]);
    assert_eq!(pending_count(&mut admin, &org).await, 1);

    let r = sign_up_through(&mut visitor, &token, "New Person").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = visitor.me().await;
    assert_eq!(me["email"], json!("new.person@example.com"));
    let orgs = me["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "no organization of their own: {me}");
    assert_eq!(orgs[0]["name"], json!("Engines"));
    assert_eq!(orgs[0]["role"], json!("admin"));
    assert_eq!(me["current"]["organization"], json!(org));
    assert_eq!(pending_count(&mut admin, &org).await, 0);

    // Used once: the link says so, and cannot be used again.
    let mut again = app.client();
    assert!(link(&mut again, &token).await.get("Used").is_some());
    let r = sign_up_through(&mut again, &token, "Someone").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("already been answered"), "{}", r.body);

    // The history shows it accepted.
    let history = admin
        .call(
            "get_organization_invitation_history",
            &[("organization_id", &org)],
        )
        .await
        .json();
    assert_eq!(history[0]["outcome"], json!("Accepted"));
    assert_eq!(history[0]["email"], json!("new.person@example.com"));
}

async fn signed_in_people_accept_decline_or_are_told_it_is_not_theirs(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let mut invitee = app.client();
    let (email, _) = invitee.sign_up("Grace", "Grace's own").await;
    let (_, token) = invite(&mut admin, &org, &email, "member").await;

    // Someone else, signed in: told so, and refused.
    let mut other = app.client();
    let (other_email, _) = other.sign_up("Alan", "Alan's own").await;
    let v = link(&mut other, &token).await;
    assert_eq!(
        v["Open"]["viewer"],
        json!({ "SomeoneElse": { "email": other_email } })
    );
    let r = other
        .call("accept_invitation_link", &[("token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = other
        .call("decline_invitation_link", &[("token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The invitee, by contrast, accepts.
    assert_eq!(
        link(&mut invitee, &token).await["Open"]["viewer"],
        json!("Invitee")
    );
    let r = invitee
        .call("accept_invitation_link", &[("token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = invitee.me().await;
    assert_eq!(me["current"]["organization"], json!(org));
    assert_eq!(me["organizations"].as_array().unwrap().len(), 2);

    // Declining another invitation: it ends, and nobody joins.
    let mut third = app.client();
    let (third_email, _) = third.sign_up("Barbara", "Barbara's own").await;
    let (_, token) = invite(&mut admin, &org, &third_email, "member").await;
    let r = third
        .call("decline_invitation_link", &[("token", &token)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(link(&mut third, &token).await.get("Used").is_some());
    assert_eq!(
        third.me().await["organizations"].as_array().unwrap().len(),
        1
    );
    let history = admin
        .call(
            "get_organization_invitation_history",
            &[("organization_id", &org)],
        )
        .await
        .json();
    assert_eq!(history[0]["outcome"], json!("Declined"));

    // Without JavaScript, accepting redirects to the dashboard.
    let mut fourth = app.client();
    let (fourth_email, _) = fourth.sign_up("Edsger", "Edsger's own").await;
    let (_, token) = invite(&mut admin, &org, &fourth_email, "member").await;
    let r = fourth
        .submit(
            "accept_invitation_link",
            &[("token", &token)],
            &format!("http://orgspace.test/invite/{token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.header("location"), Some("/"));
}

async fn resent_revoked_expired_and_unknown_links_say_so(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let mut visitor = app.client();

    // Resending replaces the link: the old one is dead at once.
    let (id, old) = invite(&mut admin, &org, "late@example.com", "member").await;
    let r = admin
        .call(
            "resend_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (same_id, new) = sent(&r.json());
    assert_eq!(same_id, id);
    assert_ne!(new, old);
    assert_eq!(link(&mut visitor, &old).await, json!("Unknown"));
    assert!(link(&mut visitor, &new).await.get("Open").is_some());
    assert_eq!(pending_count(&mut admin, &org).await, 1);

    // Revoked.
    let r = admin
        .call(
            "remove_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(link(&mut visitor, &new).await.get("Revoked").is_some());
    let r = sign_up_through(&mut visitor, &new, "Late").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("withdrawn"), "{}", r.body);

    // Expired (moved into the past in the database).
    let (expired_id, expired) = invite(&mut admin, &org, "slow@example.com", "member").await;
    let mut c = app.state.db.conn().await.unwrap();
    let id: uuid::Uuid = expired_id.parse().unwrap();
    db_run!(&mut c, x => sqlx::query(
        "UPDATE invitations SET created_at = $2, expires_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(Timestamp::from_unix_millis(1_000))
    .bind(Timestamp::from_unix_millis(2_000))
    .execute(x)
    .await
    .map(|_| ()))
    .unwrap();
    assert!(link(&mut visitor, &expired).await.get("Expired").is_some());
    let page = visitor.get(&format!("/invite/{expired}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("This invitation has expired"),
        "{}",
        page.body
    );
    // ...and resending revives it with a new link.
    let r = admin
        .call(
            "resend_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &expired_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, revived) = sent(&r.json());
    assert!(link(&mut visitor, &revived).await.get("Open").is_some());

    // Unknown and malformed tokens: the same clear answer, never an error.
    for token in [
        "A".repeat(43),
        "nonsense".to_owned(),
        "../../etc/passwd".to_owned(),
        "é".repeat(50),
        String::new(),
    ] {
        assert_eq!(
            link(&mut visitor, &token).await,
            json!("Unknown"),
            "{token}"
        );
    }
    let page = visitor.get(&format!("/invite/{}", "A".repeat(43))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("This invitation link is not valid"));
}

async fn acceptance_over_the_members_limit_is_refused(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["members=2"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let (_, first) = invite(&mut admin, &org, "first@example.com", "member").await;
    // The admin lowers the limit to what is already used: the pending invitation can no longer
    // be accepted.
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut visitor = app.client();
    let r = sign_up_through(&mut visitor, &first, "First").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "Members", "limit": 1, "usage": 2 } })
    );
    // Nothing was created: the invitation is still open, and no account exists.
    assert!(link(&mut visitor, &first).await.get("Open").is_some());
    assert!(visitor.call("get_me", &[]).await.json().is_null());
}

async fn invitations_queue_their_email_and_the_outbox_survives_a_mail_server_outage(t: TestDb) {
    // Port 9 (discard) refuses connections here: the mail server is "down".
    let app = TestApp::with_smtp(&t, "smtp://127.0.0.1:9").await;
    let mut admin = app.client();
    admin.sign_up("Ada Lovelace", "Engines & Co").await;
    let org = admin.current_organization().await;
    let (_, token) = invite(&mut admin, &org, "grace@example.com", "member").await;

    let mut c = app.state.db.conn().await.unwrap();
    // Besides the admin's own address confirmation, queued at sign-up.
    let invitations_in = |all: Vec<outbox::EmailRecord>| -> Vec<outbox::EmailRecord> {
        all.into_iter()
            .filter(|e| e.recipient == "grace@example.com")
            .collect()
    };
    let queued = invitations_in(outbox::due(&mut c, Timestamp::now(), 10).await.unwrap());
    assert_eq!(queued.len(), 1);
    let email = &queued[0];
    assert_eq!(email.recipient, "grace@example.com");
    assert_eq!(
        email.subject,
        "Ada Lovelace invited you to Engines & Co on orgspace"
    );
    assert!(
        email
            .body_text
            .contains(&format!("http://orgspace.test/invite/{token}"))
    );
    assert!(email.body_text.contains("as a member"));
    assert!(email.body_html.contains("Engines &amp; Co"));

    // The server is down: the attempt fails, the email stays, retried later.
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(9)
            .build();
    let from = "orgspace <noreply@orgspace.test>".parse().unwrap();
    assert_eq!(
        sender::pass(&app.state.db, &transport, &from)
            .await
            .unwrap(),
        0
    );
    assert!(
        outbox::due(&mut c, Timestamp::now(), 10)
            .await
            .unwrap()
            .is_empty(),
        "backing off"
    );
    let later = Timestamp::from_unix_millis(Timestamp::now().unix_millis() + 3_600_000);
    let retried = invitations_in(outbox::due(&mut c, later, 10).await.unwrap());
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 1);

    // A resend queues a second email, with the new link.
    let r = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await;
    let invitation = r.json()[0]["id"].as_str().unwrap().to_owned();
    let r = admin
        .call(
            "resend_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &invitation)],
        )
        .await;
    let (_, new) = sent(&r.json());
    let all = invitations_in(outbox::due(&mut c, later, 10).await.unwrap());
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|e| e.body_text.contains(&new)));
}

/// A new account for `name`, made a member of `org` with `role` through an invitation it
/// accepted; answers it with its user id.
async fn member(
    app: &TestApp,
    admin: &mut Client,
    org: &str,
    name: &str,
    role: &str,
) -> (Client, String) {
    let mut user = app.client();
    let (email, _) = user.sign_up(name, &format!("{name}'s own")).await;
    let (id, _) = invite(admin, org, &email, role).await;
    let r = user
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user_id = user.me().await["id"].as_str().unwrap().to_owned();
    (user, user_id)
}

/// The review's hole: a member invited their own other address, was removed, and came back
/// through that link. What someone sent dies when they lose the right to send it: removed or
/// gone, everything they sent to the organization and its workspaces; no longer an admin,
/// their invitations to join as one. Each revocation is in the audit log, with why.
async fn invitations_die_with_their_senders_right_to_send_them(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Engines").await;
    let org = ada.current_organization().await;
    let mut visitor = app.client();

    let (mut mel, mel_id) = member(&app, &mut ada, &org, "Mel", "member").await;
    let (_, back_door) = invite(&mut mel, &org, "mel.other@example.com", "member").await;
    let guest_door = guest_invitation(&app, &mut mel, "mel.guest@example.com").await;
    let (mut bob, bob_id) = member(&app, &mut ada, &org, "Bob", "admin").await;
    let (_, admin_link) = invite(&mut bob, &org, "new.admin@example.com", "admin").await;
    let (_, member_link) = invite(&mut bob, &org, "new.member@example.com", "member").await;
    let (_, adas_own) = invite(&mut ada, &org, "ada.friend@example.com", "admin").await;
    for token in [&back_door, &guest_door, &admin_link, &member_link] {
        assert!(link(&mut visitor, token).await.get("Open").is_some());
    }

    let r = ada
        .call(
            "remove_organization_member",
            &[
                ("organization_id", org.as_str()),
                ("user_id", mel_id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for token in [&back_door, &guest_door] {
        assert!(link(&mut visitor, token).await.get("Revoked").is_some());
    }
    let r = sign_up_through(&mut visitor, &back_door, "Mel again").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("withdrawn"), "{}", r.body);

    // Demoted, Bob's invitation to join as an admin dies; his member invitation stays.
    let r = ada
        .call(
            "edit_organization_member",
            &[
                ("organization_id", org.as_str()),
                ("user_id", bob_id.as_str()),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        link(&mut visitor, &admin_link)
            .await
            .get("Revoked")
            .is_some()
    );
    assert!(link(&mut visitor, &member_link).await.get("Open").is_some());
    // Gone of his own accord, the rest of what he sent goes too.
    let r = bob
        .call(
            "remove_organization_member",
            &[
                ("organization_id", org.as_str()),
                ("user_id", bob_id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        link(&mut visitor, &member_link)
            .await
            .get("Revoked")
            .is_some()
    );
    // What the admin who stays sent is untouched.
    assert!(link(&mut visitor, &adas_own).await.get("Open").is_some());

    let mut c = app.state.db.conn().await.unwrap();
    let org_id: uuid::Uuid = org.parse().unwrap();
    let reasons: Vec<(String, String)> = db_run!(&mut c, x => sqlx::query_as(
        "SELECT action, after FROM audit_events
         WHERE organization_id = $1 AND action IN ('invitation.revoked', 'guest.invitation_revoked')
         ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(x)
    .await)
    .unwrap();
    let gone = r#"{"reason":"its sender is no longer a member"}"#;
    let demoted = r#"{"reason":"its sender is no longer an admin"}"#;
    let mut expected = vec![
        ("invitation.revoked".to_owned(), gone.to_owned()),
        ("guest.invitation_revoked".to_owned(), gone.to_owned()),
    ];
    expected.sort();
    let mut first_two = reasons[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, expected, "{reasons:?}");
    assert_eq!(
        reasons[2..].to_vec(),
        [
            ("invitation.revoked".to_owned(), demoted.to_owned()),
            ("invitation.revoked".to_owned(), gone.to_owned()),
        ],
        "{reasons:?}"
    );
}

on_both_backends!(
    invitations_die_with_their_senders_right_to_send_them,
    a_new_person_signs_up_through_the_link_and_joins_only_that_organization,
    signed_in_people_accept_decline_or_are_told_it_is_not_theirs,
    resent_revoked_expired_and_unknown_links_say_so,
    acceptance_over_the_members_limit_is_refused,
    invitations_queue_their_email_and_the_outbox_survives_a_mail_server_outage,
    workspace_guests_join_through_the_same_link_within_the_guests_limit,
    opening_a_link_by_head_changes_nothing_and_no_smtp_means_no_email,
);

/// Invites `email` as a guest of the admin's current workspace; answers the link's token.
async fn guest_invitation(_app: &TestApp, admin: &mut Client, email: &str) -> String {
    let workspace = admin.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = admin
        .call(
            "add_workspace_guest",
            &[("workspace_id", &workspace), ("email", email)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "invite guest {email}: {}", r.body);
    sent(&r.json()).1
}

async fn workspace_guests_join_through_the_same_link_within_the_guests_limit(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let workspace = admin.me().await["current"]["workspace"].clone();

    // A new person signs up through a guest link: a guest of that workspace only.
    let token = guest_invitation(&app, &mut admin, "guest@example.com").await;
    let mut visitor = app.client();
    let v = link(&mut visitor, &token).await;
    assert_eq!(v["Open"]["details"]["workspace_name"], json!("Main"));
    assert_eq!(v["Open"]["details"]["role"], json!("guest"));
    let page = visitor.get(&format!("/invite/{token}")).await;
    assert!(
        page.body.contains("Join the Main workspace of Engines"),
        "{}",
        page.body
    );
    let r = sign_up_through(&mut visitor, &token, "Guest").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = visitor.me().await;
    let orgs = me["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "{me}");
    assert_eq!(orgs[0]["role"], json!("guest"));
    assert_eq!(me["current"]["workspace"], workspace);
    // A guest reaches nothing of the organization but the workspace.
    let r = visitor
        .call("get_organization_members", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Over the Guests limit (lowered to the one guest there is after the invitation was
    // sent), acceptance is refused.
    let token = guest_invitation(&app, &mut admin, "second@example.com").await;
    let r = admin
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", workspace.as_str().unwrap()),
                ("setting", "Guests"),
                ("limit", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut second = app.client();
    let r = sign_up_through(&mut second, &token, "Second").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "Guests", "limit": 1, "usage": 2 } })
    );
    assert!(second.call("get_me", &[]).await.json().is_null());

    // Someone already in the workspace (inviting them is refused, but they may have joined
    // since an invitation was sent) is told so, and accepting changes nothing for them.
    let admin_email = admin.me().await["email"].as_str().unwrap().to_owned();
    let own = guest_invitation_through_the_data_layer(&app, &mut admin, &admin_email).await;
    assert_eq!(
        link(&mut admin, &own).await["Open"]["viewer"],
        json!("AlreadyIn")
    );
    let r = admin
        .call("accept_invitation_link", &[("token", &own)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = admin.me().await;
    assert_eq!(me["organizations"][0]["role"], json!("admin"));
}

async fn opening_a_link_by_head_changes_nothing_and_no_smtp_means_no_email(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "x@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    let v = r.json();
    assert_eq!(v["emailed"], json!(false), "no SMTP configured");
    let (_, token) = sent(&v);
    let mut c = app.state.db.conn().await.unwrap();
    assert!(
        outbox::due(&mut c, Timestamp::now(), 10)
            .await
            .unwrap()
            .is_empty()
    );

    let mut visitor = app.client();
    let request = axum::http::Request::builder()
        .method("HEAD")
        .uri(format!("/invite/{token}"))
        .header("host", "orgspace.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = visitor.send(request).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
    assert!(link(&mut visitor, &token).await.get("Open").is_some());
    assert_eq!(pending_count(&mut admin, &org).await, 1);
}

/// A guest invitation to a workspace, made through the data layer, for what the server
/// functions refuse to make; answers its token.
async fn guest_invitation_through_the_data_layer(
    app: &TestApp,
    admin: &mut Client,
    email: &str,
) -> String {
    use orgspace::{
        db::invitations::{self, NewInvitation},
        ids::{InvitationId, OrganizationId, UserId, WorkspaceId},
        roles::Role,
        token,
    };
    let me = admin.me().await;
    let org: OrganizationId = me["current"]["organization"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let ws: WorkspaceId = me["current"]["workspace"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let inviter: UserId = me["id"].as_str().unwrap().parse().unwrap();
    let token = token::generate().unwrap();
    let now = Timestamp::now();
    let mut tx = app.state.db.begin().await.unwrap();
    invitations::create(
        &mut tx,
        NewInvitation {
            id: InvitationId::new(),
            organization: org,
            workspace: Some(ws),
            email,
            role: Role::Guest,
            token_hash: &token.hash,
            invited_by: inviter,
            now,
            expires_at: Timestamp::from_unix_millis(now.unix_millis() + 86_400_000),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    token.raw
}
