//! One search box across the registries.

use async_graphql::{Context, Object};

use super::db;
use crate::error::ApiResult;
use crate::graphql::connection::{Page, forward_window, page_complexity};
use crate::graphql::types::request;
use crate::graphql::types::search::SearchHit;
use crate::services::search::{self, Kind, Terms};

/// Search.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Enterprises, brands, geographic indications and persons whose name, former name, pinyin
    /// spelling or USCC matches `query`, in either script and any width or case: exact matches first,
    /// then those starting with the query, then those containing it; within each, by name.
    /// Public fields only; persons only where the caller may see one of their credentials (staff: in
    /// their jurisdiction). At most 1,000 hits deep.
    #[graphql(complexity = "page_complexity(first, None, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for: a name or part of one, a pinyin spelling (`chongqing`, \
                          `cqwz`), or the start of a USCC."
        )]
        query: String,
        #[graphql(desc = "Only these kinds (default: all).")] kinds: Option<Vec<Kind>>,
        #[graphql(desc = "At most this many hits (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Hits after this cursor.")] after: Option<String>,
    ) -> ApiResult<Page<SearchHit>> {
        let db = db(ctx);
        let terms = Terms::parse(db.get_database_backend(), "query", &query)?;
        let mut kinds = kinds.unwrap_or_else(|| {
            vec![
                Kind::Enterprise,
                Kind::Brand,
                Kind::GeographicIndication,
                Kind::Person,
            ]
        });
        kinds.sort();
        kinds.dedup();
        let (start, size) = forward_window(first, after.as_ref())?;
        let viewer = &request(ctx).viewer;
        let weights = ctx.data_unchecked();
        // The count on its own connection, beside the hits: a search waits for the slower.
        let counted = async {
            match ctx.look_ahead().field("totalCount").exists() {
                true => search::count(db, viewer, &terms, &kinds).await,
                false => Ok(0),
            }
        };
        let ((hits, more), total) = futures_util::try_join!(
            search::hits(db, weights, viewer, &terms, &kinds, start, size),
            counted
        )?;
        Ok(Page::at_offset(
            hits.into_iter().map(SearchHit).collect(),
            start,
            more,
            total,
        ))
    }
}
