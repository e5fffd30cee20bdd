//! The change feed's outbox (`change_event`): every committed change to registry data, numbered in
//! commit order, written in the change's own transaction beside its audit event. Kept for ever, so that
//! a reader can resume from any cursor: like the audit trail, it is append-only in the database itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER change_event_no_update BEFORE UPDATE ON change_event \
     BEGIN SELECT RAISE(ABORT, 'change events are append-only'); END",
    "CREATE TRIGGER change_event_no_delete BEFORE DELETE ON change_event \
     BEGIN SELECT RAISE(ABORT, 'change events are append-only'); END",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE FUNCTION change_event_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'change events are append-only'; END $$",
    "CREATE TRIGGER change_event_no_change BEFORE UPDATE OR DELETE ON change_event \
     FOR EACH ROW EXECUTE FUNCTION change_event_append_only()",
    "CREATE TRIGGER change_event_no_truncate BEFORE TRUNCATE ON change_event \
     FOR EACH STATEMENT EXECUTE FUNCTION change_event_append_only()",
];

/// Filters read in sequence order: by what changed, and by region.
const INDEXED: [&str; 2] = ["subject", "region_code"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("change_event")
                    // AUTOINCREMENT on SQLite: a number is never handed out twice, even after the
                    // newest row's transaction rolled back.
                    .col(big_pk_auto("sequence"))
                    .col(timestamp_with_time_zone("committed_at"))
                    .col(string("subject"))
                    .col(string("change"))
                    .col(string("entity_type"))
                    .col(uuid("entity_id"))
                    .col(string_null("region_code"))
                    .col(uuid_null("enterprise_id"))
                    .col(string("visibility"))
                    .col(json("payload"))
                    .to_owned(),
            )
            .await?;
        for column in INDEXED {
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_change_event_{column}_sequence"))
                        .table("change_event")
                        .col(column)
                        .col("sequence")
                        .to_owned(),
                )
                .await?;
        }
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        for statement in statements {
            manager.get_connection().execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("change_event").to_owned())
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS change_event_append_only()")
                .await?;
        }
        Ok(())
    }
}
