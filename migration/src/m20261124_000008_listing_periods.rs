//! A credential can be listed on an agreement, taken off, and listed again; each period is its own
//! `recognition_listing` row, so a past date keeps answering with the period it fell in. Only the open
//! entry (not yet taken off) is unique per agreement and credential, which a partial index says; both
//! SQLite and PostgreSQL take the same statement, and sea-query has no builder for it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "recognition_listing";
const ONE_ENTRY: &str = "uq_recognition_listing_agreement_id_credential_id";
const ONE_OPEN_ENTRY: &str = "uq_recognition_listing_open";
const ENTRIES: &str = "idx_recognition_listing_agreement_id_credential_id";

fn entries_index() -> IndexCreateStatement {
    Index::create()
        .name(ENTRIES)
        .table(TABLE)
        .col("agreement_id")
        .col("credential_id")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(ONE_ENTRY).table(TABLE).to_owned())
            .await?;
        manager.create_index(entries_index()).await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX {ONE_OPEN_ENTRY} ON {TABLE} (agreement_id, credential_id) WHERE unlisted_on IS NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [ONE_OPEN_ENTRY, ENTRIES] {
            manager
                .drop_index(Index::drop().name(name).table(TABLE).to_owned())
                .await?;
        }
        manager
            .create_index(entries_index().name(ONE_ENTRY).unique().to_owned())
            .await
    }
}
