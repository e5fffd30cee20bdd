//! The reliability suite: the real `registry` binary, attacked over loopback as a hostile client or a
//! failing database would. Every loop is bounded in count and in time. The PostgreSQL cases make a
//! throwaway cluster of their own (`initdb`, `pg_ctl`, as the `postgres` user) and are skipped, saying
//! why, where that cannot be done. A kill -9 in the middle of writes is `import_killed.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod support;

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use support::server::{Cluster, Server, seed_demo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }";

/// A server on a fresh SQLite file with the demo data.
async fn sqlite_server(dir: &tempfile::TempDir, env: &[(&str, &str)]) -> Server {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("registry.db").display());
    seed_demo(&url);
    Server::start(&url, env).await
}

/// Status, `Retry-After` and body of a GraphQL request.
async fn graphql(
    server: &Server,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, Option<String>, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{}/graphql", server.base))
        .timeout(Duration::from_secs(30))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn login(server: &Server, username: &str) -> String {
    let (_, _, body) = graphql(
        server,
        None,
        LOGIN,
        json!({ "u": username, "p": "registry-demo" }),
    )
    .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{username} signs in: {body}"))
        .to_owned()
}

/// A connection to `server` from the loopback address `source`.
async fn connect_from(server: &Server, source: [u8; 4]) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind((std::net::Ipv4Addr::from(source), 0).into())?;
    socket.connect(([127, 0, 0, 1], server.port).into()).await
}

/// What the server writes back on `stream` within 15 s, until it closes.
async fn answer_on(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_flood_of_slow_connections_does_not_lock_out_a_well_behaved_client() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = sqlite_server(
        &dir,
        &[
            ("REGISTRY_MAX_CONNECTIONS_PER_ADDRESS", "32"),
            ("REGISTRY_BODY_TIMEOUT_MS", "2000"),
        ],
    )
    .await;

    // The attacker, from 127.0.0.2: 600 connections, each sending headers and the first byte of a body
    // it never finishes.
    let started = Instant::now();
    let mut flood = Vec::new();
    for _ in 0..600 {
        if started.elapsed() > Duration::from_secs(20) {
            break;
        }
        if let Ok(mut stream) = connect_from(&server, [127, 0, 0, 2]).await {
            let head = "POST /graphql HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
            let _ = stream.write_all(head.as_bytes()).await;
            flood.push(stream);
        }
    }

    // A well-behaved client, from 127.0.0.1, a new connection per request.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let asked = Instant::now();
        let response = client
            .post(format!("{}/graphql", server.base))
            .timeout(Duration::from_secs(10))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("answered during the flood");
        assert_eq!(response.status().as_u16(), 200);
        slowest = slowest.max(asked.elapsed());
    }
    println!(
        "{} flood connections opened; slowest of 20 well-behaved requests: {} ms",
        flood.len(),
        slowest.as_millis()
    );
    assert!(
        slowest < Duration::from_secs(1),
        "answered within 1 s, took {slowest:?}"
    );

    // A trickled body is cut off with 408 once the body deadline passes.
    let mut slow = connect_from(&server, [127, 0, 0, 4]).await.unwrap();
    let head = "POST /graphql HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    slow.write_all(head.as_bytes()).await.unwrap();
    let answer = answer_on(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    drop(flood);
    assert!(server.is_running(), "the server survived");
}

/// The start of a multipart upload announcing a 64 MiB body; the caller sends `token`, if any.
fn multipart_head(token: Option<&str>) -> String {
    let authorization = token.map_or(String::new(), |token| {
        format!("Authorization: Bearer {token}\r\n")
    });
    let operations = json!({
        "query": "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) { report { imported } } }",
        "variables": { "input": { "kind": "LITTLE_GIANT", "batch": 60, "file": null } }
    });
    format!(
        "POST /graphql HTTP/1.1\r\nHost: registry\r\n{authorization}Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"0\"; filename=\"list.csv\"\r\n\r\n",
        64 * 1024 * 1024
    )
}

#[tokio::test]
async fn multipart_abuse_is_refused_before_the_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = sqlite_server(&dir, &[]).await;
    let before = server.rss_kib();

    // Twenty anonymous uploads announcing 64 MiB each, at once: each is refused (401) from its
    // headers, and only the first megabyte of each is ever sent.
    let uploads = (0..20).map(|_| {
        let server = &server;
        async move {
            let mut stream = connect_from(server, [127, 0, 0, 1]).await.unwrap();
            stream.write_all(multipart_head(None).as_bytes()).await.unwrap();
            // The server may answer and close while this is still being written.
            let _ = stream.write_all(&vec![b'9'; 1024 * 1024]).await;
            answer_on(&mut stream).await
        }
    });
    for answer in futures_util::future::join_all(uploads).await {
        assert!(
            answer.starts_with("HTTP/1.1 401"),
            "{}",
            answer.lines().next().unwrap_or_default()
        );
    }
    let grown = server.rss_kib().saturating_sub(before);
    println!("resident memory grew by {} KiB over 20 refused uploads", grown);
    assert!(
        grown < 64 * 1024,
        "refused uploads are not held in memory: grew {grown} KiB"
    );

    // A registrar who may import still cannot send a document over the JSON limit in operations.
    let registrar = login(&server, "cq-eic-registrar").await;
    let padded = format!(
        "mutation($input: ImportCredentialsInput!) {{ importCredentials(input: $input) {{ report {{ imported }} }} }} #{}",
        "x".repeat(1024 * 1024)
    );
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": padded, "variables": { "input": { "kind": "LITTLE_GIANT", "batch": 61, "file": null } } })
                .to_string(),
        )
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(b"uscc,tier\n".to_vec()).file_name("list.csv"));
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(&registrar)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE", "{body}");
    assert!(server.is_running(), "the server survived");
}

#[tokio::test]
async fn forty_parallel_login_guesses_check_at_most_five_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[]).await;
    let guesses = (0..40).map(|n| {
        let server = &server;
        async move {
            let password = format!("guess-{n}");
            graphql(
                server,
                None,
                LOGIN,
                json!({ "u": "cq-eic-registrar", "p": password }),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|(_, _, body)| code(body) == "UNAUTHENTICATED")
        .count();
    let throttled = answers
        .iter()
        .filter(|(_, _, body)| code(body) == "TOO_MANY_ATTEMPTS")
        .count();
    println!("{checked} of 40 parallel guesses were checked, {throttled} throttled");
    assert!(checked <= 5, "{checked} passwords checked");
    assert_eq!(checked + throttled, 40);
    let (_, _, right) = graphql(
        &server,
        None,
        LOGIN,
        json!({ "u": "cq-eic-registrar", "p": "registry-demo" }),
    )
    .await;
    assert_eq!(
        code(&right),
        "TOO_MANY_ATTEMPTS",
        "even the right password waits: {right}"
    );
}

/// Huge pages brought whole 2 MiB pages into memory for a few bytes of an allocator's arena: the
/// server's peak memory under batch verification was a fifth higher with them.
#[tokio::test]
async fn the_server_keeps_its_memory_in_small_pages() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[]).await;
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let huge_pages = status
        .lines()
        .find_map(|line| line.strip_prefix("THP_enabled:"))
        .map(str::trim);
    assert_eq!(
        huge_pages,
        Some("0"),
        "transparent huge pages are off for the server"
    );
}

/// A throwaway cluster with the demo data, or `None` (and the reason printed) where there can be none.
fn demo_cluster() -> Option<Cluster> {
    match Cluster::create() {
        Ok(cluster) => {
            seed_demo(&cluster.url());
            Some(cluster)
        }
        Err(reason) => {
            eprintln!("skipped: cannot make a PostgreSQL cluster here: {reason}");
            None
        }
    }
}

#[tokio::test]
async fn postgresql_stopped_and_started_again_is_unavailable_then_served_without_a_restart() {
    let Some(cluster) = demo_cluster() else {
        return;
    };
    let server = Server::start(&cluster.url(), &[]).await;
    let token = login(&server, "cq-amr-reviewer").await;
    let query = "{ viewer { username } littleGiants(first: 1) { totalCount } }";
    assert_eq!(graphql(&server, Some(&token), query, json!({})).await.0, 200);

    cluster.stop().unwrap();
    let asked = Instant::now();
    let (status, retry_after, body) = graphql(&server, Some(&token), query, json!({})).await;
    let took = asked.elapsed();
    assert_eq!(
        (status, retry_after.as_deref(), code(&body)),
        (503, Some("1"), "UNAVAILABLE"),
        "{body}"
    );
    let (anonymous, _, body) = graphql(
        &server,
        None,
        "{ littleGiants(first: 1) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!((anonymous, code(&body)), (503, "UNAVAILABLE"), "{body}");
    let asked_ready = Instant::now();
    let ready = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
    let ready_took = asked_ready.elapsed();
    assert_eq!(ready.status().as_u16(), 503);
    println!(
        "database down: a signed-in request failed in {} ms, /readyz in {} ms",
        took.as_millis(),
        ready_took.as_millis()
    );
    assert!(
        took < Duration::from_millis(2_500),
        "failed within the 2 s acquire timeout: {took:?}"
    );
    assert!(
        ready_took < Duration::from_millis(1_500),
        "/readyz within 1 s: {ready_took:?}"
    );

    cluster.start().unwrap();
    let mut status = 0;
    for _ in 0..100 {
        status = graphql(&server, Some(&token), query, json!({})).await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 200,
        "served again once the database is back, without a restart"
    );
}

#[tokio::test]
async fn an_exhausted_pool_fails_fast_and_stuck_sql_is_cancelled_by_the_database() {
    let Some(cluster) = demo_cluster() else {
        return;
    };
    let server = Server::start(
        &cluster.url(),
        &[
            ("REGISTRY_DB_POOL_SIZE", "2"),
            ("REGISTRY_DB_ACQUIRE_TIMEOUT_MS", "1000"),
            ("REGISTRY_STATEMENT_TIMEOUT_MS", "3000"),
        ],
    )
    .await;
    let token = login(&server, "cq-amr-reviewer").await;

    // Another session locks the accounts table: every signed-in request now waits on it, holding one
    // of the server's two connections.
    let blocker = sea_orm::Database::connect(cluster.url()).await.unwrap();
    let lock = blocker.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let stuck = (0..2).map(|_| graphql(&server, Some(&token), "{ viewer { username } }", json!({})));
    let stuck = futures_util::future::join_all(stuck);
    let starved = async {
        // Give the stuck requests their head start by asking until the pool is seen exhausted.
        let mut answer = (0, None, Value::Null);
        let mut took = Duration::ZERO;
        for _ in 0..20 {
            let asked = Instant::now();
            answer = graphql(&server, None, "{ regions { code } }", json!({})).await;
            took = asked.elapsed();
            if answer.0 == 503 {
                break;
            }
        }
        (answer, took)
    };
    let (stuck, ((status, retry_after, body), took)) = tokio::join!(stuck, starved);
    println!("pool exhausted: a request failed in {} ms", took.as_millis());
    assert_eq!(
        (status, retry_after.as_deref(), code(&body)),
        (503, Some("1"), "UNAVAILABLE"),
        "{body}"
    );
    assert!(
        took < Duration::from_millis(2_000),
        "within the 1 s acquire timeout: {took:?}"
    );

    // The stuck requests were cancelled by the statement timeout, not left running in the database.
    for (status, _, body) in &stuck {
        assert_eq!((*status, code(body)), (503, "UNAVAILABLE"), "{body}");
    }
    let waiting = blocker
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        waiting.try_get::<i64>("", "n").unwrap(),
        0,
        "no statement of theirs still waits"
    );
    lock.rollback().await.unwrap();
    assert_eq!(
        graphql(&server, Some(&token), "{ viewer { username } }", json!({}))
            .await
            .0,
        200
    );
}
