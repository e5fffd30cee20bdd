//! A `registry import` killed with SIGKILL in the middle leaves no row of it behind: the import is one
//! transaction, and a transaction that never committed is gone when the database next opens. This runs
//! the real binary (only its own package's tests can find it, hence this file outside `tests/`), on
//! SQLite, or on PostgreSQL when `TEST_DATABASE_URL` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use entity::{audit_event, credential};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const ROWS: usize = 60_000;
const BATCH: i32 = 77;

async fn imported(url: &str) -> (u64, u64) {
    let db = registry::db::connect(url, 1).await.unwrap();
    let credentials = credential::Entity::find()
        .filter(credential::Column::Batch.eq(BATCH))
        .count(&db)
        .await
        .unwrap();
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("IMPORT_CREDENTIALS"))
        .count(&db)
        .await
        .unwrap();
    db.close().await.unwrap();
    (credentials, events)
}

#[tokio::test]
async fn an_import_killed_midway_leaves_nothing_and_a_rerun_imports_everything() {
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let url = support::fresh_database(dir.path(), admin_url.as_deref()).await;
    let file = support::arrange(&url, dir.path(), ROWS).await;

    let mut child = support::import_command(&url, &file, BATCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut midway = false;
    for line in BufReader::new(stdout).lines() {
        // Killed while it writes, inside the transaction that holds the write lock.
        let line = line.unwrap();
        if line.contains("import progress") && line.contains("written") {
            midway = true;
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: the process gets no chance to roll back itself.
    let status = child.wait().unwrap();
    assert!(midway, "the import reported writing before it was killed");
    assert!(!status.success(), "killed, not finished: {status}");
    assert_eq!(
        imported(&url).await,
        (0, 0),
        "no row of the killed import is left"
    );

    let rerun = support::import_command(&url, &file, BATCH).output().unwrap();
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_eq!(imported(&url).await, (ROWS as u64, 1));
    support::drop_database(&url, admin_url.as_deref()).await;
}
