//! The lookups the registry makes most often use an index, on SQLite and on PostgreSQL: an enterprise
//! by its USCC (every enterprise page, every row of an import) and credentials by region (every list a
//! bureau filters to its jurisdiction). On PostgreSQL a fixed-length `char(n)` column compared with a
//! text parameter, which is how the driver binds strings, is cast to text and loses its index.

use entity::{credential, enterprise, person};
use registry::domain::RegionCode;
use registry::policy::Viewer;
use registry::services::region::{RegionScope, within};
use registry_tests::spawn_app;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Statement,
    TransactionTrait,
};

/// The plan the database chooses for `query`, as text.
async fn plan(db: &impl ConnectionTrait, query: impl QueryTrait) -> String {
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
        // SQLite: "SEARCH table USING INDEX …", or "SCAN table USING INDEX …" for a walk in its order.
        (line.contains("Index") && line.contains(&format!(" on {table}")))
            || line.starts_with(&format!("Bitmap Heap Scan on {table}"))
            || ((line.starts_with(&format!("SEARCH {table} "))
                || line.starts_with(&format!("SCAN {table} ")))
                && line.contains("INDEX"))
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

/// A person is found (by search, say) when it holds a credential the viewer may see. On SQLite the
/// credentials are looked up per person through the holder index: the plan once scanned every credential
/// to list their holders, for each search, which on a million-enterprise registry was a second per
/// search. PostgreSQL's planner chooses by cost (a hash of a small table's credentials is fine), so
/// only SQLite's plan is held to this.
#[tokio::test]
async fn a_persons_visible_credentials_are_looked_up_through_the_holder_index() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    app.db.execute_unprepared("ANALYZE").await.unwrap();
    let visible = person::Entity::find().filter(Viewer::Public.person_condition());
    let shown = plan(&app.db, visible).await;
    assert!(uses_an_index(&shown, "credential"), "{shown}");
    assert!(
        !shown.lines().any(|line| line.contains("SCAN credential")),
        "{shown}"
    );
}

/// Whether `plan` sorts rows itself rather than reading them in order from an index.
fn sorts(plan: &str) -> bool {
    // PostgreSQL: a "Sort" node ("Incremental Sort" after an index in order is cheap); SQLite: a temporary
    // B-tree for the order.
    plan.lines().any(|line| {
        let line = line.trim_start_matches([' ', '-', '>']);
        line.starts_with("Sort") || line.contains("TEMP B-TREE FOR ORDER BY")
    })
}

#[tokio::test]
async fn a_page_of_a_regions_enterprises_is_read_in_order_from_an_index_in_every_order() {
    use registry::services::SortDirection;
    use registry::services::enterprise::{EnterpriseFilter, EnterpriseOrderField, search};
    let app = spawn_app().await;
    app.db.execute_unprepared("ANALYZE").await.unwrap();
    // The demo registry is small enough for PostgreSQL to prefer sorting a whole table it reads anyway;
    // forbidding that shows whether an index can serve the order, as it must at a million rows.
    let txn = app.db.begin().await.unwrap();
    if app.db.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
            .await
            .unwrap();
    }
    let name_orders = [("000000", EnterpriseOrderField::Name)]
        .into_iter()
        .chain(["510000", "510100", "510104"].map(|code| (code, EnterpriseOrderField::Name)));
    let other_orders =
        [EnterpriseOrderField::Uscc, EnterpriseOrderField::EstablishedOn].map(|field| ("000000", field));
    for (code, field) in name_orders.chain(other_orders) {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let filter = EnterpriseFilter {
                region: (code != "000000").then(|| RegionScope::new(RegionCode::parse(code).unwrap(), true)),
                ..EnterpriseFilter::default()
            };
            let page = search(&filter, field, direction).ordered().limit(21);
            let shown = plan(&txn, page).await;
            let case = format!("{code} {field:?} {direction:?}");
            assert!(uses_an_index(&shown, "enterprise"), "{case}: {shown}");
            assert!(!sorts(&shown), "{case}: {shown}");
        }
    }
    txn.rollback().await.unwrap();
}

/// On PostgreSQL a term's grams are weighed from the statistics of the grams index, read once, not by
/// asking the planner for a plan per gram; the weight must still be the planner's estimate, which
/// decides whether a term's rows are read whole or found by walking the order.
#[tokio::test]
async fn a_grams_weight_is_the_planners_estimate_of_its_rows() {
    use registry::services::{GramWeights, has_all_grams};
    use sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    app.db.execute_unprepared("ANALYZE").await.unwrap();
    // Grams of most names, of some and of none.
    let grams = ["公司", "有限", "庆", "科技", "川", "龘龘"].map(str::to_owned);
    let weighed = GramWeights::default()
        .holders(&app.db, enterprise::Column::NameGrams, &grams)
        .await
        .unwrap();
    for (gram, weight) in grams.iter().zip(weighed) {
        let holding = enterprise::Entity::find()
            .select_only()
            .expr(Expr::val(1))
            .filter(has_all_grams(
                DbBackend::Postgres,
                enterprise::Column::NameGrams,
                std::slice::from_ref(gram),
            ));
        let shown = plan(&app.db, holding).await;
        let estimated: f64 = shown
            .split("rows=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|rows| rows.parse().ok())
            .unwrap_or_else(|| panic!("{shown}"));
        assert_eq!(weight.round().max(1.0), estimated, "{gram}: {shown}");
    }
}
