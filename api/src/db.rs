//! Connecting to the database and applying migrations.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, PoisonError};
use std::time::{Duration, Instant};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnection, SqliteJournalMode};
use sea_orm::{
    ConnAcquireErr, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseExecutor,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How long a request waits for a free connection by default before it is answered `503`
/// `UNAVAILABLE` (`REGISTRY_DB_ACQUIRE_TIMEOUT_MS`): a database that is down or a pool that is
/// exhausted fails fast rather than holding clients.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1_500);

/// How the pool behaves.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    /// Connections in the pool.
    pub size: u32,
    /// Longest a caller waits for a free connection.
    pub acquire_timeout: Duration,
    /// Longest one SQL statement may run on PostgreSQL before the server cancels it, so that the SQL
    /// of a request that timed out does not run on after it; `None` leaves statements unbounded.
    pub statement_timeout: Option<Duration>,
}

impl PoolSettings {
    /// A pool of `size` connections with the default acquire timeout and no statement timeout.
    pub fn sized(size: u32) -> Self {
        Self {
            size,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            statement_timeout: None,
        }
    }
}

/// How long a SQLite writer waits for the one before it (in the process's queue, then for the lock)
/// before it gives up with `UNAVAILABLE`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool of `pool_size` connections with the default acquire timeout.
pub async fn connect(url: &str, pool_size: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, &PoolSettings::sized(pool_size)).await
}

/// Opens a pool. SQLite gets WAL (readers never wait for the writer), a busy timeout (a writer waits
/// for another instead of failing at once) and foreign keys on; PostgreSQL gets the statement timeout.
pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<DatabaseConnection, DbErr> {
    let cache_size = sqlite_cache_size(settings.size);
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.size)
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                .pragma("cache_size", cache_size.clone())
        })
        .map_sqlx_sqlite_before_acquire(|connection, _| Box::pin(watch_deadline(connection)))
        .map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|connection, _| {
                Box::pin(async move { watch_deadline(connection).await.map(|_| ()) })
            })
        });
    if let Some(timeout) = settings.statement_timeout {
        let milliseconds = timeout.as_millis().to_string();
        options
            .map_sqlx_postgres_opts(move |opts| opts.options([("statement_timeout", milliseconds.clone())]));
    }
    Database::connect(options).await
}

/// Runs `read` where PostgreSQL plans each of its statements once per connection and reuses the plan
/// (a generic plan: `plan_cache_mode = force_generic_plan`, in a transaction of its own), elsewhere on
/// `db` itself. For statements whose plan does not depend on their parameters and takes longer to make
/// than to run, which PostgreSQL would plan again on every execution as custom plans look cheaper.
/// SQLite plans a prepared statement once anyway.
pub async fn planned_once<T, E: From<DbErr>>(
    db: &DatabaseConnection,
    read: impl AsyncFnOnce(&DatabaseExecutor<'_>) -> Result<T, E>,
) -> Result<T, E> {
    if db.get_database_backend() != DbBackend::Postgres {
        return read(&DatabaseExecutor::from(db)).await;
    }
    let txn = db.begin().await?;
    txn.execute_unprepared("SET LOCAL plan_cache_mode = force_generic_plan")
        .await?;
    let read = read(&DatabaseExecutor::from(&txn)).await?;
    txn.commit().await?;
    Ok(read)
}

/// Starts a transaction that will write.
/// - On SQLite it first waits for its turn among the database's writers, first come first served,
///   then takes the write lock at `BEGIN` (`IMMEDIATE`) rather than at its first write, which fails at
///   once when another writer committed in between (`SQLITE_BUSY_SNAPSHOT`). Without the queue,
///   writers would wait in SQLite's busy handler, which looks again at growing intervals (up to
///   100 ms): a newcomer often takes the lock before one that has waited long, and under many writers
///   the slowest write took seconds. It waits at most the busy timeout, as for the lock, which is also
///   how long it waits for another process writing to the same file.
/// - PostgreSQL has no such mode and begins as usual; its locks queue writers themselves.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let turn = match sqlite.then(|| writers_queue(db)) {
        Some(queue) => Some(
            tokio::time::timeout(SQLITE_BUSY_TIMEOUT, queue.lock_owned())
                .await
                .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?,
        ),
        None => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(WriteTransaction { txn, _turn: turn })
}

/// The queue of writers of the SQLite database `db` opens: one per file, however many pools the
/// process opens it with.
fn writers_queue(db: &DatabaseConnection) -> Arc<Mutex<()>> {
    static QUEUES: LazyLock<std::sync::Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_owned();
    let mut queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(queues.entry(file).or_default())
}

/// A transaction begun by [`begin_write`]: it is the transaction (`Deref`, [`ConnectionTrait`]), and on
/// SQLite it holds the database's turn to write until it commits, rolls back or is dropped.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    /// Released after the transaction (fields drop in order), so the next writer finds it ended.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTransaction {
    /// Commits, then hands the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then hands the turn to the next writer.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// SQLite virtual-machine steps between two looks at the deadline: a few dozen microseconds of work.
const STEPS_BETWEEN_LOOKS: i32 = 10_000;

/// Makes a SQLite connection handed to a task interrupt its statements once the deadline of the
/// request the task works for has passed (see [`crate::deadline`]); a connection handed to other work
/// runs its statements to their end. Always keeps the connection.
async fn watch_deadline(connection: &mut SqliteConnection) -> Result<bool, sea_orm::sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    match crate::deadline::current() {
        Some(deadline) => {
            handle.set_progress_handler(STEPS_BETWEEN_LOOKS, move || Instant::now() < deadline);
        }
        None => handle.remove_progress_handler(),
    }
    Ok(true)
}

/// What SQLite's page caches may hold, all connections of a pool together. Each connection keeps its
/// own cache (2 MiB by default), which fills as the database grows and would make the server's memory
/// grow with the pool's size; the operating system's file cache serves the pages beyond it. The caches
/// are separate, each under its connection's lock only, because `.cargo/config.toml` builds SQLite
/// without `SQLITE_ENABLE_MEMORY_MANAGEMENT` (which puts them all in one group under one lock).
const SQLITE_PAGE_CACHE_BUDGET_KIB: u32 = 4096;

/// The `cache_size` pragma that gives one connection its share of the budget (negative: in KiB).
fn sqlite_cache_size(pool_size: u32) -> String {
    format!("-{}", (SQLITE_PAGE_CACHE_BUDGET_KIB / pool_size.max(1)).max(64))
}

/// Applies every pending migration, then fills in the derived search forms they left empty. Every
/// write of a name derives them, so a start-up with nothing to migrate has nothing to fill in.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if Migrator::get_pending_migrations(db).await?.is_empty() {
        return Ok(());
    }
    Migrator::up(db, None).await?;
    crate::services::search::fill_search_forms(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_sqlite_connection_gets_its_share_of_the_page_cache_budget() {
        let db = connect("sqlite::memory:", 8)
            .await
            .expect("an in-memory database opens");
        let row = db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA cache_size"))
            .await
            .expect("the pragma answers")
            .expect("one row");
        let cache_size: i64 = row.try_get_by_index(0).expect("an integer");
        assert_eq!(cache_size, -512, "4 MiB over 8 connections is 512 KiB each");
    }

    #[tokio::test]
    async fn sqlite_is_built_without_process_wide_locks_on_page_caches_and_allocations() {
        // `.cargo/config.toml` sets the bundled SQLite's build flags; without them every page a
        // connection fetches, and every allocation, takes a lock shared by the whole pool.
        let db = connect("sqlite::memory:", 1)
            .await
            .expect("an in-memory database opens");
        let options: Vec<String> = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA compile_options",
            ))
            .await
            .expect("the pragma answers")
            .iter()
            .map(|row| row.try_get_by_index(0).expect("text"))
            .collect();
        assert!(
            !options.iter().any(|option| option == "ENABLE_MEMORY_MANAGEMENT"),
            "one page cache group for all connections: {options:?}"
        );
        assert!(
            options.iter().any(|option| option == "DEFAULT_MEMSTATUS=0"),
            "allocation statistics under a global lock: {options:?}"
        );
    }

    /// Counts to `n` in SQLite, a second or so for every ten million, with no table to read.
    fn counting_to(n: u64) -> Statement {
        Statement::from_string(
            DbBackend::Sqlite,
            format!(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {n}) SELECT count(*) FROM c"
            ),
        )
    }

    #[tokio::test]
    async fn a_sqlite_statement_stops_once_the_deadline_of_its_request_has_passed() {
        // One connection: the statement after the interrupted one runs on the same connection.
        let db = connect("sqlite::memory:", 1)
            .await
            .expect("an in-memory database opens");
        // Minutes of counting, for a request with a tenth of a second left.
        let deadline = Instant::now() + Duration::from_millis(100);
        let counted = crate::deadline::within(deadline, db.query_one_raw(counting_to(1_000_000_000))).await;
        let error = counted.expect_err("the statement is interrupted, not run to its end");
        assert!(error.to_string().contains("interrupt"), "{error}");
        // Work no request waits on runs to its end, on the same connection.
        let row = db
            .query_one_raw(counting_to(100_000))
            .await
            .expect("counting runs")
            .expect("one row");
        let count: i64 = row.try_get_by_index(0).expect("an integer");
        assert_eq!(count, 100_000);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn sqlite_writers_take_their_turns_in_the_order_they_came() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("turns.db").display());
        let db = connect(&url, 12).await.expect("the database opens");
        db.execute_unprepared("CREATE TABLE turn (writer INTEGER NOT NULL)")
            .await
            .expect("the table is made");
        let write = |writer: u32| {
            let db = db.clone();
            tokio::spawn(async move {
                let txn = begin_write(&db).await.expect("a write begins");
                txn.execute_unprepared(&format!("INSERT INTO turn VALUES ({writer})"))
                    .await
                    .expect("the row is written");
                txn.commit().await.expect("the write commits");
            })
        };
        let first = begin_write(&db).await.expect("the first write begins");
        let waiting: Vec<_> = (1..=8).map(write).collect();
        // On this one thread, each spawned writer runs until it waits for its turn.
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        first.commit().await.expect("the first write commits");
        // A newcomer finds the lock free for an instant; it still goes after those who waited.
        let newcomer = write(9);
        for writer in waiting.into_iter().chain([newcomer]) {
            writer.await.expect("the writer ends");
        }
        let order: Vec<i64> = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT writer FROM turn ORDER BY rowid",
            ))
            .await
            .expect("the turns are read")
            .iter()
            .map(|row| row.try_get_by_index(0).expect("a number"))
            .collect();
        assert_eq!(order, (1..=9).collect::<Vec<i64>>());
    }
}
