//! Indexes that serve each order of the enterprise list within each kind of region filter, so that a
//! page is read as an index range in order, never by sorting a region's enterprises (the application
//! reads pages by position: see its `services::listing`):
//! - by name within a county (`region_code = …`), a prefecture (`substr(region_code, 1, 4) = …`) or a
//!   province (`substr(region_code, 1, 2) = …`): GB/T 2260 codes nest by prefix. These replace the
//!   index on the region code alone, which the county one starts with;
//! - by founding date, unknown dates last in either direction: one index per direction, each on the
//!   date with the unknown ones read as the far end (the application orders by the same expressions);
//! - the audit log, newest first with the id breaking ties.
//!
//! The expressions are written alike on SQLite and PostgreSQL, and the application's queries use the
//! very same text, as an expression index is only used for a query that names its expression.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes added: name, table and indexed columns or expressions.
const ADDED: [(&str, &str, &str); 6] = [
    (
        "idx_enterprise_region_code_name",
        "enterprise",
        "region_code, name_normalized, id",
    ),
    (
        "idx_enterprise_prefecture_name",
        "enterprise",
        "(substr(region_code, 1, 4)), name_normalized, id",
    ),
    (
        "idx_enterprise_province_name",
        "enterprise",
        "(substr(region_code, 1, 2)), name_normalized, id",
    ),
    (
        "idx_enterprise_established_unknown_last",
        "enterprise",
        "(COALESCE(established_on, '9999-12-31')), id",
    ),
    (
        "idx_enterprise_established_unknown_first",
        "enterprise",
        "(COALESCE(established_on, '0001-01-01')), id",
    ),
    ("idx_audit_event_at_id", "audit_event", "at, id"),
];

/// The indexes replaced: name, table and column.
const REPLACED: [(&str, &str, &str); 2] = [
    ("idx_enterprise_region_code", "enterprise", "region_code"),
    ("idx_audit_event_at", "audit_event", "at"),
];

async fn create(
    manager: &SchemaManager<'_>,
    (name, table, columns): (&str, &str, &str),
) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
        .await
        .map(drop)
}

async fn drop_index(manager: &SchemaManager<'_>, (name, table, _): (&str, &str, &str)) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ADDED {
            create(manager, index).await?;
        }
        for index in REPLACED {
            drop_index(manager, index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in REPLACED {
            create(manager, index).await?;
        }
        for index in ADDED {
            drop_index(manager, index).await?;
        }
        Ok(())
    }
}
