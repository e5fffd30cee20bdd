//! Search at scale: `cargo bench -p registry-api --bench search`. Makes a registry of
//! `BENCH_ENTERPRISES` enterprises (1,000,000 unless set) with `registry generate`, in a fresh SQLite
//! file and, when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names an admin database, in a fresh
//! PostgreSQL database; starts the real server (bench profile) on each and sends `search` and
//! `enterprises(filter: {nameContains})` with 2- and 4-character terms taken from generated names, from
//! 16 connections, one case after the other (so that a slow case does not queue the others' requests
//! behind its own), after an untimed round that opens the server's connections to the database.
//! Reports the p50 and p99 of each case and the answers that were errors. With
//! `BENCH_SEARCH_DATABASE_URL` it measures that registry as it is instead (one made by `registry
//! generate`, say). Traffic goes to loopback only; every loop is bounded in count and by a deadline.
//! A report, not a test: nothing here fails on a number.

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
use support::server::{Server, UNLIMITED, percentile, registry_command};

const CONNECTIONS: usize = 16;
/// Requests of each case per connection.
const ROUNDS: usize = 25;
/// Terms of each length.
const TERMS: usize = 100;
/// The whole run on one backend ends here, finished or not.
const DEADLINE: Duration = Duration::from_secs(600);

const SEARCH: &str = "query($q: String!) { search(query: $q, first: 20) { nodes { kind matchedField matchedText \
                      item { ... on Enterprise { name uscc } } } } }";
const NAME_CONTAINS: &str =
    "query($q: String!) { enterprises(filter: {nameContains: $q}, first: 20) { nodes { name uscc } } }";

/// The cases measured: a label, the query and the term length.
const CASES: [(&str, &str, usize); 4] = [
    ("search, 2 characters", SEARCH, 2),
    ("search, 4 characters", SEARCH, 4),
    ("nameContains, 2 characters", NAME_CONTAINS, 2),
    ("nameContains, 4 characters", NAME_CONTAINS, 4),
];

/// Runs `registry generate` into `url` and returns the seconds it took.
fn generate(url: &str, enterprises: u64) -> f64 {
    let started = Instant::now();
    let output = registry_command()
        .args(["generate", "--enterprises", &enterprises.to_string()])
        .env("DATABASE_URL", url)
        .output()
        .expect("registry generate runs");
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64()
}

/// Terms of `length` characters cut from the first names of the registry by founding date (which is
/// unrelated to the name and the region), from the part before the legal form, where people's queries
/// come from.
async fn terms(client: &reqwest::Client, base: &str, length: usize) -> Vec<String> {
    let page: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": "{ enterprises(first: 100, orderBy: {field: ESTABLISHED_ON}) { nodes { name } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<Vec<char>> = page["data"]["enterprises"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["name"].as_str().unwrap().chars().collect())
        .collect();
    (0..TERMS)
        .map(|i| {
            let name = &names[i % names.len()];
            // Leave out the legal form (the last six characters, 有限公司 and the like).
            let room = name.len().saturating_sub(6 + length).max(1);
            let start = (i * 7) % room;
            name[start..(start + length).min(name.len())].iter().collect()
        })
        .collect()
}

/// One connection's latencies (ms) for `rounds` requests of `case`, and its errors.
async fn connection(
    base: String,
    case: usize,
    terms: Vec<String>,
    (number, rounds): (usize, usize),
    deadline: Instant,
) -> (Vec<f64>, Vec<String>) {
    let client = reqwest::Client::new();
    let (_, query, _) = CASES[case];
    let mut latencies = Vec::with_capacity(rounds);
    let mut errors = Vec::new();
    for round in 0..rounds {
        if Instant::now() > deadline {
            break;
        }
        let term = &terms[(number * rounds + round) % terms.len()];
        let asked = Instant::now();
        let answer = client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": { "q": term } }))
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        let body: Option<Value> = match answer {
            Ok(response) => response.json().await.ok(),
            Err(_) => None,
        };
        latencies.push(asked.elapsed().as_secs_f64() * 1000.0);
        match body {
            Some(body) if body["errors"].is_null() => {}
            Some(body) => errors.push(body["errors"][0]["message"].to_string()),
            None => errors.push("no answer".to_owned()),
        }
    }
    (latencies, errors)
}

/// Measures the registry at `url`, first adding `enterprises` generated ones when asked to.
async fn measure(backend: &str, url: &str, enterprises: Option<u64>) {
    let generated_in = enterprises.map_or(0.0, |enterprises| generate(url, enterprises));
    let server = Server::start(url, &[("REGISTRY_RATE_LIMITS", UNLIMITED)]).await;
    let client = reqwest::Client::new();
    let pools = [
        terms(&client, &server.base, 2).await,
        terms(&client, &server.base, 4).await,
    ];
    println!(
        "{backend}: {enterprises:?} enterprises generated in {generated_in:.0} s; terms such as {:?}, {:?}",
        &pools[0][..3],
        &pools[1][..3]
    );
    let deadline = Instant::now() + DEADLINE;
    // Untimed: every connection of the pool opened and every case asked once, with one-character terms
    // (whose key grams no measured term has, so none of theirs is weighed here).
    let warm_up_terms = terms(&client, &server.base, 1).await;
    let warm_up: Vec<_> = (0..CONNECTIONS)
        .flat_map(|number| (0..CASES.len()).map(move |case| (case, number)))
        .map(|(case, number)| {
            tokio::spawn(connection(
                server.base.clone(),
                case,
                warm_up_terms.clone(),
                (number, 1),
                deadline,
            ))
        })
        .collect();
    for task in warm_up {
        task.await.unwrap();
    }
    for (case, (label, _, length)) in CASES.iter().enumerate() {
        let terms = &pools[usize::from(*length == 4)];
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|number| {
                tokio::spawn(connection(
                    server.base.clone(),
                    case,
                    terms.clone(),
                    (number, ROUNDS),
                    deadline,
                ))
            })
            .collect();
        let mut samples = Vec::new();
        let mut errors = Vec::new();
        for task in tasks {
            let (latencies, failed) = task.await.unwrap();
            samples.extend(latencies);
            errors.extend(failed);
        }
        samples.sort_by(f64::total_cmp);
        println!(
            "{backend:<10} {label:<28} {:>5} requests  p50 {:>7.1} ms  p99 {:>7.1} ms  errors {:>4} {}",
            samples.len(),
            percentile(&samples, 0.50),
            percentile(&samples, 0.99),
            errors.len(),
            errors.first().map(String::as_str).unwrap_or_default()
        );
    }
}

#[tokio::main]
async fn main() {
    // A registry generated before (`registry generate`) is measured as it is.
    if let Ok(url) = std::env::var("BENCH_SEARCH_DATABASE_URL") {
        measure("given", &url, None).await;
        return;
    }
    let enterprises = std::env::var("BENCH_ENTERPRISES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let admin = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok();
    let sqlite = support::fresh_database(dir.path(), None).await;
    measure("SQLite", &sqlite, Some(enterprises)).await;
    if let Some(admin) = admin.as_deref() {
        let postgres = support::fresh_database(dir.path(), Some(admin)).await;
        measure("PostgreSQL", &postgres, Some(enterprises)).await;
        support::drop_database(&postgres, Some(admin)).await;
    }
}
