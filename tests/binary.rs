//! The `orgspace` binary as an operator runs it: flags, defaults, health endpoints, and a
//! graceful stop on SIGTERM.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_orgspace");

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orgspace-bin-{tag}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET; answers (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

fn start(dir: &Path, port: u16, extra: &[&str]) -> Child {
    Command::new(BIN)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "info")
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start orgspace")
}

fn wait_ready(child: &mut Child, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some((200, _)) = get(port, "/readyz") {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("orgspace exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("orgspace was not ready within 30 s");
}

fn terminate(child: Child) -> Output {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

#[test]
fn starts_on_a_fresh_folder_with_sqlite_under_data_and_stops_on_sigterm() {
    let dir = temp_dir("default");
    let port = free_port();
    let mut child = start(&dir, port, &[]);
    wait_ready(&mut child, port);
    assert_eq!(get(port, "/healthz"), Some((200, "ok".to_owned())));
    assert!(
        dir.join("data/orgspace.db").is_file(),
        "the default database is created under ./data"
    );

    let output = terminate(child);
    assert!(output.status.success(), "exit status {:?}", output.status);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("orgspace listening on http://127.0.0.1"),
        "{log}"
    );
    assert!(
        log.contains("orgspace stopped"),
        "a graceful stop is logged: {log}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn help_lists_every_flag_with_its_environment_variable() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (flag, env) in [
        ("--addr", "ORGSPACE_ADDR"),
        ("--database-url", "DATABASE_URL"),
        ("--public-url", "ORGSPACE_PUBLIC_URL"),
        ("--smtp-url", "SMTP_URL"),
        ("--site-root", "LEPTOS_SITE_ROOT"),
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
        assert!(help.contains(env), "{env} missing from --help:\n{help}");
    }
}

#[test]
fn bad_configuration_is_refused_with_a_clear_message() {
    let dir = temp_dir("bad");
    let output = start(&dir, free_port(), &["--public-url", "not a url"])
        .wait_with_output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("--public-url \"not a url\" is not a valid http(s) URL"),
        "{log}"
    );

    let output = start(&dir, free_port(), &["--database-url", "mysql://nope"])
        .wait_with_output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("expected sqlite://FILE or postgres://"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
