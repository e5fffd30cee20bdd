//! Search served by indexes. Each searchable name gets a pinyin search form (`name_pinyin`, filled in
//! by the application, which owns the spelling rules: null until it has), and each enterprise the
//! search form of the names it had before (`former_names_normalized`: each folded former name enclosed
//! in line breaks), so that one row's columns answer a search and their indexes can be combined. The
//! `LIKE '%…%'` that `nameContains` and `search` run on these columns is answered from an index:
//! - on PostgreSQL, `pg_trgm` GIN indexes (trigrams of the folded name and of the pinyin form);
//! - on SQLite, one FTS5 table per searchable table with the `trigram` tokenizer, kept in step with its
//!   table by triggers (external content: the FTS table stores the index, not a second copy).
//!
//! Both backends also get an index on (length, name), the order `search` ranks hits in within a class.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A searchable table and its columns searched by infix.
struct Searchable {
    table: &'static str,
    columns: &'static [&'static str],
}

const SEARCHABLE: [Searchable; 4] = [
    Searchable {
        table: "enterprise",
        columns: &["name_normalized", "name_pinyin", "former_names_normalized"],
    },
    Searchable {
        table: "brand",
        columns: &["name_normalized", "name_pinyin"],
    },
    Searchable {
        table: "geographic_indication",
        columns: &["name_normalized", "name_pinyin"],
    },
    Searchable {
        table: "person",
        columns: &["name_normalized", "name_pinyin"],
    },
];

/// The tables that get a pinyin form.
fn spelled_tables() -> impl Iterator<Item = &'static str> {
    SEARCHABLE.iter().map(|s| s.table)
}

/// Fills in the former names of enterprises renamed before this migration.
fn former_names_up(backend: DbBackend) -> String {
    let joined = match backend {
        DbBackend::Postgres => "string_agg(f.name_normalized, chr(10) ORDER BY f.used_until)",
        _ => "group_concat(f.name_normalized, char(10))",
    };
    let newline = match backend {
        DbBackend::Postgres => "chr(10)",
        _ => "char(10)",
    };
    format!(
        "UPDATE enterprise SET former_names_normalized = \
         (SELECT {newline} || {joined} || {newline} FROM enterprise_former_name f \
          WHERE f.enterprise_id = enterprise.id) \
         WHERE id IN (SELECT enterprise_id FROM enterprise_former_name)"
    )
}

async fn run(manager: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// PostgreSQL: trigram GIN indexes on every searched column.
fn postgres_up() -> Vec<String> {
    let mut statements = vec!["CREATE EXTENSION IF NOT EXISTS pg_trgm".to_owned()];
    for searchable in &SEARCHABLE {
        for column in searchable.columns {
            let table = searchable.table;
            statements.push(format!(
                "CREATE INDEX idx_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            ));
        }
    }
    statements
}

/// SQLite: an external-content FTS5 trigram table `<table>_search` per searchable table, its
/// triggers, and a first build from the rows already there.
fn sqlite_up() -> Vec<String> {
    let mut statements = Vec::new();
    for Searchable { table, columns } in &SEARCHABLE {
        let list = columns.join(", ");
        let new_values = columns
            .iter()
            .map(|c| format!("new.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let old_values = columns
            .iter()
            .map(|c| format!("old.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let insert = format!("INSERT INTO {table}_search (rowid, {list}) VALUES (new.rowid, {new_values});");
        let delete = format!(
            "INSERT INTO {table}_search ({table}_search, rowid, {list}) \
             VALUES ('delete', old.rowid, {old_values});"
        );
        statements.extend([
            format!(
                "CREATE VIRTUAL TABLE {table}_search USING fts5({list}, content='{table}', \
                 tokenize='trigram')"
            ),
            format!("CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {insert} END"),
            format!("CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {delete} END"),
            format!(
                "CREATE TRIGGER {table}_search_update AFTER UPDATE OF {list} ON {table} \
                 BEGIN {delete} {insert} END"
            ),
            format!("INSERT INTO {table}_search ({table}_search) VALUES ('rebuild')"),
        ]);
    }
    statements
}

fn sqlite_down() -> Vec<String> {
    SEARCHABLE
        .iter()
        .flat_map(|Searchable { table, .. }| {
            [
                format!("DROP TRIGGER {table}_search_insert"),
                format!("DROP TRIGGER {table}_search_delete"),
                format!("DROP TRIGGER {table}_search_update"),
                format!("DROP TABLE {table}_search"),
            ]
        })
        .collect()
}

fn postgres_down() -> Vec<String> {
    SEARCHABLE
        .iter()
        .flat_map(|Searchable { table, columns }| {
            columns
                .iter()
                .map(move |column| format!("DROP INDEX idx_{table}_{column}_trgm"))
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in spelled_tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new("name_pinyin").text().null())
                        .to_owned(),
                )
                .await?;
            // The order search ranks hits in, within a class: shorter names first, then by name.
            let index = format!(
                "CREATE INDEX idx_{table}_name_length ON {table} \
                 ((length(name_normalized)), name_normalized, id)"
            );
            run(manager, &[index]).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("enterprise")
                    .add_column(ColumnDef::new("former_names_normalized").text().null())
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        run(manager, &[former_names_up(backend)]).await?;
        match backend {
            DbBackend::Postgres => run(manager, &postgres_up()).await,
            _ => run(manager, &sqlite_up()).await,
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => run(manager, &postgres_down()).await?,
            _ => run(manager, &sqlite_down()).await?,
        }
        manager
            .alter_table(
                Table::alter()
                    .table("enterprise")
                    .drop_column("former_names_normalized")
                    .to_owned(),
            )
            .await?;
        for table in spelled_tables() {
            run(manager, &[format!("DROP INDEX idx_{table}_name_length")]).await?;
            manager
                .alter_table(Table::alter().table(table).drop_column("name_pinyin").to_owned())
                .await?;
        }
        Ok(())
    }
}
