//! `registry generate` makes a registry of the size asked for: enterprises with valid USCCs in
//! county-level regions in force, spelled and folded for search, credentials of several kinds in every
//! state with their history, and more on a second run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod support;

use entity::enums::CredentialStatus;
use entity::{credential, credential_period, enterprise, region};
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

    // Three credentials for every ten enterprises, each held by a generated enterprise where it is.
    let credentials = credential::Entity::find().all(&db).await.unwrap();
    assert_eq!(credentials.len(), 150);
    let kinds: std::collections::HashSet<_> = credentials.iter().map(|c| c.kind).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    let states: std::collections::HashSet<_> = credentials.iter().map(|c| c.status).collect();
    for state in [
        CredentialStatus::Granted,
        CredentialStatus::Revoked,
        CredentialStatus::Submitted,
    ] {
        assert!(states.contains(&state), "no {state:?} among {states:?}");
    }
    let periods = credential_period::Entity::find().all(&db).await.unwrap();
    for row in &credentials {
        let holder = rows
            .iter()
            .find(|e| Some(e.id) == row.holder_enterprise_id)
            .unwrap();
        assert_eq!(holder.region_code, row.region_code);
        let granted = matches!(row.status, CredentialStatus::Granted | CredentialStatus::Revoked);
        let history = periods.iter().filter(|p| p.credential_id == row.id).count();
        assert_eq!(granted, history > 0, "{row:?}");
        assert_eq!(granted, row.valid_from.is_some(), "{row:?}");
        let active = !matches!(row.status, CredentialStatus::Revoked | CredentialStatus::Rejected);
        assert_eq!(active, row.exclusive_key.is_some(), "{row:?}");
        if let Some(from) = row.valid_from {
            assert!(from.to_string().as_str() <= TODAY, "{row:?}");
        }
    }
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
