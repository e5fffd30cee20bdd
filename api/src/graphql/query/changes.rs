//! The change feed, for agencies that keep their own copy of the registry.

use async_graphql::{Context, Object};

use super::{RegionInput, region_scope};
use crate::error::ApiResult;
use crate::graphql::connection::{DEFAULT_PAGE_SIZE, page_complexity, page_size};
use crate::graphql::types::changes::ChangePage;
use crate::graphql::types::{db, request};
use crate::services::changes::FeedCursor;
use crate::services::changes::{self, ChangeKind, FeedFilter};

/// The change feed.
#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// Committed changes to registry data (credential states, enterprises, recognition agreements and
    /// their listings) after `after`, in commit order, that the caller may see: the public sees changes
    /// to what it may see, with public fields only; staff also the others inside their jurisdiction; an
    /// enterprise user also its own enterprise's. Resumable from any cursor, for ever: changes are never
    /// removed. A cursor at the end returns an empty page with the same cursor at once; a reader never
    /// passes a change that a transaction still running could commit before it.
    #[graphql(complexity = "page_complexity(first, None, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Changes after this cursor (default: from the first change).")] after: Option<
            String,
        >,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Only changes of these kinds of record (default: all).")] kinds: Option<
            Vec<ChangeKind>,
        >,
        #[graphql(desc = "Only changes of records in this region (and below it, unless told otherwise).")]
        region: Option<RegionInput>,
    ) -> ApiResult<ChangePage> {
        let after = FeedCursor::decode("after", after.as_deref())?;
        let size = page_size("first", first)?.unwrap_or(DEFAULT_PAGE_SIZE);
        let filter = FeedFilter {
            kinds: kinds.unwrap_or_default(),
            region: region_scope(ctx, "region.code", region).await?,
        };
        let viewer = &request(ctx).viewer;
        let mut changes = changes::after(db(ctx), viewer, &filter, after.0, size + 1).await?;
        let has_next_page = changes.len() as u64 > size;
        changes.truncate(size as usize);
        Ok(ChangePage {
            changes,
            after,
            has_next_page,
        })
    }
}
