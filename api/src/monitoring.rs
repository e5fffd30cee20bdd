//! `/metrics` in the Prometheus text format, through the `metrics` facade and its Prometheus
//! exporter: requests by operation name and outcome, request latency, the database pool, sign-in
//! failures and throttles, and rate-limit refusals. Counting is a few atomic operations on the
//! request's path; the text is written only when scraped.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseBackend, DatabaseConnection};

const REQUESTS: &str = "registry_graphql_requests_total";
const DURATION: &str = "registry_http_request_duration_seconds";
const POOL_CONNECTIONS: &str = "registry_db_pool_connections";
const POOL_MAX: &str = "registry_db_pool_max_connections";
const POOL_TIMEOUTS: &str = "registry_db_pool_acquire_timeouts_total";
const LOGIN_FAILURES: &str = "registry_login_failures_total";
const LOGIN_THROTTLED: &str = "registry_login_throttled_total";
const RATE_LIMITED: &str = "registry_rate_limit_refusals_total";

/// Latency buckets, in seconds: from a cached read to the execution time limit.
const DURATION_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Distinct operation names counted by name; the rest are counted as `_other`, so clients that
/// invent names cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

/// Where the counts are read: the process's one recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &DURATION_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder is installed; then ours simply sees nothing.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already");
        }
        describe();
        handle
    })
}

fn describe() {
    describe_counter!(
        REQUESTS,
        "GraphQL requests by operation name (_anonymous, _other beyond 200 names, - when refused before the document was read) and outcome (OK or the first error code)"
    );
    describe_histogram!(
        DURATION,
        metrics::Unit::Seconds,
        "Time from request to response, by route"
    );
    describe_gauge!(POOL_CONNECTIONS, "Database connections by state: in_use or idle");
    describe_gauge!(POOL_MAX, "Most connections the database pool opens");
    describe_counter!(
        POOL_TIMEOUTS,
        "Database calls that waited for a free connection in vain (answered UNAVAILABLE)"
    );
    describe_counter!(
        LOGIN_FAILURES,
        "Sign-ins refused for a wrong username or password"
    );
    describe_counter!(
        LOGIN_THROTTLED,
        "Sign-ins refused because of too many failures (TOO_MANY_ATTEMPTS)"
    );
    describe_counter!(
        RATE_LIMITED,
        "Requests refused for a spent allowance, by meter: requests or cost"
    );
}

/// The Prometheus text, with the pool's current state.
pub fn render(db: &DatabaseConnection) -> String {
    let handle = handle();
    if let Some((size, idle, max)) = pool_state(db) {
        gauge!(POOL_CONNECTIONS, "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
        gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(idle));
        gauge!(POOL_MAX).set(f64::from(max));
    }
    handle.render()
}

/// Open, idle and most connections of the pool.
fn pool_state(db: &DatabaseConnection) -> Option<(u32, u32, u32)> {
    fn of<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> (u32, u32, u32) {
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        (pool.size(), idle, pool.options().get_max_connections())
    }
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => Some(of(db.get_sqlite_connection_pool())),
        DatabaseBackend::Postgres => Some(of(db.get_postgres_connection_pool())),
        _ => None,
    }
}

/// How one GraphQL request ended, put on its response for the HTTP layer to count.
#[derive(Clone, Debug)]
pub struct GraphqlOutcome {
    /// The operation's name, if the request got as far as naming one.
    pub operation: Option<String>,
    /// `OK`, or the code of the first error.
    pub outcome: &'static str,
}

/// Counts one request: its route's latency and, for GraphQL, its operation and outcome.
pub fn record_request(route: &str, elapsed: Duration, graphql: Option<&GraphqlOutcome>) {
    histogram!(DURATION, "route" => route.to_owned()).record(elapsed.as_secs_f64());
    if let Some(graphql) = graphql {
        let operation = operation_label(graphql.operation.as_deref());
        counter!(REQUESTS, "operation" => operation, "outcome" => graphql.outcome).increment(1);
    }
}

/// The label an operation is counted under.
fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "-".to_owned();
    };
    if name.is_empty() {
        return "_anonymous".to_owned();
    }
    let mut seen = SEEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(name) {
        return name.to_owned();
    }
    if seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        return name.to_owned();
    }
    "_other".to_owned()
}

/// A database call gave up waiting for a free connection.
pub fn pool_timeout() {
    counter!(POOL_TIMEOUTS).increment(1);
}

/// A sign-in was refused for its credentials.
pub fn login_failed() {
    counter!(LOGIN_FAILURES).increment(1);
}

/// A sign-in was refused for too many failures.
pub fn login_throttled() {
    counter!(LOGIN_THROTTLED).increment(1);
}

/// A request was refused for a spent allowance of `meter` (`requests` or `cost`).
pub fn rate_limited(meter: &'static str) {
    counter!(RATE_LIMITED, "meter" => meter).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_beyond_the_bound_are_counted_together() {
        assert_eq!(operation_label(None), "-");
        assert_eq!(operation_label(Some("")), "_anonymous");
        for n in 0..MAX_OPERATION_NAMES {
            operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(
            operation_label(Some("Op0")),
            "Op0",
            "a name seen before keeps its label"
        );
        assert_eq!(operation_label(Some("Invented")), "_other");
    }
}
