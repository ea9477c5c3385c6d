//! The data layer on both backends: the schema's constraints, the account service's atomic
//! sign-up, and write transactions under concurrency.

mod common;

use common::TestDb;
use orgspace::{
    accounts::{ValidSignUp, service},
    db::{
        Db, DbError,
        organizations::{self, NewMember},
        users::{self, NewUser},
        workspaces::{self, NewWorkspace},
    },
    ids::{OrganizationId, UserId, WorkspaceId},
    roles::Role,
    timestamp::Timestamp,
};

async fn new_user(db: &Db, email: &str) -> UserId {
    let id = UserId::new();
    let mut tx = db.begin().await.unwrap();
    users::create(
        &mut tx,
        NewUser {
            id,
            email,
            name: "Test User",
            password_hash: "$argon2id$unused",
            now: Timestamp::now(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A membership for `user`, with the name and email `new_user` gives everyone.
fn as_member(user: UserId) -> NewMember<'static> {
    NewMember {
        user,
        name: "Test User",
        email: "test.user@example.com",
    }
}

async fn new_org(db: &Db, name: &str) -> OrganizationId {
    let id = OrganizationId::new();
    let mut c = db.conn().await.unwrap();
    organizations::create(&mut c, id, name, Timestamp::now())
        .await
        .unwrap();
    id
}

async fn new_workspace(db: &Db, org: OrganizationId, name: &str, by: UserId) -> WorkspaceId {
    let id = WorkspaceId::new();
    let mut c = db.conn().await.unwrap();
    workspaces::create(
        &mut c,
        NewWorkspace {
            id,
            organization: org,
            name,
            description: "",
            created_by: by,
            now: Timestamp::now(),
        },
    )
    .await
    .unwrap();
    id
}

/// Runs raw SQL with `$1..` bound to the given UUIDs, then texts, then the current time.
async fn exec_raw(db: &Db, sql: &str, ids: &[uuid::Uuid], text: &[&str]) -> Result<(), DbError> {
    let mut c = db.conn().await?;
    orgspace::db_run!(&mut c, x => {
        let mut q = sqlx::query(sql);
        for id in ids {
            q = q.bind(*id);
        }
        for t in text {
            q = q.bind(*t);
        }
        q.bind(Timestamp::now()).execute(x).await.map(|_| ())
    })?;
    Ok(())
}

async fn emails_are_unique(t: TestDb) {
    new_user(&t.db, "ada@example.com").await;
    let mut tx = t.db.begin().await.unwrap();
    let again = users::create(
        &mut tx,
        NewUser {
            id: UserId::new(),
            email: "ada@example.com",
            name: "Someone Else",
            password_hash: "x",
            now: Timestamp::now(),
        },
    )
    .await;
    assert!(matches!(again, Err(DbError::UniqueViolation)), "{again:?}");
}

async fn roles_are_checked_by_the_schema(t: TestDb) {
    let user = new_user(&t.db, "grace@example.com").await;
    let org = new_org(&t.db, "Navy").await;
    // An organization membership cannot be a guest (that role is derived, never stored).
    let mut c = t.db.conn().await.unwrap();
    let guest =
        organizations::add_member(&mut c, org, as_member(user), Role::Guest, Timestamp::now())
            .await;
    assert!(matches!(guest, Err(DbError::CheckViolation)), "{guest:?}");
    // Nor anything outside the role list.
    let bogus = exec_raw(
        &t.db,
        "INSERT INTO organization_members (organization_id, user_id, role, name_key, joined_at) VALUES ($1, $2, $3, 'x', $4)",
        &[org.0, user.0],
        &["owner"],
    )
    .await;
    assert!(matches!(bogus, Err(DbError::CheckViolation)), "{bogus:?}");
    organizations::add_member(&mut c, org, as_member(user), Role::Admin, Timestamp::now())
        .await
        .unwrap();
    assert_eq!(
        organizations::member_role(&mut c, org, user).await.unwrap(),
        Some(Role::Admin)
    );
}

async fn foreign_keys_are_enforced(t: TestDb) {
    let user = new_user(&t.db, "linus@example.com").await;
    let mut c = t.db.conn().await.unwrap();
    let orphan = organizations::add_member(
        &mut c,
        OrganizationId::new(),
        as_member(user),
        Role::Member,
        Timestamp::now(),
    )
    .await;
    assert!(
        matches!(orphan, Err(DbError::ForeignKeyViolation)),
        "{orphan:?}"
    );
}

async fn invitations_match_their_scope(t: TestDb) {
    let user = new_user(&t.db, "inviter@example.com").await;
    let org = new_org(&t.db, "Acme").await;
    let other_org = new_org(&t.db, "Other").await;
    let ws = new_workspace(&t.db, org, "Main", user).await;
    let invite = "INSERT INTO invitations (id, organization_id, workspace_id, token_hash, email, role, created_at, expires_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $7 + 1)";
    let invite_pg = "INSERT INTO invitations (id, organization_id, workspace_id, token_hash, email, role, created_at, expires_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $7 + interval '1 day')";
    let sql = match t.db {
        Db::Sqlite(_) => invite,
        Db::Postgres(_) => invite_pg,
    };
    // A 16-byte token hash is refused: only SHA-256 digests (32 bytes) are stored.
    let short = insert_invitation(&t.db, sql, org, Some(ws), &[1; 16], "guest").await;
    assert!(matches!(short, Err(DbError::CheckViolation)), "{short:?}");
    // A workspace invitation is for a guest; an organization invitation never is.
    let wrong = insert_invitation(&t.db, sql, org, Some(ws), &[2; 32], "admin").await;
    assert!(matches!(wrong, Err(DbError::CheckViolation)), "{wrong:?}");
    let wrong = insert_invitation(&t.db, sql, org, None, &[3; 32], "guest").await;
    assert!(matches!(wrong, Err(DbError::CheckViolation)), "{wrong:?}");
    // The workspace must belong to the invitation's organization.
    let crossed = insert_invitation(&t.db, sql, other_org, Some(ws), &[4; 32], "guest").await;
    assert!(
        matches!(crossed, Err(DbError::ForeignKeyViolation)),
        "{crossed:?}"
    );
    insert_invitation(&t.db, sql, org, Some(ws), &[5; 32], "guest")
        .await
        .unwrap();
    insert_invitation(&t.db, sql, org, None, &[6; 32], "member")
        .await
        .unwrap();
    // One open invitation per address and scope.
    let twice = insert_invitation(&t.db, sql, org, None, &[7; 32], "admin").await;
    assert!(matches!(twice, Err(DbError::UniqueViolation)), "{twice:?}");
}

async fn insert_invitation(
    db: &Db,
    sql: &str,
    org: OrganizationId,
    ws: Option<WorkspaceId>,
    token_hash: &[u8],
    role: &str,
) -> Result<(), DbError> {
    let mut c = db.conn().await?;
    let now = Timestamp::now();
    let id = uuid::Uuid::now_v7();
    let email = "invitee@example.com";
    let result = orgspace::db_run!(&mut c, x => sqlx::query(sql)
        .bind(id)
        .bind(org)
        .bind(ws)
        .bind(token_hash)
        .bind(email)
        .bind(role)
        .bind(now)
        .execute(x)
        .await
        .map(|_| ()));
    Ok(result?)
}

async fn sign_up_creates_everything_or_nothing(t: TestDb) {
    let app = common::TestApp::new(&t).await;
    let input = ValidSignUp {
        name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
        password: "analytical engine".into(),
        organization: "Engines Ltd".into(),
    };
    let user = service::sign_up(&app.state, input.clone()).await.unwrap();
    let mut c = t.db.conn().await.unwrap();
    let memberships = organizations::memberships_of(&mut c, user).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].name, "Engines Ltd");
    assert_eq!(memberships[0].role, Role::Admin);
    let reach = workspaces::reachable_by(&mut c, user).await.unwrap();
    assert_eq!(reach.len(), 1);
    assert_eq!(reach[0].name, service::FIRST_WORKSPACE_NAME);
    assert_eq!(reach[0].role(), Some(Role::Admin));
    assert_eq!(
        reach[0].explicit_role,
        Some(Role::Admin),
        "the creator's explicit grant"
    );
    let record = users::find_by_id(&mut c, user).await.unwrap().unwrap();
    assert_eq!(
        record.last_organization_id,
        Some(memberships[0].organization_id)
    );
    assert_eq!(record.last_workspace_id, Some(reach[0].id));

    // The same email again: refused, and no second organization is left behind.
    let again = service::sign_up(
        &app.state,
        ValidSignUp {
            organization: "Second".into(),
            ..input
        },
    )
    .await;
    assert_eq!(
        again.unwrap_err().field_message("email"),
        Some(
            "An account with this email already exists. Sign in, or reset your password if you forgot it."
        )
    );
    let orgs: i64 = orgspace::db_run!(&mut c, x => sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(x).await).unwrap();
    assert_eq!(orgs, 1);
}

async fn reach_combines_memberships_and_guest_grants(t: TestDb) {
    let owner = new_user(&t.db, "owner@example.com").await;
    let guest = new_user(&t.db, "guest@example.com").await;
    let member = new_user(&t.db, "member@example.com").await;
    let org = new_org(&t.db, "Studio").await;
    let shared = new_workspace(&t.db, org, "Shared", owner).await;
    let _private = new_workspace(&t.db, org, "Private", owner).await;
    let mut c = t.db.conn().await.unwrap();
    let now = Timestamp::now();
    organizations::add_member(&mut c, org, as_member(owner), Role::Admin, now)
        .await
        .unwrap();
    organizations::add_member(&mut c, org, as_member(member), Role::Member, now)
        .await
        .unwrap();
    workspaces::grant(&mut c, shared, guest, Role::Guest, now)
        .await
        .unwrap();
    workspaces::grant(&mut c, shared, member, Role::Admin, now)
        .await
        .unwrap();

    let guest_reach = workspaces::reachable_by(&mut c, guest).await.unwrap();
    assert_eq!(
        guest_reach
            .iter()
            .map(|w| w.name.as_str())
            .collect::<Vec<_>>(),
        ["Shared"]
    );
    assert_eq!(guest_reach[0].role(), Some(Role::Guest));

    let member_reach = workspaces::reachable_by(&mut c, member).await.unwrap();
    let roles: Vec<_> = member_reach
        .iter()
        .map(|w| (w.name.as_str(), w.role()))
        .collect();
    assert_eq!(
        roles,
        [
            ("Private", Some(Role::Member)),
            ("Shared", Some(Role::Admin))
        ]
    );

    let places = service::Reach::load(&mut c, guest).await.unwrap().places();
    assert_eq!(places.len(), 1);
    assert_eq!(places[0].role, Role::Guest, "the derived organization role");

    let outsider = new_user(&t.db, "outsider@example.com").await;
    let access = workspaces::access(&mut c, shared, outsider)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(access.role(), None);
    assert!(
        workspaces::access(&mut c, WorkspaceId::new(), outsider)
            .await
            .unwrap()
            .is_none()
    );
}

async fn timestamps_round_trip(t: TestDb) {
    let user = new_user(&t.db, "time@example.com").await;
    let mut c = t.db.conn().await.unwrap();
    let stored = users::find_by_id(&mut c, user)
        .await
        .unwrap()
        .unwrap()
        .created_at;
    let now = Timestamp::now();
    assert!(now.unix_millis() - stored.unix_millis() < 60_000);
    assert!(stored <= now);
}

/// Many read-then-write transactions at once all succeed: on SQLite they start with
/// `BEGIN IMMEDIATE` and queue for the write lock instead of failing with "database is locked".
async fn concurrent_write_transactions_all_commit(t: TestDb) {
    let org = new_org(&t.db, "Busy").await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let user = new_user(&db, &format!("u{i}@example.com")).await;
            let mut tx = db.begin().await?;
            let before = organizations::count_members(&mut tx, org).await?;
            organizations::add_member(
                &mut tx,
                org,
                as_member(user),
                Role::Member,
                Timestamp::now(),
            )
            .await?;
            tx.commit().await?;
            Ok::<i64, DbError>(before)
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let mut c = t.db.conn().await.unwrap();
    assert_eq!(organizations::count_members(&mut c, org).await.unwrap(), 40);
}

/// The member count the members page and the Members limit read is kept by the schema, through
/// every way a membership comes and goes: adding, removing, and deleting the user.
async fn member_counts_follow_every_change(t: TestDb) {
    let org = new_org(&t.db, "Counted").await;
    let other = new_org(&t.db, "Elsewhere").await;
    let mut users = Vec::new();
    for i in 0..3 {
        users.push(new_user(&t.db, &format!("c{i}@example.com")).await);
    }
    let mut c = t.db.conn().await.unwrap();
    let now = Timestamp::now();
    for user in &users {
        organizations::add_member(&mut c, org, as_member(*user), Role::Member, now)
            .await
            .unwrap();
    }
    organizations::add_member(&mut c, other, as_member(users[0]), Role::Admin, now)
        .await
        .unwrap();
    assert_eq!(organizations::count_members(&mut c, org).await.unwrap(), 3);
    assert_eq!(
        organizations::count_members(&mut c, other).await.unwrap(),
        1
    );

    // A failed insert (already a member) counts nothing.
    let again =
        organizations::add_member(&mut c, org, as_member(users[1]), Role::Member, now).await;
    assert!(matches!(again, Err(DbError::UniqueViolation)), "{again:?}");
    assert!(
        organizations::remove_member(&mut c, org, users[1])
            .await
            .unwrap()
    );
    assert_eq!(organizations::count_members(&mut c, org).await.unwrap(), 2);

    // Deleting the user takes their memberships, and the counts, with it.
    orgspace::db_run!(&mut c, x => sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(users[0])
        .execute(x)
        .await
        .map(|_| ()))
    .unwrap();
    assert_eq!(organizations::count_members(&mut c, org).await.unwrap(), 1);
    assert_eq!(
        organizations::count_members(&mut c, other).await.unwrap(),
        0
    );

    // A membership cannot move to another organization behind the count's back.
    let moved = orgspace::db_run!(&mut c, x => sqlx::query(
        "UPDATE organization_members SET organization_id = $1 WHERE user_id = $2",
    )
    .bind(other)
    .bind(users[2])
    .execute(x)
    .await
    .map(|_| ()));
    assert!(moved.is_err(), "{moved:?}");
    assert_eq!(organizations::count_members(&mut c, org).await.unwrap(), 1);
}

async fn readiness_ping_answers(t: TestDb) {
    t.db.ping().await.unwrap();
}

on_both_backends!(
    emails_are_unique,
    roles_are_checked_by_the_schema,
    foreign_keys_are_enforced,
    invitations_match_their_scope,
    sign_up_creates_everything_or_nothing,
    reach_combines_memberships_and_guest_grants,
    timestamps_round_trip,
    concurrent_write_transactions_all_commit,
    member_counts_follow_every_change,
    readiness_ping_answers,
);

#[test]
fn migrations_have_the_same_names_on_both_backends() {
    let names = |dir: &str| {
        let mut names: Vec<_> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
}
