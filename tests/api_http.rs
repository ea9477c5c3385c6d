//! The anatools-compatible GraphQL API over HTTP, on both backends: signing in for a token,
//! the headers the SDKs send it in, and the first operations the SDK calls after signing in.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{
    TestApp, TestDb,
    script::{Script, message},
};
use serde_json::{Value, json};

const GET_ORGANIZATIONS: &str = "query getOrganizations($organizationId: String) {
    getOrganizations(organizationId: $organizationId) {
        organizationId name role expired expirationDate } }";

const GET_WORKSPACES: &str = "query getWorkspaces($organizationId: String, $workspaceId: String) {
    getWorkspaces(organizationId: $organizationId, workspaceId: $workspaceId) {
        workspaceId name organizationId createdAt updatedAt } }";

async fn scripts_sign_in_for_a_token_and_list_what_they_reach(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut browser = app.client();
    let (email, password) = browser.sign_up("Ada", "Engines").await;
    let me = browser.me().await;

    // A wrong password and an unknown email answer alike, with `data.signIn` null.
    let mut script = Script::new(&app);
    for (e, p) in [
        (email.as_str(), "wrong password!"),
        ("nobody@example.com", password.as_str()),
    ] {
        let v = script
            .gql(
                "signIn",
                "mutation signIn($email: String!, $password: String!) {
                    signIn(email: $email, password: $password) { uid idtoken expires } }",
                json!({ "email": e, "password": p }),
            )
            .await;
        assert_eq!(v["data"], json!({ "signIn": null }), "{v}");
        assert_eq!(message(&v), "The email or password is incorrect.");
    }
    // Not signed in: every operation asks for it.
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(v["data"], json!({ "getOrganizations": null }));
    assert_eq!(message(&v), "Please sign in to continue.");

    let signed = script
        .sign_in(&format!("  {}  ", email.to_uppercase()), &password)
        .await;
    assert_eq!(signed["uid"], me["id"]);
    assert_eq!(signed["idtoken"].as_str().unwrap().len(), 43);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expires = signed["expires"].as_i64().unwrap();
    assert!(
        (now + 11 * 3600..=now + 13 * 3600).contains(&expires),
        "the expiry as a Unix time in seconds: {expires}"
    );

    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert!(v.get("errors").is_none(), "{v}");
    assert_eq!(
        v["data"]["getOrganizations"],
        json!([{
            "organizationId": me["current"]["organization"],
            "name": "Engines",
            "role": "admin",
            "expired": false,
            "expirationDate": null,
        }])
    );
    let v = script.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    let workspaces = v["data"]["getWorkspaces"].as_array().unwrap();
    assert_eq!(workspaces.len(), 1, "{v}");
    assert_eq!(workspaces[0]["workspaceId"], me["current"]["workspace"]);
    assert_eq!(workspaces[0]["name"], json!("Main"));
    assert!(workspaces[0]["createdAt"].as_str().unwrap().ends_with('Z'));

    // The same at `POST /`, where anatools.client(local=True) posts, and with a bearer token.
    let v = script
        .post("/", "getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(v["data"]["getOrganizations"][0]["name"], json!("Engines"));
    let token = signed["idtoken"].as_str().unwrap().to_owned();
    let mut bearer = Script::new(&app);
    bearer.headers = vec![("authorization".into(), format!("Bearer {token}"))];
    let v = bearer
        .gql(
            "getCurrentUser",
            "query getCurrentUser { getCurrentUser { userId name email } }",
            json!({}),
        )
        .await;
    assert!(v.get("errors").is_none(), "{v}");
    assert_eq!(
        v["data"]["getCurrentUser"],
        json!({ "userId": me["id"], "name": "Ada", "email": email })
    );

    // Signing out in the browser ends the scripts' tokens too; signing in again makes a new one.
    let r = browser.call("sign_out", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(message(&v), "Please sign in to continue.");
    script.sign_in(&email, &password).await;
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert!(v.get("errors").is_none(), "{v}");

    // A token with another user's uid, or a made-up one, is no sign-in.
    let mut other = app.client();
    other.sign_up("Bob", "Bob's").await;
    let bob = other.me().await;
    for headers in [
        vec![
            ("uid", bob["id"].as_str().unwrap()),
            ("idtoken", token.as_str()),
        ],
        vec![
            ("uid", me["id"].as_str().unwrap()),
            ("idtoken", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ],
        vec![("uid", "not-a-uuid"), ("idtoken", token.as_str())],
    ] {
        let mut forged = Script::new(&app);
        forged.headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let v = forged
            .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
            .await;
        assert_eq!(message(&v), "Please sign in to continue.", "{headers:?}");
    }

    // Another organization's id, or one that is no id: "not found", alike.
    let theirs = bob["current"]["organization"].as_str().unwrap();
    for id in [theirs, "0193f5c2-1111-7000-8000-000000000000", "nonsense"] {
        let v = script
            .gql(
                "getOrganizations",
                GET_ORGANIZATIONS,
                json!({ "organizationId": id }),
            )
            .await;
        assert_eq!(v["data"], json!({ "getOrganizations": null }), "{id}");
        assert_eq!(message(&v), "Not found.");
        let v = script
            .gql(
                "getWorkspaces",
                GET_WORKSPACES,
                json!({ "organizationId": id }),
            )
            .await;
        assert_eq!(message(&v), "Not found.");
    }
}

const GET_CHANNELS: &str =
    "query getChannels($organizationId: String, $workspaceId: String, $channelId: String) {
    getChannels(organizationId: $organizationId, workspaceId: $workspaceId, channelId: $channelId) {
        channelId name description organizationId organization createdAt updatedAt } }";

const GET_VOLUMES: &str = "query getVolumes($organizationId: String, $volumeId: String) {
    getVolumes(organizationId: $organizationId, volumeId: $volumeId) {
        volumeId name description organization organizationId permission createdAt updatedAt } }";

fn names(v: &Value, op: &str) -> Vec<String> {
    v["data"][op]
        .as_array()
        .unwrap_or_else(|| panic!("a list in {v}"))
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn channels_and_volumes_are_listed_as_their_pages_show_them(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    let (email, password) = admin.sign_up("Ada", "Engines").await;
    let me = admin.me().await;
    let org = me["current"]["organization"].as_str().unwrap().to_owned();
    let main = me["current"]["workspace"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (function, name) in [
        ("add_channel", "Satellite"),
        ("add_channel", "Internal"),
        ("add_volume", "Models"),
    ] {
        let r = admin
            .call(
                function,
                &[
                    ("organization_id", &org),
                    ("name", name),
                    ("description", "d"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids.push(r.json().as_str().unwrap().to_owned());
    }
    let r = admin
        .call(
            "set_workspace_channels",
            &[("workspace_id", &main), ("channel_ids[]", &ids[0])],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The admin sees the whole registry.
    let mut script = Script::new(&app);
    script.sign_in(&email, &password).await;
    let v = script.gql("getChannels", GET_CHANNELS, json!({})).await;
    assert_eq!(names(&v, "getChannels"), ["Internal", "Satellite"], "{v}");
    assert_eq!(
        v["data"]["getChannels"][0]["organization"],
        json!("Engines")
    );
    assert_eq!(v["data"]["getChannels"][0]["organizationId"], json!(org));
    let v = script
        .gql("getChannels", GET_CHANNELS, json!({ "workspaceId": main }))
        .await;
    assert_eq!(names(&v, "getChannels"), ["Satellite"]);
    let v = script.gql("getVolumes", GET_VOLUMES, json!({})).await;
    assert_eq!(names(&v, "getVolumes"), ["Models"]);
    assert_eq!(v["data"]["getVolumes"][0]["permission"], json!("write"));

    // A guest of Main sees what Main shares, and nothing else of the registry.
    let r = admin
        .call(
            "add_workspace_guest",
            &[("workspace_id", &main), ("email", "guest@example.com")],
        )
        .await;
    let link = r.json()["link"].as_str().unwrap().to_owned();
    let token = link.rsplit('/').next().unwrap();
    let mut browser = app.client();
    let r = browser
        .call(
            "sign_up_with_invitation",
            &[
                ("token", token),
                ("name", "Gus"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut guest = Script::new(&app);
    guest
        .sign_in("guest@example.com", "a long enough password")
        .await;
    let v = guest.gql("getChannels", GET_CHANNELS, json!({})).await;
    assert_eq!(names(&v, "getChannels"), ["Satellite"], "{v}");
    let v = guest.gql("getVolumes", GET_VOLUMES, json!({})).await;
    assert!(names(&v, "getVolumes").is_empty(), "{v}");
    let v = guest
        .gql("getChannels", GET_CHANNELS, json!({ "channelId": ids[1] }))
        .await;
    assert_eq!(message(&v), "Not found.");

    // An outsider: "not found" for the organization, the workspace and the channel, alike.
    let mut other = app.client();
    let (other_email, other_password) = other.sign_up("Mallory", "Elsewhere").await;
    let mut outsider = Script::new(&app);
    outsider.sign_in(&other_email, &other_password).await;
    for args in [
        json!({ "organizationId": org }),
        json!({ "workspaceId": main }),
        json!({ "channelId": ids[0] }),
    ] {
        let v = outsider
            .gql("getChannels", GET_CHANNELS, args.clone())
            .await;
        assert_eq!(v["data"], json!({ "getChannels": null }), "{args}");
        assert_eq!(message(&v), "Not found.");
    }
    let v = outsider.gql("getChannels", GET_CHANNELS, json!({})).await;
    assert!(names(&v, "getChannels").is_empty());
}

const GET_MEMBERS: &str = "query getMembers($organizationId: String, $workspaceId: String) {
    getMembers(organizationId: $organizationId, workspaceId: $workspaceId) {
        organizationId workspaceId userId email name role } }";

const GET_INVITATIONS: &str =
    "query getInvitations($organizationId: String, $workspaceId: String) {
    getInvitations(organizationId: $organizationId, workspaceId: $workspaceId) {
        invitationId email timestamp organizationId role workspaceId } }";

const ADD_MEMBER: &str = "mutation addMember($organizationId: String, $workspaceId: String, $email: String!, $role: String) {
    addMember(organizationId: $organizationId, workspaceId: $workspaceId, email: $email, role: $role) }";

const REMOVE_MEMBER: &str = "mutation removeMember($organizationId: String, $workspaceId: String, $email: String!, $invitationId: String) {
    removeMember(organizationId: $organizationId, workspaceId: $workspaceId, email: $email, invitationId: $invitationId) }";

const EDIT_MEMBER: &str =
    "mutation editMember($organizationId: String!, $email: String!, $role: String!) {
    editMember(organizationId: $organizationId, email: $email, role: $role) }";

async fn members_guests_and_invitations_through_the_sdk_operations(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    let (email, password) = admin.sign_up("Ada", "Engines").await;
    let me = admin.me().await;
    let org = me["current"]["organization"].as_str().unwrap().to_owned();
    let main = me["current"]["workspace"].as_str().unwrap().to_owned();
    let mut script = Script::new(&app);
    script.sign_in(&email, &password).await;

    // Invite a member and a guest; both show as invitations where the web UI shows them.
    for (vars, what) in [
        (
            json!({ "organizationId": org, "email": "Grace@Example.com", "role": "member" }),
            "member",
        ),
        (
            json!({ "workspaceId": main, "email": "gus@example.com", "role": null }),
            "guest",
        ),
    ] {
        let v = script.gql("addMember", ADD_MEMBER, vars).await;
        assert_eq!(v["data"]["addMember"], json!("success"), "{what}: {v}");
    }
    let v = script
        .gql(
            "getInvitations",
            GET_INVITATIONS,
            json!({ "organizationId": org }),
        )
        .await;
    let invites = v["data"]["getInvitations"].as_array().unwrap();
    assert_eq!(invites.len(), 1, "{v}");
    assert_eq!(invites[0]["email"], json!("grace@example.com"));
    assert_eq!(invites[0]["role"], json!("member"));
    let web = admin
        .call("get_organization_invites", &[("organization_id", &org)])
        .await
        .json();
    assert_eq!(invites[0]["invitationId"], web[0]["id"]);
    let v = script
        .gql(
            "getInvitations",
            GET_INVITATIONS,
            json!({ "workspaceId": main }),
        )
        .await;
    let guest_invites = v["data"]["getInvitations"].as_array().unwrap().clone();
    assert_eq!(guest_invites.len(), 1, "{v}");
    assert_eq!(guest_invites[0]["role"], json!("guest"));
    assert_eq!(guest_invites[0]["workspaceId"], json!(main));

    // Bad input: the UI's sentences, nothing stored.
    let v = script
        .gql(
            "addMember",
            ADD_MEMBER,
            json!({ "organizationId": org, "email": "nope", "role": "member" }),
        )
        .await;
    assert_eq!(v["data"], json!({ "addMember": null }));
    assert!(message(&v).contains("email address"), "{v}");
    let v = script
        .gql(
            "addMember",
            ADD_MEMBER,
            json!({ "organizationId": org, "email": "x@example.com", "role": "owner" }),
        )
        .await;
    assert_eq!(message(&v), "Choose member or admin.");

    // Revoke the guest invitation by id: named by ids that are not the invitation's, nothing
    // happens; with the organization's id as workspaceId (anatools 3.0.0 sends it so), it is
    // revoked.
    let other = "0193f5c2-1111-7000-8000-000000000000";
    for wrong in [
        json!({ "workspaceId": other }),
        json!({ "organizationId": other }),
    ] {
        let mut vars = wrong.clone();
        vars["email"] = json!("gus@example.com");
        vars["invitationId"] = guest_invites[0]["invitationId"].clone();
        let v = script.gql("removeMember", REMOVE_MEMBER, vars).await;
        assert_eq!(message(&v), "Not found.", "{wrong}");
    }
    let v = script
        .gql(
            "removeMember",
            REMOVE_MEMBER,
            json!({ "workspaceId": org, "email": "gus@example.com", "invitationId": guest_invites[0]["invitationId"] }),
        )
        .await;
    assert_eq!(v["data"]["removeMember"], json!("success"), "{v}");
    let v = script
        .gql(
            "getInvitations",
            GET_INVITATIONS,
            json!({ "workspaceId": main }),
        )
        .await;
    assert_eq!(v["data"]["getInvitations"], json!([]));

    // A second member joins in the browser; the script edits their role, then removes them.
    let mut bob = app.client();
    let (bob_email, _) = bob.sign_up("Bob", "Bob's").await;
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", &bob_email),
                ("role", "member"),
            ],
        )
        .await;
    let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
    let r = bob
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = script
        .gql("getMembers", GET_MEMBERS, json!({ "organizationId": org }))
        .await;
    let listed: Vec<(String, String)> = v["data"]["getMembers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().into(),
                m["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("Ada".into(), "admin".into()),
            ("Bob".into(), "member".into())
        ]
    );
    let v = script
        .gql(
            "editMember",
            EDIT_MEMBER,
            json!({ "organizationId": org, "email": bob_email, "role": "admin" }),
        )
        .await;
    assert_eq!(v["data"]["editMember"], json!("success"), "{v}");
    let web = admin
        .call("get_organization_members", &[("organization_id", &org)])
        .await
        .json();
    let bob_row = web["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Bob")
        .cloned()
        .unwrap();
    assert_eq!(bob_row["role"], json!("admin"));
    // The last-admin rule holds here too: Bob demotes Ada, then nobody can demote Bob.
    let v = script
        .gql(
            "removeMember",
            REMOVE_MEMBER,
            json!({ "organizationId": org, "email": bob_email }),
        )
        .await;
    assert_eq!(v["data"]["removeMember"], json!("success"), "{v}");
    let v = script
        .gql(
            "editMember",
            EDIT_MEMBER,
            json!({ "organizationId": org, "email": email, "role": "member" }),
        )
        .await;
    assert_eq!(
        message(&v),
        "An organization needs at least one admin. Make someone else an admin first."
    );

    // An outsider: every operation on this organization answers "not found".
    let mut other = app.client();
    let (other_email, other_password) = other.sign_up("Mallory", "Elsewhere").await;
    let mut outsider = Script::new(&app);
    outsider.sign_in(&other_email, &other_password).await;
    for (op, query, vars) in [
        ("getMembers", GET_MEMBERS, json!({ "organizationId": org })),
        ("getMembers", GET_MEMBERS, json!({ "workspaceId": main })),
        (
            "getInvitations",
            GET_INVITATIONS,
            json!({ "organizationId": org }),
        ),
        (
            "addMember",
            ADD_MEMBER,
            json!({ "organizationId": org, "email": "m@example.com", "role": "admin" }),
        ),
        (
            "removeMember",
            REMOVE_MEMBER,
            json!({ "organizationId": org, "email": email }),
        ),
        (
            "editMember",
            EDIT_MEMBER,
            json!({ "organizationId": org, "email": email, "role": "member" }),
        ),
    ] {
        let v = outsider.gql(op, query, vars).await;
        assert_eq!(v["data"][op], json!(null), "{op}: {v}");
        assert_eq!(message(&v), "Not found.", "{op}");
    }
}

async fn limits_and_workspaces_through_the_sdk_operations(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut admin = app.client();
    let (email, password) = admin.sign_up("Ada", "Engines").await;
    let me = admin.me().await;
    let org = me["current"]["organization"].as_str().unwrap().to_owned();
    let r = admin
        .call(
            "add_channel",
            &[("organization_id", &org), ("name", "Satellite")],
        )
        .await;
    let channel = r.json().as_str().unwrap().to_owned();
    let mut script = Script::new(&app);
    script.sign_in(&email, &password).await;
    let gql_ok = |v: &Value, op: &str| {
        assert!(v.get("errors").is_none(), "{op}: {v}");
        v["data"][op].clone()
    };

    // Organization limits: all of them, one of them, set, refused.
    let get_org_limits = "query getOrganizationLimits($organizationId: String!, $setting: String) {
        getOrganizationLimits(organizationId: $organizationId, setting: $setting) {
            organizationId setting limit usage } }";
    let v = script
        .gql(
            "getOrganizationLimits",
            get_org_limits,
            json!({ "organizationId": org }),
        )
        .await;
    assert_eq!(
        gql_ok(&v, "getOrganizationLimits")
            .as_array()
            .unwrap()
            .len(),
        8
    );
    let set_org_limit = "mutation setOrganizationLimits($organizationId: String!, $setting: String!, $limit: Int!) {
        setOrganizationLimits(organizationId: $organizationId, setting: $setting, limit: $limit) }";
    let v = script
        .gql(
            "setOrganizationLimits",
            set_org_limit,
            json!({ "organizationId": org, "setting": "Members", "limit": 3 }),
        )
        .await;
    assert_eq!(gql_ok(&v, "setOrganizationLimits"), json!("success"));
    let v = script
        .gql(
            "getOrganizationLimits",
            get_org_limits,
            json!({ "organizationId": org, "setting": "members" }),
        )
        .await;
    assert_eq!(
        gql_ok(&v, "getOrganizationLimits"),
        json!([{ "organizationId": org, "setting": "Members", "limit": 3, "usage": 1.0 }])
    );
    for (setting, limit, expected) in [
        ("Members", 999, "Enter a whole number from 0 to 50."),
        ("Bananas", 3, "There is no limit named \"Bananas\"."),
    ] {
        let v = script
            .gql(
                "setOrganizationLimits",
                set_org_limit,
                json!({ "organizationId": org, "setting": setting, "limit": limit }),
            )
            .await;
        assert_eq!(v["data"], json!({ "setOrganizationLimits": null }));
        assert_eq!(message(&v), expected);
    }

    // A workspace: created sharing a channel, renamed, its limits, deleted.
    let create = "mutation createWorkspace($organizationId: String!, $name: String!, $channelIds: [String]!, $volumeIds: [String]!, $code: String!) {
        createWorkspace(organizationId: $organizationId, name: $name, channelIds: $channelIds, volumeIds: $volumeIds, code: $code) }";
    let v = script
        .gql(
            "createWorkspace",
            create,
            json!({ "organizationId": org, "name": "Lab", "channelIds": [channel], "volumeIds": [], "code": "" }),
        )
        .await;
    let lab = gql_ok(&v, "createWorkspace").as_str().unwrap().to_owned();
    let v = script
        .gql("getChannels", GET_CHANNELS, json!({ "workspaceId": lab }))
        .await;
    assert_eq!(names(&v, "getChannels"), ["Satellite"]);
    // A channel that is not the organization's: refused, and no workspace is left behind.
    let v = script
        .gql(
            "createWorkspace",
            create,
            json!({ "organizationId": org, "name": "Half", "channelIds": ["0193f5c2-1111-7000-8000-000000000000"], "volumeIds": [], "code": "" }),
        )
        .await;
    assert_eq!(v["data"], json!({ "createWorkspace": null }), "{v}");
    let v = script.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    assert_eq!(names(&v, "getWorkspaces"), ["Lab", "Main"]);
    // Page by page, as newer SDKs ask, and filtered by name.
    let paged = "query getWorkspaces($limit: Int, $cursor: String, $filters: WorkspaceFilter) {
        getWorkspaces(limit: $limit, cursor: $cursor, filters: $filters) { workspaceId name } }";
    let v = script
        .gql("getWorkspaces", paged, json!({ "limit": 1 }))
        .await;
    assert_eq!(names(&v, "getWorkspaces"), ["Lab"]);
    let v = script
        .gql("getWorkspaces", paged, json!({ "limit": 1, "cursor": lab }))
        .await;
    assert_eq!(names(&v, "getWorkspaces"), ["Main"]);
    let v = script
        .gql(
            "getWorkspaces",
            paged,
            json!({ "filters": { "name": "MA" } }),
        )
        .await;
    assert_eq!(names(&v, "getWorkspaces"), ["Main"]);

    let edit = "mutation editWorkspace($workspaceId: String!, $name: String, $channelIds: [String], $volumeIds: [String], $ganIds: [String], $mapIds: [String]) {
        editWorkspace(workspaceId: $workspaceId, name: $name, channelIds: $channelIds, volumeIds: $volumeIds, ganIds: $ganIds, mapIds: $mapIds) }";
    let v = script
        .gql(
            "editWorkspace",
            edit,
            json!({ "workspaceId": lab, "name": "Laboratory" }),
        )
        .await;
    assert_eq!(gql_ok(&v, "editWorkspace"), json!("success"));
    let v = script
        .gql("getChannels", GET_CHANNELS, json!({ "workspaceId": lab }))
        .await;
    assert_eq!(
        names(&v, "getChannels"),
        ["Satellite"],
        "what is not sent stays"
    );
    let v = script
        .gql(
            "editWorkspace",
            edit,
            json!({ "workspaceId": lab, "channelIds": [] }),
        )
        .await;
    assert_eq!(gql_ok(&v, "editWorkspace"), json!("success"));
    let v = script
        .gql("getChannels", GET_CHANNELS, json!({ "workspaceId": lab }))
        .await;
    assert!(names(&v, "getChannels").is_empty());

    let get_ws_limits = "query getWorkspaceLimits($workspaceId: String!, $setting: String) {
        getWorkspaceLimits(workspaceId: $workspaceId, setting: $setting) {
            workspaceId setting limit usage } }";
    let set_ws_limit =
        "mutation setWorkspaceLimits($workspaceId: String!, $setting: String!, $limit: Int!) {
        setWorkspaceLimits(workspaceId: $workspaceId, setting: $setting, limit: $limit) }";
    let v = script
        .gql(
            "setWorkspaceLimits",
            set_ws_limit,
            json!({ "workspaceId": lab, "setting": "Guests", "limit": 5 }),
        )
        .await;
    assert_eq!(gql_ok(&v, "setWorkspaceLimits"), json!("success"));
    let v = script
        .gql(
            "getWorkspaceLimits",
            get_ws_limits,
            json!({ "workspaceId": lab, "setting": "Guests" }),
        )
        .await;
    assert_eq!(
        gql_ok(&v, "getWorkspaceLimits"),
        json!([{ "workspaceId": lab, "setting": "Guests", "limit": 5, "usage": 0.0 }])
    );

    let delete = "mutation deleteWorkspace($workspaceId: String!) { deleteWorkspace(workspaceId: $workspaceId) }";
    let v = script
        .gql("deleteWorkspace", delete, json!({ "workspaceId": lab }))
        .await;
    assert_eq!(gql_ok(&v, "deleteWorkspace"), json!("success"));
    let v = script.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    assert_eq!(names(&v, "getWorkspaces"), ["Main"]);

    let rename = "mutation editOrganization($organizationId: String!, $name: String!) {
        editOrganization(organizationId: $organizationId, name: $name) }";
    let v = script
        .gql(
            "editOrganization",
            rename,
            json!({ "organizationId": org, "name": "  Difference Engines " }),
        )
        .await;
    assert_eq!(gql_ok(&v, "editOrganization"), json!("success"));
    assert_eq!(
        admin.me().await["organizations"][0]["name"],
        json!("Difference Engines")
    );

    // A member is refused what only admins may do, with the UI's sentence.
    let r = admin
        .call(
            "add_organization_member",
            &[
                ("organization_id", &org),
                ("email", "grace@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    let token = r.json()["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let mut grace = app.client();
    let r = grace
        .call(
            "sign_up_with_invitation",
            &[
                ("token", &token),
                ("name", "Grace"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut member = Script::new(&app);
    member
        .sign_in("grace@example.com", "a long enough password")
        .await;
    for (op, query, vars) in [
        (
            "setOrganizationLimits",
            set_org_limit,
            json!({ "organizationId": org, "setting": "Members", "limit": 9 }),
        ),
        (
            "editOrganization",
            rename,
            json!({ "organizationId": org, "name": "Mine" }),
        ),
    ] {
        let v = member.gql(op, query, vars).await;
        assert_eq!(message(&v), "You don't have permission to do that.", "{op}");
    }
}

async fn unreadable_requests_answer_a_graphql_error(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut client = app.client();
    client.origin = None;
    for body in ["", "not json", "[1, 2]", "{\"query\": 42}"] {
        let request = Request::builder()
            .method("POST")
            .uri("/graphql")
            .header(header::HOST, "orgspace.test")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let r = client.send(request).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body:?}: {}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            message(&v).starts_with("The request was not understood"),
            "{v}"
        );
    }
    // A query that is not GraphQL: the parser's own words, still as a GraphQL answer.
    let mut script = Script::new(&app);
    let v = script.gql("x", "query x { ", json!({})).await;
    assert!(v["errors"][0]["message"].is_string(), "{v}");
}

async fn the_schema_answers_introspection(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut script = Script::new(&app);
    let v = script
        .gql(
            "IntrospectionQuery",
            "query IntrospectionQuery { __schema { queryType { name } mutationType { name }
                types { name fields { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(v["data"]["__schema"]["queryType"]["name"], json!("Query"));
    let query = v["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Query")
        .unwrap();
    let fields: Vec<&str> = query["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    // The type names newer SDKs look fields up by.
    let types: Vec<&str> = v["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for name in [
        "UserCredentials",
        "Organization",
        "Workspace",
        "Member",
        "Invitation",
        "Channel",
        "Volume",
        "WorkspaceFilter",
    ] {
        assert!(types.contains(&name), "{name} in {types:?}");
    }
    let v = script
        .gql(
            "getSDKCompatibility",
            "query getSDKCompatibility($os: String!, $python: String!, $anatools: String!) {
                getSDKCompatibility(os: $os, python: $python, anatools: $anatools) { version message } }",
            json!({ "os": "Linux", "python": "3.11", "anatools": "6.1.2" }),
        )
        .await;
    assert_eq!(
        v["data"]["getSDKCompatibility"]["version"],
        json!("3.0.0"),
        "{v}"
    );
    for op in [
        "getSDKCompatibility",
        "getOrganizations",
        "getWorkspaces",
        "getCurrentUser",
        "getChannels",
        "getVolumes",
    ] {
        assert!(fields.contains(&op), "{op} in {fields:?}");
    }
}

/// anatools 6 lists members a page at a time: `limit`, and as `cursor` the `userId` of the
/// last member of the previous page. Pages follow one another without gaps or repeats, in
/// the order of the whole list (which anatools 3 gets at once, without `limit`).
async fn scripts_page_through_members_as_anatools_6_does(t: TestDb) {
    // Room for the 120 members added below and the invitations after them.
    let app = TestApp::with_org_limits(&t, &["members=200"]).await;
    let mut admin = app.client();
    let (email, password) = admin.sign_up("Ada", "Engines").await;
    let org = admin.current_organization().await;
    common::add_members(&t, &org, "Member", 120).await;
    let mut script = Script::new(&app);
    script.sign_in(&email, &password).await;
    let user_ids = |v: &Value| -> Vec<String> {
        v["data"]["getMembers"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|m| m["userId"].as_str().unwrap().to_owned())
            .collect()
    };

    let v = script
        .gql(
            "getMembers",
            GET_MEMBERS_PAGE,
            json!({ "organizationId": org }),
        )
        .await;
    let everyone = user_ids(&v);
    assert_eq!(everyone.len(), 121);
    assert_eq!(v["data"]["getMembers"][0]["name"], json!("Ada"));
    assert_eq!(v["data"]["getMembers"][120]["name"], json!("Member 119"));

    let mut paged = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let v = script
            .gql(
                "getMembers",
                GET_MEMBERS_PAGE,
                json!({ "organizationId": org, "limit": 50, "cursor": cursor }),
            )
            .await;
        let page = user_ids(&v);
        sizes.push(page.len());
        paged.extend(page.iter().cloned());
        if page.len() < 50 {
            break;
        }
        cursor = json!(page.last().unwrap());
    }
    assert_eq!(sizes, [50, 50, 21]);
    assert_eq!(paged, everyone);

    // Bad paging: the sentence of the field, no data.
    for (vars, expected) in [
        (json!({ "limit": 0 }), "The limit must be at least 1."),
        (
            json!({ "limit": 5, "cursor": "not an id" }),
            "The cursor is not the id of an item of the previous page.",
        ),
        (
            json!({ "limit": 5, "cursor": "0193f5c2-1111-7000-8000-000000000000" }),
            "The member this page starts after is no longer in the organization. Start from the first page.",
        ),
    ] {
        let mut vars = vars;
        vars["organizationId"] = json!(org);
        let v = script
            .gql("getMembers", GET_MEMBERS_PAGE, vars.clone())
            .await;
        assert_eq!(v["data"], json!({ "getMembers": null }), "{vars}");
        assert_eq!(message(&v), expected, "{vars}");
    }

    // Invitations page the same way, by invitationId.
    for invitee in ["x1@example.com", "x2@example.com", "x3@example.com"] {
        let v = script
            .gql(
                "addMember",
                ADD_MEMBER,
                json!({ "organizationId": org, "email": invitee, "role": "member" }),
            )
            .await;
        assert_eq!(v["data"]["addMember"], json!("success"), "{v}");
    }
    let v = script
        .gql(
            "getInvitations",
            GET_INVITATIONS_PAGE,
            json!({ "organizationId": org }),
        )
        .await;
    let all: Vec<Value> = v["data"]["getInvitations"].as_array().unwrap().clone();
    assert_eq!(all.len(), 3, "{v}");
    let v = script
        .gql(
            "getInvitations",
            GET_INVITATIONS_PAGE,
            json!({ "organizationId": org, "limit": 2, "cursor": all[0]["invitationId"] }),
        )
        .await;
    assert_eq!(v["data"]["getInvitations"], json!(all[1..].to_vec()), "{v}");
}

const GET_MEMBERS_PAGE: &str =
    "query getMembers($organizationId: String, $limit: Int, $cursor: String) {
    getMembers(organizationId: $organizationId, limit: $limit, cursor: $cursor) {
        organizationId userId email name role } }";

const GET_INVITATIONS_PAGE: &str =
    "query getInvitations($organizationId: String, $limit: Int, $cursor: String) {
    getInvitations(organizationId: $organizationId, limit: $limit, cursor: $cursor) {
        invitationId email role } }";

on_both_backends!(
    scripts_sign_in_for_a_token_and_list_what_they_reach,
    channels_and_volumes_are_listed_as_their_pages_show_them,
    members_guests_and_invitations_through_the_sdk_operations,
    scripts_page_through_members_as_anatools_6_does,
    limits_and_workspaces_through_the_sdk_operations,
    unreadable_requests_answer_a_graphql_error,
    the_schema_answers_introspection,
);
