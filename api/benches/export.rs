//! Export throughput and memory, and change-feed throughput: `cargo bench -p registry-api --bench
//! export`. Builds a registry of 1,000,000 enterprises (`BENCH_EXPORT_ENTERPRISES`) in a fresh SQLite
//! database, and in PostgreSQL when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names an admin
//! database: the demo, 100,000 enterprises designated by an imported list (100,000 proposals, and as
//! many changes in the feed), and generated enterprises for the rest. Then it runs the real
//! `registry export` binary on lists of a few hundred rows up to the whole registry, reporting rows per
//! second and the process's peak resident memory (flat memory: the same peak whatever the size), and
//! reads the whole feed through a real server, 100 changes a page, reporting changes per second. A
//! report, not a test: nothing here fails on a number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Runs `registry` with `args` on `url` to completion (at most `limit`); returns the seconds it took
/// and its peak memory (KiB), read until it exits.
fn run(url: &str, args: &[&str], limit: Duration) -> (f64, u64) {
    let started = Instant::now();
    let mut child = support::server::registry_command()
        .args(args)
        .env("DATABASE_URL", url)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let peak = support::wait_measuring_peak(&mut child, limit);
    (started.elapsed().as_secs_f64(), peak)
}

/// Lines of the file at `path` (rows plus a header for CSV).
fn lines(path: &std::path::Path) -> u64 {
    let text = std::fs::read(path).unwrap();
    text.iter().filter(|byte| **byte == b'\n').count() as u64
}

/// Reads the whole change feed through `base` as `token`'s holder, 100 changes a page; returns the
/// changes read and the seconds it took.
async fn read_feed(base: &str, token: &str) -> (u64, f64) {
    let client = reqwest::Client::new();
    let query = "query($after: String) { changes(after: $after, first: 100) {
        nodes { cursor kind change entityId regionCode payload } endCursor hasNextPage } }";
    let started = Instant::now();
    let mut after = Value::Null;
    let mut read = 0;
    for _ in 0..100_000 {
        let body: Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": { "after": after } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let page = &body["data"]["changes"];
        read += page["nodes"].as_array().unwrap_or_else(|| panic!("{body}")).len() as u64;
        if page["hasNextPage"] == false {
            break;
        }
        after = page["endCursor"].clone();
    }
    (read, started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() {
    let total: u64 = std::env::var("BENCH_EXPORT_ENTERPRISES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000_000);
    let designated = 100_000.min(total as usize);
    let postgres = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok()
        .filter(|url| !url.is_empty());
    let mut backends = vec![("SQLite", None)];
    if let Some(url) = &postgres {
        backends.push(("PostgreSQL", Some(url.as_str())));
    }
    let limit = Duration::from_secs(1_800);
    for (backend, admin_url) in backends {
        let dir = tempfile::tempdir().unwrap();
        let url = support::fresh_database(dir.path(), admin_url).await;
        let list = support::arrange(&url, dir.path(), designated).await;
        let started = Instant::now();
        let mut import = support::import_command(&url, &list, 90)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        support::wait_measuring_peak(&mut import, limit);
        let seconds = started.elapsed().as_secs_f64();
        println!("{backend}: imported {designated} designations in {seconds:.1} s");
        let rest = (total - designated as u64).to_string();
        let (seconds, _) = run(&url, &["generate", "--enterprises", &rest], limit);
        println!("{backend}: generated {rest} more enterprises in {seconds:.1} s");

        println!(
            "{backend}: export                                  rows   seconds     rows/s   peak memory"
        );
        let staff_filter = r#"{"status": "SUBMITTED", "batch": 90}"#;
        for (name, args) in [
            (
                "a district's enterprises, CSV",
                vec!["enterprises", "--filter", r#"{"region": {"code": "500101"}}"#],
            ),
            (
                "little giants in review, JSON Lines",
                vec![
                    "littleGiants",
                    "--filter",
                    staff_filter,
                    "--format",
                    "jsonl",
                    "--user",
                    "cq-eic-registrar",
                ],
            ),
            ("every enterprise, CSV", vec!["enterprises"]),
            (
                "every enterprise, JSON Lines",
                vec!["enterprises", "--format", "jsonl"],
            ),
            (
                "every enterprise, CSV in GB18030",
                vec!["enterprises", "--encoding", "gb18030"],
            ),
        ] {
            let output = dir.path().join("export.out");
            let mut args: Vec<&str> = [&["export"][..], &args].concat();
            let output_arg = output.to_str().unwrap().to_owned();
            args.extend(["-o", &output_arg]);
            let (seconds, peak) = run(&url, &args, limit);
            let rows = lines(&output).saturating_sub(u64::from(!args.contains(&"jsonl")));
            println!(
                "{backend}: {name:<38} {rows:>9} {seconds:>9.2} {:>10.0} {:>9.1} MiB",
                rows as f64 / seconds,
                peak as f64 / 1024.0
            );
        }
        let snapshot = dir.path().join("snapshot");
        let (seconds, peak) = run(
            &url,
            &["export", "--snapshot", "-o", snapshot.to_str().unwrap()],
            limit,
        );
        println!(
            "{backend}: snapshot of every list in {seconds:.1} s, peak {:.1} MiB",
            peak as f64 / 1024.0
        );

        let server =
            support::server::Server::start(&url, &[("REGISTRY_RATE_LIMITS", support::server::UNLIMITED)])
                .await;
        let token = support::server::demo_token(&server.base, "cq-eic-registrar").await;
        let (read, seconds) = read_feed(&server.base, &token).await;
        println!(
            "{backend}: feed read through HTTP, 100 a page: {read} changes in {seconds:.1} s, {:.0} changes/s",
            read as f64 / seconds
        );
        drop(server);
        support::drop_database(&url, admin_url).await;
    }
}
