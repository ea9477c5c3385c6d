//! The audit log over HTTP, on both backends: every kind of change writes one event with its
//! actor, target, before and after, client address and way in (web, API, API key); nothing is
//! written for a refused change; only admins read it; filters by actor, action and dates;
//! pages; and the CSV export with the same filters.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb, script::Script};
use serde_json::{Value, json};

fn from(address: &str) -> Option<std::net::SocketAddr> {
    Some(std::net::SocketAddr::new(address.parse().unwrap(), 40000))
}

fn token_of(sent: &Value) -> String {
    let link = sent["link"].as_str().expect("a link");
    link.rsplit('/').next().unwrap().to_owned()
}

fn unique(name: &str) -> String {
    format!(
        "{}-{}@example.com",
        name.to_lowercase(),
        uuid::Uuid::now_v7().simple()
    )
}

async fn ok(client: &mut Client, function: &str, form: &[(&str, &str)]) -> Value {
    let r = client.call(function, form).await;
    assert_eq!(r.status, StatusCode::OK, "{function}: {}", r.body);
    if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

/// Someone who signs up through `token` (from `address`).
async fn join_through(app: &TestApp, token: &str, name: &str, address: &str) -> Client {
    let mut client = app.client();
    client.peer = from(address);
    ok(
        &mut client,
        "sign_up_with_invitation",
        &[
            ("token", token),
            ("name", name),
            ("password", "a long enough password"),
        ],
    )
    .await;
    client
}

async fn log(client: &mut Client, form: &[(&str, &str)]) -> (Value, Value) {
    let v = ok(client, "get_audit_log", form).await;
    (v[0].clone(), v[1].clone())
}

fn actions(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn user_id(client: &mut Client) -> String {
    client.me().await["id"].as_str().unwrap().to_owned()
}

async fn every_change_writes_one_event(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.peer = from("203.0.113.9");
    let (ada_email, _) = ada.sign_up("Ada", "Acme").await;
    let org = ada.current_organization().await;

    // Members: invite, resend, revoke, accept, decline, role changes, removal, leaving.
    let bob_email = unique("bob");
    let sent = ok(
        &mut ada,
        "add_organization_member",
        &[
            ("organization_id", &org),
            ("email", &bob_email),
            ("role", "member"),
        ],
    )
    .await;
    let bob_invitation = sent["invitation"]["id"].as_str().unwrap().to_owned();
    let sent = ok(
        &mut ada,
        "resend_organization_invitation",
        &[
            ("organization_id", &org),
            ("invitation_id", &bob_invitation),
        ],
    )
    .await;
    let mut bob = join_through(&app, &token_of(&sent), "Bob", "198.51.100.20").await;
    let bob_id = user_id(&mut bob).await;
    let carol = ok(
        &mut ada,
        "add_organization_member",
        &[
            ("organization_id", &org),
            ("email", &unique("carol")),
            ("role", "admin"),
        ],
    )
    .await;
    ok(
        &mut ada,
        "remove_organization_invitation",
        &[
            ("organization_id", &org),
            ("invitation_id", carol["invitation"]["id"].as_str().unwrap()),
        ],
    )
    .await;
    let mut erin = app.client();
    let (erin_email, _) = erin.sign_up("Erin", "Erin's").await;
    let to_erin = ok(
        &mut ada,
        "add_organization_member",
        &[
            ("organization_id", &org),
            ("email", &erin_email),
            ("role", "member"),
        ],
    )
    .await;
    ok(
        &mut erin,
        "decline_invitation",
        &[(
            "invitation_id",
            to_erin["invitation"]["id"].as_str().unwrap(),
        )],
    )
    .await;
    // The same role again (the last "member") changes nothing, and writes nothing.
    for to in ["admin", "member", "member"] {
        ok(
            &mut ada,
            "edit_organization_member",
            &[
                ("organization_id", &org),
                ("user_id", &bob_id),
                ("role", to),
            ],
        )
        .await;
    }

    // Limits and the organization.
    ok(
        &mut ada,
        "set_organization_limit",
        &[
            ("organization_id", &org),
            ("setting", "Members"),
            ("limit", "10"),
        ],
    )
    .await;
    ok(
        &mut ada,
        "edit_organization",
        &[("organization_id", &org), ("name", "Acme Labs")],
    )
    .await;

    // Workspaces, guests, channels.
    let lab = ok(
        &mut ada,
        "create_workspace",
        &[("organization_id", &org), ("name", "Lab")],
    )
    .await;
    let lab = lab.as_str().unwrap().to_owned();
    ok(
        &mut ada,
        "edit_workspace",
        &[
            ("workspace_id", &lab),
            ("name", "Lab 2"),
            ("description", "Tests"),
        ],
    )
    .await;
    ok(
        &mut ada,
        "set_workspace_limit",
        &[
            ("workspace_id", &lab),
            ("setting", "Guests"),
            ("limit", "3"),
        ],
    )
    .await;
    let to_gus = ok(
        &mut ada,
        "add_workspace_guest",
        &[("workspace_id", &lab), ("email", &unique("gus"))],
    )
    .await;
    let mut gus = join_through(&app, &token_of(&to_gus), "Gus", "198.51.100.30").await;
    let gus_id = user_id(&mut gus).await;
    ok(
        &mut ada,
        "remove_workspace_guest",
        &[("workspace_id", &lab), ("user_id", &gus_id)],
    )
    .await;
    let to_hal = ok(
        &mut ada,
        "add_workspace_guest",
        &[("workspace_id", &lab), ("email", &unique("hal"))],
    )
    .await;
    ok(
        &mut ada,
        "resend_workspace_invitation",
        &[
            ("workspace_id", &lab),
            (
                "invitation_id",
                to_hal["invitation"]["id"].as_str().unwrap(),
            ),
        ],
    )
    .await;
    ok(
        &mut ada,
        "remove_workspace_invitation",
        &[
            ("workspace_id", &lab),
            (
                "invitation_id",
                to_hal["invitation"]["id"].as_str().unwrap(),
            ),
        ],
    )
    .await;
    let news = ok(
        &mut ada,
        "add_channel",
        &[("organization_id", &org), ("name", "news")],
    )
    .await;
    let news = news.as_str().unwrap().to_owned();
    let disk = ok(
        &mut ada,
        "add_volume",
        &[("organization_id", &org), ("name", "disk")],
    )
    .await;
    ok(
        &mut ada,
        "set_workspace_channels",
        &[("workspace_id", &lab), ("channel_ids[]", &news)],
    )
    .await;
    ok(&mut ada, "remove_channel", &[("channel_id", &news)]).await;
    ok(
        &mut ada,
        "remove_volume",
        &[("volume_id", disk.as_str().unwrap())],
    )
    .await;

    // API keys: one limited to the organization, through the web.
    let key = ok(
        &mut ada,
        "create_api_key",
        &[
            ("name", "ci"),
            ("scope", &format!("organization:{org}")),
            ("expires", "30"),
        ],
    )
    .await;
    let key = key["key"].as_str().unwrap().to_owned();
    // The key makes a workspace through the API: the event says which key.
    let mut script = Script::with_key(&app, &key);
    script.client.peer = from("192.0.2.77");
    let made = script
        .gql(
            "createWorkspace",
            "mutation createWorkspace($organizationId: String!, $name: String!) {
                createWorkspace(organizationId: $organizationId, name: $name, channelIds: [], volumeIds: []) }",
            json!({ "organizationId": org, "name": "From CI" }),
        )
        .await;
    let from_ci = made["data"]["createWorkspace"]
        .as_str()
        .expect("made")
        .to_owned();
    ok(&mut ada, "delete_api_key", &[("name", "ci")]).await;
    ok(&mut ada, "delete_workspace", &[("workspace_id", &from_ci)]).await;

    // A refused change writes nothing: Bob is a member, not an admin.
    let r = bob
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "99"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Bob leaves; Ada removes nobody else.
    ok(
        &mut bob,
        "remove_organization_member",
        &[("organization_id", &org), ("user_id", &bob_id)],
    )
    .await;

    let (filter, page) = log(&mut ada, &[]).await;
    assert_eq!(filter["actor"], "");
    let mut seen = actions(&page);
    seen.reverse();
    assert_eq!(
        seen,
        [
            "invitation.sent",
            "invitation.resent",
            "invitation.accepted",
            "invitation.sent",
            "invitation.revoked",
            "invitation.sent",
            "invitation.declined",
            "member.role_changed",
            "member.role_changed",
            "limit.changed",
            "organization.renamed",
            "workspace.created",
            "workspace.edited",
            "limit.changed",
            "guest.invited",
            "invitation.accepted",
            "guest.removed",
            "guest.invited",
            "guest.invitation_resent",
            "guest.invitation_revoked",
            "channel.added",
            "volume.added",
            "workspace.channels_changed",
            "channel.removed",
            "volume.removed",
            "api_key.created",
            "workspace.created",
            "api_key.deleted",
            "workspace.deleted",
            "member.left",
        ]
    );
    let events = page["events"].as_array().unwrap();
    // Newest first.
    let times: Vec<i64> = events.iter().map(|e| e["at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    // Who did each: Ada, but for what Bob, Erin and Gus did themselves.
    let actors: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e["actor_name"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["Ada", "Bob", "Erin", "Gus"].into());
    assert!(
        events
            .iter()
            .all(|e| e["actor_name"] != "Ada" || e["actor_email"] == ada_email.as_str())
    );
    // Where each came from; the API key's event names the key, not the person's browser.
    let by_key = events
        .iter()
        .find(|e| e["via"].as_str().unwrap().starts_with("API key "))
        .expect("an event made with the key");
    assert_eq!(by_key["action"], "workspace.created");
    assert_eq!(by_key["target_label"], "From CI");
    assert_eq!(by_key["address"], "192.0.2.77");
    assert_eq!(by_key["via"], format!("API key {}", &key[..12]));
    let declined = events
        .iter()
        .find(|e| e["action"] == "invitation.declined")
        .unwrap();
    assert_eq!(declined["actor_name"], "Erin");
    assert_eq!(declined["target_label"], erin_email.as_str());
    let shared = events
        .iter()
        .find(|e| e["action"] == "workspace.channels_changed")
        .unwrap();
    assert_eq!(
        shared["change"],
        json!(["channels: none → news", "volumes: none → none"])
    );
    assert_eq!(shared["workspace_name"], "Lab 2");
    let deleted = events
        .iter()
        .find(|e| e["action"] == "workspace.deleted")
        .unwrap();
    assert_eq!(
        deleted["workspace_name"], "From CI",
        "named after it is gone"
    );
    let left = &events[0];
    assert_eq!(left["action"], "member.left");
    assert_eq!(left["change"], json!(["role was member"]));
    let limit = events
        .iter()
        .find(|e| e["action"] == "limit.changed")
        .unwrap();
    assert_eq!(limit["workspace_name"], "Lab 2");
    assert_eq!(limit["target_label"], "Guests");
}

async fn details_say_who_what_and_from_where(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.peer = from("2001:db8::7");
    let (ada_email, _) = ada.sign_up("Ada", "Acme").await;
    let org = ada.current_organization().await;
    let sent = ok(
        &mut ada,
        "add_organization_member",
        &[
            ("organization_id", &org),
            ("email", &unique("bob")),
            ("role", "member"),
        ],
    )
    .await;
    let mut bob = join_through(&app, &token_of(&sent), "Bob", "198.51.100.20").await;
    let bob_id = user_id(&mut bob).await;
    ok(
        &mut ada,
        "edit_organization_member",
        &[
            ("organization_id", &org),
            ("user_id", &bob_id),
            ("role", "admin"),
        ],
    )
    .await;
    let (_, page) = log(&mut ada, &[]).await;
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 3, "{page}");
    let promoted = &events[0];
    assert_eq!(promoted["action"], "member.role_changed");
    assert_eq!(promoted["actor_name"], "Ada");
    assert_eq!(promoted["actor_email"], ada_email.as_str());
    assert_eq!(promoted["target_kind"], "member");
    assert!(
        promoted["target_label"]
            .as_str()
            .unwrap()
            .starts_with("Bob <bob-"),
        "{promoted}"
    );
    assert_eq!(promoted["change"], json!(["role: member → admin"]));
    assert_eq!(promoted["address"], "2001:db8::7");
    assert_eq!(promoted["via"], "web");
    let accepted = &events[1];
    assert_eq!(accepted["action"], "invitation.accepted");
    assert_eq!(accepted["actor_name"], "Bob");
    assert_eq!(accepted["address"], "198.51.100.20");
    assert_eq!(accepted["change"], json!(["role: member"]));
    let invited = &events[2];
    assert_eq!(invited["action"], "invitation.sent");
    assert_eq!(invited["change"][0], "role: member");
    assert!(
        invited["change"][1]
            .as_str()
            .unwrap()
            .starts_with("expires: 20")
    );

    // Through the API with an access token: `api`.
    let mut script = Script::new(&app);
    script.client.peer = from("192.0.2.1");
    script
        .sign_in(&ada_email, "correct horse battery staple")
        .await;
    let v = script
        .gql(
            "editOrganization",
            "mutation editOrganization($organizationId: String!, $name: String!) {
                editOrganization(organizationId: $organizationId, name: $name) }",
            json!({ "organizationId": org, "name": "Acme API" }),
        )
        .await;
    assert!(v["errors"].is_null(), "{v}");
    let (_, page) = log(&mut ada, &[]).await;
    let renamed = &page["events"][0];
    assert_eq!(renamed["action"], "organization.renamed");
    assert_eq!(renamed["change"], json!(["name: Acme → Acme API"]));
    assert_eq!(renamed["via"], "api");
    assert_eq!(renamed["address"], "192.0.2.1");
}

async fn only_admins_read_it_and_filters_narrow_it(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    let (ada_email, _) = ada.sign_up("Ada", "Acme").await;
    let org = ada.current_organization().await;
    let sent = ok(
        &mut ada,
        "add_organization_member",
        &[
            ("organization_id", &org),
            ("email", &unique("bob")),
            ("role", "member"),
        ],
    )
    .await;
    let mut bob = join_through(&app, &token_of(&sent), "Bob", "198.51.100.20").await;
    let bob_email = bob.me().await["email"].as_str().unwrap().to_owned();
    ok(
        &mut bob,
        "create_workspace",
        &[("organization_id", &org), ("name", "Bob's")],
    )
    .await;

    // A member is refused; an outsider, and anyone with a made-up id, finds nothing.
    let r = bob.call("get_audit_log", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = bob
        .call("get_audit_log", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut eve = app.client();
    eve.sign_up("Eve", "Elsewhere").await;
    let r = eve
        .call("get_audit_log", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let missing = "0193f5c2-1111-7000-8000-000000000000";
    let r = eve
        .call("get_audit_log", &[("organization_id", missing)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.client().call("get_audit_log", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = bob.get("/audit/export.csv").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(!r.body.contains("invitation"), "{}", r.body);

    // By actor (any case), by action, by day.
    let (filter, page) = log(&mut ada, &[("actor", &bob_email.to_uppercase())]).await;
    assert_eq!(filter["actor"], bob_email.as_str());
    assert_eq!(actions(&page), ["workspace.created", "invitation.accepted"]);
    let (_, page) = log(&mut ada, &[("actor", &ada_email)]).await;
    assert_eq!(actions(&page), ["invitation.sent"]);
    let (_, page) = log(&mut ada, &[("action", "workspace.created")]).await;
    assert_eq!(actions(&page), ["workspace.created"]);
    let today = orgspace::timestamp::Timestamp::now().date_string();
    let (_, page) = log(&mut ada, &[("from", &today), ("to", &today)]).await;
    assert_eq!(page["events"].as_array().unwrap().len(), 3);
    let (_, page) = log(&mut ada, &[("to", "2020-01-01")]).await;
    assert_eq!(page["events"], json!([]));
    let (_, page) = log(&mut ada, &[("from", "2999-01-01")]).await;
    assert_eq!(page["events"], json!([]));

    // A filter that cannot be used says which part and why.
    for (field, value) in [
        ("action", "member.promoted"),
        ("from", "yesterday"),
        ("to", "2026-02-30"),
        ("before", "not-a-cursor"),
    ] {
        let r = ada.call("get_audit_log", &[(field, value)]).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
}

async fn pages_and_the_export_cover_every_event_once(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Acme").await;
    let org = ada.current_organization().await;
    // 120 limit changes: three pages of the log.
    for i in 0..120 {
        ok(
            &mut ada,
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", &(i % 2 + 10).to_string()),
            ],
        )
        .await;
    }
    // And one name that a spreadsheet would run as a formula.
    ok(
        &mut ada,
        "edit_organization",
        &[
            ("organization_id", &org),
            ("name", "=HYPERLINK(\"http://evil\")"),
        ],
    )
    .await;
    let mut ids = Vec::new();
    let mut before = String::new();
    let mut pages = 0;
    loop {
        let (_, page) = log(&mut ada, &[("before", &before)]).await;
        pages += 1;
        for e in page["events"].as_array().unwrap() {
            ids.push(e["id"].as_i64().unwrap());
        }
        match page["next"].as_str() {
            Some(next) => before = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 121);
    let mut unique_ids = ids.clone();
    unique_ids.dedup();
    assert_eq!(unique_ids.len(), 121, "no event twice");

    let r = ada.get("/audit/export.csv").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"audit-hyperlink-http-evil-"),
        "{disposition}"
    );
    let mut reader = csv::Reader::from_reader(r.body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "time");
    assert_eq!(&headers[3], "action");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 121);
    assert_eq!(&rows[0][3], "organization.renamed");
    assert_eq!(
        &rows[0][10],
        "{\"name\":\"=HYPERLINK(\\\"http://evil\\\")\"}"
    );
    assert_eq!(
        &rows[0][6], "'=HYPERLINK(\"http://evil\")",
        "defused for spreadsheets"
    );
    assert_eq!(&rows[1][3], "limit.changed");
    // With a filter: only what it selects.
    let r = ada
        .get(&format!(
            "/audit/export.csv?organization={org}&action=organization.renamed"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body.lines().count(), 2, "{}", r.body);
    // Compressed, as browsers ask for it: the whole stream arrives (the body ends cleanly).
    let compressed = ada
        .send(
            axum::http::Request::builder()
                .uri("/audit/export.csv")
                .header("host", "orgspace.test")
                .header("cookie", ada.cookie.clone().unwrap())
                .header("accept-encoding", "gzip, br")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(compressed.status, StatusCode::OK);
    assert!(
        compressed.header("content-encoding").is_some(),
        "{:?}",
        compressed.headers
    );
    let r = ada.get("/audit/export.csv?from=nope").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("YYYY-MM-DD"), "{}", r.body);
    let r = app.client().get("/audit/export.csv").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body, "Please sign in to continue.");
}

async fn the_page_renders_for_admins(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Acme").await;
    let org = ada.current_organization().await;
    ok(
        &mut ada,
        "set_organization_limit",
        &[
            ("organization_id", &org),
            ("setting", "Workspaces"),
            ("limit", "4"),
        ],
    )
    .await;
    let r = ada.get("/audit").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Audit log"), "{}", r.body);
    assert!(r.body.contains("Changed a limit"), "{}", r.body);
    assert!(r.body.contains("limit: 10 → 4"), "{}", r.body);
    assert!(r.body.contains("Export CSV"));
}

on_both_backends!(
    every_change_writes_one_event,
    details_say_who_what_and_from_where,
    only_admins_read_it_and_filters_narrow_it,
    pages_and_the_export_cover_every_event_once,
    the_page_renders_for_admins,
);
