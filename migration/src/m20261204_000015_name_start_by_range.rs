//! A term at the start of a name is found by a range on the name's index, in name order; the grams
//! serve the rest of the name (see the application's `text::grams`):
//! - name grams no longer hold the start of the current name. Names start with their province, so the
//!   start grams were the clustered ones that made a planner walk the name order past everything before
//!   a province. The application owns the rules, so this clears every gram form and the application
//!   fills them in again after migrating, as it does for any row without one;
//! - the name index also holds the id, the tie-breaker of every name order, so that a range read in
//!   name order needs no sort;
//! - search ranks by name within a class, no longer shorter names first: the index on (length, name)
//!   is dropped. Walking it for a term common in long names (an industry's) passed most of the table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["enterprise", "brand", "geographic_indication", "person"];

async fn clear_grams(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let clear = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("name_grams"), Option::<String>::None)
        .to_owned();
    manager.exec_stmt(clear).await
}

/// The name index without the id (`false`) or with it (`true`).
fn name_index(table: &str, with_id: bool) -> (String, Vec<&'static str>) {
    match with_id {
        true => (
            format!("idx_{table}_name_normalized_id"),
            vec!["name_normalized", "id"],
        ),
        false => (format!("idx_{table}_name_normalized"), vec!["name_normalized"]),
    }
}

/// Replaces the name index without the id by the one with it, or back.
async fn swap_name_index(manager: &SchemaManager<'_>, table: &str, with_id: bool) -> Result<(), DbErr> {
    let (name, columns) = name_index(table, with_id);
    let mut create = Index::create();
    create.name(name).table(Alias::new(table));
    for column in columns {
        create.col(Alias::new(column));
    }
    manager.create_index(create).await?;
    let (old, _) = name_index(table, !with_id);
    manager
        .drop_index(Index::drop().name(old).table(Alias::new(table)).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            clear_grams(manager, table).await?;
            swap_name_index(manager, table, true).await?;
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_name_length"))
                        .table(Alias::new(table))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    /// The earlier rules are the earlier application's: it fills the grams in again its own way.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            clear_grams(manager, table).await?;
            swap_name_index(manager, table, false).await?;
            let length_index = format!(
                "CREATE INDEX idx_{table}_name_length ON {table} ((length(name_normalized)), name_normalized, id)"
            );
            manager.get_connection().execute_unprepared(&length_index).await?;
        }
        Ok(())
    }
}
