//! Errors that async-graphql reports itself, made into ours: each carries `extensions.code`, a value
//! that does not fit its argument is `BAD_USER_INPUT` naming the argument (and the input field in it)
//! and the format expected, no message names an internal input type, and every message of ours is
//! said in the request's language. (The texts async-graphql writes about documents that are not
//! valid GraphQL stay in English: they are for the developer writing the query.)

use async_graphql::{ErrorExtensionValues, ServerError};

use crate::error::{ApiError, ErrorCode};
use crate::graphql::scalars;
use crate::i18n::{Language, Message};

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
pub fn from_validation(error: ServerError, language: Language) -> ServerError {
    let Some(invalid) = InvalidArgument::read(&error.message) else {
        return with_code(error, ErrorCode::GraphqlValidationFailed);
    };
    let mut error = ServerError {
        message: Message::new("field-reason")
            .with("field", &invalid.path)
            .with("reason", invalid.reason)
            .render(language),
        ..error
    };
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("field", invalid.path);
    with_code(error, ErrorCode::BadUserInput)
}

/// An error from execution, said in `language`: ours (from an [`ApiError`]) in its own words; one
/// without a code is a value that failed to parse, `BAD_USER_INPUT` saying the format expected
/// (without the internal type it was part of), or else ours to look into.
pub fn from_execution(error: ServerError, language: Language) -> ServerError {
    if let Some(ours) = error.source::<ApiError>() {
        return ServerError {
            message: ours.message().render(language),
            ..error
        };
    }
    if error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
    {
        return error;
    }
    if let Some(rest) = error.message.strip_prefix("Failed to parse \"") {
        let scalar = rest.split_once('"').map_or(rest, |(scalar, _)| scalar);
        if let Some(format) = scalars::format_of(scalar) {
            return with_code(
                ServerError {
                    message: Message::new("expected-format")
                        .with("format", format)
                        .render(language),
                    ..error
                },
                ErrorCode::BadUserInput,
            );
        }
    }
    with_code(error, ErrorCode::InternalServerError)
}

/// What async-graphql's "Invalid value for argument" validation error says.
#[derive(Debug, PartialEq)]
struct InvalidArgument {
    /// The argument and the input fields inside it, dotted: `filter.validOn`.
    path: String,
    /// Why the value does not fit, in our words.
    reason: Message,
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
fn reword(reason: &str) -> Message {
    if let Some(expected) = quoted_after(reason, "expected type \"") {
        let expected = expected.trim_end_matches('!');
        return match scalars::format_of(expected) {
            Some(format) => Message::new("expected-format").with("format", format),
            None if expected.ends_with("Input") => Message::new("expected-object"),
            None if expected.starts_with('[') => Message::new("expected-list"),
            None => Message::new("expected-enum").with("type", expected),
        };
    }
    if let Some(field) = quoted_after(reason, "unknown field \"") {
        return Message::new("unknown-input-field").with("field", field);
    }
    if let Some(field) = quoted_after(reason, "field \"")
        && reason.ends_with("is required but not provided")
    {
        return Message::new("input-field-required").with("field", field);
    }
    Message::new("verbatim").with("text", reason)
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
        InvalidArgument::read(message).map(|invalid| (invalid.path, invalid.reason.render(Language::English)))
    }

    #[test]
    fn invalid_arguments_name_the_path_and_the_format_and_no_input_type() {
        assert_eq!(
            reason(r#"Invalid value for argument "filter.validOn", expected type "Date""#),
            Some((
                "filter.validOn".to_owned(),
                "expected a date as YYYY-MM-DD, for example 2026-03-01".to_owned()
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
    fn parse_failures_in_execution_say_the_format_without_the_internal_type() {
        let failed = || {
            ServerError::new(
                r#"Failed to parse "Date": 'x' is not a date (occurred while parsing "CredentialFilterInput")"#,
                None,
            )
        };
        let error = from_execution(failed(), Language::English);
        assert_eq!(
            error.message,
            "expected a date as YYYY-MM-DD, for example 2026-03-01"
        );
        let code = error.extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("BAD_USER_INPUT")));
        let chinese = from_execution(failed(), Language::SimplifiedChinese);
        assert_eq!(chinese.message, "应为日期，格式为 YYYY-MM-DD，例如 2026-03-01");
    }
}
