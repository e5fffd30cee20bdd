//! Arranging a large import: a fresh database (SQLite in a directory, or PostgreSQL when
//! `TEST_DATABASE_URL` is set) with the demo registry, many enterprises, and the list designating
//! them. Shared by the kill test and the import benchmark.

#![allow(dead_code, reason = "each user takes what it needs")]

pub mod server;

use std::io::Write;

use entity::enterprise;
use sea_orm::{ConnectionTrait, Database, EntityTrait, IntoActiveModel};

/// A fresh database URL: a SQLite file in `dir`, or a new PostgreSQL database under `admin_url`.
pub async fn fresh_database(dir: &std::path::Path, admin_url: Option<&str>) -> String {
    match admin_url {
        Some(admin_url) => {
            let name = format!("registry_bulk_{}", uuid::Uuid::now_v7().simple());
            let admin = Database::connect(admin_url).await.expect("PostgreSQL reachable");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
            format!("{base}/{name}")
        }
        None => format!("sqlite://{}?mode=rwc", dir.join("registry.db").display()),
    }
}

/// Drops the PostgreSQL database of `url` (nothing to do for SQLite: its directory goes).
pub async fn drop_database(url: &str, admin_url: Option<&str>) {
    if let (Some(admin_url), Some((_, name))) = (admin_url, url.rsplit_once('/'))
        && url.starts_with("postgres")
    {
        let admin = Database::connect(admin_url).await.expect("PostgreSQL reachable");
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop database");
    }
}

/// Migrates and seeds `url`, registers `rows` enterprises in 沙坪坝区 and writes the list designating
/// each of them a municipal 专精特新 SME into `dir`; returns the list's path.
pub async fn arrange(url: &str, dir: &std::path::Path, rows: usize) -> std::path::PathBuf {
    let db = registry::db::connect(url, 2).await.expect("connect");
    registry::db::migrate(&db).await.expect("migrate");
    // The binary under test follows the wall clock; so does the demo it is given.
    registry::demo::seed(&db, registry::clock::Clock::system().today())
        .await
        .expect("seed");
    let now = chrono::Utc::now();
    let path = dir.join(format!("list-{rows}.csv"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create the list"));
    writeln!(file, "uscc,tier").expect("write");
    let mut chunk = Vec::new();
    for n in 0..rows {
        let uscc = registry::domain::Uscc::with_check_character(&format!("91500106K{n:08}")).expect("a code");
        writeln!(file, "{uscc},SPECIALIZED_SME").expect("write");
        chunk.push(
            registry::services::enterprise::new_row(&uscc, format!("批量企业{n}"), "500106".into(), now)
                .into_active_model(),
        );
        if chunk.len() == 1_000 || n + 1 == rows {
            enterprise::Entity::insert_many(std::mem::take(&mut chunk))
                .exec_without_returning(&db)
                .await
                .expect("insert enterprises");
        }
    }
    file.flush().expect("flush");
    // As a registry in service would have: statistics that know the enterprise table is large.
    db.execute_unprepared("ANALYZE").await.expect("analyze");
    db.close().await.expect("close");
    path
}

/// `registry import` of `file` as batch `batch` by the Chongqing industry registrar.
pub fn import_command(url: &str, file: &std::path::Path, batch: i32) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_registry"));
    command
        .args([
            "import",
            "--kind",
            "little-giant",
            "--batch",
            &batch.to_string(),
            "--user",
            "cq-eic-registrar",
        ])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .env_remove("REGISTRY_LOG_FORMAT");
    command
}

/// Peak resident set of process `pid` in KiB, as the kernel counts it (`VmHWM`).
pub fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child` to exit successfully, at most `limit`; returns its peak resident memory in KiB.
/// `VmHWM` only grows: the last reading before the process exits is its peak (within one poll).
pub fn wait_measuring_peak(child: &mut std::process::Child, limit: std::time::Duration) -> u64 {
    let started = std::time::Instant::now();
    let mut peak = 0;
    loop {
        if let Some(kib) = peak_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("the process can be waited for") {
            assert!(status.success(), "the process failed: {status}");
            return peak;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the process ran longer than {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
