//! Workspaces over HTTP, on both backends: creating within the Workspaces limit, editing and
//! deleting as a workspace admin, and refusals for everyone the role table refuses.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};
use serde_json::{Value, json};

async fn create(client: &mut Client, org: &str, name: &str) -> common::Response {
    client
        .call(
            "create_workspace",
            &[
                ("organization_id", org),
                ("name", name),
                ("description", "Where the work happens"),
            ],
        )
        .await
}

fn workspaces_of(me: &Value, org: &str) -> Vec<Value> {
    me["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org)
        .map(|o| o["workspaces"].as_array().unwrap().clone())
        .unwrap_or_default()
}

async fn members_create_workspaces_within_the_limit(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["workspaces=2"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;

    let r = create(&mut admin, &org, "  Research  ").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json();
    let me = admin.me().await;
    assert_eq!(
        me["current"]["workspace"], id,
        "the new workspace is current"
    );
    let research = workspaces_of(&me, &org)
        .into_iter()
        .find(|w| w["id"] == id)
        .unwrap();
    assert_eq!(research["name"], json!("Research"));
    assert_eq!(research["description"], json!("Where the work happens"));
    assert_eq!(research["role"], json!("admin"));

    // Bad input: clear errors, nothing stored.
    let r = create(&mut admin, &org, " ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["Validation"][0]["field"], json!("name"));
    let r = admin
        .call(
            "create_workspace",
            &[
                ("organization_id", &org),
                ("name", "Long"),
                ("description", &"x".repeat(1001)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["Validation"][0]["field"], json!("description"));

    // At the limit (Main + Research = 2): the typed refusal.
    let r = create(&mut admin, &org, "Third").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "Workspaces", "limit": 2, "usage": 2 } })
    );
    assert_eq!(workspaces_of(&admin.me().await, &org).len(), 2);
}

async fn concurrent_creations_never_overshoot_the_limit(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["workspaces=5"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let mut client = app.client();
        client.cookie = admin.cookie.clone();
        let org = org.clone();
        tasks.push(tokio::spawn(async move {
            create(&mut client, &org, &format!("Parallel {i}"))
                .await
                .status
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 4, "Main plus four make five");
    assert_eq!(workspaces_of(&admin.me().await, &org).len(), 5);
}

async fn names_are_unique_in_an_organization(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let r = create(&mut admin, &org, "Main").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["Validation"][0]["message"],
        json!("This organization already has a workspace named Main.")
    );
}

async fn workspace_admins_edit_and_delete(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = admin.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = create(&mut admin, &org, "Second").await.json();
    let second = second.as_str().unwrap().to_owned();

    let r = admin
        .call(
            "edit_workspace",
            &[
                ("workspace_id", &second),
                ("name", "Renamed"),
                ("description", "New words"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = admin
        .call(
            "edit_workspace",
            &[("workspace_id", &second), ("name", "Main")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let names: Vec<_> = workspaces_of(&admin.me().await, &org)
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Main", "Renamed"]);

    // Deleting the current workspace moves the user to another one of the organization.
    let r = admin
        .call("delete_workspace", &[("workspace_id", &second)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = admin.me().await;
    assert_eq!(me["current"]["workspace"], json!(main));
    assert_eq!(workspaces_of(&me, &org).len(), 1);
    // Deleting the last one leaves the organization current, without a workspace.
    let r = admin
        .call("delete_workspace", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = admin.me().await;
    assert_eq!(me["current"]["organization"], json!(org));
    assert!(me["current"]["workspace"].is_null(), "{me}");
}

async fn members_and_outsiders_are_refused(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = admin.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();

    // A member of the organization: creates, but neither edits nor deletes what is not theirs.
    let mut member = app.client();
    let (email, _) = member.sign_up("Grace", "Grace's own").await;
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", &email),
                ("role", "member"),
            ],
        )
        .await;
    let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
    member
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    for (function, args) in [
        (
            "edit_workspace",
            vec![("workspace_id", main.as_str()), ("name", "Mine now")],
        ),
        ("delete_workspace", vec![("workspace_id", main.as_str())]),
    ] {
        let r = member.call(function, &args).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "member {function}: {}",
            r.body
        );
    }
    let r = create(&mut member, &org, "Grace's corner").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // An outsider, with real ids and with ids that do not exist: the same "not found".
    let mut outsider = app.client();
    outsider.sign_up("Mallory", "Elsewhere").await;
    let missing = "0193f5c2-1111-7000-8000-000000000000";
    for (function, args, missing_args) in [
        (
            "create_workspace",
            vec![("organization_id", org.as_str()), ("name", "Taken")],
            vec![("organization_id", missing), ("name", "Taken")],
        ),
        (
            "edit_workspace",
            vec![("workspace_id", main.as_str()), ("name", "Taken")],
            vec![("workspace_id", missing), ("name", "Taken")],
        ),
        (
            "delete_workspace",
            vec![("workspace_id", main.as_str())],
            vec![("workspace_id", missing)],
        ),
    ] {
        let r = outsider.call(function, &args).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "outsider {function}: {}",
            r.body
        );
        let r2 = outsider.call(function, &missing_args).await;
        assert_eq!(
            (r2.status, r2.body),
            (r.status, r.body),
            "{function} leaks existence"
        );
    }
    // Not signed in.
    let mut anonymous = app.client();
    let r = anonymous
        .call("delete_workspace", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(workspaces_of(&admin.me().await, &org).len(), 2);
}

on_both_backends!(
    members_create_workspaces_within_the_limit,
    concurrent_creations_never_overshoot_the_limit,
    names_are_unique_in_an_organization,
    workspace_admins_edit_and_delete,
    members_and_outsiders_are_refused,
);
