//! Soak: `cargo bench -p registry-api --bench soak`. Runs the real `registry` binary (bench profile) on
//! SQLite, and on PostgreSQL when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names an admin
//! database, and sends it mixed reads and writes from 16 connections for `SOAK_SECONDS` (600 unless
//! set) each. Reports requests, errors by class (any 5xx is a failure of the soak), the p50 and p99
//! latency, and the server's resident memory at each tenth of the run (growth from the first tenth to
//! the end under 10 % is the target), by kind (heap, file-backed, shared), and the SQLite files'
//! sizes. Traffic goes to loopback only; each connection's loop ends at the deadline. A report, not a
//! test: nothing here fails on a number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::server::{Server, UNLIMITED, seed_demo};

const CONNECTIONS: usize = 16;
/// One request in five is a write.
const WRITE_EVERY: usize = 5;

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }";

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    ok: u64,
    client_errors: u64,
    server_errors: u64,
    graphql_errors: u64,
    first_problem: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.graphql_errors += other.graphql_errors;
        self.first_problem = self.first_problem.take().or(other.first_problem);
    }
}

/// The requests the connections take turns at: reads of public and signed-in data.
const READS: [&str; 4] = [
    "{ enterprises(first: 20) { nodes { name uscc region { name } } } }",
    "{ littleGiants(first: 20) { totalCount nodes { status level } } }",
    "{ viewer { username roles } }",
    "{ enterprises(first: 5, filter: {region: {code: \"500112\"}}) { totalCount nodes { name credentials { kind status } } } }",
];

/// One connection's loop until `deadline`: reads, and every fifth request a new enterprise.
async fn connection(base: String, token: String, number: usize, deadline: Instant) -> Tally {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let mut tally = Tally::default();
    let mut n = 0usize;
    while Instant::now() < deadline {
        n += 1;
        let body = if n.is_multiple_of(WRITE_EVERY) {
            let code = format!("91500112{:09}", number * 10_000_000 + n);
            let uscc = registry::domain::Uscc::with_check_character(&code).unwrap();
            json!({
                "query": "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } userErrors { message } } }",
                "variables": { "input": { "uscc": uscc.to_string(), "fields": { "name": format!("浸泡测试企业{number}-{n}"), "regionCode": "500112" } } }
            })
        } else {
            json!({ "query": READS[n % READS.len()] })
        };
        let asked = Instant::now();
        let response = client
            .post(format!("{base}/graphql"))
            .bearer_auth(&token)
            .timeout(Duration::from_secs(30))
            .json(&body)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(err) => {
                tally.server_errors += 1;
                tally
                    .first_problem
                    .get_or_insert_with(|| format!("no answer: {err}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        tally.latencies_us.push(asked.elapsed().as_micros() as u64);
        match status {
            200..=299 if answer.get("errors").is_none() => tally.ok += 1,
            200..=299 => {
                tally.graphql_errors += 1;
                tally.first_problem.get_or_insert_with(|| answer.to_string());
            }
            400..=499 => {
                tally.client_errors += 1;
                tally
                    .first_problem
                    .get_or_insert_with(|| format!("{status}: {answer}"));
            }
            _ => {
                tally.server_errors += 1;
                tally
                    .first_problem
                    .get_or_insert_with(|| format!("{status}: {answer}"));
            }
        }
    }
    tally
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank] as f64 / 1000.0
}

/// Soaks one server for `seconds` and prints its line.
async fn soak(backend: &str, url: &str, seconds: u64) {
    let server = Server::start(
        url,
        &[
            ("REGISTRY_RATE_LIMITS", UNLIMITED),
            ("REGISTRY_AUTO_MIGRATE", "true"),
        ],
    )
    .await;
    let login: Value = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": LOGIN, "variables": { "u": "cq-amr-registrar", "p": "registry-demo" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["login"]["accessToken"].as_str().unwrap().to_owned();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|number| tokio::spawn(connection(server.base.clone(), token.clone(), number, deadline)))
        .collect();
    // Memory at every tenth of the run: growth from the first tenth (warm) to the end is the figure,
    // and the series shows whether it levels off (caches filling) or keeps climbing (a leak).
    let mut memory = Vec::new();
    let mut warm_parts = String::new();
    for tenth in 1..=10 {
        tokio::time::sleep_until((started + Duration::from_secs(seconds * tenth / 10)).into()).await;
        memory.push(server.rss_kib());
        if tenth == 1 {
            warm_parts = server.rss_parts();
        }
    }
    let end_parts = server.rss_parts();
    let warm = memory[0];
    let mut tally = Tally::default();
    for task in tasks {
        tally.merge(task.await.unwrap());
    }
    let end = server.rss_kib();
    let elapsed = started.elapsed().as_secs_f64();
    tally.latencies_us.sort_unstable();
    let requests = tally.latencies_us.len();
    println!(
        "{backend:<10} {seconds:>5} s {requests:>9} {:>8.0}/s  2xx {:>8} 4xx {:>5} 5xx {:>5} errors {:>5}  p50 {:>6.1} ms  p99 {:>6.1} ms  RSS {:>6.1} → {:>6.1} MiB ({:+.1} %)",
        requests as f64 / elapsed,
        tally.ok,
        tally.client_errors,
        tally.server_errors,
        tally.graphql_errors,
        percentile(&tally.latencies_us, 0.50),
        percentile(&tally.latencies_us, 0.99),
        warm as f64 / 1024.0,
        end as f64 / 1024.0,
        (end as f64 - warm as f64) / warm.max(1) as f64 * 100.0
    );
    let series: Vec<String> = memory
        .iter()
        .map(|kib| format!("{:.1}", *kib as f64 / 1024.0))
        .collect();
    println!("           RSS (MiB) at each tenth: {}", series.join(" "));
    println!("           RSS (MiB) at the first tenth: {warm_parts}; at the end: {end_parts}");
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
    {
        let size = |suffix: &str| {
            std::fs::metadata(format!("{path}{suffix}")).map_or(0.0, |meta| meta.len() as f64 / 1_048_576.0)
        };
        println!(
            "           SQLite files (MiB): database {:.1}, WAL {:.1}, WAL index {:.1}",
            size(""),
            size("-wal"),
            size("-shm")
        );
    }
    if let Some(problem) = tally.first_problem {
        println!("           first problem: {problem}");
    }
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(600);
    let postgres = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok()
        .filter(|url| !url.is_empty());
    println!(
        "soak: {CONNECTIONS} connections, one request in {WRITE_EVERY} a write, {seconds} s per backend"
    );
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("soak.db").display());
    seed_demo(&sqlite);
    soak("SQLite", &sqlite, seconds).await;
    if let Some(admin_url) = postgres {
        let url = support::fresh_database(dir.path(), Some(&admin_url)).await;
        seed_demo(&url);
        soak("PostgreSQL", &url, seconds).await;
        support::drop_database(&url, Some(&admin_url)).await;
    }
}
