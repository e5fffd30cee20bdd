//! The registry's one clock. Business dates (notices, validity, "in force on", the demo's history) are
//! civil dates in Asia/Shanghai and come from here, never from the wall clock directly; only instants
//! (token times, `created_at`) use real time.
//!
//! Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset gives the exact
//! civil date for every date the registry deals in, without shipping a time-zone database.

use std::sync::{
    Arc,
    atomic::{AtomicI32, Ordering},
};

use chrono::{Datelike, FixedOffset, NaiveDate, Utc};

/// China Standard Time's offset from UTC, in seconds.
const CHINA_UTC_OFFSET_SECONDS: i32 = 8 * 3600;

/// Marks a clock that follows the wall clock (no date is day 0 of the common era).
const FOLLOWS_WALL_CLOCK: i32 = 0;

/// Today's date for the registry: the real civil date in China, or a date set for a demo or a test
/// (`REGISTRY_TODAY`). Clones share one setting, so a test that moves the date moves it for the
/// whole app.
#[derive(Clone, Debug)]
pub struct Clock {
    /// Days since the common era of the date set, or [`FOLLOWS_WALL_CLOCK`].
    pinned: Arc<AtomicI32>,
}

impl Clock {
    /// A clock that reads the real date in China.
    pub fn system() -> Self {
        Self {
            pinned: Arc::new(AtomicI32::new(FOLLOWS_WALL_CLOCK)),
        }
    }

    /// A clock that stays on `date` until set to another.
    pub fn fixed(date: NaiveDate) -> Self {
        let clock = Self::system();
        clock.set(date);
        clock
    }

    /// A clock on `date` when one is given (`REGISTRY_TODAY`), the real date otherwise.
    pub fn from_setting(date: Option<NaiveDate>) -> Self {
        date.map_or_else(Self::system, Self::fixed)
    }

    /// The registry's today.
    pub fn today(&self) -> NaiveDate {
        match self.pinned.load(Ordering::Relaxed) {
            FOLLOWS_WALL_CLOCK => civil_date_in_china(),
            days => NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_else(civil_date_in_china),
        }
    }

    /// Moves the clock to `date` (demos and tests: "suppose it is 2029-06-01").
    pub fn set(&self, date: NaiveDate) {
        self.pinned.store(date.num_days_from_ce(), Ordering::Relaxed);
    }

    /// Whether the clock follows the wall clock rather than a date that was set.
    pub fn follows_wall_clock(&self) -> bool {
        self.pinned.load(Ordering::Relaxed) == FOLLOWS_WALL_CLOCK
    }
}

/// The civil date in China now.
fn civil_date_in_china() -> NaiveDate {
    let now = Utc::now();
    FixedOffset::east_opt(CHINA_UTC_OFFSET_SECONDS).map_or_else(
        || now.date_naive(),
        |china| now.with_timezone(&china).date_naive(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_date_holds_for_every_clone_until_moved() {
        let clock = Clock::fixed(crate::test_support::date("2029-06-01"));
        let shared = clock.clone();
        assert_eq!(shared.today(), crate::test_support::date("2029-06-01"));
        clock.set(crate::test_support::date("2031-01-15"));
        assert_eq!(shared.today(), crate::test_support::date("2031-01-15"));
        assert!(!shared.follows_wall_clock());
    }

    #[test]
    fn the_system_clock_gives_the_date_in_china() {
        let today = Clock::system().today();
        let utc = Utc::now().date_naive();
        // UTC+8 is the same day as UTC or the day after.
        assert!(
            today == utc || today == utc.succ_opt().unwrap(),
            "{today} vs {utc}"
        );
    }
}
