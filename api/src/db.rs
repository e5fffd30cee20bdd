//! Connecting to the database and applying migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// How long a request waits for a free connection by default before it is answered `503`
/// `UNAVAILABLE` (`REGISTRY_DB_ACQUIRE_TIMEOUT_MS`): a database that is down or a pool that is
/// exhausted fails fast rather than holding clients.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Opens a pool with the default acquire timeout.
pub async fn connect(url: &str, pool_size: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, pool_size, DEFAULT_ACQUIRE_TIMEOUT).await
}

/// Opens a pool. SQLite gets WAL (readers never wait for the writer), a busy timeout (a writer waits
/// for another instead of failing at once) and foreign keys on.
pub async fn connect_with(
    url: &str,
    pool_size: u32,
    acquire_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(pool_size)
        .min_connections(1)
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
