//! The change feed's items and pages.

use async_graphql::{ID, Json, Object};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::change_event;

use crate::error::{ApiError, ApiResult};
use crate::graphql::scalars::DateTime;
use crate::i18n::Message;
use crate::services::changes::ChangeKind;

/// A place in the change feed: after the change numbered `0`, or the start.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FeedCursor(pub i64);

impl FeedCursor {
    /// The cursor as clients hold it (opaque).
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("change:{}", self.0))
    }

    /// Reads argument `field`; none is the start of the feed.
    pub fn decode(field: &str, cursor: Option<&str>) -> ApiResult<Self> {
        let Some(cursor) = cursor else {
            return Ok(Self(0));
        };
        let invalid = || ApiError::bad_input(field, Message::new("cursor-invalid"));
        let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let sequence = text.strip_prefix("change:").ok_or_else(invalid)?;
        match sequence.parse() {
            Ok(sequence) if sequence >= 0 => Ok(Self(sequence)),
            _ => Err(invalid()),
        }
    }
}

/// One committed change to registry data, as the feed carries it.
pub struct Change(pub change_event::Model);

/// One committed change to registry data: what changed, how, where, and its public fields after the
/// change. Changes come in commit order; none is ever removed.
#[Object]
impl Change {
    /// Where the feed stands after this change: read on from here with `changes(after:)`.
    async fn cursor(&self) -> String {
        FeedCursor(self.0.sequence).encode()
    }

    /// When it was committed.
    async fn committed_at(&self) -> DateTime {
        self.0.committed_at.into()
    }

    /// What kind of record changed.
    async fn kind(&self) -> Option<ChangeKind> {
        ChangeKind::parse(&self.0.subject)
    }

    /// What happened to it, as the audit trail names it (`GRANT_CREDENTIAL`, `UPDATE_ENTERPRISE`, …).
    async fn change(&self) -> &str {
        &self.0.change
    }

    /// The global ID of the record that changed (a credential, enterprise or recognition agreement),
    /// for `node(id:)`.
    async fn entity_id(&self) -> Option<ID> {
        self.0.payload["id"].as_str().map(ID::from)
    }

    /// The GB/T 2260 code of the record's region (a credential's when granted), if it has one.
    async fn region_code(&self) -> Option<&str> {
        self.0.region_code.as_deref()
    }

    /// The record's public fields after the change (never personal data): ids, states, dates, codes.
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(self.0.payload.clone())
    }
}

/// A page of the change feed.
pub struct ChangePage {
    pub changes: Vec<change_event::Model>,
    /// The cursor the page was read after.
    pub after: FeedCursor,
    pub has_next_page: bool,
}

/// A page of the change feed, in commit order, and where to read on from.
#[Object]
impl ChangePage {
    /// The changes, oldest first.
    async fn nodes(&self) -> Vec<Change> {
        self.changes.iter().cloned().map(Change).collect()
    }

    /// Where to read on from: after the last change of this page, or, when the page is empty, the
    /// cursor it was read after (ask again later with it; nothing is skipped).
    async fn end_cursor(&self) -> String {
        let last = self.changes.last().map(|change| change.sequence);
        FeedCursor(last.unwrap_or(self.after.0)).encode()
    }

    /// Whether more changes follow this page now.
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }
}
