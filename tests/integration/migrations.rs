//! Migrations run up, down and up again on a fresh database.

use migration::{Migrator, MigratorTrait};
use registry_tests::TestDatabase;

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let database = TestDatabase::create().await;
    // One connection: every step sees the schema the step before it left.
    let db = registry::db::connect(&database.url, 1).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let regions = registry::services::region::find(&db, "500000").await.unwrap();
    assert_eq!(regions.map(|r| r.name), Some("重庆市".to_owned()));
    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        Migrator::migrations().len()
    );
    Migrator::up(&db, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());
    registry::demo::seed(&db, registry::demo::WRITTEN_FOR)
        .await
        .unwrap();
}
