//! Subscriptions, over WebSocket (graphql-transport-ws): the change feed as it grows.

use std::collections::VecDeque;
use std::time::Duration;

use async_graphql::{Context, Subscription};
use futures_util::Stream;

use crate::error::{ApiError, ApiResult};
use crate::graphql::query::{RegionInput, region_scope};
use crate::graphql::types::changes::Change;
use crate::graphql::types::{db, request};
use crate::services::changes::FeedCursor;
use crate::services::changes::{self, ChangeKind, FeedFilter};

/// How often a subscription at the end of the feed looks for new changes.
const POLL: Duration = Duration::from_millis(250);
/// How many changes a subscription reads at a time.
const BATCH: u64 = 100;

/// The root of every subscription.
#[derive(Default)]
pub struct SubscriptionRoot;

/// The root of every subscription: what a client can follow as it happens, over WebSocket.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Committed changes to registry data as they come, in commit order, filtered like the `changes`
    /// query: after `after` (a change's `cursor`; default: from now on). A client that reconnects with
    /// the cursor of the last change it received misses nothing.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Changes after this cursor (default: those committed from now on).")] after: Option<
            String,
        >,
        #[graphql(desc = "Only changes of these kinds of record (default: all).")] kinds: Option<
            Vec<ChangeKind>,
        >,
        #[graphql(desc = "Only changes of records in this region (and below it, unless told otherwise).")]
        region: Option<RegionInput>,
    ) -> Result<impl Stream<Item = ApiResult<Change>> + use<>, ApiError> {
        let db = db(ctx).clone();
        let start = match after {
            Some(after) => FeedCursor::decode("after", Some(&after))?.0,
            None => changes::newest(&db).await?,
        };
        let feed = Feed {
            db,
            viewer: request(ctx).viewer.clone(),
            filter: FeedFilter {
                kinds: kinds.unwrap_or_default(),
                region: region_scope(ctx, "region.code", region).await?,
            },
            after: start,
            read: VecDeque::new(),
        };
        Ok(futures_util::stream::unfold(Some(feed), |feed| async move {
            let mut feed = feed?;
            match feed.next().await {
                Ok(change) => Some((Ok(Change(change)), Some(feed))),
                // The error goes to the client, and the subscription ends.
                Err(err) => Some((Err(err), None)),
            }
        }))
    }
}

/// One subscriber's place in the feed.
struct Feed {
    db: sea_orm::DatabaseConnection,
    viewer: crate::policy::Viewer,
    filter: FeedFilter,
    /// The number of the last change read.
    after: i64,
    /// Changes read and not yet sent.
    read: VecDeque<entity::change_event::Model>,
}

impl Feed {
    /// The next change, waiting for one to be committed.
    async fn next(&mut self) -> ApiResult<entity::change_event::Model> {
        loop {
            if let Some(change) = self.read.pop_front() {
                return Ok(change);
            }
            let read = changes::after(&self.db, &self.viewer, &self.filter, self.after, BATCH).await?;
            match read.last() {
                Some(last) => self.after = last.sequence,
                None => tokio::time::sleep(POLL).await,
            }
            self.read.extend(read);
        }
    }
}
