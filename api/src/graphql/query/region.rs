//! Regions and bureaus.

use async_graphql::{Context, ID, InputObject, Object};

use super::{RegionInput, db, region_scope};
use crate::domain::RegionCode;
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::enums::{BureauKind, Level};
use crate::graphql::types::{
    loaders,
    region::{Bureau, Region},
};
use crate::i18n::Message;
use crate::ids::{self, NodeType};
use crate::services;
use crate::services::region::RegionFilter;

/// Regions and bureaus.
#[derive(Default)]
pub struct RegionQuery;

/// Filters for `bureaus`.
#[derive(InputObject, Default)]
pub struct BureauFilterInput {
    /// Bureaus serving this region (and, by default, regions below it).
    pub region: Option<RegionInput>,
    /// Bureaus of this kind.
    pub kind: Option<BureauKind>,
    /// Bureaus of this level.
    pub level: Option<Level>,
}

#[Object]
impl RegionQuery {
    /// Regions, ordered by code: by default the ones in force, optionally only the children of one
    /// region or one level.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the direct children of this region code.")] parent_code: Option<String>,
        #[graphql(desc = "Only regions of this level.")] level: Option<Level>,
        #[graphql(desc = "Include abolished codes (default: no).", default = false)] include_abolished: bool,
    ) -> ApiResult<Vec<Region>> {
        let parent = match parent_code {
            Some(code) => Some(services::region::require(db(ctx), "parentCode", &code).await?),
            None => None,
        };
        let filter = RegionFilter {
            parent,
            level: level.map(Into::into),
            include_abolished,
        };
        Ok(services::region::list(db(ctx), filter)
            .await?
            .into_iter()
            .map(Region)
            .collect())
    }

    /// One region by its GB/T 2260 code, abolished codes included.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Six-digit region code.")] code: String,
    ) -> ApiResult<Option<Region>> {
        let code = RegionCode::parse(&code).map_err(|reason| ApiError::bad_input("code", reason))?;
        Ok(services::region::find(db(ctx), code.as_str()).await?.map(Region))
    }

    /// Bureaus, ordered by code.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn bureaus(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which bureaus.")] filter: Option<BureauFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<Bureau>> {
        let filter = filter.unwrap_or_default();
        let listing = services::bureau::search(services::bureau::BureauFilter {
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            kind: filter.kind.map(Into::into),
            level: filter.level.map(Into::into),
        });
        paginate(
            ctx,
            listing,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            Bureau,
        )
        .await
    }

    /// One bureau, by ID or by code.
    async fn bureau(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The bureau's global ID.")] id: Option<ID>,
        #[graphql(desc = "The bureau's code.")] code: Option<String>,
    ) -> ApiResult<Option<Bureau>> {
        match (id, code) {
            (Some(id), None) => {
                let id = ids::decode_as("id", NodeType::Bureau, &id)?;
                Ok(loaders(ctx).bureaus.load_one(id).await?.map(Bureau))
            }
            (None, Some(code)) => Ok(services::bureau::by_code(db(ctx), &code).await?.map(Bureau)),
            _ => Err(ApiError::bad_input("id", Message::new("region-id-or-code"))),
        }
    }
}
