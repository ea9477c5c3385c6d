//! The benchmark's ceiling: what axum on this machine serves when a handler does no work at
//! all, only hands back bytes it already holds.
//!
//!     ceiling ADDR PATH=FILE [PATH=FILE ...]
//!
//! Each PATH answers GET and POST with the bytes of its FILE, read once at start, under the
//! content type its extension says (`.html`, `.json`, else octet-stream). `bench/run` gives it
//! the very pages orgspace rendered, and measures it with the same load generator and the same
//! connections: a page's requests per second divided by its ceiling's is the share of this
//! machine's HTTP capacity that orgspace's own work (sessions, queries, rendering) leaves.
//! It runs on the same tokio runtime flavour as orgspace (multi-threaded, one worker per core)
//! and with the same allocator.

use std::process::ExitCode;

use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
};

// orgspace's allocator, so that the two differ only in the work their handlers do.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(addr) = args.next() else {
        eprintln!("usage: ceiling ADDR PATH=FILE [PATH=FILE ...]");
        return ExitCode::from(2);
    };
    let mut app = Router::new();
    for pair in args {
        let Some((path, file)) = pair.split_once('=') else {
            eprintln!("expected PATH=FILE, got {pair:?}");
            return ExitCode::from(2);
        };
        let body = match std::fs::read(file) {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let kind = HeaderValue::from_static(match file.rsplit('.').next() {
            Some("html") => "text/html; charset=utf-8",
            Some("json") => "application/json",
            _ => "application/octet-stream",
        });
        // Bytes clones share one buffer: the handler copies nothing.
        let answer = move || {
            let (body, kind) = (body.clone(), kind.clone());
            async move { ([(header::CONTENT_TYPE, kind)], body).into_response() }
        };
        app = app.route(path, get(answer.clone()).post(answer));
    }
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match axum::serve(listener, app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
