//! Channels and volumes over HTTP, on both backends: the organization's registry within its
//! Managed Channels and Managed Volumes limits, sharing with workspaces by their admins, what
//! everyone in a workspace sees, and refusals for everyone the role table refuses.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};
use orgspace::{ids::WorkspaceId, roles::Role, timestamp::Timestamp};
use serde_json::{Value, json};

const MISSING: &str = "0193f5c2-1111-7000-8000-000000000000";

async fn add(client: &mut Client, kind: &str, org: &str, name: &str) -> common::Response {
    client
        .call(
            &format!("add_{kind}"),
            &[
                ("organization_id", org),
                ("name", name),
                ("description", "Where things flow"),
            ],
        )
        .await
}

/// Adds and answers the new id.
async fn added(client: &mut Client, kind: &str, org: &str, name: &str) -> String {
    let r = add(client, kind, org, name).await;
    assert_eq!(r.status, StatusCode::OK, "add {kind} {name}: {}", r.body);
    r.json().as_str().unwrap().to_owned()
}

async fn registry(client: &mut Client, org: &str) -> Value {
    let r = client
        .call("get_organization_channels", &[("organization_id", org)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "registry: {}", r.body);
    r.json()
}

fn names(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn share(
    client: &mut Client,
    workspace: &str,
    channels: &[&str],
    volumes: &[&str],
) -> common::Response {
    let mut form = vec![("workspace_id", workspace)];
    form.extend(channels.iter().map(|c| ("channel_ids[]", *c)));
    form.extend(volumes.iter().map(|v| ("volume_ids[]", *v)));
    client.call("set_workspace_channels", &form).await
}

async fn shared(client: &mut Client, workspace: &str) -> (Vec<String>, Vec<String>) {
    let r = client
        .call("get_channels", &[("workspace_id", workspace)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "get_channels: {}", r.body);
    let v = r.json();
    (names(&v["channels"]), names(&v["volumes"]))
}

async fn current_workspace(client: &mut Client) -> String {
    client.me().await["current"]["workspace"]
        .as_str()
        .expect("a current workspace")
        .to_owned()
}

/// A second user who joins `org` as a member.
async fn member_of(app: &TestApp, admin: &mut Client, org: &str, name: &str) -> Client {
    let mut member = app.client();
    let (email, _) = member.sign_up(name, &format!("{name}'s own")).await;
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", org),
                ("email", &email),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "invite: {}", r.body);
    let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
    let r = member
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "accept: {}", r.body);
    member
}

async fn members_add_and_remove_within_the_limits(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["managed_channels=2", "managed_volumes=1"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let mut member = member_of(&app, &mut admin, &org, "Grace").await;

    let news = added(&mut member, "channel", &org, "  news  ").await;
    added(&mut admin, "channel", &org, "Alerts").await;
    added(&mut member, "volume", &org, "Scratch").await;

    // The page's "2 of 2 channels": entries by name, with the limits they count against.
    let r = registry(&mut member, &org).await;
    assert_eq!(names(&r["channels"]["items"]), ["Alerts", "news"]);
    assert_eq!(r["channels"]["limit"], json!(2));
    assert_eq!(r["volumes"]["limit"], json!(1));
    assert_eq!(r["organization_name"], json!("Engines"));
    let first = &r["channels"]["items"][1];
    assert_eq!(first["id"], json!(news));
    assert_eq!(first["description"], json!("Where things flow"));
    assert_eq!(first["workspaces"], json!(0));
    // Without an id: the caller's current organization.
    let r = admin.call("get_organization_channels", &[]).await;
    assert_eq!(r.json()["organization"], json!(org));

    // At each limit: the typed refusal, and nothing stored.
    let r = add(&mut member, "channel", &org, "Third").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "ManagedChannels", "limit": 2, "usage": 2 } })
    );
    let r = add(&mut admin, "volume", &org, "Second").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "ManagedVolumes", "limit": 1, "usage": 1 } })
    );
    // The dashboard's meters count them too.
    let limits = admin
        .call("get_organization_limits", &[("organization_id", &org)])
        .await
        .json();
    let usage = |setting: &str| {
        limits["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["setting"] == setting)
            .map(|i| i["usage"].clone())
            .unwrap()
    };
    assert_eq!(usage("ManagedChannels"), json!(2.0));
    assert_eq!(usage("ManagedVolumes"), json!(1.0));

    // Removing one makes room again; the same id twice is not found.
    let r = member
        .call("remove_channel", &[("channel_id", &news)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = member
        .call("remove_channel", &[("channel_id", &news)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    added(&mut member, "channel", &org, "Third").await;
    let r = registry(&mut admin, &org).await;
    assert_eq!(names(&r["channels"]["items"]), ["Alerts", "Third"]);
}

async fn concurrent_additions_never_overshoot_the_limit(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["managed_volumes=5"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let mut client = app.client();
        client.cookie = admin.cookie.clone();
        let org = org.clone();
        tasks.push(tokio::spawn(async move {
            add(&mut client, "volume", &org, &format!("Parallel {i}"))
                .await
                .status
        }));
    }
    let mut added = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => added += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(added, 5);
    let r = registry(&mut admin, &org).await;
    assert_eq!(r["volumes"]["items"].as_array().unwrap().len(), 5);
}

async fn names_are_unique_and_bad_input_is_refused(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    added(&mut admin, "channel", &org, "News").await;

    let r = add(&mut admin, "channel", &org, " News ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["Validation"][0],
        json!({ "field": "name", "message": "This organization already has a channel named News." })
    );
    // A volume may share a channel's name: they are separate registries.
    added(&mut admin, "volume", &org, "News").await;

    let r = add(&mut admin, "volume", &org, "   ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["Validation"][0],
        json!({ "field": "name", "message": "Enter a volume name." })
    );
    let r = admin
        .call(
            "add_channel",
            &[
                ("organization_id", &org),
                ("name", &"n".repeat(101)),
                ("description", &"x".repeat(1001)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = r.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["name", "description"]);
    let r = admin
        .call(
            "add_channel",
            &[
                ("organization_id", &org),
                ("name", "Bell"),
                ("description", "ding\u{7}"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["Validation"][0]["field"], json!("description"));

    let r = registry(&mut admin, &org).await;
    assert_eq!(names(&r["channels"]["items"]), ["News"]);
    assert_eq!(names(&r["volumes"]["items"]), ["News"]);
}

async fn workspace_admins_share_and_everyone_in_the_workspace_sees(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&mut admin).await;
    let news = added(&mut admin, "channel", &org, "News").await;
    let alerts = added(&mut admin, "channel", &org, "Alerts").await;
    let scratch = added(&mut admin, "volume", &org, "Scratch").await;

    let nothing = shared(&mut admin, &main).await;
    assert_eq!(nothing, (vec![], vec![]));

    // Repeated form keys, as a plain form's checkboxes post them.
    let r = share(&mut admin, &main, &[&news, &alerts, &news], &[&scratch]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut member = member_of(&app, &mut admin, &org, "Grace").await;
    assert_eq!(
        shared(&mut member, &main).await,
        (vec!["Alerts".into(), "News".into()], vec!["Scratch".into()])
    );
    let r = registry(&mut member, &org).await;
    assert_eq!(r["channels"]["items"][0]["workspaces"], json!(1));

    // A guest of the workspace sees what it shares, but not the registry.
    let mut guest = app.client();
    guest.sign_up("Gus", "Gus's own").await;
    let guest_id = guest.me().await["id"].as_str().unwrap().parse().unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    orgspace::db::workspaces::grant(
        &mut tx,
        main.parse::<WorkspaceId>().unwrap(),
        guest_id,
        Role::Guest,
        Timestamp::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(shared(&mut guest, &main).await.0, ["Alerts", "News"]);
    let r = guest
        .call("get_organization_channels", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for (function, args) in [
        (
            "add_channel",
            vec![("organization_id", org.as_str()), ("name", "Mine")],
        ),
        ("remove_channel", vec![("channel_id", news.as_str())]),
        (
            "set_workspace_channels",
            vec![("workspace_id", main.as_str())],
        ),
    ] {
        let r = guest.call(function, &args).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "guest {function}: {}",
            r.body
        );
    }

    // The set replaces the old one; an empty form shares nothing.
    let r = share(&mut admin, &main, &[&alerts], &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        shared(&mut admin, &main).await,
        (vec!["Alerts".into()], vec![])
    );

    // A plain form (no JavaScript) goes back to the page without its dialog.
    let r = admin
        .submit(
            "set_workspace_channels",
            &[("workspace_id", &main), ("volume_ids[]", &scratch)],
            "http://orgspace.test/workspaces/x?tab=a&share",
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.header("location"), Some("/workspaces/x?tab=a"));
    assert_eq!(
        shared(&mut admin, &main).await,
        (vec![], vec!["Scratch".into()])
    );
    let r = share(&mut admin, &main, &[], &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(shared(&mut admin, &main).await, (vec![], vec![]));

    // Removing a shared channel takes it out of the workspaces that shared it.
    share(&mut admin, &main, &[&news, &alerts], &[]).await;
    let r = member
        .call("remove_channel", &[("channel_id", &news)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(shared(&mut guest, &main).await.0, ["Alerts"]);
    let r = member
        .call("remove_volume", &[("volume_id", &scratch)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn only_workspace_admins_share_and_only_their_organizations_entries(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&mut admin).await;
    let news = added(&mut admin, "channel", &org, "News").await;
    share(&mut admin, &main, &[&news], &[]).await;

    // A member of the organization is a member of the workspace, not its admin.
    let mut member = member_of(&app, &mut admin, &org, "Grace").await;
    let r = share(&mut member, &main, &[], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Another organization's channel, or one that does not exist: refused alike, nothing
    // changes.
    let mut other = app.client();
    other.sign_up("Olga", "Elsewhere").await;
    let other_org = other.current_organization().await;
    let foreign = added(&mut other, "channel", &other_org, "Theirs").await;
    let foreign_volume = added(&mut other, "volume", &other_org, "Theirs").await;
    let r = share(&mut admin, &main, &[&foreign], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r2 = share(&mut admin, &main, &[MISSING], &[]).await;
    assert_eq!((r2.status, r2.body), (r.status, r.body.clone()));
    assert_eq!(
        r.json()["Validation"][0]["field"],
        json!("channel_ids"),
        "{}",
        r.body
    );
    // The channels were fine, the volume was not: the channels are not applied either.
    let r = share(&mut admin, &main, &[], &[&foreign_volume]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(shared(&mut admin, &main).await.0, ["News"]);
    // Nor does an entry of the other organization answer to its ids from here.
    let r = admin
        .call("remove_channel", &[("channel_id", &foreign)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        names(&registry(&mut other, &other_org).await["channels"]["items"]),
        ["Theirs"]
    );
}

async fn outsiders_get_not_found_for_real_and_missing_ids(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&mut admin).await;
    let news = added(&mut admin, "channel", &org, "News").await;
    let scratch = added(&mut admin, "volume", &org, "Scratch").await;

    let mut outsider = app.client();
    outsider.sign_up("Mallory", "Elsewhere").await;
    for (function, args, missing_args) in [
        (
            "get_organization_channels",
            vec![("organization_id", org.as_str())],
            vec![("organization_id", MISSING)],
        ),
        (
            "add_channel",
            vec![("organization_id", org.as_str()), ("name", "Taken")],
            vec![("organization_id", MISSING), ("name", "Taken")],
        ),
        (
            "add_volume",
            vec![("organization_id", org.as_str()), ("name", "Taken")],
            vec![("organization_id", MISSING), ("name", "Taken")],
        ),
        (
            "remove_channel",
            vec![("channel_id", news.as_str())],
            vec![("channel_id", MISSING)],
        ),
        (
            "remove_volume",
            vec![("volume_id", scratch.as_str())],
            vec![("volume_id", MISSING)],
        ),
        (
            "get_channels",
            vec![("workspace_id", main.as_str())],
            vec![("workspace_id", MISSING)],
        ),
        (
            "set_workspace_channels",
            vec![
                ("workspace_id", main.as_str()),
                ("channel_ids[]", news.as_str()),
            ],
            vec![("workspace_id", MISSING), ("channel_ids[]", news.as_str())],
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
        .call("get_channels", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = anonymous.get("/channels").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.header("location"), Some("/signin?next=/channels"));

    // Nothing changed.
    let r = registry(&mut admin, &org).await;
    assert_eq!(names(&r["channels"]["items"]), ["News"]);
    assert_eq!(names(&r["volumes"]["items"]), ["Scratch"]);
}

async fn the_page_lists_the_registry_and_opens_its_dialogs(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["managed_channels=3"]).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let news = added(&mut admin, "channel", &org, "News").await;

    let r = admin.get("/channels").await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Channels and volumes",
        "1 of 3 channels",
        "0 of 10 volumes",
        "News",
        "Not shared",
        "No volumes yet.",
    ] {
        assert!(r.body.contains(text), "{text} missing from the page");
    }
    let r = admin.get("/channels?add=volume").await;
    assert!(r.body.contains("New volume"), "the add dialog");
    let r = admin.get(&format!("/channels?remove={news}")).await;
    assert!(r.body.contains("Remove News?"), "the remove dialog");
    assert!(r.body.contains("No workspace shares it."));

    // Without JavaScript: the form posts, and the browser comes back without the dialog.
    let r = admin
        .submit(
            "add_channel",
            &[("organization_id", &org), ("name", "Alerts")],
            "http://orgspace.test/channels?add=channel",
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.header("location"), Some("/channels"));
    assert!(
        admin
            .get("/channels")
            .await
            .body
            .contains("2 of 3 channels")
    );
}

on_both_backends!(
    members_add_and_remove_within_the_limits,
    concurrent_additions_never_overshoot_the_limit,
    names_are_unique_and_bad_input_is_refused,
    workspace_admins_share_and_everyone_in_the_workspace_sees,
    only_workspace_admins_share_and_only_their_organizations_entries,
    outsiders_get_not_found_for_real_and_missing_ids,
    the_page_lists_the_registry_and_opens_its_dialogs,
);
