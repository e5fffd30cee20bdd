//! Builders the unit tests share.

use chrono::{NaiveDate, Utc};
use entity::credential;
use entity::enums::{CredentialKind, CredentialStatus, Level};
use uuid::Uuid;

/// A `YYYY-MM-DD` date.
pub fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A provincial credential of `kind` held in `region`, in `status`, without a holder or any dates.
pub fn credential(kind: CredentialKind, region: &str, status: CredentialStatus) -> credential::Model {
    crate::services::credential::Blank {
        kind,
        level: Level::Provincial,
        granting_bureau_id: Uuid::now_v7(),
        region_code: region.to_owned(),
        status,
        now: Utc::now(),
    }
    .row()
}

/// Like [`credential`], granted on `from`, valid from then until `until` (exclusive) or open-ended.
pub fn granted(kind: CredentialKind, region: &str, from: &str, until: Option<&str>) -> credential::Model {
    credential::Model {
        granted_on: Some(date(from)),
        valid_from: Some(date(from)),
        valid_until: until.map(date),
        ..credential(kind, region, CredentialStatus::Granted)
    }
}
