//! Import throughput and memory: `cargo bench -p registry-api --bench import`. Imports lists of
//! 10,000 and 100,000 rows with the real `registry import` binary (built with the bench profile) into
//! a fresh SQLite database, and into PostgreSQL when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`)
//! names an admin database; prints rows per second, how long the import held the write transaction
//! (on SQLite, the single write lock every other writer waits for) and the process's peak resident
//! memory. A report, not a test: nothing here fails on a number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

/// The milliseconds the write lock was held, from the import's "import committed" log line.
fn write_lock_ms(line: &str) -> Option<u64> {
    let (_, rest) = line.split_once("write_lock_ms=")?;
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// Runs one import; returns the seconds it took, the milliseconds it held the write lock and the peak
/// memory seen (KiB).
fn run(url: &str, file: &std::path::Path) -> (f64, u64, u64) {
    use std::io::BufRead;
    let started = Instant::now();
    let mut child = support::import_command(url, file, 90)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lock = std::thread::spawn(move || {
        // Read to the end: the import's summary follows, and it must not meet a closed pipe.
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .fold(None, |found, line| found.or_else(|| write_lock_ms(&line)))
    });
    let peak = support::wait_measuring_peak(&mut child, Duration::from_secs(3_600));
    let seconds = started.elapsed().as_secs_f64();
    (
        seconds,
        lock.join().unwrap().expect("the import logs its lock time"),
        peak,
    )
}

#[tokio::main]
async fn main() {
    let postgres = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok()
        .filter(|url| !url.is_empty());
    let mut backends = vec![("SQLite", None)];
    if let Some(url) = &postgres {
        backends.push(("PostgreSQL", Some(url.as_str())));
    }
    println!("backend      rows   seconds   rows/s   write lock   peak memory");
    for (backend, admin_url) in backends {
        for rows in [10_000, 100_000] {
            let dir = tempfile::tempdir().unwrap();
            let url = support::fresh_database(dir.path(), admin_url).await;
            let file = support::arrange(&url, dir.path(), rows).await;
            let (seconds, lock_ms, peak) = run(&url, &file);
            println!(
                "{backend:<10} {rows:>7} {seconds:>9.2} {:>8.0} {:>10.2} s {:>9.1} MiB",
                rows as f64 / seconds,
                lock_ms as f64 / 1000.0,
                peak as f64 / 1024.0
            );
            support::drop_database(&url, admin_url).await;
        }
    }
}
