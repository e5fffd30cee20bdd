//! Announcements (公告).

use async_graphql::{Context, ID, InputObject, Object};

use crate::error::ApiResult;
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::scalars::Date;
use crate::graphql::types::announcement::Announcement;
use crate::ids::{self, NodeType};
use crate::services::announcement::{AnnouncementFilter, search};

/// Announcements.
#[derive(Default)]
pub struct AnnouncementQuery;

/// Filters for `announcements`.
#[derive(InputObject, Default)]
pub struct AnnouncementFilterInput {
    /// Issued by this bureau.
    pub issuing_bureau_id: Option<ID>,
    /// Published on or after this day.
    pub published_from: Option<Date>,
    /// Published on or before this day.
    pub published_until: Option<Date>,
    /// With exactly this document number (文号).
    pub document_number: Option<String>,
}

#[Object]
impl AnnouncementQuery {
    /// Published announcements (公告) that granted, renewed or revoked credentials, newest first.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn announcements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which announcements.")] filter: Option<AnnouncementFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<Announcement>> {
        let filter = filter.unwrap_or_default();
        let issuing_bureau = filter
            .issuing_bureau_id
            .map(|id| ids::decode_as("filter.issuingBureauId", NodeType::Bureau, &id))
            .transpose()?;
        let listing = search(&AnnouncementFilter {
            issuing_bureau,
            published_from: filter.published_from.map(|date| date.0),
            published_until: filter.published_until.map(|date| date.0),
            document_number: filter.document_number,
        });
        let page = PageArgs {
            after,
            before,
            first,
            last,
        };
        paginate(ctx, listing, page, Announcement).await
    }
}
