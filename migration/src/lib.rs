//! Schema migrations, one file per step, and the reference data every registry needs
//! (the GB/T 2260 region tree and which credential kinds each kind of bureau may grant).
//! Demo data is never part of the migration chain: see `registry seed --demo`.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_schema;
mod m20261122_000002_reference_data;
mod m20261122_000003_append_only_audit;
mod m20261124_000004_credential_lifecycle;
mod m20261124_000005_import_run;
mod m20261124_000006_varchar_codes;
mod m20261124_000007_recognition_timeline;
mod m20261124_000008_listing_periods;
mod m20261203_000009_objections_and_suspensions;
mod m20261203_000010_full_region_tree;
mod m20261203_000011_simplified_search_form;
mod m20261203_000012_enterprise_former_names;
mod m20261203_000013_search_indexes;
mod m20261204_000014_short_term_index;
mod m20261204_000015_name_start_by_range;
mod m20261204_000016_change_feed;
mod m20261205_000017_announcements;
mod m20261205_000018_person_identity_number;
mod m20261205_000019_list_orders;
mod m20261205_000020_credential_counts;
mod m20261206_000021_enterprise_name_pairs;
mod m20261206_000022_credential_tally;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_schema::Migration),
            Box::new(m20261122_000002_reference_data::Migration),
            Box::new(m20261122_000003_append_only_audit::Migration),
            Box::new(m20261124_000004_credential_lifecycle::Migration),
            Box::new(m20261124_000005_import_run::Migration),
            Box::new(m20261124_000006_varchar_codes::Migration),
            Box::new(m20261124_000007_recognition_timeline::Migration),
            Box::new(m20261124_000008_listing_periods::Migration),
            Box::new(m20261203_000009_objections_and_suspensions::Migration),
            Box::new(m20261203_000010_full_region_tree::Migration),
            Box::new(m20261203_000011_simplified_search_form::Migration),
            Box::new(m20261203_000012_enterprise_former_names::Migration),
            Box::new(m20261203_000013_search_indexes::Migration),
            Box::new(m20261204_000014_short_term_index::Migration),
            Box::new(m20261204_000015_name_start_by_range::Migration),
            Box::new(m20261204_000016_change_feed::Migration),
            Box::new(m20261205_000017_announcements::Migration),
            Box::new(m20261205_000018_person_identity_number::Migration),
            Box::new(m20261205_000019_list_orders::Migration),
            Box::new(m20261205_000020_credential_counts::Migration),
            Box::new(m20261206_000021_enterprise_name_pairs::Migration),
            Box::new(m20261206_000022_credential_tally::Migration),
        ]
    }
}

/// Runs `statements` one after the other on the migration's connection.
async fn execute_all(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}
