//! Races, on both backends, each with two instances of orgspace (two routers with their own
//! connection pools and state) over one database, requests spread across them: limits and the
//! last-admin rule hold whatever the interleaving, because each check runs inside its write's
//! transaction with the organization's row locked.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb};

/// Two instances over `t`, as two servers sharing a database.
async fn two_instances(t: &TestDb, org_limits: &[&str]) -> (TestApp, TestApp) {
    // Invitations are rate limited per sender; these tests send hundreds on purpose.
    let rates = ["invitations_user=off"];
    (
        TestApp::with_limits(t, org_limits, &rates).await,
        TestApp::with_limits(t, org_limits, &rates).await,
    )
}

async fn count(t: &TestDb, sql: &str, org: &str) -> i64 {
    let org: uuid::Uuid = org.parse().unwrap();
    let mut c = t.db.conn().await.unwrap();
    orgspace::db_run!(&mut c, x => sqlx::query_scalar(sql).bind(org).fetch_one(x).await).unwrap()
}

/// Runs the requests at once; answers their statuses.
async fn all_at_once<F>(requests: Vec<F>) -> Vec<StatusCode>
where
    F: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let tasks: Vec<_> = requests.into_iter().map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// `count` people with accounts, signed up on the two instances in turn, each invited to `org`
/// as a member by `admin`: their clients, with the id of their invitation.
async fn invited_people(
    admin: &mut Client,
    apps: [&TestApp; 2],
    org: &str,
    name: &str,
    count: usize,
) -> Vec<(Client, String)> {
    let mut invitees = Vec::new();
    for i in 0..count {
        let mut user = apps[i % 2].client();
        let (email, _) = user.sign_up(&format!("{name} {i}"), "Own").await;
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
        assert_eq!(r.status, StatusCode::OK, "invite {i}: {}", r.body);
        let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
        invitees.push((user, id));
    }
    invitees
}

fn tally(statuses: &[StatusCode]) -> (usize, usize) {
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        ok + refused,
        statuses.len(),
        "only OK or Conflict: {statuses:?}"
    );
    (ok, refused)
}

async fn two_hundred_acceptances_fill_a_members_limit_of_fifty_exactly(t: TestDb) {
    let (one, two) = two_instances(&t, &["members=1000"]).await;
    let mut admin = one.client();
    admin.sign_up("Admin", "Crowded").await;
    let org = admin.current_organization().await;

    // 200 people with accounts, each invited while the limit is high.
    let invitees = invited_people(&mut admin, [&one, &two], &org, "Racer", 200).await;
    // Then the limit comes down to 50: the pending invitations stay, acceptances are checked.
    let r = admin
        .call(
            "set_organization_limit",
            &[
                ("organization_id", org.as_str()),
                ("setting", "Members"),
                ("limit", "50"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let requests = invitees
        .into_iter()
        .map(|(mut user, id)| async move {
            user.call("accept_invitation", &[("invitation_id", &id)])
                .await
                .status
        })
        .collect();
    let (ok, refused) = tally(&all_at_once(requests).await);
    assert_eq!((ok, refused), (49, 151), "the admin and 49 others");
    let members = count(
        &t,
        "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1",
        &org,
    )
    .await;
    assert_eq!(members, 50);
    let kept = count(
        &t,
        "SELECT member_count FROM organizations WHERE id = $1",
        &org,
    )
    .await;
    assert_eq!(kept, 50, "the kept count agrees");
}

async fn a_hundred_creations_fill_a_workspaces_limit_of_five_exactly(t: TestDb) {
    let (one, two) = two_instances(&t, &["workspaces=5"]).await;
    let mut admin = one.client();
    admin.sign_up("Admin", "Busy").await;
    let org = admin.current_organization().await;
    let cookie = admin.cookie.clone();
    let requests = (0..100)
        .map(|i| {
            let mut client = if i % 2 == 0 {
                one.client()
            } else {
                two.client()
            };
            client.cookie = cookie.clone();
            let org = org.clone();
            async move {
                client
                    .call(
                        "create_workspace",
                        &[
                            ("organization_id", org.as_str()),
                            ("name", &format!("Lab {i}")),
                        ],
                    )
                    .await
                    .status
            }
        })
        .collect();
    let (ok, _) = tally(&all_at_once(requests).await);
    assert_eq!(ok, 4, "Main and four more");
    let workspaces = count(
        &t,
        "SELECT COUNT(*) FROM workspaces WHERE organization_id = $1",
        &org,
    )
    .await;
    assert_eq!(workspaces, 5);
}

async fn concurrent_demotions_always_leave_an_admin(t: TestDb) {
    let (one, two) = two_instances(&t, &[]).await;
    let mut founder = one.client();
    founder.sign_up("Founder", "Admins").await;
    let org = founder.current_organization().await;
    // Six admins in all.
    let mut admins: Vec<(Client, String)> = vec![(founder, String::new())];
    for i in 0..5 {
        let app = if i % 2 == 0 { &one } else { &two };
        let mut user = app.client();
        let (email, _) = user.sign_up(&format!("Admin {i}"), "Own").await;
        let r = admins[0]
            .0
            .call(
                "add_organization_member",
                &[
                    ("organization_id", org.as_str()),
                    ("email", &email),
                    ("role", "admin"),
                ],
            )
            .await;
        let id = r.json()["invitation"]["id"].as_str().unwrap().to_owned();
        let r = user
            .call("accept_invitation", &[("invitation_id", &id)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        admins.push((user, String::new()));
    }
    for (client, id) in admins.iter_mut() {
        *id = client.me().await["id"].as_str().unwrap().to_owned();
    }
    let ids: Vec<String> = admins.iter().map(|(_, id)| id.clone()).collect();

    // Every admin demotes every admin (themselves included), all at once, on both instances.
    let mut requests = Vec::new();
    for (client, _) in &admins {
        for target in &ids {
            let cookie = client.cookie.clone();
            let mut client = if requests.len() % 2 == 0 {
                one.client()
            } else {
                two.client()
            };
            client.cookie = cookie;
            let (org, target) = (org.clone(), target.clone());
            requests.push(async move {
                client
                    .call(
                        "edit_organization_member",
                        &[
                            ("organization_id", org.as_str()),
                            ("user_id", target.as_str()),
                            ("role", "member"),
                        ],
                    )
                    .await
                    .status
            });
        }
    }
    let statuses = all_at_once(requests).await;
    // Refusals are the last-admin rule (409) or a demoted admin's lost right (403).
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::OK, StatusCode::CONFLICT, StatusCode::FORBIDDEN].contains(s)),
        "{statuses:?}"
    );
    let admins_left = count(
        &t,
        "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1 AND role = 'admin'",
        &org,
    )
    .await;
    assert_eq!(admins_left, 1, "exactly one admin is left");
}

/// The review's race on PostgreSQL: an acceptance that had read the invitation as pending
/// went on after a revoke committed, so the person joined through a withdrawn invitation (and
/// the row said both). Accept, decline and revoke now lock the invitation's row and change it
/// only while it is open: of each accept and revoke sent at the same moment, exactly one wins.
async fn accepting_and_revoking_one_invitation_at_once_has_one_winner(t: TestDb) {
    let (one, two) = two_instances(&t, &[]).await;
    let mut admin = one.client();
    admin.sign_up("Admin", "Contested").await;
    let org = admin.current_organization().await;
    const PAIRS: usize = 30;
    let invitees = invited_people(&mut admin, [&one, &two], &org, "Invitee", PAIRS).await;
    let mut requests = Vec::new();
    for (mut user, id) in invitees {
        let mut revoker = one.client();
        revoker.cookie = admin.cookie.clone();
        let (org, inv) = (org.clone(), id.clone());
        requests.push(tokio::spawn(async move {
            let accept = async {
                user.call("accept_invitation", &[("invitation_id", &id)])
                    .await
                    .status
            };
            let revoke = async {
                revoker
                    .call(
                        "remove_organization_invitation",
                        &[("organization_id", &org), ("invitation_id", &inv)],
                    )
                    .await
                    .status
            };
            tokio::join!(accept, revoke)
        }));
    }
    let mut accepted = 0;
    for request in requests {
        let (accept, revoke) = request.await.unwrap();
        // The loser hears that it came too late: "not found" or a conflict, never a success.
        let winners = [accept, revoke]
            .iter()
            .filter(|s| **s == StatusCode::OK)
            .count();
        assert_eq!(winners, 1, "accept {accept}, revoke {revoke}");
        for s in [accept, revoke] {
            assert!(
                [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT].contains(&s),
                "{s}"
            );
        }
        accepted += usize::from(accept == StatusCode::OK);
    }
    let both = count(
        &t,
        "SELECT COUNT(*) FROM invitations WHERE organization_id = $1
           AND accepted_at IS NOT NULL AND revoked_at IS NOT NULL",
        &org,
    )
    .await;
    assert_eq!(both, 0, "no invitation is both accepted and revoked");
    let members = count(
        &t,
        "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1",
        &org,
    )
    .await;
    assert_eq!(
        members as usize,
        1 + accepted,
        "members are the admin and the winners"
    );
    let revoked = count(
        &t,
        "SELECT COUNT(*) FROM invitations WHERE organization_id = $1 AND revoked_at IS NOT NULL",
        &org,
    )
    .await;
    assert_eq!(revoked as usize, PAIRS - accepted);
}

on_both_backends!(
    accepting_and_revoking_one_invitation_at_once_has_one_winner,
    two_hundred_acceptances_fill_a_members_limit_of_fifty_exactly,
    a_hundred_creations_fill_a_workspaces_limit_of_five_exactly,
    concurrent_demotions_always_leave_an_admin,
);
