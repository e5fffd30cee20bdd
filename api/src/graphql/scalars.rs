//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date, ISO 8601 `YYYY-MM-DD` (dates in this registry are Chinese civil dates).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, ISO 8601 `YYYY-MM-DD` (dates in this registry are Chinese civil dates).
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

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}
