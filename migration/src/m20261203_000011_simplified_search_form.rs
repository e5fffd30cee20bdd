//! Names are searched in simplified script: `name_normalized` (the search form of each searchable name:
//! enterprises, persons, brands, geographic indications) now also turns traditional characters into
//! simplified ones (OpenCC's `t2s`), so 重慶 finds 重庆 and the other way round. This recomputes the
//! search form of every name already stored.
//!
//! The fold is written out here rather than called from the API crate: a migration keeps doing what it
//! did when it was written, whatever the API's fold becomes later.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::FromQueryResult;
use unicode_normalization::UnicodeNormalization;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables with a searchable name.
const TABLES: [&str; 4] = ["enterprise", "person", "brand", "geographic_indication"];

/// Rows read at a time.
const CHUNK: u64 = 1_000;

static T2S: LazyLock<Result<OpenCC, String>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).map_err(|err| err.to_string()));

/// The search form as of this migration: NFKC (full width to half width), simplified script, lower case.
fn fold(text: &str, t2s: &OpenCC) -> String {
    t2s.convert(&text.trim().nfkc().collect::<String>())
        .to_lowercase()
}

#[derive(FromQueryResult)]
struct Name {
    id: uuid::Uuid,
    name: String,
    name_normalized: String,
}

/// Sets every stored search form to `fold` of its name, a chunk of rows at a time.
async fn refold(manager: &SchemaManager<'_>, fold: impl Fn(&str) -> String) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    for table in TABLES {
        let mut after: Option<uuid::Uuid> = None;
        loop {
            let mut select = Query::select();
            select
                .columns(["id", "name", "name_normalized"])
                .from(table)
                .order_by("id", Order::Asc)
                .limit(CHUNK);
            if let Some(after) = after {
                select.and_where(Expr::col("id").gt(after));
            }
            let rows = Name::find_by_statement(backend.build(&select)).all(db).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some(last.id);
            for row in &rows {
                let folded = fold(&row.name);
                if folded != row.name_normalized {
                    let update = Query::update()
                        .table(table)
                        .value("name_normalized", folded)
                        .and_where(Expr::col("id").eq(row.id))
                        .to_owned();
                    manager.exec_stmt(update).await?;
                }
            }
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t2s = T2S
            .as_ref()
            .map_err(|err| DbErr::Migration(format!("OpenCC t2s: {err}")))?;
        refold(manager, |name| fold(name, t2s)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The fold before: full width to half width and lower case, scripts kept apart.
        refold(manager, |name| {
            name.trim().nfkc().collect::<String>().to_lowercase()
        })
        .await
    }
}
