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

/// A fresh database (kept alive by the first value) with every migration before `migration` applied,
/// its connection, and how many migrations that is.
async fn migrated_up_to(migration: &str) -> (TestDatabase, sea_orm::DatabaseConnection, usize) {
    let database = TestDatabase::create().await;
    // One connection: every step sees the schema the step before it left.
    let db = registry::db::connect(&database.url, 1).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|candidate| candidate.name() == migration)
        .unwrap();
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();
    (database, db, before)
}

/// Enterprise `row` (id `id`) as stored before the pending migrations, and as they and the start-up
/// after them (`registry::db::migrate`) leave it.
async fn stored_then_migrated(
    db: &sea_orm::DatabaseConnection,
    row: entity::enterprise::ActiveModel,
    id: uuid::Uuid,
) -> entity::enterprise::Model {
    use sea_orm::EntityTrait;
    // Without RETURNING: the entity already has columns later migrations add.
    entity::enterprise::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .unwrap();
    registry::db::migrate(db).await.unwrap();
    entity::enterprise::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn names_stored_before_simplified_search_forms_are_folded_again_spelled_in_pinyin_and_cut_into_grams() {
    use entity::{enterprise, enums::EnterpriseStatus};
    use sea_orm::{EntityTrait, QuerySelect, Set};

    // Everything before the simplified-script fold.
    let (_database, db, fold) = migrated_up_to("m20261203_000011_simplified_search_form").await;
    let migrations = Migrator::migrations();
    let now = chrono::Utc::now();
    let id = uuid::Uuid::now_v7();
    let stored = enterprise::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        uscc: Set("914403001922038216".to_owned()),
        name: Set("重慶渝中示範電子有限公司".to_owned()),
        // The search form of the fold before: width and case only.
        name_normalized: Set("重慶渝中示範電子有限公司".to_owned()),
        region_code: Set("500103".to_owned()),
        status: Set(EnterpriseStatus::Active),
        ..Default::default()
    };
    let migrated = stored_then_migrated(&db, stored, id).await;
    assert_eq!(migrated.name_normalized, "重庆渝中示范电子有限公司");
    let spelled = migrated.name_pinyin.unwrap();
    assert!(spelled.contains(" chongqingyuzhong"), "{spelled}");
    let grams = migrated.name_grams.unwrap();
    assert!(grams.contains(" 渝中 ") && grams.contains(" 范 "), "{grams}");
    // The start of the name is found by a range on the name, not by its grams.
    assert!(!grams.contains(" 重庆 ") && !grams.contains(" 重 "), "{grams}");
    let since_fold = u32::try_from(migrations.len() - fold).unwrap();
    Migrator::down(&db, Some(since_fold)).await.unwrap();
    // Only the column this migration knew: later ones are undone too.
    let unfolded: Option<String> = enterprise::Entity::find_by_id(id)
        .select_only()
        .column(enterprise::Column::NameNormalized)
        .into_tuple()
        .one(&db)
        .await
        .unwrap();
    assert_eq!(unfolded.as_deref(), Some("重慶渝中示範電子有限公司"));
}

#[tokio::test]
async fn grams_holding_the_start_of_the_name_are_cut_again_without_it() {
    use entity::enterprise;
    use sea_orm::{IntoActiveModel, Set};

    let (_database, db, _) = migrated_up_to("m20261204_000015_name_start_by_range").await;
    let row = registry::services::enterprise::new_row(
        &registry::domain::Uscc::parse("914403001922038216").unwrap(),
        "四川示例电子有限公司".to_owned(),
        "510104".to_owned(),
        // A record instant only; no business date depends on it.
        chrono::DateTime::UNIX_EPOCH,
    );
    let id = row.id;
    // The grams as the rules before cut them: from the very start of the name.
    let before = enterprise::ActiveModel {
        name_grams: Set(Some(" 四 四川 川 川示 示 ".to_owned())),
        ..row.into_active_model()
    };
    let grams = stored_then_migrated(&db, before, id).await.name_grams.unwrap();
    assert!(grams.contains(" 川示 ") && grams.contains(" 公司 "), "{grams}");
    assert!(!grams.contains(" 四川 ") && !grams.contains(" 四 "), "{grams}");
}
