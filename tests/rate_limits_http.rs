//! Rate limits over HTTP, on both backends: sign-in per client address and per account (the web
//! form and the API's `signIn` count together), sign-up per address, invitations per sender;
//! 429 with Retry-After; and two instances on one database sharing the counters.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp, TestDb, script::Script};
use serde_json::{Value, json};

fn from(address: &str) -> Option<std::net::SocketAddr> {
    Some(format!("{address}:40000").parse().unwrap())
}

async fn sign_in(client: &mut Client, email: &str, password: &str) -> common::Response {
    client
        .call("sign_in", &[("email", email), ("password", password)])
        .await
}

fn retry_after(r: &common::Response) -> u64 {
    r.header("retry-after")
        .unwrap_or_else(|| panic!("a Retry-After header: {:?}", r.headers))
        .parse()
        .unwrap()
}

async fn failed_sign_ins_lock_the_account_for_a_while(t: TestDb) {
    let app = TestApp::with_rate_limits(&t, &["sign_in_account=3/600"]).await;
    let mut ada = app.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;

    // Three wrong guesses, from three addresses, through the form and the API.
    for (i, address) in ["203.0.113.1", "203.0.113.2"].into_iter().enumerate() {
        let mut guesser = app.client();
        guesser.peer = from(address);
        let r = sign_in(&mut guesser, &email, &format!("guess number {i}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let mut script = Script::new(&app);
    let v = script
        .sign_in(&email.to_uppercase(), "guess from a script")
        .await;
    assert_eq!(v, Value::Null);

    // The fourth is refused before the password is even checked, the right one too.
    let mut owner = app.client();
    owner.peer = from("198.51.100.7");
    let r = sign_in(&mut owner, &email, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let wait = retry_after(&r);
    // The window opened at the first failure, moments ago: nearly all of it is left.
    assert!((590..=600).contains(&wait), "{wait}");
    assert_eq!(
        r.json(),
        json!({ "RateLimited": { "retry_after_secs": wait } }),
        "the typed error, with the same wait"
    );
    // The API answers alike: 429, Retry-After, and the sentence in errors[0].
    let mut script = Script::new(&app);
    let body =
        json!({ "query": "mutation { signIn(email: \"EMAIL\", password: \"PASSWORD\") { uid } }"
        .replace("EMAIL", &email).replace("PASSWORD", &password) })
        .to_string();
    let (status, v) = script.post_json("/graphql", &body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Too many attempts."),
        "{v}"
    );
    assert_eq!(v["data"]["signIn"], Value::Null);

    // Another account is not affected, nor is the session already open.
    let mut bob = app.client();
    let (bob_email, bob_password) = bob.sign_up("Bob", "Bobs").await;
    let mut again = app.client();
    let r = sign_in(&mut again, &bob_email, &bob_password).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(ada.me().await["email"], json!(email));
}

async fn one_address_cannot_sign_in_or_up_without_end(t: TestDb) {
    let app =
        TestApp::with_rate_limits(&t, &["sign_in_address=4/300", "sign_up_address=2/3600"]).await;
    let mut ada = app.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;

    let mut crowd = app.client();
    crowd.peer = from("192.0.2.10");
    for i in 0..4 {
        // Different accounts: the address is what is counted.
        let r = sign_in(
            &mut crowd,
            &format!("someone-{i}@example.com"),
            "whatever password",
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.body
        );
    }
    let r = sign_in(&mut crowd, &email, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(retry_after(&r) <= 300);
    // Another address signs in.
    let mut elsewhere = app.client();
    elsewhere.peer = from("192.0.2.11");
    let r = sign_in(&mut elsewhere, &email, &password).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // An IPv6 client counts by its /64: a new address in the same network is the same client.
    let mut v6 = app.client();
    v6.peer = Some("[2001:db8:1:2::10]:40000".parse().unwrap());
    for _ in 0..4 {
        sign_in(&mut v6, "nobody@example.com", "whatever password").await;
    }
    v6.peer = Some("[2001:db8:1:2:ffff::99]:40000".parse().unwrap());
    let r = sign_in(&mut v6, &email, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);

    // Sign-ups: two per address, then refused; nothing is created by the refused one.
    let mut maker = app.client();
    maker.peer = from("192.0.2.20");
    for i in 0..2 {
        let r = maker
            .call(
                "sign_up",
                &[
                    ("name", "Maker"),
                    ("email", &format!("maker-{i}@example.com")),
                    ("password", "a long enough password"),
                    ("organization", "Makers"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = maker
        .call(
            "sign_up",
            &[
                ("name", "Maker"),
                ("email", "maker-2@example.com"),
                ("password", "a long enough password"),
                ("organization", "Makers"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = sign_in(
        &mut app.client(),
        "maker-2@example.com",
        "a long enough password",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "no account was made");
}

async fn invitations_are_limited_per_sender(t: TestDb) {
    let app = TestApp::with_rate_limits(&t, &["invitations_user=3/3600"]).await;
    let mut ada = app.client();
    ada.sign_up("Ada", "Engines").await;
    let org = ada.current_organization().await;
    for i in 0..3 {
        let r = ada
            .call(
                "add_organization_member",
                &[
                    ("organization_id", org.as_str()),
                    ("email", &format!("friend-{i}@example.com")),
                    ("role", "member"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = ada
        .call(
            "add_organization_member",
            &[
                ("organization_id", org.as_str()),
                ("email", "friend-3@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(retry_after(&r) <= 3600);
    let r = ada
        .call(
            "get_organization_invites",
            &[("organization_id", org.as_str())],
        )
        .await;
    assert_eq!(
        r.json().as_array().unwrap().len(),
        3,
        "the refused one was not made"
    );
}

async fn instances_sharing_a_database_share_the_limits(t: TestDb) {
    let one = TestApp::with_rate_limits(&t, &["sign_in_account=2/600"]).await;
    let two = TestApp::with_rate_limits(&t, &["sign_in_account=2/600"]).await;
    let mut ada = one.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;
    let r = sign_in(&mut one.client(), &email, "wrong guess one").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = sign_in(&mut two.client(), &email, "wrong guess two").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for app in [&one, &two] {
        let r = sign_in(&mut app.client(), &email, &password).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    }
}

async fn guessing_the_current_password_is_limited_too(t: TestDb) {
    let app = TestApp::with_rate_limits(&t, &["sign_in_account=2/600"]).await;
    let mut stolen = app.client();
    let (email, password) = stolen.sign_up("Ada", "Engines").await;
    for guess in ["guess number one", "guess number two"] {
        let r = stolen
            .call(
                "change_password",
                &[
                    ("current_password", guess),
                    ("new_password", "taken over!!"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    let r = stolen
        .call(
            "change_password",
            &[
                ("current_password", password.as_str()),
                ("new_password", "taken over!!"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // The same account's sign-in waits too: the guesses were against its password.
    let r = sign_in(&mut app.client(), &email, &password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

/// The hits counted in the window of `bucket` (`sign_in_account:EMAIL`), 0 for none.
async fn hits(t: &TestDb, bucket: &str) -> i64 {
    let mut c = t.db.conn().await.unwrap();
    let found: Option<i64> = orgspace::db_run!(&mut c, x => sqlx::query_scalar(
        "SELECT hits FROM rate_limits WHERE bucket = $1",
    )
    .bind(bucket)
    .fetch_optional(x)
    .await)
    .unwrap();
    found.unwrap_or(0)
}

/// The review's attack: 29 wrong passwords sent at the same moment from 29 addresses, then the
/// right one. Checking the account's limit before the password and counting the failure after
/// let every one of them be checked (and the right one in, while they were still hashing).
/// Each attempt is now reserved before its password is checked: exactly the shipped 10 are
/// checked (the others answered at once), and the right one waits.
async fn guesses_sent_at_once_check_at_most_the_limit(t: TestDb) {
    let app = TestApp::new(&t).await;
    let mut ada = app.client();
    let (email, password) = ada.sign_up("Ada", "Engines").await;
    // Sent at the same moment, as 29 clients would: each its own task, through the accounts
    // service the form and the API share.
    let guesses: Vec<_> = (0..29)
        .map(|i| {
            let state = app.state.clone();
            let email = email.clone();
            tokio::spawn(async move {
                let address = format!("203.0.113.{}", i + 1);
                orgspace::accounts::service::sign_in(
                    &state,
                    &email,
                    format!("wrong guess {i}"),
                    Some(&address),
                )
                .await
                .map(|_| StatusCode::OK)
                .unwrap_or_else(|e| StatusCode::from_u16(e.status()).unwrap())
            })
        })
        .collect();
    // The right password comes 100 ms later, as in the review, or as soon as ten attempts are
    // counted (at most ten may be checked: from then on the account waits, whatever comes).
    let bucket = format!("sign_in_account:{email}");
    let sent = std::time::Instant::now();
    while sent.elapsed() < std::time::Duration::from_millis(100) && hits(&t, &bucket).await < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let mut owner = app.client();
    owner.peer = from("198.51.100.7");
    let right = sign_in(&mut owner, &email, &password).await;
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, refused),
        (10, 19),
        "passwords checked and refused unchecked: {statuses:?}"
    );
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.body
    );

    // A right password gives its attempt back: nine failures and a success leave room for one
    // more guess, not none.
    let mut bob = app.client();
    let (bob_email, bob_password) = bob.sign_up("Bob", "Bobs").await;
    for i in 0..9 {
        let r = sign_in(&mut app.client(), &bob_email, &format!("bob guess {i}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    for _ in 0..3 {
        let r = sign_in(&mut app.client(), &bob_email, &bob_password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(hits(&t, &format!("sign_in_account:{bob_email}")).await, 9);
}

on_both_backends!(
    guesses_sent_at_once_check_at_most_the_limit,
    failed_sign_ins_lock_the_account_for_a_while,
    one_address_cannot_sign_in_or_up_without_end,
    invitations_are_limited_per_sender,
    instances_sharing_a_database_share_the_limits,
    guessing_the_current_password_is_limited_too,
);
