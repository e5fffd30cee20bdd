//! The cost of `/metrics`: `cargo bench -p registry-api --bench metrics`. Measures, side by side in one
//! run: what counting one request costs (the latency histogram and the operation counter, in process,
//! over a million requests spread across 20 operation names), the median latency of a request to the
//! real `registry` binary (bench profile, SQLite, demo data) to set it against, and what one scrape of
//! `/metrics` costs on that server after the traffic. Loopback only, bounded counts. A report, not a
//! test: nothing here fails on a number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use registry::monitoring::{self, GraphqlOutcome};
use support::server::{percentile, typename_latencies, unlimited_demo_server};

const RECORDINGS: usize = 1_000_000;
const SCRAPES: usize = 200;

/// Nanoseconds to count one request, averaged over `RECORDINGS`.
fn recording_cost_ns() -> f64 {
    let outcomes: Vec<GraphqlOutcome> = (0..20)
        .map(|n| GraphqlOutcome {
            operation: Some(format!("Operation{n}")),
            outcome: if n % 5 == 0 { "BAD_USER_INPUT" } else { "OK" },
        })
        .collect();
    let started = Instant::now();
    for n in 0..RECORDINGS {
        let outcome = &outcomes[n % outcomes.len()];
        let elapsed = Duration::from_micros((n % 5_000) as u64);
        monitoring::record_request(black_box("/graphql"), elapsed, Some(black_box(outcome)));
    }
    started.elapsed().as_nanos() as f64 / RECORDINGS as f64
}

#[tokio::main]
async fn main() {
    // The in-process recorder is the one the server would install: the same code path.
    monitoring::handle();
    let per_request_ns = recording_cost_ns();

    let dir = tempfile::tempdir().unwrap();
    let server = unlimited_demo_server(dir.path()).await;
    let requests = typename_latencies(&server.base).await;
    let request_ms = percentile(&requests, 0.50);

    let client = reqwest::Client::new();
    let mut scrapes = Vec::with_capacity(SCRAPES);
    let mut size = 0;
    for _ in 0..SCRAPES {
        let asked = Instant::now();
        let text = client
            .get(format!("{}/metrics", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        scrapes.push(asked.elapsed().as_secs_f64() * 1_000.0);
        size = text.len();
    }
    scrapes.sort_by(f64::total_cmp);

    println!("counting one request: {per_request_ns:.0} ns (over {RECORDINGS} requests, 20 operation names)");
    println!(
        "a request to the server ({{ __typename }}, median of {}): {request_ms:.3} ms",
        requests.len()
    );
    println!(
        "counting / request = {:.3} %",
        per_request_ns / (request_ms * 1_000_000.0) * 100.0
    );
    println!(
        "one scrape of /metrics: p50 {:.2} ms, p99 {:.2} ms, {size} bytes",
        percentile(&scrapes, 0.50),
        percentile(&scrapes, 0.99)
    );
}
