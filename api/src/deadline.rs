//! The deadline of the request a task works for. A request past its execution timeout is answered
//! `TIMEOUT` at once, but dropping its future does not stop a SQLite statement: that runs on the
//! connection's own thread to its end. So every SQLite connection handed to a request's task watches
//! the request's deadline and interrupts its statement once it has passed (PostgreSQL has
//! `statement_timeout` for the same purpose, see [`crate::db`]).

use std::future::Future;
use std::time::Instant;

use futures_util::future::BoxFuture;

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `work` as a request's work that must end by `deadline`.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}

/// The deadline of the request this task works for; none for work no request waits on (imports,
/// background jobs, the command line).
pub fn current() -> Option<Instant> {
    DEADLINE.try_with(|deadline| *deadline).ok()
}

/// Spawns a request's DataLoader fetches with the request's deadline, which a spawned task would not
/// otherwise inherit.
pub fn spawner(deadline: Option<Instant>) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
    move |work| {
        match deadline {
            Some(deadline) => tokio::spawn(within(deadline, work)),
            None => tokio::spawn(work),
        };
    }
}
