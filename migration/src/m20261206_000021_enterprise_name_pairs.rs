//! On PostgreSQL, the first enterprises by name that contain a pair of letters after the start of
//! their name, as a range of one index. The grams index (`idx_enterprise_name_grams`) finds every row
//! holding a pair, but not in name order: a search for a two-character term read and sorted every
//! holder to show the first twenty (4,275 rows, 6 ms, for 东高 on a million enterprises).
//! `enterprise_name_pair` holds each enterprise's pairs (the two-character tokens of its grams; not
//! its former names', which are marked) beside its folded name, keyed in that order, so the first
//! holders by name are an index-only range. A trigger keeps it in step with the grams, which the
//! application fills in. SQLite reads the holders of a pair from its FTS5 grams table and needs none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The pairs of a row's grams: its two-character tokens, less the former names' (marked by U+E000,
/// which also makes a former name's single letter two characters).
const PAIRS_OF: &str = "SELECT DISTINCT token FROM unnest(string_to_array(grams, ' ')) AS token \
                        WHERE char_length(token) = 2 AND left(token, 1) <> chr(57344)";

fn postgres_up() -> Vec<String> {
    let pairs_of = |grams: &str| PAIRS_OF.replace("grams", grams);
    vec![
        // Filling it in reads every enterprise: longer than a request's statement timeout, which the
        // server's connections carry, on a large registry. (The migration is one transaction.)
        "SET LOCAL statement_timeout = 0".to_owned(),
        "CREATE TABLE enterprise_name_pair (pair text NOT NULL, name_normalized text NOT NULL, \
         enterprise_id uuid NOT NULL)"
            .to_owned(),
        format!(
            "INSERT INTO enterprise_name_pair (pair, name_normalized, enterprise_id) \
             SELECT pairs.token, e.name_normalized, e.id FROM enterprise e \
             CROSS JOIN LATERAL ({}) AS pairs",
            pairs_of("e.name_grams")
        ),
        "ALTER TABLE enterprise_name_pair ADD PRIMARY KEY (pair, name_normalized, enterprise_id)".to_owned(),
        format!(
            "CREATE FUNCTION enterprise_name_pairs() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP <> 'INSERT' THEN \
                 DELETE FROM enterprise_name_pair \
                 WHERE pair = ANY (string_to_array(OLD.name_grams, ' ')) \
                   AND name_normalized = OLD.name_normalized AND enterprise_id = OLD.id; \
               END IF; \
               IF TG_OP <> 'DELETE' THEN \
                 INSERT INTO enterprise_name_pair (pair, name_normalized, enterprise_id) \
                 SELECT pairs.token, NEW.name_normalized, NEW.id FROM ({}) AS pairs; \
               END IF; \
               RETURN NULL; \
             END $$",
            pairs_of("NEW.name_grams")
        ),
        "CREATE TRIGGER enterprise_name_pairs_insert_delete AFTER INSERT OR DELETE ON enterprise \
         FOR EACH ROW EXECUTE FUNCTION enterprise_name_pairs()"
            .to_owned(),
        "CREATE TRIGGER enterprise_name_pairs_update AFTER UPDATE OF name_normalized, name_grams ON enterprise \
         FOR EACH ROW WHEN (OLD.name_normalized IS DISTINCT FROM NEW.name_normalized \
         OR OLD.name_grams IS DISTINCT FROM NEW.name_grams) EXECUTE FUNCTION enterprise_name_pairs()"
            .to_owned(),
    ]
}

fn postgres_down() -> Vec<String> {
    [
        "DROP TRIGGER enterprise_name_pairs_update ON enterprise",
        "DROP TRIGGER enterprise_name_pairs_insert_delete ON enterprise",
        "DROP FUNCTION enterprise_name_pairs()",
        "DROP TABLE enterprise_name_pair",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Runs `statements` on PostgreSQL; SQLite needs none.
async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    match manager.get_database_backend() {
        DbBackend::Postgres => crate::execute_all(manager, statements).await,
        _ => Ok(()),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, postgres_up()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, postgres_down()).await
    }
}
