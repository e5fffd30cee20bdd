//! One- and two-character search terms served by an index. A trigram index cannot look up a term
//! shorter than three characters, so each searchable name gets a gram form (`name_grams`: its letters
//! and adjacent pairs of letters, once each, enclosed in spaces; an enterprise's former names too),
//! filled in by the application, which owns the rules (null until it has). A short term is then one
//! whole token to look up:
//! - on PostgreSQL, a GIN index on the grams as an array (`string_to_array(name_grams, ' ')`), whose
//!   element statistics also tell the planner how common a term is;
//! - on SQLite, an external-content FTS5 table per searchable table (`<table>_grams`) whose tokenizer
//!   splits at spaces only (every letter, digit and mark is a token character), kept in step by
//!   triggers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 4] = ["enterprise", "brand", "geographic_indication", "person"];

fn postgres_up(table: &str) -> Vec<String> {
    vec![format!(
        "CREATE INDEX idx_{table}_name_grams ON {table} USING gin (string_to_array(name_grams, ' '))"
    )]
}

fn sqlite_up(table: &str) -> Vec<String> {
    let insert = format!("INSERT INTO {table}_grams (rowid, name_grams) VALUES (new.rowid, new.name_grams);");
    let delete = format!(
        "INSERT INTO {table}_grams ({table}_grams, rowid, name_grams) VALUES ('delete', old.rowid, old.name_grams);"
    );
    vec![
        format!(
            "CREATE VIRTUAL TABLE {table}_grams USING fts5(name_grams, content='{table}', \
             tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M* Co'\")"
        ),
        format!("CREATE TRIGGER {table}_grams_insert AFTER INSERT ON {table} BEGIN {insert} END"),
        format!("CREATE TRIGGER {table}_grams_delete AFTER DELETE ON {table} BEGIN {delete} END"),
        format!(
            "CREATE TRIGGER {table}_grams_update AFTER UPDATE OF name_grams ON {table} BEGIN {delete} {insert} END"
        ),
        // Every row gets its entry now (empty until its grams are filled in): FTS5 finds its index
        // corrupt when a trigger deletes a row it never had.
        format!("INSERT INTO {table}_grams ({table}_grams) VALUES ('rebuild')"),
    ]
}

fn sqlite_down(table: &str) -> Vec<String> {
    vec![
        format!("DROP TRIGGER {table}_grams_insert"),
        format!("DROP TRIGGER {table}_grams_delete"),
        format!("DROP TRIGGER {table}_grams_update"),
        format!("DROP TABLE {table}_grams"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new("name_grams").text().null())
                        .to_owned(),
                )
                .await?;
            match manager.get_database_backend() {
                DbBackend::Postgres => crate::execute_all(manager, postgres_up(table)).await?,
                _ => crate::execute_all(manager, sqlite_up(table)).await?,
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            match manager.get_database_backend() {
                DbBackend::Postgres => {
                    crate::execute_all(manager, vec![format!("DROP INDEX idx_{table}_name_grams")]).await?
                }
                _ => crate::execute_all(manager, sqlite_down(table)).await?,
            }
            manager
                .alter_table(Table::alter().table(table).drop_column("name_grams").to_owned())
                .await?;
        }
        Ok(())
    }
}
