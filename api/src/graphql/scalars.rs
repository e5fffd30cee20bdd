//! Custom scalars, and the format each scalar of the schema expects, for messages about values that
//! do not fit.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, Utc};

use crate::i18n::Message;

/// What a value of the scalar `name` looks like, in words a client can act on.
pub fn format_of(name: &str) -> Option<Message> {
    Some(Message::new(match name {
        "Date" => "format-date",
        "DateTime" => "format-date-time",
        "Int" => "format-int",
        "Float" => "format-float",
        "String" => "format-string",
        "Boolean" => "format-boolean",
        "ID" => "format-id",
        "JSON" => "format-json",
        "Upload" => "format-upload",
        _ => return None,
    }))
}

/// A calendar date, ISO 8601 `YYYY-MM-DD` (dates in this registry are Chinese civil dates).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, ISO 8601 `YYYY-MM-DD`, for example `2026-03-01` (dates in this registry are
/// Chinese civil dates).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text
                .parse::<NaiveDate>()
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("'{text}' is not a date in YYYY-MM-DD form"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked at validation, so a bad date is refused naming its argument before anything runs.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if text.parse::<NaiveDate>().is_ok())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

/// An instant: a string in RFC 3339 with its offset, for example `2026-03-01T08:30:00Z`; the API
/// answers in UTC.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant: a string in RFC 3339 with its offset, for example `2026-03-01T08:30:00Z` or
/// `2026-03-01T16:30:00+08:00`; the API answers in UTC.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_instant(text)
                .map(DateTime)
                .ok_or_else(|| InputValueError::custom(format!("'{text}' is not a time in RFC 3339 form"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked at validation, so a bad time is refused naming its argument before anything runs.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_instant(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

fn parse_instant(text: &str) -> Option<chrono::DateTime<Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|instant| instant.with_timezone(&Utc))
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(instant: chrono::DateTime<Utc>) -> Self {
        Self(instant)
    }
}
