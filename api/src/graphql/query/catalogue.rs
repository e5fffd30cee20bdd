//! Brands, geographic indications and award programmes.

use async_graphql::{Context, InputObject, Object};

use super::{RegionInput, db, name_term, region_scope};
use crate::error::ApiResult;
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::enums::{BrandKind, GiProtectionType, Level};
use crate::graphql::types::{
    brand::Brand, geographic_indication::GeographicIndication, program::AwardProgram,
};
use crate::services;

/// Brands, geographic indications and award programmes.
#[derive(Default)]
pub struct CatalogueQuery;

/// Filters for `brands`.
#[derive(InputObject, Default)]
pub struct BrandFilterInput {
    /// Brands of this kind.
    pub kind: Option<BrandKind>,
    /// Brands whose home region is this region (and, by default, regions below it).
    pub region: Option<RegionInput>,
    /// Name contains this text; case-insensitive, and full-width and half-width forms, simplified and
    /// traditional characters match each other.
    pub name_contains: Option<String>,
}

/// Filters for `geographicIndications`.
#[derive(InputObject, Default)]
pub struct GiFilterInput {
    /// Indications under this protection system.
    pub protection_type: Option<GiProtectionType>,
    /// Indications whose home region or protected area lies in this region (and, by default, below it).
    pub region: Option<RegionInput>,
    /// Name contains this text; case-insensitive, and full-width and half-width forms, simplified and
    /// traditional characters match each other.
    pub name_contains: Option<String>,
}

/// Filters for `awardPrograms`.
#[derive(InputObject, Default)]
pub struct AwardProgramFilterInput {
    /// Programmes of this level.
    pub level: Option<Level>,
    /// Programmes awarded in this region (and, by default, regions below it).
    pub region: Option<RegionInput>,
}

#[Object]
impl CatalogueQuery {
    /// Brands, by name.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn brands(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which brands.")] filter: Option<BrandFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<Brand>> {
        let filter = filter.unwrap_or_default();
        let listing = services::brand::search(&services::brand::BrandFilter {
            kind: filter.kind.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            name_contains: name_term(db(ctx), "filter.nameContains", filter.name_contains)?,
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
            Brand,
        )
        .await
    }

    /// Geographic indications, by name.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn geographic_indications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which indications.")] filter: Option<GiFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<GeographicIndication>> {
        let filter = filter.unwrap_or_default();
        let listing = services::geographic_indication::search(&services::geographic_indication::GiFilter {
            protection_type: filter.protection_type.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            name_contains: name_term(db(ctx), "filter.nameContains", filter.name_contains)?,
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
            GeographicIndication,
        )
        .await
    }

    /// Quality-award programmes, by code.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn award_programs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which programmes.")] filter: Option<AwardProgramFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<AwardProgram>> {
        let filter = filter.unwrap_or_default();
        let listing = services::program::search(services::program::ProgramFilter {
            level: filter.level.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
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
            AwardProgram,
        )
        .await
    }
}
