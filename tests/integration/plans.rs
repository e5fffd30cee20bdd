//! The lookups the registry makes most often use an index, on SQLite and on PostgreSQL: an enterprise
//! by its USCC (every enterprise page, every row of an import) and credentials by region (every list a
//! bureau filters to its jurisdiction). On PostgreSQL a fixed-length `char(n)` column compared with a
//! text parameter, which is how the driver binds strings, is cast to text and loses its index.

use entity::{credential, enterprise};
use registry::domain::RegionCode;
use registry::services::region::{RegionScope, within};
use registry_tests::spawn_app;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryTrait,
    Statement,
};

/// The plan the database chooses for `query`, as text.
async fn plan(db: &DatabaseConnection, query: impl QueryTrait) -> String {
    let backend = db.get_database_backend();
    let statement = query.build(backend);
    let (explain, detail_column) = match backend {
        DbBackend::Postgres => ("EXPLAIN", 0),
        _ => ("EXPLAIN QUERY PLAN", 3),
    };
    let explained = Statement::from_sql_and_values(
        backend,
        format!("{explain} {}", statement.sql),
        statement.values.map(|values| values.0).unwrap_or_default(),
    );
    let rows = db.query_all_raw(explained).await.unwrap();
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(detail_column).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `plan` reads `table` through an index.
fn uses_an_index(plan: &str, table: &str) -> bool {
    plan.lines().any(|line| {
        let line = line.trim_start_matches([' ', '-', '>']);
        // PostgreSQL: "Index Scan using … on table", "Bitmap Heap Scan on table" over an index;
        // SQLite: "SEARCH table USING INDEX …".
        (line.contains("Index") && line.contains(&format!(" on {table}")))
            || line.starts_with(&format!("Bitmap Heap Scan on {table}"))
            || (line.starts_with(&format!("SEARCH {table} ")) && line.contains("INDEX"))
    })
}

#[tokio::test]
async fn an_enterprise_is_found_by_its_uscc_and_credentials_by_region_through_an_index() {
    let app = spawn_app().await;
    app.db.execute_unprepared("ANALYZE").await.unwrap();
    let by_uscc = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq("91500000MA5U00000X"));
    let shown = plan(&app.db, by_uscc).await;
    assert!(uses_an_index(&shown, "enterprise"), "{shown}");

    let county = RegionScope::new(RegionCode::parse("500106").unwrap(), false);
    let in_county = credential::Entity::find().filter(within(credential::Column::RegionCode, &county));
    let shown = plan(&app.db, in_county).await;
    assert!(uses_an_index(&shown, "credential"), "{shown}");

    let prefecture = RegionScope::new(RegionCode::parse("510100").unwrap(), true);
    let in_prefecture =
        credential::Entity::find().filter(within(credential::Column::RegionCode, &prefecture));
    let shown = plan(&app.db, in_prefecture).await;
    assert!(uses_an_index(&shown, "credential"), "{shown}");
}
