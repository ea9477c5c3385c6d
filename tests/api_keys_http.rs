//! API keys and usage metering over HTTP, on both backends: keys made in the app and through
//! the SDK's operations, shown once and kept hashed; scoped keys that never reach past their
//! organization or workspace; usage reports (GraphQL and plain JSON) counted against the limits
//! the dashboard shows, and the monthly totals anatools reads.

mod common;

use axum::http::StatusCode;
use common::{
    Client, TestApp, TestDb,
    script::{Script, message},
};
use serde_json::{Value, json};

/// Makes a key in the app (as the settings page does); answers the key.
async fn make_key(client: &mut Client, name: &str, scope: &str, expires: &str) -> String {
    let r = client
        .call(
            "create_api_key",
            &[("name", name), ("scope", scope), ("expires", expires)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "create {name}: {}", r.body);
    let v = r.json();
    assert_eq!(v["name"], json!(name.trim()));
    v["key"].as_str().unwrap().to_owned()
}

async fn keys(client: &mut Client) -> Value {
    let r = client.call("get_api_keys", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// A new user who joins `org` as `role` through an invitation accepted in the app.
async fn join(app: &TestApp, admin: &mut Client, org: &str, name: &str, role: &str) -> Client {
    let mut user = app.client();
    let (email, _) = user.sign_up(name, &format!("{name}'s own")).await;
    let r = admin
        .call(
            "add_organization_member",
            &[("organization_id", org), ("email", &email), ("role", role)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "invite: {}", r.body);
    let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
    let r = user
        .call("accept_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "accept: {}", r.body);
    user
}

async fn create_workspace(client: &mut Client, org: &str, name: &str) -> String {
    let r = client
        .call(
            "create_workspace",
            &[("organization_id", org), ("name", name)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_str().unwrap().to_owned()
}

/// The usage of `setting` in an answer of `get_organization_limits`.
fn usage_of(limits: &Value, setting: &str) -> f64 {
    limits["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["setting"] == setting)
        .unwrap()["usage"]
        .as_f64()
        .unwrap()
}

fn data<'a>(v: &'a Value, op: &str) -> &'a Value {
    assert!(v.get("errors").is_none(), "{op}: {v}");
    &v["data"][op]
}

fn refused(v: &Value, op: &str) -> String {
    assert_eq!(v["data"][op], Value::Null, "{op} should be refused: {v}");
    message(v).to_owned()
}

const GET_ORGANIZATIONS: &str = "query getOrganizations($organizationId: String) { getOrganizations(organizationId: $organizationId) { organizationId name role } }";
const GET_WORKSPACES: &str = "query getWorkspaces($organizationId: String, $workspaceId: String) { getWorkspaces(organizationId: $organizationId, workspaceId: $workspaceId) { workspaceId name organizationId } }";
const GET_ORG_LIMITS: &str = "query getOrganizationLimits($organizationId: String!, $setting: String) {
    getOrganizationLimits(organizationId: $organizationId, setting: $setting) { setting limit usage } }";
const GET_API_KEY_CONTEXT: &str = "query getAPIKeyContext($apiKey: String!) {
    getAPIKeyContext(apiKey: $apiKey) { name scope organizationId workspaceId prefix expiresAt createdAt } }";
const OUTSIDE: &str =
    "This API key is limited to one organization or workspace, and this is outside it.";
const INVALID: &str = "The API key is not valid: it is unknown, deleted or expired.";

async fn keys_are_shown_once_kept_hashed_and_end_when_deleted(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;
    let org = ada.current_organization().await;
    assert_eq!(keys(&mut ada).await["keys"], json!([]));
    // The organization and its workspace are offered as scopes.
    let choices = keys(&mut ada).await["choices"].clone();
    let labels: Vec<&str> = choices
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["All of Engines", "Workspace Main"]);

    let key = make_key(&mut ada, " Uploader ", "user", "30").await;
    assert!(key.starts_with("osk_") && key.len() == 47, "{key}");
    let listed = keys(&mut ada).await["keys"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], json!("Uploader"));
    assert_eq!(listed[0]["prefix"], json!(&key[..12]));
    assert_eq!(listed[0]["scope"], json!("User"));
    assert_eq!(listed[0]["expired"], json!(false));
    assert_eq!(listed[0]["last_used_at"], Value::Null);
    // The list never carries the key, and the database keeps only its hash.
    assert!(!listed.to_string().contains(&key));
    let stored: Vec<Vec<u8>> = orgspace::db_run!(&mut t.db.conn().await.unwrap(), x =>
        sqlx::query_scalar("SELECT key_hash FROM api_keys").fetch_all(x).await)
    .unwrap();
    assert_eq!(stored, [orgspace::token::hash(&key).to_vec()]);

    // The key works as the user: everything they reach, and it is marked used.
    let mut script = Script::with_key(&app, &key);
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(
        data(&v, "getOrganizations"),
        &json!([{ "organizationId": org, "name": "Engines", "role": "admin" }])
    );
    assert!(keys(&mut ada).await["keys"][0]["last_used_at"].is_number());
    let v = script
        .gql(
            "getAPIKeyContext",
            GET_API_KEY_CONTEXT,
            json!({ "apiKey": key }),
        )
        .await;
    let context = data(&v, "getAPIKeyContext");
    assert_eq!(context["name"], json!("Uploader"));
    assert_eq!(context["scope"], json!("user"));
    assert_eq!(context["organizationId"], Value::Null);
    assert!(context["expiresAt"].as_str().unwrap().ends_with('Z'));
    // Keys cannot make or delete keys, nor list them.
    for (op, query) in [
        (
            "createAPIKey",
            "mutation createAPIKey($name: String!) { createAPIKey(name: $name) }",
        ),
        (
            "deleteAPIKey",
            "mutation deleteAPIKey($name: String!) { deleteAPIKey(name: $name) }",
        ),
    ] {
        let v = script.gql(op, query, json!({ "name": "Uploader" })).await;
        assert_eq!(
            refused(&v, op),
            "API keys cannot do this: sign in with your email and password."
        );
    }

    // Validation loses nothing: no key is made.
    for (form, field, expected) in [
        (("", "user", "30"), "name", "Enter a name for the key."),
        (
            ("Uploader", "user", "30"),
            "name",
            "You already have a key named \"Uploader\". Choose another name.",
        ),
        (
            ("Other", "team:1", "30"),
            "scope",
            "Choose what the key reaches.",
        ),
        (
            ("Other", "user", "0"),
            "expires",
            "Choose when the key expires.",
        ),
    ] {
        let r = ada
            .call(
                "create_api_key",
                &[("name", form.0), ("scope", form.1), ("expires", form.2)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.json()["Validation"][0],
            json!({ "field": field, "message": expected }),
            "{}",
            r.body
        );
    }
    // A place that is not mine answers like one that does not exist.
    let mut bob = app.client();
    bob.sign_up("Bob", "Bobs").await;
    let bobs = bob.current_organization().await;
    let r = ada
        .call(
            "create_api_key",
            &[
                ("name", "Spy"),
                ("scope", &format!("organization:{bobs}")),
                ("expires", "never"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(keys(&mut ada).await["keys"].as_array().unwrap().len(), 1);

    // Through the SDK's operations, signed in with the password.
    let mut sdk = Script::new(&app);
    sdk.sign_in(&email, &password).await;
    let create = "mutation createAPIKey($name: String!, $scope: String, $organizationId: String, $workspaceId: String, $expiresAt: String) {
        createAPIKey(name: $name, scope: $scope, organizationId: $organizationId, workspaceId: $workspaceId, expiresAt: $expiresAt) }";
    let v = sdk
        .gql(
            "createAPIKey",
            create,
            json!({ "name": "Nightly", "scope": "organization", "organizationId": org, "expiresAt": "2099-01-31" }),
        )
        .await;
    let nightly = data(&v, "createAPIKey").as_str().unwrap().to_owned();
    let v = sdk
        .gql(
            "createAPIKey",
            create,
            json!({ "name": "Past", "expiresAt": "2001-01-01" }),
        )
        .await;
    assert_eq!(
        refused(&v, "createAPIKey"),
        "The expiry must be in the future."
    );
    let v = sdk
        .gql(
            "getAPIKeys",
            "query getAPIKeys($name: String) { getAPIKeys(name: $name) { name scope organizationId expiresAt } }",
            json!({ "name": "Nightly" }),
        )
        .await;
    assert_eq!(
        data(&v, "getAPIKeys"),
        &json!([{ "name": "Nightly", "scope": "organization", "organizationId": org,
                  "expiresAt": "2099-01-31T00:00:00.000Z" }])
    );

    // Deleted: refused at the next request. Expired: the same.
    let v = sdk
        .gql(
            "deleteAPIKey",
            "mutation deleteAPIKey($name: String!) { deleteAPIKey(name: $name) }",
            json!({ "name": "Uploader" }),
        )
        .await;
    assert_eq!(data(&v, "deleteAPIKey"), &json!("success"));
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(refused(&v, "getOrganizations"), INVALID);
    orgspace::db_run!(&mut t.db.conn().await.unwrap(), x =>
        sqlx::query("UPDATE api_keys SET created_at = $1, expires_at = $2")
            .bind(orgspace::timestamp::Timestamp::from_unix_millis(1_000))
            .bind(orgspace::timestamp::Timestamp::from_unix_millis(2_000))
            .execute(x).await.map(|_| ()))
    .unwrap();
    let mut nightly = Script::with_key(&app, &nightly);
    let v = nightly
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(refused(&v, "getOrganizations"), INVALID);
    assert_eq!(keys(&mut ada).await["keys"][0]["expired"], json!(true));
    // Rubbish in the header is just as invalid.
    for junk in ["osk_", "not a key", &"x".repeat(5000)] {
        let mut s = Script::with_key(&app, junk);
        let v = s
            .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
            .await;
        assert_eq!(refused(&v, "getOrganizations"), INVALID, "{junk}");
    }
    let r = ada.call("delete_api_key", &[("name", "Nobody")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn scoped_keys_never_reach_past_their_scope(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Engines").await;
    let engines = ada.current_organization().await;
    let lab = create_workspace(&mut ada, &engines, "Lab").await;
    let mut bob = app.client();
    bob.sign_up("Bob", "Bobs").await;
    let bobs = bob.current_organization().await;

    let org_key = make_key(
        &mut ada,
        "Engines only",
        &format!("organization:{engines}"),
        "30",
    )
    .await;
    let ws_key = make_key(&mut ada, "Lab only", &format!("workspace:{lab}"), "30").await;
    let mut by_org = Script::with_key(&app, &org_key);
    let mut by_ws = Script::with_key(&app, &ws_key);

    // Lists are narrowed to the scope.
    let v = by_org
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    let orgs = data(&v, "getOrganizations").as_array().unwrap().clone();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["organizationId"], json!(engines));
    let v = by_org.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    assert_eq!(data(&v, "getWorkspaces").as_array().unwrap().len(), 2);
    let v = by_ws.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    assert_eq!(
        data(&v, "getWorkspaces"),
        &json!([{ "workspaceId": lab, "name": "Lab", "organizationId": engines }])
    );
    let v = by_ws
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(data(&v, "getOrganizations").as_array().unwrap().len(), 1);

    // Inside the scope, the owner's rights: the organization key reads and sets its limits.
    let v = by_org
        .gql(
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines, "setting": "Members" }),
        )
        .await;
    assert_eq!(data(&v, "getOrganizationLimits")[0]["limit"], json!(50));
    let v = by_ws
        .gql(
            "getWorkspaceLimits",
            "query getWorkspaceLimits($workspaceId: String!) { getWorkspaceLimits(workspaceId: $workspaceId) { setting limit } }",
            json!({ "workspaceId": lab }),
        )
        .await;
    assert_eq!(data(&v, "getWorkspaceLimits").as_array().unwrap().len(), 5);
    let v = by_org
        .gql(
            "getMembers",
            "query getMembers { getMembers { email role } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&v, "getMembers").as_array().unwrap().len(),
        1,
        "the key's organization by default"
    );

    // Outside it: one answer, whether the place is the owner's, someone else's, or nothing.
    let nothing = "0193f5c2-1111-7000-8000-000000000000";
    for org in [bobs.as_str(), nothing] {
        let v = by_org
            .gql(
                "getOrganizationLimits",
                GET_ORG_LIMITS,
                json!({ "organizationId": org }),
            )
            .await;
        assert_eq!(refused(&v, "getOrganizationLimits"), OUTSIDE, "{org}");
        let v = by_org
            .gql(
                "editOrganization",
                "mutation editOrganization($organizationId: String!, $name: String!) { editOrganization(organizationId: $organizationId, name: $name) }",
                json!({ "organizationId": org, "name": "Taken" }),
            )
            .await;
        assert_eq!(refused(&v, "editOrganization"), OUTSIDE, "{org}");
    }
    // The workspace key reaches nothing of the organization as a whole, nor another workspace.
    let main = data(
        &by_org.gql("getWorkspaces", GET_WORKSPACES, json!({})).await,
        "getWorkspaces",
    )
    .as_array()
    .unwrap()
    .iter()
    .find(|w| w["name"] == "Main")
    .unwrap()["workspaceId"]
        .as_str()
        .unwrap()
        .to_owned();
    for (op, query, variables) in [
        (
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines }),
        ),
        (
            "getMembers",
            "query getMembers($organizationId: String) { getMembers(organizationId: $organizationId) { email } }",
            json!({ "organizationId": engines }),
        ),
        (
            "getMembers",
            "query getMembers { getMembers { email } }",
            json!({}),
        ),
        (
            "getWorkspaceLimits",
            "query getWorkspaceLimits($workspaceId: String!) { getWorkspaceLimits(workspaceId: $workspaceId) { setting } }",
            json!({ "workspaceId": main }),
        ),
        (
            "deleteWorkspace",
            "mutation deleteWorkspace($workspaceId: String!) { deleteWorkspace(workspaceId: $workspaceId) }",
            json!({ "workspaceId": main }),
        ),
        (
            "createWorkspace",
            "mutation createWorkspace($organizationId: String!, $name: String!, $channelIds: [String]!, $volumeIds: [String]!, $code: String!) { createWorkspace(organizationId: $organizationId, name: $name, channelIds: $channelIds, volumeIds: $volumeIds, code: $code) }",
            json!({ "organizationId": engines, "name": "X", "channelIds": [], "volumeIds": [], "code": "" }),
        ),
        (
            "getChannels",
            "query getChannels($workspaceId: String) { getChannels(workspaceId: $workspaceId) { name } }",
            json!({ "workspaceId": main }),
        ),
    ] {
        let v = by_ws.gql(op, query, variables.clone()).await;
        assert_eq!(refused(&v, op), OUTSIDE, "{op} {variables}");
    }
    // Workspaces of other organizations are outside the organization key, existing or not.
    let bobs_main = {
        let r = bob.call("get_me", &[]).await;
        r.json()["current"]["workspace"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for ws in [bobs_main.as_str(), nothing] {
        let v = by_org
            .gql(
                "getWorkspaceLimits",
                "query getWorkspaceLimits($workspaceId: String!) { getWorkspaceLimits(workspaceId: $workspaceId) { setting } }",
                json!({ "workspaceId": ws }),
            )
            .await;
        assert_eq!(refused(&v, "getWorkspaceLimits"), OUTSIDE, "{ws}");
    }

    // A key never outlives its owner's rights: a member's organization key, once the member is
    // removed, reaches nothing; a deleted workspace takes its keys with it.
    let mut carol = join(&app, &mut ada, &engines, "Carol", "member").await;
    let carol_key = make_key(
        &mut carol,
        "Carol's",
        &format!("organization:{engines}"),
        "30",
    )
    .await;
    let mut by_carol = Script::with_key(&app, &carol_key);
    let v = by_carol
        .gql(
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines }),
        )
        .await;
    assert!(data(&v, "getOrganizationLimits").is_array());
    let v = by_carol
        .gql(
            "setOrganizationLimits",
            "mutation setOrganizationLimits($organizationId: String!, $setting: String!, $limit: Int!) { setOrganizationLimits(organizationId: $organizationId, setting: $setting, limit: $limit) }",
            json!({ "organizationId": engines, "setting": "Members", "limit": 2 }),
        )
        .await;
    assert_eq!(
        refused(&v, "setOrganizationLimits"),
        "You don't have permission to do that."
    );
    let carol_id = carol.me().await["id"].as_str().unwrap().to_owned();
    let r = ada
        .call(
            "remove_organization_member",
            &[
                ("organization_id", engines.as_str()),
                ("user_id", carol_id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = by_carol
        .gql(
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines }),
        )
        .await;
    assert_eq!(refused(&v, "getOrganizationLimits"), "Not found.");
    let r = ada
        .call("delete_workspace", &[("workspace_id", lab.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = by_ws.gql("getWorkspaces", GET_WORKSPACES, json!({})).await;
    assert_eq!(refused(&v, "getWorkspaces"), INVALID);
    let names: Vec<String> = keys(&mut ada).await["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Engines only"]);
}

async fn usage_reports_count_against_the_limits_the_dashboard_shows(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    let (ada_email, _) = ada.sign_up("Ada", "Engines").await;
    let engines = ada.current_organization().await;
    let lab = create_workspace(&mut ada, &engines, "Lab").await;
    let org_key = make_key(&mut ada, "Meter", &format!("organization:{engines}"), "30").await;
    let ws_key = make_key(&mut ada, "Lab meter", &format!("workspace:{lab}"), "30").await;
    let user_key = make_key(&mut ada, "Everything", "user", "30").await;
    let mut meter = Script::with_key(&app, &org_key);
    let mut lab_meter = Script::with_key(&app, &ws_key);

    // Plain JSON: Compute Time adds up over the month.
    let (status, v) = meter
        .post_json(
            "/api/usage",
            r#"{"setting": "Compute Time", "amount": 12.5, "channel": "satellite", "instanceType": "g4dn.xlarge"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v,
        json!({ "organizationId": engines, "workspaceId": null, "setting": "Compute Time", "usage": 12.5, "limit": 100 })
    );
    let (status, v) = meter
        .post_json(
            "/api/usage",
            r#"{"setting": "compute_time", "amount": 80, "member": "ADA@example.com"}"#
                .replace("ADA@example.com", &ada_email.to_uppercase())
                .as_str(),
        )
        .await;
    assert_eq!(
        (status, v["usage"].clone()),
        (StatusCode::OK, json!(92.5)),
        "{v}"
    );
    // Past the limit: refused with the figures, and nothing recorded.
    let (status, v) = meter
        .post_json("/api/usage", r#"{"setting": "Compute Time", "amount": 10}"#)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"], json!("limit_reached"));
    assert_eq!(
        (
            v["setting"].clone(),
            v["limit"].clone(),
            v["usage"].clone(),
            v["amount"].clone()
        ),
        (json!("Compute Time"), json!(100), json!(92.5), json!(10.0))
    );
    assert_eq!(
        v["message"],
        json!(
            "The Compute Time limit would be exceeded: 92.5 of 100 hours used this month, and the report adds 10."
        )
    );

    // The workspace's Compute Time counts toward the organization's too, and its own limit.
    let r = ada
        .call(
            "set_workspace_limit",
            &[
                ("workspace_id", lab.as_str()),
                ("setting", "ComputeTime"),
                ("limit", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = "mutation reportUsage($setting: String!, $amount: Float!, $workspaceId: String, $channel: String) {
        reportUsage(setting: $setting, amount: $amount, workspaceId: $workspaceId, channel: $channel) { organizationId workspaceId setting usage limit } }";
    let v = lab_meter
        .gql(
            "reportUsage",
            report,
            json!({ "setting": "Compute Time", "amount": 4, "channel": "satellite" }),
        )
        .await;
    assert_eq!(
        data(&v, "reportUsage"),
        &json!({ "organizationId": engines, "workspaceId": lab, "setting": "Compute Time", "usage": 4.0, "limit": 5 })
    );
    let v = lab_meter
        .gql(
            "reportUsage",
            report,
            json!({ "setting": "Compute Time", "amount": 2 }),
        )
        .await;
    assert_eq!(
        refused(&v, "reportUsage"),
        "The Compute Time limit would be exceeded: 4 of 5 hours used this month, and the report adds 2."
    );
    // 96.5 of the organization's 100 now: 3.5 more fit, 4 do not (even in the workspace).
    let v = meter
        .gql(
            "reportUsage",
            report,
            json!({ "setting": "Compute Time", "amount": 4, "workspaceId": lab }),
        )
        .await;
    assert!(refused(&v, "reportUsage").starts_with("The Compute Time limit would be exceeded"));

    // Levels: the last report is the usage; over the limit refused; whole counts only.
    for (body, status) in [
        (
            r#"{"setting": "Dataset Storage", "amount": 150}"#,
            StatusCode::CONFLICT,
        ),
        (
            r#"{"setting": "Dataset Storage", "amount": 40.25}"#,
            StatusCode::OK,
        ),
        (
            r#"{"setting": "Dataset Storage", "amount": 30}"#,
            StatusCode::OK,
        ),
        (
            r#"{"setting": "Instances", "amount": 2.5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (r#"{"setting": "Instances", "amount": 3}"#, StatusCode::OK),
        (
            r#"{"setting": "Members", "amount": 3}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Datasets", "amount": 3}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": -1}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": "ten"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": 1e400}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": 1, "extra": 1}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": 1, "member": "stranger@example.com"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"setting": "Compute Time", "amount": 1, "channel": "a\u0000b"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("not json", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (got, v) = meter.post_json("/api/usage", body).await;
        assert_eq!(got, status, "{body}: {v}");
        if status != StatusCode::OK {
            assert!(
                v["message"].as_str().is_some_and(|m| m.ends_with('.')),
                "{v}"
            );
        }
    }

    // The dashboard's meters (the same service as getOrganizationLimits) show the reports.
    let r = ada
        .call(
            "get_organization_limits",
            &[("organization_id", engines.as_str())],
        )
        .await;
    let limits = r.json();
    let usage = |setting: &str| usage_of(&limits, setting);
    assert_eq!(usage("ComputeTime"), 96.5);
    assert_eq!(usage("DatasetStorage"), 30.0);
    assert_eq!(usage("Instances"), 3.0);
    let page = ada.get("/").await;
    assert!(page.body.contains("96.5"), "the dashboard shows 96.5 hours");
    let v = Script::with_key(&app, &org_key)
        .gql(
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines, "setting": "Compute Time" }),
        )
        .await;
    assert_eq!(
        data(&v, "getOrganizationLimits"),
        &json!([{ "setting": "Compute Time", "limit": 100, "usage": 96.5 }])
    );

    // Monthly totals, as anatools 3.0.0 asks: by channel and instance type, in seconds.
    let now = orgspace::timestamp::Timestamp::from_unix_millis(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let (year, month, _) = now.date();
    let monthly = "query getOrganizationUsage($organizationId: String!, $workspaceId: String, $member: String, $year: String!, $month: String!) {
        getOrganizationUsage(organizationId: $organizationId, workspaceId: $workspaceId, member: $member, year: $year, month: $month) { channel instanceType time } }";
    let sorted = |v: &Value| {
        let mut rows = data(v, "getOrganizationUsage").as_array().unwrap().clone();
        rows.sort_by_key(|r| r.to_string());
        rows
    };
    let v = meter
        .gql("getOrganizationUsage", monthly, json!({ "organizationId": engines, "year": year.to_string(), "month": month.to_string() }))
        .await;
    assert_eq!(
        sorted(&v),
        [
            json!({ "channel": "satellite", "instanceType": "g4dn.xlarge", "time": 45_000 }),
            json!({ "channel": "satellite", "instanceType": null, "time": 14_400 }),
            json!({ "channel": null, "instanceType": null, "time": 288_000 }),
        ]
    );
    let v = meter
        .gql("getOrganizationUsage", monthly, json!({ "organizationId": engines, "workspaceId": lab, "year": year.to_string(), "month": month.to_string() }))
        .await;
    assert_eq!(
        sorted(&v),
        [json!({ "channel": "satellite", "instanceType": null, "time": 14_400 })]
    );
    let v = meter
        .gql("getOrganizationUsage", monthly, json!({ "organizationId": engines, "member": ada_email, "year": year.to_string(), "month": month.to_string() }))
        .await;
    assert_eq!(
        sorted(&v),
        [json!({ "channel": null, "instanceType": null, "time": 288_000 })]
    );
    let v = meter
        .gql(
            "getOrganizationUsage",
            monthly,
            json!({ "organizationId": engines, "year": "2001", "month": "1" }),
        )
        .await;
    assert_eq!(data(&v, "getOrganizationUsage"), &json!([]));
    let v = meter
        .gql(
            "getOrganizationUsage",
            monthly,
            json!({ "organizationId": engines, "year": "2026", "month": "13" }),
        )
        .await;
    assert_eq!(
        refused(&v, "getOrganizationUsage"),
        "Give the year (like 2026) and the month (1 to 12)."
    );

    // Who may report: scoped keys only, of admins, within their scope.
    let needs_scope = "Usage is reported with an API key limited to the organization or workspace it is about: make one on the API keys page.";
    let (status, v) = Script::with_key(&app, &user_key)
        .post_json("/api/usage", r#"{"setting": "Compute Time", "amount": 1}"#)
        .await;
    assert_eq!(
        (status, v["message"].clone()),
        (StatusCode::CONFLICT, json!(needs_scope))
    );
    let (status, v) = Script::new(&app)
        .post_json("/api/usage", r#"{"setting": "Compute Time", "amount": 1}"#)
        .await;
    assert_eq!(
        (status, v["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthenticated"))
    );
    let (status, v) = Script::with_key(&app, "osk_nothing")
        .post_json("/api/usage", r#"{"setting": "Compute Time", "amount": 1}"#)
        .await;
    assert_eq!(
        (status, v["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_api_key"))
    );
    let mut bob = app.client();
    bob.sign_up("Bob", "Bobs").await;
    let bobs = bob.current_organization().await;
    let (status, v) = meter
        .post_json(
            "/api/usage",
            &format!(r#"{{"setting": "Compute Time", "amount": 1, "organizationId": "{bobs}"}}"#),
        )
        .await;
    assert_eq!(
        (status, v["error"].clone()),
        (StatusCode::FORBIDDEN, json!("outside_key_scope"))
    );
    let mut carol = join(&app, &mut ada, &engines, "Carol", "member").await;
    let carol_key = make_key(
        &mut carol,
        "Carol's",
        &format!("organization:{engines}"),
        "30",
    )
    .await;
    let (status, v) = Script::with_key(&app, &carol_key)
        .post_json("/api/usage", r#"{"setting": "Compute Time", "amount": 1}"#)
        .await;
    assert_eq!(
        (status, v["error"].clone()),
        (StatusCode::FORBIDDEN, json!("forbidden")),
        "{v}"
    );
    // A member reads the monthly totals (as the limits); a signed-in token cannot report.
    let v = Script::with_key(&app, &carol_key)
        .gql("getOrganizationUsage", monthly, json!({ "organizationId": engines, "year": year.to_string(), "month": month.to_string() }))
        .await;
    assert_eq!(
        data(&v, "getOrganizationUsage").as_array().unwrap().len(),
        3
    );
}

async fn a_new_password_ends_the_scripts_signed_in_with_the_old_one(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;
    let key = make_key(&mut ada, "Kept", "user", "never").await;
    let mut script = Script::new(&app);
    script.sign_in(&email, &password).await;
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert!(data(&v, "getOrganizations").is_array());

    // Refusals say which field, and change nothing.
    let new = "an entirely new passphrase";
    for (current, next, field, expected) in [
        (
            "not my password",
            new,
            "current_password",
            "That is not your current password.",
        ),
        (
            password.as_str(),
            "short",
            "new_password",
            "Use at least 8 characters.",
        ),
        (
            password.as_str(),
            password.as_str(),
            "new_password",
            "Choose a password other than the current one.",
        ),
    ] {
        let r = ada
            .call(
                "change_password",
                &[("current_password", current), ("new_password", next)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.json()["Validation"][0],
            json!({ "field": field, "message": expected })
        );
    }
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert!(
        data(&v, "getOrganizations").is_array(),
        "nothing changed yet"
    );

    let r = ada
        .call(
            "change_password",
            &[
                ("current_password", password.as_str()),
                ("new_password", new),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The token is over; the key and this browser session go on.
    let v = script
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert_eq!(
        refused(&v, "getOrganizations"),
        "Please sign in to continue."
    );
    let v = Script::with_key(&app, &key)
        .gql("getOrganizations", GET_ORGANIZATIONS, json!({}))
        .await;
    assert!(data(&v, "getOrganizations").is_array());
    assert_eq!(ada.me().await["email"], json!(email));
    // The old password no longer signs in; the new one does.
    let old = Script::new(&app).sign_in(&email, &password).await;
    assert_eq!(old, Value::Null);
    let fresh = Script::new(&app).sign_in(&email, new).await;
    assert_eq!(fresh["idtoken"].as_str().map(str::len), Some(43));
}

const REPORT: &str =
    "mutation reportUsage($setting: String!, $amount: Float!, $workspaceId: String) {
    reportUsage(setting: $setting, amount: $amount, workspaceId: $workspaceId) { usage limit } }";

/// The review's attack: a plain member creates a workspace (becoming its admin), makes a key for
/// it, and reports 100 hours of Compute Time, spending the organization's month, or zeroes a
/// level the platform reported. Reporting is the platform's job: only keys of the
/// organization's admins report, for it or any of its workspaces.
async fn only_the_organizations_admins_keys_report_usage(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Engines").await;
    let engines = ada.current_organization().await;
    let mut mel = join(&app, &mut ada, &engines, "Mel", "member").await;
    let mine = create_workspace(&mut mel, &engines, "Mel's corner").await;
    let mel_key = make_key(&mut mel, "Mel's meter", &format!("workspace:{mine}"), "30").await;
    let ada_key = make_key(&mut ada, "Meter", &format!("workspace:{mine}"), "30").await;
    let mut platform = Script::with_key(&app, &ada_key);
    let v = platform
        .gql(
            "reportUsage",
            REPORT,
            json!({ "setting": "Instances", "amount": 3 }),
        )
        .await;
    assert_eq!(data(&v, "reportUsage")["usage"], json!(3.0));

    let mut by_mel = Script::with_key(&app, &mel_key);
    for (setting, amount) in [("Compute Time", 100), ("Instances", 0)] {
        let v = by_mel
            .gql(
                "reportUsage",
                REPORT,
                json!({ "setting": setting, "amount": amount }),
            )
            .await;
        assert_eq!(
            refused(&v, "reportUsage"),
            "You don't have permission to do that.",
            "{setting}"
        );
        let (status, v) = by_mel
            .post_json(
                "/api/usage",
                &json!({ "setting": setting, "amount": amount }).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{setting}: {v}");
    }
    // Nothing was recorded: the meters show what the platform reported.
    let limits = ada
        .call(
            "get_organization_limits",
            &[("organization_id", engines.as_str())],
        )
        .await
        .json();
    let usage = |setting: &str| usage_of(&limits, setting);
    assert_eq!((usage("ComputeTime"), usage("Instances")), (0.0, 3.0));

    // Made an admin, Mel's key reports: the role is read at each report.
    let mel_id = mel.me().await["id"].as_str().unwrap().to_owned();
    let r = ada
        .call(
            "edit_organization_member",
            &[
                ("organization_id", engines.as_str()),
                ("user_id", mel_id.as_str()),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = by_mel
        .gql(
            "reportUsage",
            REPORT,
            json!({ "setting": "Compute Time", "amount": 1.5 }),
        )
        .await;
    assert_eq!(data(&v, "reportUsage")["usage"], json!(1.5));
}

/// The review found 16 instances accepted against an organization limit of 4: levels reported
/// per workspace were never added up. The organization's level is its own report plus each
/// workspace's last one, checked in the report's transaction, and the meters show the sum.
async fn workspace_levels_add_up_to_the_organizations_limit(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Engines").await;
    let engines = ada.current_organization().await;
    let r = ada
        .call(
            "set_organization_limit",
            &[
                ("organization_id", engines.as_str()),
                ("setting", "Instances"),
                ("limit", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut spaces = Vec::new();
    for name in ["One", "Two", "Three", "Four"] {
        spaces.push(create_workspace(&mut ada, &engines, name).await);
    }
    let org_key = make_key(&mut ada, "Meter", &format!("organization:{engines}"), "30").await;
    let mut meter = Script::with_key(&app, &org_key);
    let report = |ws: Option<&str>, amount: f64| {
        let mut vars = json!({ "setting": "Instances", "amount": amount });
        if let Some(ws) = ws {
            vars["workspaceId"] = json!(ws);
        }
        vars
    };
    let v = meter
        .gql("reportUsage", REPORT, report(Some(&spaces[0]), 4.0))
        .await;
    assert_eq!(
        data(&v, "reportUsage"),
        &json!({ "usage": 4.0, "limit": 4 })
    );
    for ws in &spaces[1..] {
        let v = meter
            .gql("reportUsage", REPORT, report(Some(ws), 4.0))
            .await;
        assert_eq!(
            refused(&v, "reportUsage"),
            "The Instances limit would be exceeded: the report says 4 instances, which would make 8 across the organization, and the limit is 4.",
        );
    }
    let v = meter.gql("reportUsage", REPORT, report(None, 1.0)).await;
    assert!(refused(&v, "reportUsage").starts_with("The Instances limit would be exceeded"));

    // A workspace's new level replaces its last one: down to 1 leaves room for 3 elsewhere.
    let v = meter
        .gql("reportUsage", REPORT, report(Some(&spaces[0]), 1.0))
        .await;
    assert_eq!(data(&v, "reportUsage")["usage"], json!(1.0));
    let v = meter
        .gql("reportUsage", REPORT, report(Some(&spaces[1]), 2.0))
        .await;
    assert_eq!(data(&v, "reportUsage")["usage"], json!(2.0));
    let v = meter.gql("reportUsage", REPORT, report(None, 1.0)).await;
    assert_eq!(
        data(&v, "reportUsage"),
        &json!({ "usage": 4.0, "limit": 4 })
    );
    let v = meter
        .gql("reportUsage", REPORT, report(Some(&spaces[2]), 1.0))
        .await;
    assert!(refused(&v, "reportUsage").starts_with("The Instances limit would be exceeded"));
    // The organization's own report is replaced too, and a lower level always passes.
    let v = meter.gql("reportUsage", REPORT, report(None, 0.0)).await;
    assert_eq!(data(&v, "reportUsage")["usage"], json!(3.0));

    let v = meter
        .gql(
            "getOrganizationLimits",
            GET_ORG_LIMITS,
            json!({ "organizationId": engines, "setting": "Instances" }),
        )
        .await;
    assert_eq!(
        data(&v, "getOrganizationLimits"),
        &json!([{ "setting": "Instances", "limit": 4, "usage": 3.0 }])
    );
    let page = ada.get("/").await;
    assert!(
        page.body.contains("3 of 4 instances"),
        "the dashboard's meter shows the sum"
    );
}

on_both_backends!(
    only_the_organizations_admins_keys_report_usage,
    workspace_levels_add_up_to_the_organizations_limit,
    keys_are_shown_once_kept_hashed_and_end_when_deleted,
    scoped_keys_never_reach_past_their_scope,
    usage_reports_count_against_the_limits_the_dashboard_shows,
    a_new_password_ends_the_scripts_signed_in_with_the_old_one,
);
