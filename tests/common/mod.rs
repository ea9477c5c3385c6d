//! Test support: a fresh database per test on each backend, and an HTTP client that talks to
//! the whole application router in process (cookies kept, an Origin sent like a browser does).

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

pub mod script;

use std::path::PathBuf;

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, HeaderValue, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use orgspace::{
    accounts::password::Passwords,
    db::Db,
    limits::PlatformLimits,
    server::{self, config::Config, state::AppState},
};
use tower::ServiceExt;
use uuid::Uuid;

/// Where the PostgreSQL test databases are created.
fn postgres_admin_url() -> String {
    std::env::var("ORGSPACE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database made for one test, dropped (or deleted) when the test ends.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(PathBuf),
    Postgres(String),
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("orgspace-test-{}.db", Uuid::now_v7()));
        let url = format!("sqlite://{}", path.display());
        let db = Db::connect(&url)
            .await
            .expect("open the SQLite test database");
        db.migrate().await.expect("migrate SQLite");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Sqlite(path),
        }
    }

    pub async fn postgres() -> TestDb {
        let name = format!("orgspace_test_{}", Uuid::now_v7().simple());
        let admin = Db::connect(&postgres_admin_url()).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for this test ({}): {e}. Set ORGSPACE_TEST_POSTGRES_URL to \
                 a server where databases can be created.",
                postgres_admin_url()
            )
        });
        let Db::Postgres(pool) = &admin else {
            unreachable!()
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await
            .expect("create the test database");
        admin.close().await;
        let base = postgres_admin_url();
        let url = match base.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => unreachable!("the admin URL names a database"),
        };
        let db = Db::connect(&url)
            .await
            .expect("connect to the test database");
        db.migrate().await.expect("migrate PostgreSQL");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Postgres(name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres(name) => {
                // Drop runs outside async code: a thread with its own runtime does the cleanup.
                let name = name.clone();
                let db = self.db.clone();
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        db.close().await;
                        if let Ok(Db::Postgres(admin)) = Db::connect(&postgres_admin_url()).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&admin)
                            .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Runs an `async fn(TestDb)` once on SQLite and once on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case($crate::common::TestDb::postgres().await).await;
                }
            )*
        }
    };
}

pub const PUBLIC_URL: &str = "http://orgspace.test";

/// The tables of what people make: a refused request must leave every one as it was.
pub const DOMAIN_TABLES: [&str; 16] = [
    "users",
    "organizations",
    "organization_members",
    "workspaces",
    "workspace_members",
    "invitations",
    "organization_limits",
    "workspace_limits",
    "usage_reports",
    "channels",
    "volumes",
    "api_keys",
    "email_outbox",
    "workspace_channels",
    "workspace_volumes",
    "audit_events",
];

/// Adds `count` members to the organization `organization` (its id as the pages show it)
/// straight through the data layer, in one transaction: `"{prefix} 000"` with the email
/// `{prefix}000@example.com` (lowercased), and so on. Hashing their passwords is never the point.
pub async fn add_members(t: &TestDb, organization: &str, prefix: &str, count: usize) {
    use orgspace::{
        db::{organizations, users},
        ids::{OrganizationId, UserId},
        roles::Role,
        timestamp::Timestamp,
    };
    let organization: OrganizationId = organization.parse().expect("an organization id");
    let mut tx = t.db.begin().await.expect("a transaction");
    for n in 0..count {
        let (id, name) = (UserId::new(), format!("{prefix} {n:03}"));
        let email = format!("{}{n:03}@example.com", prefix.to_lowercase());
        let now = Timestamp::now();
        let user = users::NewUser {
            id,
            email: &email,
            name: &name,
            password_hash: "x",
            now,
        };
        users::create(&mut tx, user).await.expect("a user");
        let member = organizations::NewMember {
            user: id,
            name: &name,
            email: &email,
        };
        organizations::add_member(&mut tx, organization, member, Role::Member, now)
            .await
            .expect("a member");
    }
    tx.commit().await.expect("the members");
}

/// The row count of each of [`DOMAIN_TABLES`], in its order.
pub async fn domain_rows(t: &TestDb) -> Vec<i64> {
    let mut c = t.db.conn().await.unwrap();
    let mut counts = Vec::new();
    for table in DOMAIN_TABLES {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 =
            orgspace::db_run!(&mut c, x => sqlx::query_scalar(&sql).fetch_one(x).await).unwrap();
        counts.push(n);
    }
    counts
}

/// The application over a test database, as one router.
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    site: PathBuf,
}

impl TestApp {
    pub async fn new(test_db: &TestDb) -> TestApp {
        Self::build(test_db, PUBLIC_URL, &[]).await
    }

    pub async fn with_public_url(test_db: &TestDb, public_url: &str) -> TestApp {
        Self::build(test_db, public_url, &[]).await
    }

    /// With an SMTP server configured (`smtp_url`): invitations queue emails in the outbox.
    /// No sender runs in tests; they call `orgspace::email::sender::pass` themselves.
    pub async fn with_smtp(test_db: &TestDb, smtp_url: &str) -> TestApp {
        let mut app = Self::build(test_db, PUBLIC_URL, &[]).await;
        let mut config = (*app.state.config).clone();
        config.smtp_url = Some(smtp_url.parse().expect("smtp url"));
        app.state.config = std::sync::Arc::new(config);
        app.router = server::router(app.state.clone());
        app
    }

    /// With a versioned bundle in its site folder, as scripts/build assembles it: `pkg/current`
    /// names the folder `pkg/<version>/`.
    pub async fn with_bundle_version(test_db: &TestDb, version: &str) -> TestApp {
        let mut app = Self::build(test_db, PUBLIC_URL, &[]).await;
        let bundle = app.site.join("pkg").join(version);
        std::fs::create_dir_all(&bundle).expect("bundle folder");
        std::fs::rename(
            app.site.join("pkg/orgspace.css"),
            bundle.join("orgspace.css"),
        )
        .expect("css");
        std::fs::write(app.site.join("pkg/current"), format!("{version}\n")).expect("current");
        app.state = server::state_over(
            (*app.state.config).clone(),
            test_db.db.clone(),
            Passwords::new(2),
        )
        .await
        .expect("application state");
        app.router = server::router(app.state.clone());
        app
    }

    /// With the operator's configuration changed by `change` (the sign-up policy, say), and an
    /// SMTP server when `smtp_url` is given (emails queue in the outbox; no sender runs).
    pub async fn configured(
        test_db: &TestDb,
        smtp_url: Option<&str>,
        change: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut app = Self::build(test_db, PUBLIC_URL, &[]).await;
        let mut config = (*app.state.config).clone();
        config.smtp_url = smtp_url.map(|u| u.parse().expect("smtp url"));
        change(&mut config);
        app.state.config = std::sync::Arc::new(config);
        app.router = server::router(app.state.clone());
        app
    }

    /// With rate limits of the operator, as `--rate-limit` takes them (`sign_in_account=3/60`).
    pub async fn with_rate_limits(test_db: &TestDb, rules: &[&str]) -> TestApp {
        let mut app = Self::build(test_db, PUBLIC_URL, &[]).await;
        let mut config = (*app.state.config).clone();
        config.rate_limits = orgspace::rate_limits::RateLimits::parse(
            &rules.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        )
        .expect("rate limits");
        app.state.config = std::sync::Arc::new(config);
        app.router = server::router(app.state.clone());
        app
    }

    /// With platform limits (`--org-limit`, as `members=3`) and rate limits (`--rate-limit`)
    /// of the operator.
    pub async fn with_limits(
        test_db: &TestDb,
        org_limits: &[&str],
        rate_limits: &[&str],
    ) -> TestApp {
        let mut app = Self::build(test_db, PUBLIC_URL, org_limits).await;
        let mut config = (*app.state.config).clone();
        config.rate_limits = orgspace::rate_limits::RateLimits::parse(
            &rate_limits
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>(),
        )
        .expect("rate limits");
        app.state.config = std::sync::Arc::new(config);
        app.router = server::router(app.state.clone());
        app
    }

    /// With platform limits of the operator, as `--org-limit` takes them (`members=3`).
    pub async fn with_org_limits(test_db: &TestDb, limits: &[&str]) -> TestApp {
        Self::build(test_db, PUBLIC_URL, limits).await
    }

    async fn build(test_db: &TestDb, public_url: &str, org_limits: &[&str]) -> TestApp {
        let site = std::env::temp_dir().join(format!("orgspace-site-{}", Uuid::now_v7()));
        std::fs::create_dir_all(site.join("pkg")).expect("site folder");
        std::fs::write(site.join("pkg/orgspace.css"), "body{}").expect("css");
        let config = Config {
            addr: "127.0.0.1:3000".parse().unwrap(),
            database_url: test_db.url.clone(),
            public_url: public_url.to_owned(),
            public_origin: public_url.trim_end_matches('/').to_owned(),
            origin_from_host: false,
            secure_cookies: public_url.starts_with("https://"),
            smtp_url: None,
            smtp_from: "orgspace <noreply@127.0.0.1>".into(),
            site_root: site.clone(),
            limits: PlatformLimits::parse(
                &org_limits.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
                &[],
            )
            .expect("platform limits"),
            invitation_days: 7,
            rate_limits: Default::default(),
            trust_forwarded_for: false,
            sign_up: Default::default(),
        };
        let state = server::state_over(config, test_db.db.clone(), Passwords::new(2))
            .await
            .expect("application state");
        TestApp {
            router: server::router(state.clone()),
            state,
            site,
        }
    }

    /// A browser-like client with its own cookie jar.
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            db: self.state.db.clone(),
            cookie: None,
            origin: Some(PUBLIC_URL.to_owned()),
            peer: None,
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.site);
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Client {
    router: Router,
    db: Db,
    /// The session cookie, `name=value`.
    pub cookie: Option<String>,
    /// Sent as `Origin` with every POST, as browsers do; `None` for a script.
    pub origin: Option<String>,
    /// The address the requests come from, as a served connection gives it; `None` (unknown,
    /// as for requests made in process) by default.
    pub peer: Option<std::net::SocketAddr>,
}

impl Client {
    pub async fn send(&mut self, mut request: Request<Body>) -> Response {
        if let Some(peer) = self.peer {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().trim();
            if pair.starts_with("orgspace_session=") {
                let expired = set.contains("Max-Age=0") || pair == "orgspace_session=";
                self.cookie = (!expired).then(|| pair.to_owned());
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "orgspace.test");
        if let Some(cookie) = &self.cookie {
            b = b.header(header::COOKIE, cookie);
        }
        b
    }

    pub async fn get(&mut self, uri: &str) -> Response {
        let request = self
            .request("GET", uri)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// Calls a server function the way the hydrated page does: a form-encoded POST that
    /// answers JSON.
    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> Response {
        self.post(function, form, "application/json").await
    }

    /// Posts a form the way a browser without JavaScript does: it answers with a redirect.
    pub async fn submit(
        &mut self,
        function: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> Response {
        let mut request = self.post_request(function, form, "text/html");
        request
            .headers_mut()
            .insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        self.send(request).await
    }

    async fn post(&mut self, function: &str, form: &[(&str, &str)], accept: &str) -> Response {
        let request = self.post_request(function, form, accept);
        self.send(request).await
    }

    fn post_request(&self, function: &str, form: &[(&str, &str)], accept: &str) -> Request<Body> {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut b = self
            .request("POST", &format!("/api/{function}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, accept);
        if let Some(origin) = &self.origin {
            b = b.header(header::ORIGIN, origin);
        }
        b.body(Body::from(body)).unwrap()
    }

    /// Signs up a new account with a unique email, and confirms its address as its owner
    /// would by opening the emailed link (here through the data layer: what the link does is
    /// tested in account_links_http.rs); answers (email, password).
    pub async fn sign_up(&mut self, name: &str, organization: &str) -> (String, String) {
        let (email, password) = self.sign_up_unverified(name, organization).await;
        let mut c = self.db.conn().await.unwrap();
        let now = orgspace::timestamp::Timestamp::now();
        orgspace::db::users::set_verified(
            &mut c,
            self.me().await["id"].as_str().unwrap().parse().unwrap(),
            &email,
            now,
        )
        .await
        .unwrap();
        (email, password)
    }

    /// Signs up a new account with a unique email, left unverified; answers (email, password).
    pub async fn sign_up_unverified(&mut self, name: &str, organization: &str) -> (String, String) {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase().replace(' ', "."),
            Uuid::now_v7().simple()
        );
        let password = "correct horse battery staple".to_owned();
        let r = self
            .call(
                "sign_up",
                &[
                    ("name", name),
                    ("email", &email),
                    ("password", &password),
                    ("organization", organization),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "sign up: {}", r.body);
        (email, password)
    }

    /// The id of the signed-in user's current organization.
    pub async fn current_organization(&mut self) -> String {
        self.me().await["current"]["organization"]
            .as_str()
            .expect("a current organization")
            .to_owned()
    }

    pub async fn me(&mut self) -> serde_json::Value {
        let r = self.call("get_me", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "get_me: {}", r.body);
        r.json()
    }
}
