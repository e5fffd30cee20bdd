//! Errors that async-graphql reports itself, made into ours: each carries `extensions.code`, a value
//! that does not fit its argument is `BAD_USER_INPUT` naming the argument (and the input field in it)
//! and the format expected, and no message names an internal input type.

use async_graphql::{ErrorExtensionValues, ServerError};

use crate::error::ErrorCode;
use crate::graphql::scalars;

/// Sets `extensions.code` unless the error has one already.
pub fn with_code(mut error: ServerError, code: ErrorCode) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code.as_str());
    }
    error
}

/// A validation error: an argument value that does not fit its type becomes `BAD_USER_INPUT` with
/// the argument's path in `extensions.field`; every other is `GRAPHQL_VALIDATION_FAILED`.
pub fn from_validation(error: ServerError) -> ServerError {
    let Some(invalid) = InvalidArgument::read(&error.message) else {
        return with_code(error, ErrorCode::GraphqlValidationFailed);
    };
    let mut error = ServerError {
        message: format!("{}: {}", invalid.path, invalid.reason),
        ..error
    };
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("field", invalid.path);
    with_code(error, ErrorCode::BadUserInput)
}

/// An error from execution that has no code yet: a value that failed to parse is `BAD_USER_INPUT`
/// (without the internal type it was part of); anything else is ours to look into.
pub fn from_execution(error: ServerError) -> ServerError {
    if error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
    {
        return error;
    }
    if let Some(rest) = error.message.strip_prefix("Failed to parse \"") {
        let reason = rest.split_once("\": ").map_or(rest, |(_, reason)| reason);
        let reason = reason
            .split_once(" (occurred while parsing")
            .map_or(reason, |(reason, _)| reason)
            .to_owned();
        return with_code(
            ServerError {
                message: reason,
                ..error
            },
            ErrorCode::BadUserInput,
        );
    }
    with_code(error, ErrorCode::InternalServerError)
}

/// What async-graphql's "Invalid value for argument" validation error says.
#[derive(Debug, PartialEq)]
struct InvalidArgument {
    /// The argument and the input fields inside it, dotted: `filter.validOn`.
    path: String,
    /// Why the value does not fit, in our words.
    reason: String,
}

impl InvalidArgument {
    /// Reads `Invalid value for argument "PATH", REASON`.
    fn read(message: &str) -> Option<Self> {
        let rest = message.strip_prefix("Invalid value for argument \"")?;
        let (path, reason) = rest.split_once("\", ")?;
        Some(Self {
            path: path.to_owned(),
            reason: reword(reason),
        })
    }
}

/// async-graphql's reasons reworded: the format a scalar expects instead of its name, and no names of
/// input object types.
fn reword(reason: &str) -> String {
    if let Some(expected) = quoted_after(reason, "expected type \"") {
        let expected = expected.trim_end_matches('!');
        return match scalars::format_of(expected) {
            Some(format) => format!("expected {format}"),
            None if expected.ends_with("Input") => "expected an object".to_owned(),
            None if expected.starts_with('[') => "expected a list".to_owned(),
            None => format!("expected one of the values of {expected}"),
        };
    }
    if let Some(field) = quoted_after(reason, "unknown field \"") {
        return format!("unknown field \"{field}\"");
    }
    if let Some(field) = quoted_after(reason, "field \"")
        && reason.ends_with("is required but not provided")
    {
        return format!("field \"{field}\" is required");
    }
    reason.to_owned()
}

/// The text between `prefix` (which ends with a quote) and the next quote.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?;
    rest.split_once('"').map(|(quoted, _)| quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(message: &str) -> Option<(String, String)> {
        InvalidArgument::read(message).map(|invalid| (invalid.path, invalid.reason))
    }

    #[test]
    fn invalid_arguments_name_the_path_and_the_format_and_no_input_type() {
        assert_eq!(
            reason(r#"Invalid value for argument "filter.validOn", expected type "Date""#),
            Some((
                "filter.validOn".to_owned(),
                format!("expected {}", scalars::format_of("Date").unwrap_or_default())
            ))
        );
        assert_eq!(
            reason(
                r#"Invalid value for argument "filter", unknown field "x" of type "CredentialFilterInput""#
            ),
            Some(("filter".to_owned(), "unknown field \"x\"".to_owned()))
        );
        assert_eq!(
            reason(
                r#"Invalid value for argument "input", field "uscc" of type "String!" is required but not provided"#
            ),
            Some(("input".to_owned(), "field \"uscc\" is required".to_owned()))
        );
        assert_eq!(
            reason(r#"Invalid value for argument "filter", expected type "CredentialFilterInput""#),
            Some(("filter".to_owned(), "expected an object".to_owned()))
        );
        assert_eq!(reason("Unknown field \"x\""), None);
    }

    #[test]
    fn parse_failures_in_execution_lose_the_internal_type() {
        let error = from_execution(ServerError::new(
            r#"Failed to parse "Date": 'x' is not a date (occurred while parsing "CredentialFilterInput")"#,
            None,
        ));
        assert_eq!(error.message, "'x' is not a date");
        let code = error.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("BAD_USER_INPUT")));
    }
}
