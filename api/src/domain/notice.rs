//! How long a public notice (公示) runs at least, per credential kind, and the notice period an
//! approval gets. Days are calendar days, counted with the first and the last day of the notice; the
//! credential may be granted from the day after the last.

use std::str::FromStr;

use chrono::{Days, NaiveDate};
use entity::enums::CredentialKind;
use sea_orm::ActiveEnum;

use crate::i18n::Message;

/// The minimum notice when nothing else is configured.
pub const DEFAULT_MINIMUM_DAYS: u32 = 5;

/// Minimum notice lengths (`REGISTRY_NOTICE_DAYS`): one for every kind, and optionally one per kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeRules {
    default_days: u32,
    per_kind: Vec<(CredentialKind, u32)>,
}

impl Default for NoticeRules {
    fn default() -> Self {
        Self {
            default_days: DEFAULT_MINIMUM_DAYS,
            per_kind: Vec::new(),
        }
    }
}

/// What is wrong with a requested notice period: the input field and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeProblem {
    /// `noticeStartsOn` or `noticeEndsOn`.
    pub field: &'static str,
    /// What is wrong.
    pub message: Message,
}

impl NoticeRules {
    /// The fewest days a notice of `kind` runs.
    pub fn minimum_days(&self, kind: CredentialKind) -> u32 {
        self.per_kind
            .iter()
            .find(|(configured, _)| *configured == kind)
            .map_or(self.default_days, |(_, days)| *days)
    }

    /// The notice period of an approval on `today`: it starts on `starts` (default today, never
    /// earlier) and ends on `ends` (default the last day of the minimum, never sooner).
    pub fn period(
        &self,
        kind: CredentialKind,
        today: NaiveDate,
        starts: Option<NaiveDate>,
        ends: Option<NaiveDate>,
    ) -> Result<(NaiveDate, NaiveDate), NoticeProblem> {
        let starts = starts.unwrap_or(today);
        if starts < today {
            return Err(NoticeProblem {
                field: "noticeStartsOn",
                message: Message::new("notice-start-past").with("today", today),
            });
        }
        let days = self.minimum_days(kind);
        let earliest_end = starts + Days::new(u64::from(days.saturating_sub(1)));
        let ends = ends.unwrap_or(earliest_end);
        if ends < earliest_end {
            return Err(NoticeProblem {
                field: "noticeEndsOn",
                message: Message::new("notice-too-short")
                    .with("kind", kind.to_value())
                    .with("days", days)
                    .with("starts", starts)
                    .with("earliest", earliest_end),
            });
        }
        Ok((starts, ends))
    }
}

impl FromStr for NoticeRules {
    type Err = String;

    /// `7` (every kind), or `7,LITTLE_GIANT=10,QUALITY_AWARD=15` (kinds not named get the first).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let days = |value: &str| match value.trim().parse::<u32>() {
            Ok(days) if (1..=365).contains(&days) => Ok(days),
            _ => Err(format!(
                "'{}' is not a number of days from 1 to 365",
                value.trim()
            )),
        };
        let mut rules = Self::default();
        for entry in text.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            match entry.split_once('=') {
                Some((kind, value)) => {
                    let kind = CredentialKind::try_from_value(&kind.trim().to_owned())
                        .map_err(|_| format!("'{}' is not a credential kind", kind.trim()))?;
                    rules.per_kind.push((kind, days(value)?));
                }
                None => rules.default_days = days(entry)?,
            }
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use crate::test_support::date;

    #[test]
    fn a_notice_runs_at_least_its_kinds_minimum_and_never_starts_in_the_past() {
        let rules: NoticeRules = "5,LITTLE_GIANT=7".parse().unwrap();
        let today = date("2026-03-02");
        assert_eq!(
            rules.period(CredentialKind::QualityAward, today, None, None),
            Ok((today, date("2026-03-06")))
        );
        assert_eq!(
            rules.period(CredentialKind::LittleGiant, today, None, None),
            Ok((today, date("2026-03-08")))
        );
        let late = rules.period(
            CredentialKind::LittleGiant,
            today,
            Some(date("2026-03-10")),
            Some(date("2026-03-31")),
        );
        assert_eq!(late, Ok((date("2026-03-10"), date("2026-03-31"))));
        let past = rules.period(CredentialKind::Green, today, Some(date("2026-03-01")), None);
        assert_eq!(past.unwrap_err().field, "noticeStartsOn");
        let short = rules
            .period(CredentialKind::Green, today, None, Some(date("2026-03-05")))
            .unwrap_err();
        assert_eq!(short.field, "noticeEndsOn");
        let message = short.message.render(Language::English);
        assert!(message.contains("at least 5 days"), "{message}");
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        assert_eq!(NoticeRules::from_str("").unwrap(), NoticeRules::default());
        assert!(NoticeRules::from_str("0").unwrap_err().contains("1 to 365"));
        assert!(
            NoticeRules::from_str("LITTLE_DRAGON=5")
                .unwrap_err()
                .contains("credential kind")
        );
    }
}
