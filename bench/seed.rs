//! Grows an organization to a given number of members, for the benchmarks.
//!
//!     seed DATABASE_URL ADMIN_EMAIL MEMBERS
//!
//! Prints how many members it added, then the `after` cursor of the members page that starts
//! halfway down the list (a deep page, for the benchmark of keyset pagination).
//!
//! The organization is the first one `ADMIN_EMAIL` belongs to. Members are added through the
//! data layer in large transactions, with a placeholder password hash (nobody signs in as
//! them): 100,000 take seconds, where sign-ups through argon2 would take hours. Running it
//! again with a larger count adds only the difference.

use std::process::ExitCode;

use orgspace::{
    db::{Db, Exec, organizations, users},
    db_run,
    ids::{OrganizationId, UserId},
    members::service::cursor,
    roles::Role,
    timestamp::Timestamp,
};

const FIRST: [&str; 16] = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Ken",
    "Sophie",
    "Tim",
];
const LAST: [&str; 16] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Backus",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Thompson",
    "Wilson",
    "Berners-Lee",
];
/// Members per transaction.
const BATCH: usize = 5_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, email, count] = args.as_slice() else {
        eprintln!("usage: seed DATABASE_URL ADMIN_EMAIL MEMBERS");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("seed: MEMBERS must be a whole number, not {count:?}");
        return ExitCode::from(2);
    };
    match seed(url, email, count).await {
        Ok((added, middle)) => {
            println!("{added}\n{middle}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Adds members until the organization has `count`; answers how many were added, and the
/// cursor halfway down.
async fn seed(url: &str, email: &str, count: usize) -> Result<(usize, String), String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let admin = users::find_by_email(&mut c, email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user has the email {email}"))?;
    let organization = organizations::memberships_of(&mut c, admin.id)
        .await
        .map_err(|e| e.to_string())?
        .first()
        .map(|m| m.organization_id)
        .ok_or_else(|| format!("{email} belongs to no organization"))?;
    let existing = organizations::count_members(&mut c, organization)
        .await
        .map_err(|e| e.to_string())? as usize;
    drop(c);

    let mut added = 0;
    while existing + added < count {
        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
        let end = count.min(existing + added + BATCH);
        for n in existing + added..end {
            let id = UserId::new();
            let name = format!(
                "{} {} {n:06}",
                FIRST[n % FIRST.len()],
                LAST[(n / FIRST.len()) % LAST.len()]
            );
            let email = format!("member{n:06}.{}@bench.example", &id.to_string()[..8]);
            let now = Timestamp::now();
            users::create(
                &mut tx,
                users::NewUser {
                    id,
                    email: &email,
                    name: &name,
                    password_hash: "seeded: no password",
                    now,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            let member = organizations::NewMember {
                user: id,
                name: &name,
                email: &email,
            };
            organizations::add_member(&mut tx, organization, member, Role::Member, now)
                .await
                .map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
        added = end - existing;
    }
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let middle = middle_cursor(&mut c, organization, (existing + added) / 2)
        .await
        .map_err(|e| e.to_string())?;
    drop(c);
    db.close().await;
    Ok((added, middle))
}

/// The cursor just after the member at `offset` in the members table's order. (The app never
/// needs an offset: this is for the benchmark only, so it is not in the data layer.)
async fn middle_cursor(
    c: &mut impl Exec,
    organization: OrganizationId,
    offset: usize,
) -> Result<String, sqlx::Error> {
    let (user, key): (UserId, String) = db_run!(c, x => sqlx::query_as(
        "SELECT user_id, name_key FROM organization_members WHERE organization_id = $1
         ORDER BY name_key, user_id LIMIT 1 OFFSET $2",
    )
    .bind(organization)
    .bind(offset as i64)
    .fetch_one(x)
    .await)?;
    Ok(cursor(user, &key))
}
