//! The access log never carries a request's GraphQL document or variables (which can hold identity
//! numbers, names, phones): a GET query string is left out, and the line names the operation and a
//! hash of the document instead, and the request id the caller sent. This runs the real binary and
//! reads what it logs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A personal identity number, as a variable would carry it.
const SECRET: &str = "11010519491231002X";
/// A request id a caller (or its proxy) chose.
const TRACE: &str = "trace-7f3a-0001";

/// Sends one HTTP/1.1 request and returns the whole response.
fn send(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// `text` for a URL query string: every byte but letters and digits as `%XX`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[test]
fn the_access_log_names_the_operation_and_the_request_id_but_never_the_query_or_its_variables() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("log.db").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_registry"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("REGISTRY_BIND", "127.0.0.1:0")
        .env("REGISTRY_JWT_SECRET", "access-log-test-secret-0123456789abcdef")
        .env("RUST_LOG", "info")
        .env_remove("REGISTRY_LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    for pipe in [
        Box::new(server.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(server.stderr.take().unwrap()),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let mut log = Vec::new();
    let address = loop {
        let line = received
            .recv_timeout(Duration::from_secs(120))
            .expect("the server starts and says where");
        let found = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split("/graphql").next())
            .map(str::to_owned);
        log.push(line);
        if let Some(address) = found {
            break address;
        }
    };

    let document = "query Lookup($code: String!) { enterprise(uscc: $code) { name } }";
    let encoded = format!(
        "query={}&variables={}&operationName=Lookup",
        percent_encoded(document),
        percent_encoded(&format!(r#"{{"code":"{SECRET}"}}"#))
    );
    let get = send(
        &address,
        &format!(
            "GET /graphql?{encoded} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(get.starts_with("HTTP/1.1 200"), "{get}");
    let body = format!(
        r#"{{"query":"{}","variables":{{"code":"{SECRET}"}},"operationName":"Lookup"}}"#,
        document.replace('"', "\\\"")
    );
    let post = send(
        &address,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nX-Request-Id: {TRACE}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(post.starts_with("HTTP/1.1 200"), "{post}");
    assert!(
        post.to_ascii_lowercase()
            .contains(&format!("x-request-id: {TRACE}")),
        "the caller's request id comes back:\n{post}"
    );

    server.kill().unwrap();
    server.wait().unwrap();
    while let Ok(line) = received.recv_timeout(Duration::from_secs(2)) {
        log.push(line);
    }
    let log = log.join("\n");
    assert!(!log.contains(SECRET), "a variable reached the log:\n{log}");
    assert!(
        !log.contains("enterprise(uscc"),
        "the document reached the log:\n{log}"
    );
    let requests: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("graphql.operation=Lookup"))
        .collect();
    assert!(requests.len() >= 2, "both requests are logged by name:\n{log}");
    assert!(
        requests.iter().all(|line| line.contains("graphql.document=")),
        "{log}"
    );
    assert!(
        requests
            .iter()
            .any(|line| line.contains(&format!("request.id={TRACE}"))),
        "the log line carries the caller's request id:\n{log}"
    );
}
