//! The registry's calendar: dates are Chinese civil dates, so "today" is today in UTC+8.

use chrono::{FixedOffset, NaiveDate, Utc};

/// China Standard Time's offset from UTC, in seconds (no daylight saving).
const CHINA_UTC_OFFSET_SECONDS: i32 = 8 * 3600;

/// Today's date in China.
pub fn today() -> NaiveDate {
    let now = Utc::now();
    FixedOffset::east_opt(CHINA_UTC_OFFSET_SECONDS).map_or_else(
        || now.date_naive(),
        |china| now.with_timezone(&china).date_naive(),
    )
}
