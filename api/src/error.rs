//! The one error type of the API, with the machine codes clients branch on.
//!
//! Which to use where:
//! - `BadUserInput` for input that fails parsing or validation: name the field and the reason.
//! - `NotFound` when a looked-up object does not exist *or the viewer may not see it* (no existence oracle).
//! - `Forbidden` / `Unauthenticated` for policy denials.
//! - `Internal` for everything unexpected: the detail is logged with the request id, the client sees a
//!   generic message. A `DbErr` becomes `Internal` here and nowhere else, so raw database text never
//!   reaches a client.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// An error a resolver or service returns.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error without
/// extensions, so the only way out to a client is the `From` below, which sets `extensions.code`.
#[derive(Clone, Debug)]
pub enum ApiError {
    /// Input that fails parsing or validation.
    BadUserInput { field: String, reason: String },
    /// The object does not exist or is not visible to the caller.
    NotFound { what: &'static str },
    /// The caller is authenticated but may not do this.
    Forbidden,
    /// The caller must authenticate first, or its credentials were refused (the message says which).
    Unauthenticated(String),
    /// A conflicting concurrent change or a duplicate natural key.
    Conflict(String),
    /// The caller edited a version that is no longer current; nothing changed.
    StaleVersion { current: i32 },
    /// Too many failed sign-ins for one account; try again after this many seconds.
    TooManyAttempts { retry_after_seconds: u64 },
    /// Something went wrong on our side; the message is never shown to clients.
    Internal(String),
}

impl ApiError {
    /// A `BAD_USER_INPUT` naming the input field and why it was refused.
    pub fn bad_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The message a client may read.
    pub fn message(&self) -> String {
        match self {
            Self::BadUserInput { field, reason } => format!("{field}: {reason}"),
            Self::NotFound { what } => format!("{what} not found"),
            Self::Forbidden => "you are not allowed to do this".to_owned(),
            Self::Unauthenticated(message) => message.clone(),
            Self::Conflict(message) => message.clone(),
            Self::StaleVersion { current } => {
                format!(
                    "someone changed this in the meantime: the current version is {current}; reload and retry"
                )
            }
            Self::TooManyAttempts { retry_after_seconds } => {
                format!("too many failed sign-ins; try again in {retry_after_seconds} seconds")
            }
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The value clients read from `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUserInput { .. } => "BAD_USER_INPUT",
            Self::NotFound { .. } => "NOT_FOUND",
            Self::Forbidden => "FORBIDDEN",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Conflict(_) => "CONFLICT",
            Self::StaleVersion { .. } => "CONFLICT",
            Self::TooManyAttempts { .. } => "TOO_MANY_ATTEMPTS",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        Self::Internal(err.to_string())
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(detail) = self {
            // The request span carries the request id, so the log line can be matched to the response.
            tracing::error!(error.detail = %detail, "internal error");
        }
        async_graphql::Error::new(self.message()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                Self::BadUserInput { field, .. } => ext.set("field", field.as_str()),
                Self::TooManyAttempts { retry_after_seconds } => {
                    ext.set("retryAfterSeconds", *retry_after_seconds)
                }
                Self::StaleVersion { current } => ext.set("currentVersion", *current),
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
