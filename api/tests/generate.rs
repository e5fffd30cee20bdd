//! `registry generate` makes a registry of the size asked for: enterprises with valid USCCs in
//! county-level regions in force, spelled and folded for search, and more on a second run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod support;

use entity::{enterprise, region};
use registry::domain::Uscc;
use sea_orm::{ConnectionTrait, Database, DbBackend, EntityTrait, PaginatorTrait, Statement};
use support::server::registry_command;

/// The registry's business date for the run: founding dates come before it.
const TODAY: &str = "2012-05-01";

fn generate(url: &str, enterprises: u32) {
    let output = registry_command()
        .args(["generate", "--enterprises", &enterprises.to_string()])
        .env("DATABASE_URL", url)
        .env("REGISTRY_TODAY", TODAY)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn generated_enterprises_are_valid_searchable_and_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = support::fresh_database(dir.path(), std::env::var("TEST_DATABASE_URL").ok().as_deref()).await;
    generate(&url, 300);
    generate(&url, 200);

    let db = Database::connect(&url).await.unwrap();
    let rows = enterprise::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.len(), 500);
    let regions = region::Entity::find().all(&db).await.unwrap();
    for row in &rows {
        let uscc = Uscc::parse(&row.uscc).unwrap_or_else(|err| panic!("{}: {err:?}", row.uscc));
        assert_eq!(uscc.region_code(), row.region_code);
        let place = regions.iter().find(|r| r.code == row.region_code).unwrap();
        assert!(place.abolished_on.is_none(), "{} is abolished", place.code);
        assert!(row.name.ends_with("公司"), "{}", row.name);
        let founded = row.established_on.unwrap().to_string();
        assert!(
            founded.as_str() <= TODAY,
            "founded {founded}, after the registry's today"
        );
        assert!(
            row.name_pinyin.as_deref().is_some_and(|form| form.len() > 10),
            "{row:?}"
        );
    }
    let provinces: std::collections::HashSet<&str> = rows.iter().map(|r| &r.region_code[..2]).collect();
    assert!(provinces.len() > 10, "spread over the country: {provinces:?}");
    assert_eq!(enterprise::Entity::find().count(&db).await.unwrap(), 500);
    if db.get_database_backend() == DbBackend::Postgres {
        // Settled after the load: the planner knows the rows, and no autovacuum is waited for.
        let settled = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT reltuples::bigint AS estimated, (SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables                  WHERE relname = 'enterprise') AS vacuumed FROM pg_class WHERE relname = 'enterprise'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(settled.try_get::<i64>("", "estimated").unwrap(), 500);
        assert!(settled.try_get::<bool>("", "vacuumed").unwrap());
    }
    support::drop_database(&url, std::env::var("TEST_DATABASE_URL").ok().as_deref()).await;
}
