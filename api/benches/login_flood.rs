//! Login flood: `cargo bench -p registry-api --bench login_flood`. Runs the real `registry` binary
//! (bench profile) on SQLite and measures the latency of `{ __typename }` from one client, first on an
//! idle server and then while 16 connections sign in as fast as they can (every sign-in a full argon2
//! password check: right passwords, so the throttle never cuts them short, and the rate limits set out
//! of the way). Password checks run on a bounded blocking pool, not on the request workers; the target
//! is a p99 under 50 ms during the flood. Both phases run side by side in one process on loopback, a
//! bounded number of requests each. A report, not a test: nothing here fails on a number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use support::server::{SAMPLES, percentile, typename_latencies, unlimited_demo_server};

/// The demo's sixteen accounts: one flooding connection each, so that the throttle per username does
/// not cut the flood short.
const ACCOUNTS: [&str; 16] = [
    "sysadmin",
    "samr-viewer",
    "samr-reviewer",
    "miit-reviewer",
    "cq-amr-admin",
    "cq-amr-registrar",
    "cq-amr-reviewer",
    "cq-amr-viewer",
    "cq-eic-admin",
    "cq-eic-registrar",
    "cq-eic-reviewer",
    "cq-yz-registrar",
    "sc-amr-admin",
    "sc-amr-registrar",
    "sc-amr-reviewer",
    "enterprise-user",
];
const FLOODERS: usize = ACCOUNTS.len();

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }";

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server = unlimited_demo_server(dir.path()).await;

    let idle = typename_latencies(&server.base).await;

    let stop = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicU64::new(0));
    let flooders: Vec<_> = ACCOUNTS
        .into_iter()
        .map(|username| {
            let (stop, logins, base) = (stop.clone(), logins.clone(), server.base.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                // Bounded: stops when told, and after ten minutes whatever happens.
                let deadline = Instant::now() + Duration::from_secs(600);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let answer = client
                        .post(format!("{base}/graphql"))
                        .json(
                            &json!({ "query": LOGIN, "variables": { "u": username, "p": "registry-demo" } }),
                        )
                        .send()
                        .await;
                    // Only sign-ins that got a token had their password checked in full.
                    if let Ok(answer) = answer
                        && answer
                            .text()
                            .await
                            .is_ok_and(|text| text.contains("accessToken\":\""))
                    {
                        logins.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    // Let the flood reach full speed before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();
    let before = logins.load(Ordering::Relaxed);
    let flooded = typename_latencies(&server.base).await;
    let rate = (logins.load(Ordering::Relaxed) - before) as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for flooder in flooders {
        flooder.await.unwrap();
    }

    println!("{{ __typename }} latency, {SAMPLES} requests each (ms):");
    println!("                 p50      p99      max");
    for (phase, latencies) in [("idle", &idle), ("login flood", &flooded)] {
        println!(
            "{phase:<12} {:>8.2} {:>8.2} {:>8.2}",
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            latencies[latencies.len() - 1]
        );
    }
    println!(
        "flood: {FLOODERS} connections, {rate:.0} sign-ins/s; p99 flood/idle = {:.1}x",
        percentile(&flooded, 0.99) / percentile(&idle, 0.99)
    );
}
