//! The HTTP server: configuration, state, the router and its middleware, start and stop.

pub mod config;
pub mod errors;
pub mod forms;
pub mod memo;
pub mod security;
pub mod sessions;
pub mod state;

use std::{sync::Arc, time::Duration};

use axum::{
    Extension, Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    middleware,
    response::IntoResponse,
    routing::{get, post},
};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    accounts::password::Passwords,
    api,
    app::{App, shell},
    db::{Db, DbError},
    email::{Outbox, sender},
    server::{config::Config, sessions::Store, state::AppState},
};

/// Requests larger than this are refused before they are read: every form and API call of
/// orgspace fits in a fraction of it.
pub const MAX_REQUEST_BODY: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("session store: {0}")]
    Sessions(#[from] sqlx::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("email: {0}")]
    Email(String),
    #[error("server: {0}")]
    Serve(std::io::Error),
}

/// Connects to the database, migrates it and builds the state every handler shares.
pub async fn prepare(config: Config) -> Result<AppState, StartError> {
    let db = Db::connect(&config.database_url).await?;
    state_over(config, db, Passwords::for_this_machine()).await
}

/// Migrates `db` (the application's tables and the session store's) and builds the state.
pub async fn state_over(
    config: Config,
    db: Db,
    passwords: Passwords,
) -> Result<AppState, StartError> {
    db.migrate().await?;
    Store::for_db(&db).migrate().await?;
    let leptos = LeptosOptions::builder()
        .output_name("orgspace")
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir(bundle_dir(&config.site_root))
        .site_addr(config.addr)
        .build();
    Ok(AppState {
        db,
        config: Arc::new(config),
        passwords,
        outbox: Outbox::default(),
        leptos,
    })
}

/// The application's routes, listed once per process.
///
/// Listing them renders the app with resource loading suppressed through a process-wide flag
/// (leptos_server's `SuppressResourceLoad`): a resource of a request being rendered at that
/// very moment would wait forever (leptos issue #4773). A server lists them before it serves,
/// so this matters where several routers live in one process, as in the tests, where it made
/// one render in a few runs hang.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The folder of the browser bundle under the site root, as pages link it: `pkg/<version>`
/// when the build named its version in `pkg/current` (scripts/build does: the version is a hash
/// of the bundle's bytes), else `pkg` (a site assembled by hand, or the tests' empty one).
pub fn bundle_dir(site_root: &std::path::Path) -> String {
    let version = std::fs::read_to_string(site_root.join("pkg/current")).unwrap_or_default();
    let version = version.trim();
    let plausible = !version.is_empty()
        && version.len() <= 64
        && version.bytes().all(|b| b.is_ascii_alphanumeric());
    if plausible && site_root.join("pkg").join(version).is_dir() {
        format!("pkg/{version}")
    } else {
        "pkg".to_owned()
    }
}

/// The whole application as one axum router.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let bundle = state.leptos.site_pkg_dir.to_string();
    // A versioned bundle never changes under its name: browsers keep it for a year without
    // asking again. An unversioned one is revalidated (cheaply, with If-Modified-Since).
    let cache = if bundle == "pkg" {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(state.config.site_root.join(&bundle))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ));
    let sessions = Store::for_db(&state.db).layer(state.config.secure_cookies);

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // The GraphQL API; also at `POST /`, where `anatools.client(local=True)` posts.
        .route("/graphql", post(api::handler))
        .route("/api/usage", post(crate::usage::http::report))
        .route("/audit/export.csv", get(crate::audit::export::export))
        .route("/", post(api::handler))
        .nest(&format!("/{bundle}"), pkg)
        .leptos_routes(&state, routes, {
            let options = state.leptos.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(errors::server_fn_error_status))
        .layer(Extension(api::schema()))
        .layer(middleware::from_fn(security::sign_in_first))
        .layer(middleware::from_fn(memo::remember))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::audit::origin::note,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::standard_headers,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers too.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn run(config: Config) -> Result<(), StartError> {
    let addr = config.addr;
    let state = prepare(config).await?;
    spawn_session_cleanup(&state);
    match &state.config.smtp_url {
        Some(url) => {
            sender::spawn(
                state.db.clone(),
                state.outbox.clone(),
                url,
                &state.config.smtp_from,
            )
            .map_err(StartError::Email)?;
        }
        None => tracing::warn!(
            "no --smtp-url: no email is sent; invitation, address confirmation and password reset links are logged here"
        ),
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    tracing::info!(
        "orgspace listening on http://{addr} ({:?} database)",
        state.db.backend()
    );
    let db = state.db.clone();
    // The peer's address reaches handlers (rate limits count per client address).
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)?;
    db.close().await;
    tracing::info!("orgspace stopped");
    Ok(())
}

fn spawn_session_cleanup(state: &AppState) {
    let store = Store::for_db(&state.db);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired_now().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::bundle_dir;

    #[test]
    fn the_bundle_folder_is_the_named_version_when_it_is_there() {
        let site = std::env::temp_dir().join(format!("orgspace-bundle-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(site.join("pkg/ab12")).unwrap();
        assert_eq!(bundle_dir(&site), "pkg", "no pkg/current");
        std::fs::write(site.join("pkg/current"), "ab12\n").unwrap();
        assert_eq!(bundle_dir(&site), "pkg/ab12");
        std::fs::write(site.join("pkg/current"), "cd34").unwrap();
        assert_eq!(bundle_dir(&site), "pkg", "a version without its folder");
        std::fs::write(site.join("pkg/current"), "../ab12").unwrap();
        assert_eq!(bundle_dir(&site), "pkg", "a path, not a version");
        std::fs::remove_dir_all(&site).unwrap();
    }
}
