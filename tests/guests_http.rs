//! Workspace guests and workspace limits over HTTP, on both backends: inviting guests through
//! the invitation flow, what a guest can and cannot reach, removing and revoking, the Guests
//! limit at invite and at accept, and refusals of every workspace server function for guests,
//! members, outsiders and missing ids.

mod common;

use axum::http::StatusCode;
use common::{Client, Response, TestApp, TestDb};
use serde_json::{Value, json};

const MISSING: &str = "0193f5c2-1111-7000-8000-000000000000";

/// The token of a link an invitation answer carries.
fn token_of(sent: &Value) -> String {
    let link = sent["link"].as_str().expect("a link");
    link.rsplit('/').next().unwrap().to_owned()
}

async fn invite_guest(client: &mut Client, workspace: &str, email: &str) -> Response {
    client
        .call(
            "add_workspace_guest",
            &[("workspace_id", workspace), ("email", email)],
        )
        .await
}

/// A new person who signs up through `token`.
async fn join_through(app: &TestApp, token: &str, name: &str) -> Client {
    let mut client = app.client();
    let r = client
        .call(
            "sign_up_with_invitation",
            &[
                ("token", token),
                ("name", name),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "sign up through a link: {}",
        r.body
    );
    client
}

/// A new member of the organization (invited by `admin`, signed up through the link).
async fn new_member(app: &TestApp, admin: &mut Client, org: &str, name: &str) -> Client {
    let email = format!(
        "{}-{}@example.com",
        name.to_lowercase(),
        uuid::Uuid::now_v7().simple()
    );
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
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    join_through(app, &token_of(&r.json()), name).await
}

/// A new guest of `workspace` (invited by `inviter`, signed up through the link).
async fn new_guest(app: &TestApp, inviter: &mut Client, workspace: &str, name: &str) -> Client {
    let email = format!(
        "{}-{}@example.com",
        name.to_lowercase(),
        uuid::Uuid::now_v7().simple()
    );
    let r = invite_guest(inviter, workspace, &email).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    join_through(app, &token_of(&r.json()), name).await
}

fn current_workspace(me: &Value) -> String {
    me["current"]["workspace"].as_str().unwrap().to_owned()
}

async fn list(client: &mut Client, function: &str, workspace: &str) -> Vec<Value> {
    let r = client.call(function, &[("workspace_id", workspace)]).await;
    assert_eq!(r.status, StatusCode::OK, "{function}: {}", r.body);
    r.json().as_array().unwrap().clone()
}

async fn members_invite_guests_who_reach_only_their_workspace(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&admin.me().await);
    let r = admin
        .call(
            "create_workspace",
            &[("organization_id", &org), ("name", "Secret")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r.json().as_str().unwrap().to_owned();

    // A member (not an admin of Main) invites a guest to Main.
    let mut member = new_member(&app, &mut admin, &org, "Grace").await;
    let r = invite_guest(&mut member, &main, "  Guest@Example.com ").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sent = r.json();
    assert_eq!(sent["invitation"]["email"], json!("guest@example.com"));
    assert_eq!(sent["invitation"]["role"], json!("guest"));
    let first_token = token_of(&sent);
    let pending = list(&mut admin, "get_workspace_invites", &main).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["invited_by"], json!("Grace"));
    // Guest invitations are not the organization's member invitations.
    let r = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await;
    assert_eq!(r.json(), json!([]));

    // Twice, to someone already inside, or to a bad address: a clear error, nothing stored.
    for (email, message) in [
        (
            "guest@example.com",
            "An invitation to guest@example.com is already pending.",
        ),
        (
            "not an email",
            "Enter an email address like name@example.com.",
        ),
    ] {
        let r = invite_guest(&mut member, &main, email).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email}: {}",
            r.body
        );
        assert_eq!(r.json()["Validation"][0]["field"], json!("email"));
        if email != "not an email" {
            assert_eq!(r.json()["Validation"][0]["message"], json!(message));
        }
    }
    let admin_email = admin.me().await["email"].as_str().unwrap().to_owned();
    let r = invite_guest(&mut member, &main, &admin_email).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["Validation"][0]["message"],
        json!(format!("{admin_email} can already open this workspace."))
    );
    assert_eq!(
        list(&mut admin, "get_workspace_invites", &main).await.len(),
        1
    );

    // Resending makes a new link; the old one stops working.
    let id = pending[0]["id"].as_str().unwrap().to_owned();
    let r = member
        .call(
            "resend_workspace_invitation",
            &[("workspace_id", &main), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = token_of(&r.json());
    assert_ne!(token, first_token);
    let mut visitor = app.client();
    let r = visitor
        .call("get_invitation_link", &[("token", &first_token)])
        .await;
    assert_eq!(r.json(), json!("Unknown"));

    // The guest signs up through the link: a guest of Main, and of nothing else.
    let mut guest = join_through(&app, &token, "Gus").await;
    let me = guest.me().await;
    let orgs = me["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "{me}");
    assert_eq!(orgs[0]["role"], json!("guest"));
    let workspaces = orgs[0]["workspaces"].as_array().unwrap();
    assert_eq!(
        workspaces.len(),
        1,
        "only the workspace they are a guest of: {me}"
    );
    assert_eq!(workspaces[0]["id"], json!(main));
    assert_eq!(workspaces[0]["role"], json!("guest"));
    assert_eq!(current_workspace(&me), main);
    let guests = list(&mut member, "get_workspace_guests", &main).await;
    assert_eq!(guests.len(), 1);
    assert_eq!(guests[0]["name"], json!("Gus"));
    assert_eq!(guests[0]["email"], json!("guest@example.com"));
    assert!(
        list(&mut admin, "get_workspace_invites", &main)
            .await
            .is_empty()
    );

    // The channels and volumes of their workspace, which they may not choose; not another's.
    let r = guest.call("get_channels", &[("workspace_id", &main)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["can_share"], json!(false));
    let r = admin.call("get_channels", &[("workspace_id", &main)]).await;
    assert_eq!(r.json()["can_share"], json!(true));
    let r = guest
        .call("get_channels", &[("workspace_id", &secret)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The dashboard shows the guest only their workspace, and no member count.
    let r = guest.call("get_dashboard", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.json();
    assert_eq!(d["role"], json!("guest"));
    assert!(d["member_count"].is_null(), "{d}");
    let shown: Vec<&Value> = d["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["id"])
        .collect();
    assert_eq!(shown, vec![&json!(main)]);

    // Nothing else of the organization: members, limits, invitations, other workspaces.
    for (function, args) in [
        (
            "get_organization_members",
            vec![("organization_id", org.as_str())],
        ),
        (
            "get_organization_limits",
            vec![("organization_id", org.as_str())],
        ),
        (
            "get_organization_invites",
            vec![("organization_id", org.as_str())],
        ),
        (
            "get_workspace_guests",
            vec![("workspace_id", main.as_str())],
        ),
        (
            "get_workspace_invites",
            vec![("workspace_id", main.as_str())],
        ),
        (
            "get_workspace_limits",
            vec![("workspace_id", main.as_str())],
        ),
        (
            "add_workspace_guest",
            vec![("workspace_id", main.as_str()), ("email", "x@example.com")],
        ),
        (
            "create_workspace",
            vec![("organization_id", org.as_str()), ("name", "Mine")],
        ),
        (
            "edit_workspace",
            vec![("workspace_id", main.as_str()), ("name", "Ours")],
        ),
        ("delete_workspace", vec![("workspace_id", main.as_str())]),
    ] {
        let r = guest.call(function, &args).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "guest {function}: {}",
            r.body
        );
    }
    for (function, args) in [
        ("switch_workspace", vec![("workspace_id", secret.as_str())]),
        (
            "get_workspace_limits",
            vec![("workspace_id", secret.as_str())],
        ),
        (
            "edit_workspace",
            vec![("workspace_id", secret.as_str()), ("name", "Ours")],
        ),
    ] {
        let r = guest.call(function, &args).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "guest {function} Secret: {}",
            r.body
        );
    }
    let page = guest.get("/members").await;
    assert!(
        page.body
            .contains("As a guest, you see only the workspaces you were invited to."),
        "{}",
        page.body
    );

    // Removing the guest ends their access at their next request.
    let guest_id = guests[0]["user_id"].as_str().unwrap().to_owned();
    let r = member
        .call(
            "remove_workspace_guest",
            &[("workspace_id", &main), ("user_id", &guest_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = guest
        .call("switch_workspace", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(guest.me().await["organizations"], json!([]));
    assert!(
        list(&mut admin, "get_workspace_guests", &main)
            .await
            .is_empty()
    );
    // Again, or a member who is no guest: not found, and the member keeps their access.
    let member_id = member.me().await["id"].as_str().unwrap().to_owned();
    for user in [&guest_id, &member_id] {
        let r = admin
            .call(
                "remove_workspace_guest",
                &[("workspace_id", &main), ("user_id", user)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
    assert_eq!(
        list(&mut member, "get_workspace_guests", &main).await.len(),
        0
    );
}

async fn invited_people_with_an_account_answer_in_the_app_and_revoked_links_die(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let main = current_workspace(&admin.me().await);
    let mut bob = app.client();
    let (bob_email, _) = bob.sign_up("Bob", "Bob's own").await;

    let r = invite_guest(&mut admin, &main, &bob_email).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = bob.me().await;
    assert_eq!(me["pending_invitations"], json!(1));
    let r = bob.call("get_my_invitations", &[]).await;
    let mine = r.json();
    assert_eq!(mine[0]["organization_name"], json!("Engines"));
    assert_eq!(mine[0]["workspace_name"], json!("Main"));
    assert_eq!(mine[0]["role"], json!("guest"));
    let r = bob
        .call(
            "accept_invitation",
            &[("invitation_id", mine[0]["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = bob.me().await;
    assert_eq!(
        current_workspace(&me),
        main,
        "the workspace becomes current"
    );
    let engines = me["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Engines")
        .cloned()
        .unwrap();
    assert_eq!(engines["role"], json!("guest"));

    // A revoked guest invitation's link answers "revoked"; declining works in the app too.
    let r = invite_guest(&mut admin, &main, "carol@example.com").await;
    let token = token_of(&r.json());
    let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
    let r = admin
        .call(
            "remove_workspace_invitation",
            &[("workspace_id", &main), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .client()
        .call("get_invitation_link", &[("token", &token)])
        .await;
    assert!(r.json().get("Revoked").is_some(), "{}", r.body);
    let r = admin
        .call(
            "remove_workspace_invitation",
            &[("workspace_id", &main), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "revoked twice");
}

async fn the_guests_limit_holds_at_invite_and_at_accept(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let main = current_workspace(&admin.me().await);
    let r = admin
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", &main),
                ("setting", "Guests"),
                ("limit", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    new_guest(&app, &mut admin, &main, "One").await;
    let r = invite_guest(&mut admin, &main, "two@example.com").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let two = token_of(&r.json());
    // One guest and one pending invitation fill a limit of 2.
    let r = invite_guest(&mut admin, &main, "three@example.com").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({ "LimitReached": { "setting": "Guests", "limit": 2, "usage": 2 } })
    );
    let limits = admin
        .call("get_workspace_limits", &[("workspace_id", &main)])
        .await
        .json();
    let guests = limits["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["setting"] == "Guests")
        .cloned()
        .unwrap();
    assert_eq!(guests["usage"], json!(2.0));
    assert_eq!(guests["limit"], json!(2));
    assert_eq!(guests["breakdown"], json!("1 guest, 1 invited"));

    // Lowered to 1 while the invitation waits: accepting it is refused, nothing changes.
    let r = admin
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", &main),
                ("setting", "Guests"),
                ("limit", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut two_client = app.client();
    let r = two_client
        .call(
            "sign_up_with_invitation",
            &[
                ("token", &two),
                ("name", "Two"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        list(&mut admin, "get_workspace_guests", &main).await.len(),
        1
    );
}

async fn workspace_admins_set_limits_up_to_the_organizations(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&admin.me().await);

    let r = admin
        .call("get_workspace_limits", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let limits = r.json();
    assert_eq!(limits["can_edit"], json!(true));
    let settings: Vec<&str> = limits["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["setting"].as_str().unwrap())
        .collect();
    assert_eq!(
        settings,
        [
            "Guests",
            "ComputeTime",
            "Instances",
            "Datasets",
            "DatasetStorage"
        ]
    );

    // The organization lowers its Compute Time to 40: the workspace follows, and may not go above.
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "ComputeTime"),
                ("limit", "40"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let item = |limits: &Value, setting: &str| {
        limits["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["setting"] == setting)
            .cloned()
            .unwrap()
    };
    let limits = admin
        .call("get_workspace_limits", &[("workspace_id", &main)])
        .await
        .json();
    assert_eq!(item(&limits, "ComputeTime")["limit"], json!(40));
    assert_eq!(item(&limits, "ComputeTime")["max"], json!(40));
    assert_eq!(
        item(&limits, "Datasets")["max"],
        json!(100),
        "the platform's, Datasets being no organization limit"
    );
    for (setting, limit, message) in [
        (
            "ComputeTime",
            "41",
            Some("Enter a whole number from 0 to 40."),
        ),
        (
            "ComputeTime",
            "-1",
            Some("Enter a whole number from 0 to 40."),
        ),
        (
            "Datasets",
            "ten",
            Some("Enter a whole number from 0 to 100."),
        ),
        ("Members", "3", None),
    ] {
        let r = admin
            .call(
                "set_workspace_limit",
                &[
                    ("workspace_id", &main),
                    ("setting", setting),
                    ("limit", limit),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{setting}={limit}: {}",
            r.body
        );
        if let Some(message) = message {
            assert_eq!(r.json()["Validation"][0]["message"], json!(message));
        }
    }
    let r = admin
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", &main),
                ("setting", "ComputeTime"),
                ("limit", "25"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let limits = admin
        .call("get_workspace_limits", &[("workspace_id", &main)])
        .await
        .json();
    assert_eq!(item(&limits, "ComputeTime")["limit"], json!(25));

    // A member sees the meters and may not change them.
    let mut member = new_member(&app, &mut admin, &org, "Grace").await;
    let r = member
        .call("get_workspace_limits", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["can_edit"], json!(false));
    let r = member
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", &main),
                ("setting", "ComputeTime"),
                ("limit", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

/// Every workspace server function, as an admin of another organization (real ids and missing
/// ids answer alike), as a guest, and as a member who is no workspace admin.
async fn every_workspace_function_refuses_whoever_the_role_table_refuses(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    let main = current_workspace(&admin.me().await);
    let mut member = new_member(&app, &mut admin, &org, "Grace").await;
    let mut guest = new_guest(&app, &mut admin, &main, "Gus").await;
    let guest_id = guest.me().await["id"].as_str().unwrap().to_owned();
    let r = invite_guest(&mut admin, &main, "pending@example.com").await;
    let invitation = r.json()["invitation"]["id"].as_str().unwrap().to_owned();

    // (function, arguments with a real id, least role: guest 0, member 1, admin 2)
    type Call<'a> = (&'a str, Vec<(&'a str, &'a str)>, u8);
    let calls: Vec<Call> = vec![
        ("switch_workspace", vec![("workspace_id", &main)], 0),
        ("get_channels", vec![("workspace_id", &main)], 0),
        ("set_workspace_channels", vec![("workspace_id", &main)], 2),
        ("get_workspace_guests", vec![("workspace_id", &main)], 1),
        ("get_workspace_invites", vec![("workspace_id", &main)], 1),
        ("get_workspace_limits", vec![("workspace_id", &main)], 1),
        (
            "add_workspace_guest",
            vec![("workspace_id", &main), ("email", "new@example.com")],
            1,
        ),
        (
            "resend_workspace_invitation",
            vec![("workspace_id", &main), ("invitation_id", &invitation)],
            1,
        ),
        (
            "remove_workspace_invitation",
            vec![("workspace_id", &main), ("invitation_id", MISSING)],
            1,
        ),
        (
            "remove_workspace_guest",
            vec![("workspace_id", &main), ("user_id", MISSING)],
            1,
        ),
        (
            "set_workspace_limit",
            vec![
                ("workspace_id", &main),
                ("setting", "Guests"),
                ("limit", "9"),
            ],
            2,
        ),
        (
            "edit_workspace",
            vec![("workspace_id", &main), ("name", "Renamed")],
            2,
        ),
        ("delete_workspace", vec![("workspace_id", &main)], 2),
    ];

    let mut outsider = app.client();
    outsider.sign_up("Mallory", "Elsewhere").await;
    for (function, args, least) in &calls {
        // An outsider: "not found", exactly as for a workspace that does not exist.
        let r = outsider.call(function, args).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "outsider {function}: {}",
            r.body
        );
        let missing: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| (*k, if *k == "workspace_id" { MISSING } else { *v }))
            .collect();
        let r2 = outsider.call(function, &missing).await;
        assert_eq!(
            (r2.status, r2.body),
            (r.status, r.body.clone()),
            "{function} leaks existence"
        );

        for (who, client, rank) in [("guest", &mut guest, 0u8), ("member", &mut member, 1)] {
            let r = client.call(function, args).await;
            if rank < *least {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{who} {function}: {}",
                    r.body
                );
            } else {
                assert_ne!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{who} {function}: {}",
                    r.body
                );
            }
        }
    }
    // Refusals changed nothing.
    assert_eq!(
        list(&mut admin, "get_workspace_guests", &main).await.len(),
        1
    );
    assert_eq!(
        list(&mut admin, "get_workspace_guests", &main).await[0]["user_id"],
        json!(guest_id)
    );
    let me = admin.me().await;
    assert_eq!(
        me["organizations"][0]["workspaces"][0]["name"],
        json!("Main")
    );
    // Not signed in.
    let r = app
        .client()
        .call("get_workspace_guests", &[("workspace_id", &main)])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    members_invite_guests_who_reach_only_their_workspace,
    invited_people_with_an_account_answer_in_the_app_and_revoked_links_die,
    the_guests_limit_holds_at_invite_and_at_accept,
    workspace_admins_set_limits_up_to_the_organizations,
    every_workspace_function_refuses_whoever_the_role_table_refuses,
);
