//! The change feed's items and pages.

use async_graphql::{ID, Json, Object};
use entity::change_event;

use crate::graphql::scalars::DateTime;
use crate::services::changes::{ChangeKind, FeedCursor};

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
