//! The organization half of the role table over HTTP: members, roles, invitations, limits,
//! renaming, on both backends. Every server function is also called by people the table
//! refuses.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};
use serde_json::{Value, json};

async fn user_id(client: &mut Client) -> String {
    client.me().await["id"].as_str().unwrap().to_owned()
}

/// `admin` invites `email` with `role`; answers the invitation's id.
async fn invite(admin: &mut Client, org: &str, email: &str, role: &str) -> String {
    let r = admin
        .call(
            "add_organization_member",
            &[("organization_id", org), ("email", email), ("role", role)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "invite {email}: {}", r.body);
    r.json()["invitation"]["id"].as_str().unwrap().to_owned()
}

/// A new user who joins `org` as `role` through an invitation they accept in the app.
async fn join(app: &TestApp, admin: &mut Client, org: &str, name: &str, role: &str) -> Client {
    let mut user = app.client();
    let (email, _) = user.sign_up(name, &format!("{name}'s own")).await;
    let id = invite(admin, org, &email, role).await;
    let r = user
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "accept: {}", r.body);
    user
}

fn limit_of(limits: &Value, setting: &str) -> (i64, f64, i64) {
    let item = limits["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["setting"] == setting)
        .unwrap_or_else(|| panic!("{setting} missing: {limits}"));
    (
        item["limit"].as_i64().unwrap(),
        item["usage"].as_f64().unwrap(),
        item["max"].as_i64().unwrap(),
    )
}

async fn limits(client: &mut Client, org: &str) -> Value {
    let r = client
        .call("get_organization_limits", &[("organization_id", org)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn outsiders_get_not_found_and_members_get_forbidden(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Victim Org").await;
    let org = admin.current_organization().await;
    let admin_id = user_id(&mut admin).await;
    let mut member = join(&app, &mut admin, &org, "Member", "member").await;
    let member_id = user_id(&mut member).await;
    let pending = invite(&mut admin, &org, "pending@example.com", "member").await;

    // Someone from another organization, with this organization's real ids.
    let mut outsider = app.client();
    outsider.sign_up("Outsider", "Elsewhere").await;
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_organization_limits", vec![("organization_id", &org)]),
        (
            "set_organization_limit",
            vec![
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "5"),
            ],
        ),
        ("get_organization_members", vec![("organization_id", &org)]),
        (
            "edit_organization_member",
            vec![
                ("organization_id", &org),
                ("user_id", &member_id),
                ("role", "admin"),
            ],
        ),
        (
            "remove_organization_member",
            vec![("organization_id", &org), ("user_id", &member_id)],
        ),
        (
            "add_organization_member",
            vec![
                ("organization_id", &org),
                ("email", "x@example.com"),
                ("role", "member"),
            ],
        ),
        ("get_organization_invites", vec![("organization_id", &org)]),
        (
            "get_organization_invitation_history",
            vec![("organization_id", &org)],
        ),
        (
            "resend_organization_invitation",
            vec![("organization_id", &org), ("invitation_id", &pending)],
        ),
        (
            "remove_organization_invitation",
            vec![("organization_id", &org), ("invitation_id", &pending)],
        ),
        (
            "edit_organization",
            vec![("organization_id", &org), ("name", "Taken over")],
        ),
        ("switch_organization", vec![("organization_id", &org)]),
    ];
    for (function, args) in &calls {
        let r = outsider.call(function, args).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "outsider {function}: {}",
            r.body
        );
        assert_eq!(r.json(), json!("NotFound"), "outsider {function}");
        // An id that does not exist answers exactly the same.
        let missing: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *k == "organization_id" {
                        "0193f5c2-1111-7000-8000-000000000000"
                    } else {
                        v
                    },
                )
            })
            .collect();
        let r2 = outsider.call(function, &missing).await;
        assert_eq!(
            (r2.status, r2.body),
            (r.status, r.body),
            "{function} leaks existence"
        );
    }

    // A member: every admin-only function is forbidden, though the UI hides them.
    let admin_only: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "set_organization_limit",
            vec![
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "5"),
            ],
        ),
        (
            "edit_organization_member",
            vec![
                ("organization_id", &org),
                ("user_id", &admin_id),
                ("role", "member"),
            ],
        ),
        (
            "remove_organization_member",
            vec![("organization_id", &org), ("user_id", &admin_id)],
        ),
        (
            "add_organization_member",
            vec![
                ("organization_id", &org),
                ("email", "boss@example.com"),
                ("role", "admin"),
            ],
        ),
        (
            "edit_organization",
            vec![("organization_id", &org), ("name", "Renamed by a member")],
        ),
    ];
    for (function, args) in &admin_only {
        let r = member.call(function, args).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "member {function}: {}",
            r.body
        );
        assert_eq!(r.json(), json!("Forbidden"));
    }
    // ...and what members may do, they can.
    for (function, args) in [
        (
            "get_organization_limits",
            vec![("organization_id", org.as_str())],
        ),
        ("get_organization_members", vec![("organization_id", &org)]),
        ("get_organization_invites", vec![("organization_id", &org)]),
        (
            "add_organization_member",
            vec![
                ("organization_id", &org),
                ("email", "friend@example.com"),
                ("role", "member"),
            ],
        ),
        (
            "remove_organization_invitation",
            vec![("organization_id", &org), ("invitation_id", &pending)],
        ),
    ] {
        let r = member.call(function, &args).await;
        assert_eq!(r.status, StatusCode::OK, "member {function}: {}", r.body);
    }
    // Nothing the outsider or the member tried left a trace.
    let names: Vec<String> = admin
        .call("get_organizations", &[])
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Victim Org"]);
    let page = admin
        .call("get_organization_members", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(page["total"], 2);
    assert_eq!(page["members"][0]["role"], "admin");
}

async fn guests_see_their_organization_but_nothing_of_it(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Hosting Org").await;
    let org = admin.current_organization().await;
    let workspace = admin.me().await["current"]["workspace"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut guest = app.client();
    guest.sign_up("Guest", "Guest's own").await;
    let guest_id = user_id(&mut guest).await;
    // Workspace invitations come with the workspaces issue; the grant is made directly.
    {
        use orgspace::{
            db::workspaces,
            ids::{UserId, WorkspaceId},
            roles::Role,
            timestamp::Timestamp,
        };
        let mut c = t.db.conn().await.unwrap();
        workspaces::grant(
            &mut c,
            workspace.parse::<WorkspaceId>().unwrap(),
            guest_id.parse::<UserId>().unwrap(),
            Role::Guest,
            Timestamp::now(),
        )
        .await
        .unwrap();
    }
    let orgs = guest.call("get_organizations", &[]).await.json();
    let hosting = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org.as_str())
        .expect("listed");
    assert_eq!(hosting["role"], "guest");
    for (function, args) in [
        (
            "get_organization_limits",
            vec![("organization_id", org.as_str())],
        ),
        ("get_organization_members", vec![("organization_id", &org)]),
        ("get_organization_invites", vec![("organization_id", &org)]),
        (
            "add_organization_member",
            vec![
                ("organization_id", &org),
                ("email", "x@example.com"),
                ("role", "member"),
            ],
        ),
        (
            "remove_organization_member",
            vec![("organization_id", &org), ("user_id", &guest_id)],
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
    let r = guest
        .call("switch_organization", &[("organization_id", &org)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a guest may make it current: {}",
        r.body
    );

    // An admin can make the guest a member: they join the organization.
    let r = admin
        .call(
            "edit_organization_member",
            &[
                ("organization_id", &org),
                ("user_id", &guest_id),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = guest
        .call("get_organization_members", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["total"], 2);
}

async fn invitations_count_toward_members_until_revoked(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Counting").await;
    let org = admin.current_organization().await;
    assert_eq!(
        limit_of(&limits(&mut admin, &org).await, "Members"),
        (50, 1.0, 50)
    );

    let id = invite(&mut admin, &org, "  New.Person@Example.com ", "member").await;
    let pending = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(pending[0]["email"], "new.person@example.com", "normalised");
    assert_eq!(pending[0]["role"], "member");
    assert_eq!(pending[0]["invited_by"], "Admin");
    assert_eq!(limit_of(&limits(&mut admin, &org).await, "Members").1, 2.0);

    // The same address twice, an existing member, and a bad address are refused clearly.
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "new.person@example.com"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["Validation"][0]["message"],
        "An invitation to new.person@example.com is already pending."
    );
    let own_email = admin.me().await["email"].as_str().unwrap().to_owned();
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", &own_email),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(
        r.json()["Validation"][0]["message"],
        format!("{own_email} is already a member.")
    );
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "nope"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.json()["Validation"][0]["field"], "email");
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "g@example.com"),
                ("role", "guest"),
            ],
        )
        .await;
    assert_eq!(r.json()["Validation"][0]["field"], "role");

    let r = admin
        .call(
            "remove_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(limit_of(&limits(&mut admin, &org).await, "Members").1, 1.0);
    let pending = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(pending, json!([]));
    // Revoking twice: there is nothing left to revoke.
    let r = admin
        .call(
            "remove_organization_invitation",
            &[("organization_id", &org), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn the_members_limit_is_enforced_with_a_typed_error(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["members=3"]).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Small").await;
    let org = admin.current_organization().await;
    assert_eq!(
        limit_of(&limits(&mut admin, &org).await, "Members"),
        (3, 1.0, 3)
    );

    // Up to the platform's ceiling, and no further.
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["Validation"][0],
        json!({"field": "limit", "message": "Enter a whole number from 0 to 3."})
    );
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        limit_of(&limits(&mut admin, &org).await, "Members"),
        (2, 1.0, 3)
    );
    // Workspace-only settings are not organization limits.
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Guests"),
                ("limit", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    invite(&mut admin, &org, "one@example.com", "member").await;
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "two@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"LimitReached": {"setting": "Members", "limit": 2, "usage": 2}})
    );
    let pending = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(pending.as_array().unwrap().len(), 1, "nothing was created");
}

async fn concurrent_invitations_never_overshoot_the_limit(t: TestDb) {
    let app = TestApp::with_org_limits(&t, &["members=4"]).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Racing").await;
    let org = admin.current_organization().await;
    let cookie = admin.cookie.clone();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let mut client = app.client();
        client.cookie = cookie.clone();
        let org = org.clone();
        tasks.push(tokio::spawn(async move {
            client
                .call(
                    "add_organization_member",
                    &[
                        ("organization_id", &org),
                        ("email", &format!("racer{i}@example.com")),
                        ("role", "member"),
                    ],
                )
                .await
                .status
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 3, "1 member + 3 invitations fill a limit of 4");
    assert_eq!(limit_of(&limits(&mut admin, &org).await, "Members").1, 4.0);
}

async fn an_organization_always_keeps_an_admin(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut first = app.client();
    first.sign_up("First Admin", "Admins").await;
    let org = first.current_organization().await;
    let first_id = user_id(&mut first).await;
    const LAST: &str =
        "An organization needs at least one admin. Make someone else an admin first.";

    for (function, args) in [
        (
            "edit_organization_member",
            vec![
                ("organization_id", org.as_str()),
                ("user_id", &first_id),
                ("role", "member"),
            ],
        ),
        (
            "remove_organization_member",
            vec![("organization_id", &org), ("user_id", &first_id)],
        ),
    ] {
        let r = first.call(function, &args).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{function}: {}", r.body);
        assert_eq!(r.json(), json!({"Conflict": LAST}));
    }

    let mut second = join(&app, &mut first, &org, "Second Admin", "admin").await;
    let second_id = user_id(&mut second).await;
    // Two admins demoting each other at once: one of them stays admin.
    let demote_second = [
        ("organization_id", org.as_str()),
        ("user_id", &second_id),
        ("role", "member"),
    ];
    let demote_first = [
        ("organization_id", org.as_str()),
        ("user_id", &first_id),
        ("role", "member"),
    ];
    let (a, b) = tokio::join!(
        first.call("edit_organization_member", &demote_second),
        second.call("edit_organization_member", &demote_first),
    );
    let outcomes = [a.status, b.status];
    assert!(outcomes.contains(&StatusCode::OK), "{outcomes:?}");
    let page = first
        .call("get_organization_members", &[("organization_id", &org)])
        .await
        .json();
    let admins = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "admin")
        .count();
    assert_eq!(admins, 1, "{page}");

    // The remaining member may leave; the last admin may not.
    let (admin, member, member_id) = if a.status == StatusCode::OK {
        (&mut first, &mut second, second_id)
    } else {
        (&mut second, &mut first, first_id)
    };
    let admin_id = user_id(admin).await;
    let r = admin
        .call(
            "remove_organization_member",
            &[("organization_id", &org), ("user_id", &admin_id)],
        )
        .await;
    assert_eq!(r.json(), json!({"Conflict": LAST}));
    let r = member
        .call(
            "remove_organization_member",
            &[("organization_id", &org), ("user_id", &member_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Gone at the next request.
    let r = member
        .call("get_organization_members", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn removing_a_member_cuts_their_access(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Strict").await;
    let org = admin.current_organization().await;
    let mut member = join(&app, &mut admin, &org, "Member", "member").await;
    let member_id = user_id(&mut member).await;
    assert_eq!(
        member.current_organization().await,
        org,
        "joining made it current"
    );
    let r = admin
        .call(
            "remove_organization_member",
            &[("organization_id", &org), ("user_id", &member_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = member
        .call("get_organization_limits", &[("organization_id", &org)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let me = member.me().await;
    assert_ne!(
        me["current"]["organization"],
        org.as_str(),
        "moved somewhere they still belong"
    );
    let r = admin
        .call(
            "remove_organization_member",
            &[("organization_id", &org), ("user_id", &member_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "already gone");
}

async fn accepting_is_for_the_invited_address_only_and_rechecks_the_limit(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Inviting").await;
    let org = admin.current_organization().await;
    let mut invitee = app.client();
    let (email, _) = invitee.sign_up("Invitee", "Invitee's own").await;
    let id = invite(&mut admin, &org, &email.to_uppercase(), "admin").await;

    let mine = invitee.call("get_my_invitations", &[]).await.json();
    assert_eq!(mine[0]["organization_name"], "Inviting");
    assert_eq!(mine[0]["role"], "admin");
    assert_eq!(invitee.me().await["pending_invitations"], 1);

    // Somebody else cannot accept it, nor see it.
    let mut stranger = app.client();
    stranger.sign_up("Stranger", "Stranger's own").await;
    assert_eq!(
        stranger.call("get_my_invitations", &[]).await.json(),
        json!([])
    );
    let r = stranger
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The limit was lowered meanwhile: acceptance is refused, nothing changes.
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
    assert_eq!(r.status, StatusCode::OK);
    let r = invitee
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["LimitReached"]["setting"], "Members");

    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", &org),
                ("setting", "Members"),
                ("limit", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = invitee
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(invitee.current_organization().await, org);
    let page = admin
        .call("get_organization_members", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(page["total"], 2);
    assert_eq!(
        limit_of(&limits(&mut admin, &org).await, "Members").1,
        2.0,
        "pending became member"
    );
    // Used once.
    let r = invitee
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn declining_an_invitation(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Declined").await;
    let org = admin.current_organization().await;
    let mut invitee = app.client();
    let (email, _) = invitee.sign_up("Invitee", "Own").await;
    let id = invite(&mut admin, &org, &email, "member").await;
    let r = invitee
        .call("decline_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        invitee.call("get_my_invitations", &[]).await.json(),
        json!([])
    );
    assert_eq!(limit_of(&limits(&mut admin, &org).await, "Members").1, 1.0);
    let r = invitee
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn renaming_an_organization(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Admin", "Old Name").await;
    let org = admin.current_organization().await;
    let r = admin
        .call(
            "edit_organization",
            &[("organization_id", &org), ("name", "  New Name  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(admin.me().await["organizations"][0]["name"], "New Name");
    let r = admin
        .call(
            "edit_organization",
            &[("organization_id", &org), ("name", "   ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["Validation"][0]["field"], "name");
    let long = "n".repeat(101);
    let r = admin
        .call(
            "edit_organization",
            &[("organization_id", &org), ("name", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_members_page_writes_large_counts_with_thousands_grouped(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Aaron Admin", "Big").await;
    let org = admin.current_organization().await;
    common::add_members(&t, &org, "Person", 1233).await;
    let page = admin.get("/members").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1,234 members"), "{}", page.body);
    assert!(!page.body.contains("1234 members"));
}

async fn members_are_paged_by_name_and_searchable(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    admin.sign_up("Aaron Admin", "Big").await;
    let org = admin.current_organization().await;
    // 119 more members, straight through the data layer.
    common::add_members(&t, &org, "Person", 119).await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = vec![("organization_id", org.clone())];
        if let Some(a) = &after {
            args.push(("after", a.clone()));
        }
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = admin.call("get_organization_members", &args).await.json();
        assert_eq!(page["total"], 120);
        pages += 1;
        seen.extend(
            page["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["name"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3, "50 + 50 + 20");
    assert_eq!(seen.len(), 120);
    let mut sorted = seen.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(seen, sorted, "by name, no repeats, none missing");
    assert_eq!(seen[0], "Aaron Admin");

    // Without an id: the current organization, as the members page asks for it.
    let current = admin.call("get_organization_members", &[]).await.json();
    assert_eq!(current["organization"], org.as_str());
    assert_eq!(current["members"].as_array().unwrap().len(), 50);

    let hits = admin
        .call(
            "get_organization_members",
            &[("organization_id", &org), ("search", "PERSON 01")],
        )
        .await
        .json();
    let names: Vec<&str> = hits["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Person 01")));
    let hits = admin
        .call(
            "get_organization_members",
            &[("organization_id", &org), ("search", "person042@")],
        )
        .await
        .json();
    assert_eq!(hits["members"][0]["email"], "person042@example.com");
    // Wildcards are searched for, not expanded.
    let hits = admin
        .call(
            "get_organization_members",
            &[("organization_id", &org), ("search", "%")],
        )
        .await
        .json();
    assert_eq!(hits["members"], json!([]));
    let r = admin
        .call(
            "get_organization_members",
            &[("organization_id", &org), ("after", "garbage")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

on_both_backends!(
    outsiders_get_not_found_and_members_get_forbidden,
    guests_see_their_organization_but_nothing_of_it,
    invitations_count_toward_members_until_revoked,
    the_members_limit_is_enforced_with_a_typed_error,
    concurrent_invitations_never_overshoot_the_limit,
    an_organization_always_keeps_an_admin,
    removing_a_member_cuts_their_access,
    accepting_is_for_the_invited_address_only_and_rechecks_the_limit,
    declining_an_invitation,
    renaming_an_organization,
    members_are_paged_by_name_and_searchable,
    the_members_page_writes_large_counts_with_thousands_grouped,
);
