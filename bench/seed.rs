//! Grows an organization to a given number of members, and its audit log to a given number
//! of events, for the benchmarks.
//!
//!     seed DATABASE_URL ADMIN_EMAIL MEMBERS [AUDIT_EVENTS]
//!
//! Prints how many members it added, then the `after` cursor of the members page that starts
//! halfway down the list (a deep page, for the benchmark of keyset pagination); with
//! `AUDIT_EVENTS`, then how many events it added, the `before` cursor of the log's page halfway
//! down, and the email of one actor among the 100 who made the events.
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
    let (url, email, count, events) = match args.as_slice() {
        [url, email, count] => (url, email, count, None),
        [url, email, count, events] => (url, email, count, Some(events)),
        _ => {
            eprintln!("usage: seed DATABASE_URL ADMIN_EMAIL MEMBERS [AUDIT_EVENTS]");
            return ExitCode::from(2);
        }
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("seed: MEMBERS must be a whole number, not {count:?}");
        return ExitCode::from(2);
    };
    let events = match events.map(|e| e.parse::<usize>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            eprintln!("seed: AUDIT_EVENTS must be a whole number");
            return ExitCode::from(2);
        }
    };
    match seed(url, email, count).await {
        Ok((added, middle)) => println!("{added}\n{middle}"),
        Err(e) => {
            eprintln!("seed: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(events) = events {
        match seed_audit(url, email, events).await {
            Ok((added, middle, actor)) => println!("{added}\n{middle}\n{actor}"),
            Err(e) => {
                eprintln!("seed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

/// The first organization the user with `email` belongs to.
async fn organization_of(c: &mut impl Exec, email: &str) -> Result<OrganizationId, String> {
    let admin = users::find_by_email(c, email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user has the email {email}"))?;
    organizations::memberships_of(c, admin.id)
        .await
        .map_err(|e| e.to_string())?
        .first()
        .map(|m| m.organization_id)
        .ok_or_else(|| format!("{email} belongs to no organization"))
}

/// Events per statement, and per transaction.
const EVENTS_PER_INSERT: usize = 500;
const EVENTS_PER_TX: usize = 20_000;

/// Adds events to the organization's audit log until it holds `count`: 100 actors, every
/// action, spread over the last year (newest last); answers how many were added, the cursor
/// of the page halfway down, and one actor's email.
async fn seed_audit(
    url: &str,
    email: &str,
    count: usize,
) -> Result<(usize, String, String), String> {
    use orgspace::audit::{Action, service::encode_cursor};

    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let organization = organization_of(&mut c, email).await?;
    let existing: i64 = db_run!(&mut c, x => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE organization_id = $1",
    )
    .bind(organization)
    .fetch_one(x)
    .await)
    .map_err(|e| e.to_string())?;
    drop(c);

    let existing = existing as usize;
    let year_ms: i64 = 365 * 86_400_000;
    let now = Timestamp::now().unix_millis();
    let actor = |n: usize| format!("actor{:03}@bench.example", n % 100);
    let mut added = 0;
    while existing + added < count {
        let mut tx = db.begin().await.map_err(|e| e.to_string())?;
        let end = count.min(existing + added + EVENTS_PER_TX);
        let mut n = existing + added;
        while n < end {
            let rows = (end - n).min(EVENTS_PER_INSERT);
            let mut sql = String::from(
                "INSERT INTO audit_events (organization_id, actor_name, actor_email, action,
                     target_kind, target_label, before, after, address, via, at) VALUES ",
            );
            for i in 0..rows {
                let p = i * 7;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "($1, ${}, ${}, ${}, 'member', ${}, '{{\"role\":\"member\"}}', \
                     '{{\"role\":\"admin\"}}', ${}, ${}, ${})",
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6,
                    p + 7,
                    p + 8,
                ));
            }
            let batch: Vec<(String, String, &str, String, String, Timestamp)> = (n..n + rows)
                .map(|k| {
                    let action = Action::ALL[k % Action::ALL.len()].as_str();
                    // Spread over the last year, in order.
                    let at = now - year_ms + (k as i64 * year_ms) / count.max(1) as i64;
                    (
                        format!("Actor {:03}", k % 100),
                        actor(k),
                        action,
                        format!("Member {k:07} <member{k:07}@bench.example>"),
                        format!("198.51.100.{}", k % 250),
                        Timestamp::from_unix_millis(at),
                    )
                })
                .collect();
            db_run!(&mut tx, x => {
                let mut q = sqlx::query(&sql).bind(organization);
                for (name, email, action, target, address, at) in &batch {
                    q = q
                        .bind(name)
                        .bind(email)
                        .bind(*action)
                        .bind(target)
                        .bind(address)
                        .bind("web")
                        .bind(*at);
                }
                q.execute(x).await.map(|_| ())
            })
            .map_err(|e| e.to_string())?;
            n += rows;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
        added = end - existing;
    }
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let (at, id): (Timestamp, i64) = db_run!(&mut c, x => sqlx::query_as(
        "SELECT at, id FROM audit_events WHERE organization_id = $1
         ORDER BY at DESC, id DESC LIMIT 1 OFFSET $2",
    )
    .bind(organization)
    .bind((count / 2) as i64)
    .fetch_one(x)
    .await)
    .map_err(|e| e.to_string())?;
    drop(c);
    db.close().await;
    Ok((added, encode_cursor(at, id), actor(7)))
}

/// Adds members until the organization has `count`; answers how many were added, and the
/// cursor halfway down.
async fn seed(url: &str, email: &str, count: usize) -> Result<(usize, String), String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let mut c = db.conn().await.map_err(|e| e.to_string())?;
    let organization = organization_of(&mut c, email).await?;
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
