//! The one error type of the API, with the machine codes clients branch on.
//!
//! Which to use where:
//! - `BadUserInput` for input that fails parsing or validation: name the field and the reason.
//! - `NotFound` when a looked-up object does not exist *or the viewer may not see it* (no existence oracle).
//! - `Forbidden` / `Unauthenticated` for policy denials; a `Forbidden` carries the refusal of the access
//!   policy (`extensions.reason`: the rule that refused).
//! - `Internal` for everything unexpected: the detail is logged with the request id, the client sees a
//!   generic message.
//!
//! Database errors are mapped here and nowhere else, so raw database text never reaches a client:
//!
//! | database error | code |
//! |---|---|
//! | unique violation | `CONFLICT` |
//! | foreign key violation | `BAD_USER_INPUT` |
//! | busy, locked, lock timeout, serialization failure, deadlock, pool timeout | `UNAVAILABLE` (retry) |
//! | anything else | `INTERNAL_SERVER_ERROR`, with the request id |

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

use crate::i18n::{Language, Message};
use crate::policy::refusal::Refusal;

/// An error a resolver or service returns.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without
/// extensions, so the only way out to a client is the `From` below, which sets `extensions.code`.
#[derive(Clone, Debug)]
pub enum ApiError {
    /// Input that fails parsing or validation.
    BadUserInput { field: String, reason: Message },
    /// The object does not exist or is not visible to the caller (the message names what).
    NotFound(Message),
    /// The caller is authenticated but the access policy refuses, for the reason given.
    Forbidden(Refusal),
    /// The caller must authenticate first, or its credentials were refused (the message says which).
    Unauthenticated(Message),
    /// A conflicting concurrent change or a duplicate natural key.
    Conflict(Message),
    /// The caller edited a version that is no longer current; nothing changed.
    StaleVersion { current: i32 },
    /// Too many failed sign-ins for one account; try again after this many seconds.
    TooManyAttempts { retry_after_seconds: u64 },
    /// The database is busy or locked for now; the same request may succeed when retried.
    Unavailable,
    /// Something went wrong on our side; the message is never shown to clients.
    Internal(String),
}

impl ApiError {
    /// A `BAD_USER_INPUT` naming the input field and why it was refused.
    pub fn bad_input(field: impl Into<String>, reason: Message) -> Self {
        Self::BadUserInput {
            field: field.into(),
            reason,
        }
    }

    /// The message a client may read, to be said in its language.
    pub fn message(&self) -> Message {
        match self {
            Self::BadUserInput { field, reason } => Message::new("field-reason")
                .with("field", field)
                .with("reason", reason.clone()),
            Self::NotFound(message)
            | Self::Unauthenticated(message)
            | Self::Conflict(message)
            | Self::Forbidden(Refusal { message, .. }) => message.clone(),
            Self::StaleVersion { current } => Message::new("stale-version").with("current", *current),
            Self::TooManyAttempts { retry_after_seconds } => {
                Message::new("too-many-sign-ins").with("seconds", *retry_after_seconds)
            }
            Self::Unavailable => Message::new("unavailable"),
            Self::Internal(_) => Message::new("internal-error"),
        }
    }

    /// The value clients read from `extensions.code`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code, typed.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::BadUserInput { .. } => ErrorCode::BadUserInput,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Conflict(_) | Self::StaleVersion { .. } => ErrorCode::Conflict,
            Self::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            Self::Unavailable => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::InternalServerError,
        }
    }
}

/// Every value of `extensions.code` a client can meet, and what to do about it. Part of the schema
/// (`Query.errorCodes`), so that clients can generate it, and the list cannot go stale: the server
/// writes codes only through this type.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// A value does not fit: `extensions.field` names the argument or input field, the message why.
    BadUserInput,
    /// The object does not exist, or the caller may not see it.
    NotFound,
    /// The access policy refuses; `extensions.reason` names the rule.
    Forbidden,
    /// Sign in first, or sign in again: the token is missing, invalid or expired, or the account
    /// is disabled (HTTP `401`).
    Unauthenticated,
    /// A duplicate key, or an edit of a version that is no longer current
    /// (`extensions.currentVersion`): reload and retry.
    Conflict,
    /// Too many failed sign-ins for the account or the address; `extensions.retryAfterSeconds`
    /// says when to try again.
    TooManyAttempts,
    /// The caller's request or query-cost allowance is spent (HTTP `429`, `Retry-After`).
    RateLimited,
    /// The database is busy or unreachable for now: retry after `Retry-After` (HTTP `503`).
    Unavailable,
    /// The request took longer than the execution time limit and was stopped (HTTP `503`).
    Timeout,
    /// Something failed on the server; `extensions.requestId` identifies it in the log.
    InternalServerError,
    /// The document is not valid GraphQL syntax, or is nested too deeply.
    GraphqlParseFailed,
    /// The document does not fit the schema or the request limits (depth, complexity, aliases).
    GraphqlValidationFailed,
    /// The HTTP request is malformed: its body, its parameters or a persisted-query extension.
    BadRequest,
    /// The body was not sent as JSON in UTF-8 (HTTP `415`).
    UnsupportedMediaType,
    /// Nothing in `Accept` is a type the API answers in (HTTP `406`).
    NotAcceptable,
    /// A mutation was sent with GET (HTTP `405`): use POST.
    MethodNotAllowed,
    /// The body or a part of it is over its size limit (HTTP `413`).
    PayloadTooLarge,
    /// The body or an upload did not arrive within its time limit (HTTP `408`).
    RequestTimeout,
    /// The persisted query's hash is not known (yet): send the document with its hash once.
    PersistedQueryNotFound,
}

impl ErrorCode {
    /// The code `extensions.code` names, if it is one of ours.
    pub fn parse(code: &str) -> Option<Self> {
        use async_graphql::resolver_utils::EnumType;
        Self::items()
            .iter()
            .find(|item| item.name == code)
            .map(|item| item.value)
    }

    /// The code as it appears in `extensions.code`: the GraphQL name of the value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Forbidden => "FORBIDDEN",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Conflict => "CONFLICT",
            Self::TooManyAttempts => "TOO_MANY_ATTEMPTS",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Timeout => "TIMEOUT",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::BadRequest => "BAD_REQUEST",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::NotAcceptable => "NOT_ACCEPTABLE",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::RequestTimeout => "REQUEST_TIMEOUT",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        Self::Forbidden(refusal)
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                return Self::Conflict(Message::new("duplicate-key"));
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                return Self::bad_input("input", Message::new("input-refers-to-missing"));
            }
            _ => {}
        }
        if is_transient(&err) {
            tracing::warn!(error.detail = %err, "database busy");
            return Self::Unavailable;
        }
        Self::Internal(err.to_string())
    }
}

/// Whether `err` says the database is busy for now rather than that something is wrong: SQLite's
/// busy and locked, PostgreSQL's lock timeout (55P03), serialization failure (40001), deadlock
/// (40P01) and a statement cancelled by the statement timeout (57014), and a pool with no free
/// connection in time (counted in the metrics).
fn is_transient(err: &DbErr) -> bool {
    let runtime = match err {
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        DbErr::ConnectionAcquire(_) => {
            crate::monitoring::pool_timeout();
            return true;
        }
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    match sqlx.as_database_error().and_then(|db| db.code()) {
        Some(code) => matches!(
            code.as_ref(),
            "5" | "6" | "261" | "517" | "55P03" | "40001" | "40P01" | "57014"
        ),
        None => {
            let timed_out = matches!(**sqlx, sea_orm::sqlx::Error::PoolTimedOut);
            if timed_out {
                crate::monitoring::pool_timeout();
            }
            timed_out
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(detail) = self {
            // The request span carries the request id, so the log line can be matched to the response.
            tracing::error!(error.detail = %detail, "internal error");
        }
        // Said in English here; the request's language is known only when the answer is written,
        // which says it again from `source` (`graphql::errors::localise`).
        let error = async_graphql::Error {
            message: self.message().render(Language::English),
            source: Some(std::sync::Arc::new(self.clone())),
            extensions: None,
        };
        error.extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Self::BadUserInput { field, .. } => ext.set("field", field.as_str()),
                Self::TooManyAttempts { retry_after_seconds } => {
                    ext.set("retryAfterSeconds", *retry_after_seconds)
                }
                Self::StaleVersion { current } => ext.set("currentVersion", *current),
                Self::Forbidden(refusal) => ext.set("reason", refusal.reason.code()),
                _ => {}
            }
        })
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.extend()
    }
}

/// Result of services and resolvers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::resolver_utils::EnumType;
    use sea_orm::{ConnectionTrait, Database, TransactionTrait};

    #[test]
    fn every_code_is_written_as_its_schema_name() {
        for item in ErrorCode::items() {
            assert_eq!(item.value.as_str(), item.name);
        }
    }

    /// Two pools on one fresh SQLite file: one waits for locks as the server does, one gives up at once.
    async fn database() -> (
        tempfile::TempDir,
        sea_orm::DatabaseConnection,
        sea_orm::DatabaseConnection,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("errors.db").display());
        let db = Database::connect(&url).await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
             CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id));
             INSERT INTO parent (id, code) VALUES (1, 'A');",
        )
        .await
        .unwrap();
        let mut impatient = sea_orm::ConnectOptions::new(url);
        impatient.map_sqlx_sqlite_opts(|options| options.busy_timeout(std::time::Duration::ZERO));
        (dir, db, Database::connect(impatient).await.unwrap())
    }

    #[tokio::test]
    async fn database_errors_map_to_the_codes_a_client_can_act_on() {
        let (_dir, db, impatient) = database().await;
        let duplicate = db
            .execute_unprepared("INSERT INTO parent (id, code) VALUES (2, 'A')")
            .await
            .unwrap_err();
        assert_eq!(ApiError::from(duplicate).code(), "CONFLICT");
        let dangling = db
            .execute_unprepared("INSERT INTO child (id, parent_id) VALUES (1, 99)")
            .await
            .unwrap_err();
        assert_eq!(ApiError::from(dangling).code(), "BAD_USER_INPUT");

        // A writer holds the lock; another write gives up at once: retry, not an internal error.
        let writer = db.begin().await.unwrap();
        writer
            .execute_unprepared("INSERT INTO parent (id, code) VALUES (3, 'B')")
            .await
            .unwrap();
        let locked = impatient
            .execute_unprepared("INSERT INTO parent (id, code) VALUES (4, 'C')")
            .await
            .unwrap_err();
        assert_eq!(ApiError::from(locked).code(), "UNAVAILABLE");
        writer.rollback().await.unwrap();

        let broken = db
            .execute_unprepared("SELECT * FROM no_such_table")
            .await
            .unwrap_err();
        let internal = ApiError::from(broken);
        assert_eq!(internal.code(), "INTERNAL_SERVER_ERROR");
        assert_eq!(
            internal.message().render(Language::English),
            "internal server error",
            "no database text"
        );
    }
}
