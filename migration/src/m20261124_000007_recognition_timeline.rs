//! What mutual recognition needs to answer for past dates as it would have answered then:
//! - `recognition_agreement.activated_on`: the day the last party confirmed (null while pending);
//!   `suspended_from` and `terminated_from`: the first day a suspension or termination applies.
//! - `recognition_listing.listed_on`/`listed_by` and `unlisted_on`/`unlisted_by`: who put a credential
//!   on a LISTED agreement's list and took it off, and from which day. A listing written before this
//!   step has no `listed_on` and counts from the agreement's start.
//!
//! The user columns carry no foreign key: SQLite cannot add one to an existing table, and accounts
//! are disabled, never deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The added columns, table by table; SQLite takes one change per ALTER TABLE.
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("recognition_agreement", date_null("activated_on")),
        ("recognition_agreement", date_null("suspended_from")),
        ("recognition_agreement", date_null("terminated_from")),
        ("recognition_listing", date_null("listed_on")),
        ("recognition_listing", uuid_null("listed_by")),
        ("recognition_listing", date_null("unlisted_on")),
        ("recognition_listing", uuid_null("unlisted_by")),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, mut column) in added_columns() {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).to_owned())
                .await?;
        }
        // Agreements that were already active count from their start.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE recognition_agreement SET activated_on = effective_from WHERE status <> 'PENDING'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in added_columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
