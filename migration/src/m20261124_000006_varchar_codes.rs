//! Codes (USCCs and GB/T 2260 region codes) become `varchar(n)` instead of `char(n)` on PostgreSQL.
//! The driver binds strings as `text`; PostgreSQL compares a `char(n)` column with a text value by
//! casting the column, and an index on the column then cannot serve the comparison, so every lookup
//! by USCC and every region filter read the whole table. A `varchar` column compares as text and keeps
//! its index. The codes have fixed lengths, so no value changes. SQLite has one text type: nothing to do.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every `char(n)` column: table, column, length.
const CODE_COLUMNS: &[(&str, &str, u32)] = &[
    ("region", "code", 6),
    ("region", "parent_code", 6),
    ("region", "successor_code", 6),
    ("enterprise", "uscc", 18),
    ("enterprise", "region_code", 6),
    ("person", "region_code", 6),
    ("bureau", "region_code", 6),
    ("credential", "region_code", 6),
    ("award_program", "region_code", 6),
    ("brand", "region_code", 6),
    ("geographic_indication", "region_code", 6),
    ("gi_protected_area", "region_code", 6),
];

async fn retype(manager: &SchemaManager<'_>, sql_type: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    for (table, column, length) in CODE_COLUMNS {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type}({length})"
            ))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "varchar").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "char").await
    }
}
