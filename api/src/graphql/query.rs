//! The query root, merged from one object per domain concept. Resolvers parse input, ask the service
//! (which applies the access policy) and wrap the rows.

use async_graphql::{Context, ID, InputObject, MergedObject, Object};
use entity::{credential, enums::CredentialKind as StoredKind};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::connection::{Page, PageArgs, page_complexity, paginate};
use super::enums::{
    AgreementStatus, BrandKind, BrandRecognitionKind, BureauKind, CredentialKind, EnterpriseScale,
    EnterpriseStatus, GiProtectionType, GreenKind, Level, LittleGiantTier,
};
use super::node::Node;
use super::scalars::Date;
use super::types::agreement::RecognitionAgreement;
use super::types::brand::Brand;
use super::types::credential::{
    BrandRecognition, ChiefQualityOfficer, GiAuthorization, GreenDesignation, LittleGiantDesignation,
    QualityAward,
};
use super::types::enterprise::Enterprise;
use super::types::geographic_indication::GeographicIndication;
use super::types::program::AwardProgram;
use super::types::region::{Bureau, Region};
use super::types::{loaders, request};
use crate::domain::{RegionCode, Uscc};
use crate::error::{ApiError, ApiResult};
use crate::ids::{self, NodeType};
use crate::services::credential::{CredentialFilter, CredentialOrderField, CredentialState};
use crate::services::enterprise::EnterpriseOrderField;
use crate::services::region::{RegionFilter, RegionScope};
use crate::services::{self, SortDirection};

/// Most ids `nodes(ids:)` takes at once.
const MAX_NODES: usize = 100;

fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// A region filter as clients give it.
#[derive(InputObject, Clone)]
pub struct RegionInput {
    /// GB/T 2260 code of the region.
    pub code: String,
    /// Whether regions below it match too (default: yes).
    #[graphql(default = true)]
    pub include_sub_regions: bool,
}

async fn region_scope(
    ctx: &Context<'_>,
    field: &str,
    input: Option<RegionInput>,
) -> ApiResult<Option<RegionScope>> {
    match input {
        None => Ok(None),
        Some(input) => Ok(Some(RegionScope {
            code: services::region::require(db(ctx), field, &input.code).await?,
            include_sub_regions: input.include_sub_regions,
        })),
    }
}

fn non_empty(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    match value {
        Some(text) if text.trim().is_empty() => Err(ApiError::bad_input(field, "must not be empty")),
        other => Ok(other),
    }
}

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
        let select = services::bureau::search(services::bureau::BureauFilter {
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            kind: filter.kind.map(Into::into),
            level: filter.level.map(Into::into),
        });
        paginate(
            ctx,
            select,
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
        use sea_orm::{ColumnTrait, QueryFilter};
        match (id, code) {
            (Some(id), None) => {
                let id = ids::decode_as("id", NodeType::Bureau, &id)?;
                Ok(loaders(ctx).bureaus.load_one(id).await?.map(Bureau))
            }
            (None, Some(code)) => Ok(entity::bureau::Entity::find()
                .filter(entity::bureau::Column::Code.eq(code.trim()))
                .one(db(ctx))
                .await?
                .map(Bureau)),
            _ => Err(ApiError::bad_input("id", "give exactly one of id and code")),
        }
    }
}

/// Enterprises.
#[derive(Default)]
pub struct EnterpriseQuery;

/// Filters for `enterprises`.
#[derive(InputObject, Default)]
pub struct EnterpriseFilterInput {
    /// Enterprises registered in this region (and, by default, regions below it).
    pub region: Option<RegionInput>,
    /// Name contains this text; case-insensitive, full-width and half-width forms match each other.
    pub name_contains: Option<String>,
    /// Registration state.
    pub status: Option<EnterpriseStatus>,
    /// Size class.
    pub scale: Option<EnterpriseScale>,
}

/// Order of `enterprises`.
#[derive(InputObject)]
pub struct EnterpriseOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: EnterpriseOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: SortDirection,
}

#[Object]
impl EnterpriseQuery {
    /// One enterprise by its unified social credit code (lower case and surrounding spaces accepted).
    async fn enterprise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Unified social credit code, 18 characters.")] uscc: String,
    ) -> ApiResult<Option<Enterprise>> {
        let uscc = Uscc::parse(&uscc).map_err(|err| ApiError::bad_input("uscc", err.to_string()))?;
        Ok(services::enterprise::by_uscc(db(ctx), &uscc)
            .await?
            .map(Enterprise))
    }

    /// Enterprises, filtered and ordered (default: by name).
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn enterprises(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which enterprises.")] filter: Option<EnterpriseFilterInput>,
        #[graphql(desc = "Order of the list.")] order_by: Option<EnterpriseOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<Enterprise>> {
        let filter = filter.unwrap_or_default();
        let service_filter = services::enterprise::EnterpriseFilter {
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            name_contains: non_empty("filter.nameContains", filter.name_contains)?,
            status: filter.status.map(Into::into),
            scale: filter.scale.map(Into::into),
        };
        let (field, direction) = order_by.map_or_else(Default::default, |o| (o.field, o.direction));
        let select = services::enterprise::search(&service_filter, field, direction);
        paginate(
            ctx,
            select,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            Enterprise,
        )
        .await
    }
}

/// Filters every credential list takes.
#[derive(InputObject, Default)]
pub struct CredentialFilterInput {
    /// Holder's region when granted (and, by default, regions below it).
    pub region: Option<RegionInput>,
    /// Level of the credential.
    pub level: Option<Level>,
    /// State today (`EXPIRED` is derived from dates).
    pub status: Option<CredentialState>,
    /// Announcement batch number (批次).
    pub batch: Option<i32>,
    /// Year of the list or award.
    pub year: Option<i32>,
    /// Only credentials in force on this date.
    pub valid_on: Option<Date>,
    /// Holder's name contains this text; case-insensitive, full-width and half-width forms match.
    pub name_contains: Option<String>,
}

/// Order of a credential list.
#[derive(InputObject)]
pub struct CredentialOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: CredentialOrderField,
    /// Which way.
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Filters for `littleGiants`.
#[derive(InputObject, Default)]
pub struct LittleGiantFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only this tier.
    pub tier: Option<LittleGiantTier>,
}

/// Filters for `greenDesignations`.
#[derive(InputObject, Default)]
pub struct GreenFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only this kind of listing.
    pub green_kind: Option<GreenKind>,
}

/// Filters for `brandRecognitions`.
#[derive(InputObject, Default)]
pub struct BrandRecognitionFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only recognitions of this brand.
    pub brand_id: Option<ID>,
    /// Only this kind of recognition.
    pub recognition_kind: Option<BrandRecognitionKind>,
}

/// Filters for `giAuthorizations`.
#[derive(InputObject, Default)]
pub struct GiAuthorizationFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only authorisations for this indication.
    pub geographic_indication_id: Option<ID>,
    /// Only indications under this protection system.
    pub protection_type: Option<GiProtectionType>,
}

/// Filters for `qualityAwards`.
#[derive(InputObject, Default)]
pub struct QualityAwardFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only awards of this programme.
    pub program_id: Option<ID>,
}

/// Filters for `chiefQualityOfficers`.
#[derive(InputObject, Default)]
pub struct ChiefQualityOfficerFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
}

/// Turns the shared filter input into the service's filter for one kind.
async fn credential_filter(
    ctx: &Context<'_>,
    kind: StoredKind,
    input: CredentialFilterInput,
) -> ApiResult<CredentialFilter> {
    Ok(CredentialFilter {
        kinds: vec![kind],
        region: region_scope(ctx, "filter.region.code", input.region).await?,
        level: input.level.map(Into::into),
        state: input.status,
        batch: input.batch,
        year: input.year,
        valid_on: input.valid_on.map(|d| d.0),
        name_contains: non_empty("filter.nameContains", input.name_contains)?,
        ..CredentialFilter::default()
    })
}

/// Runs a credential list for one kind.
async fn credential_page<N: async_graphql::OutputType>(
    ctx: &Context<'_>,
    filter: CredentialFilter,
    order_by: Option<CredentialOrder>,
    page: PageArgs,
    wrap: fn(credential::Model) -> N,
) -> ApiResult<Page<N>> {
    let (field, direction) = order_by.map_or_else(Default::default, |o| (o.field, o.direction));
    let context = request(ctx);
    let select = services::credential::search(&context.viewer, context.today, &filter, field, direction);
    paginate(ctx, select, page, wrap).await
}

fn optional_id(field: &str, node_type: NodeType, id: Option<ID>) -> ApiResult<Option<uuid::Uuid>> {
    id.map(|id| ids::decode_as(field, node_type, &id)).transpose()
}

/// The credential registries, one list per kind.
#[derive(Default)]
pub struct CredentialQuery;

#[Object]
impl CredentialQuery {
    /// 专精特新 designations ("little giants" and the tiers below), filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn little_giants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which designations.")] filter: Option<LittleGiantFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<LittleGiantDesignation>> {
        let input = filter.unwrap_or_default();
        let mut filter = credential_filter(ctx, StoredKind::LittleGiant, input.common).await?;
        filter.tier = input.tier.map(Into::into);
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            LittleGiantDesignation,
        )
        .await
    }

    /// Green-manufacturing listings (绿色制造名单), filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn green_designations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which listings.")] filter: Option<GreenFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<GreenDesignation>> {
        let input = filter.unwrap_or_default();
        let mut filter = credential_filter(ctx, StoredKind::Green, input.common).await?;
        filter.green_kind = input.green_kind.map(Into::into);
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            GreenDesignation,
        )
        .await
    }

    /// Brand recognitions and public-brand licences, filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn brand_recognitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which recognitions.")] filter: Option<BrandRecognitionFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<BrandRecognition>> {
        let input = filter.unwrap_or_default();
        let mut filter = credential_filter(ctx, StoredKind::BrandRecognition, input.common).await?;
        filter.brand = optional_id("filter.brandId", NodeType::Brand, input.brand_id)?;
        filter.recognition_kind = input.recognition_kind.map(Into::into);
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            BrandRecognition,
        )
        .await
    }

    /// Authorisations to use geographic-indication marks, filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn gi_authorizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which authorisations.")] filter: Option<GiAuthorizationFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<GiAuthorization>> {
        let input = filter.unwrap_or_default();
        let mut filter = credential_filter(ctx, StoredKind::GiAuthorization, input.common).await?;
        filter.geographic_indication = optional_id(
            "filter.geographicIndicationId",
            NodeType::GeographicIndication,
            input.geographic_indication_id,
        )?;
        filter.protection_type = input.protection_type.map(Into::into);
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            GiAuthorization,
        )
        .await
    }

    /// Quality awards, filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn quality_awards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which awards.")] filter: Option<QualityAwardFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<QualityAward>> {
        let input = filter.unwrap_or_default();
        let mut filter = credential_filter(ctx, StoredKind::QualityAward, input.common).await?;
        filter.program = optional_id("filter.programId", NodeType::AwardProgram, input.program_id)?;
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            QualityAward,
        )
        .await
    }

    /// Chief-quality-officer certifications, filtered and ordered.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn chief_quality_officers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which certifications.")] filter: Option<ChiefQualityOfficerFilterInput>,
        #[graphql(desc = "Order of the list (default: holder name).")] order_by: Option<CredentialOrder>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<ChiefQualityOfficer>> {
        let input = filter.unwrap_or_default();
        let filter = credential_filter(ctx, StoredKind::ChiefQualityOfficer, input.common).await?;
        credential_page(
            ctx,
            filter,
            order_by,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            ChiefQualityOfficer,
        )
        .await
    }
}

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
    /// Name contains this text; case-insensitive, full-width and half-width forms match.
    pub name_contains: Option<String>,
}

/// Filters for `geographicIndications`.
#[derive(InputObject, Default)]
pub struct GiFilterInput {
    /// Indications under this protection system.
    pub protection_type: Option<GiProtectionType>,
    /// Indications whose home region or protected area lies in this region (and, by default, below it).
    pub region: Option<RegionInput>,
    /// Name contains this text; case-insensitive, full-width and half-width forms match.
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
        let select = services::brand::search(&services::brand::BrandFilter {
            kind: filter.kind.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            name_contains: non_empty("filter.nameContains", filter.name_contains)?,
        });
        paginate(
            ctx,
            select,
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
        let select = services::geographic_indication::search(&services::geographic_indication::GiFilter {
            protection_type: filter.protection_type.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
            name_contains: non_empty("filter.nameContains", filter.name_contains)?,
        });
        paginate(
            ctx,
            select,
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
        let select = services::program::search(services::program::ProgramFilter {
            level: filter.level.map(Into::into),
            region: region_scope(ctx, "filter.region.code", filter.region).await?,
        });
        paginate(
            ctx,
            select,
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

/// Recognition agreements.
#[derive(Default)]
pub struct AgreementQuery;

/// Filters for `recognitionAgreements`.
#[derive(InputObject, Default)]
pub struct AgreementFilterInput {
    /// Agreements in this state.
    pub status: Option<AgreementStatus>,
    /// Agreements with a party bureau in this region (and, by default, regions below it).
    pub party_region: Option<RegionInput>,
    /// Agreements whose scope includes this kind.
    pub covers: Option<CredentialKind>,
}

#[Object]
impl AgreementQuery {
    /// Mutual-recognition agreements, newest first.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn recognition_agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which agreements.")] filter: Option<AgreementFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<RecognitionAgreement>> {
        let filter = filter.unwrap_or_default();
        let select = services::agreement::search(&services::agreement::AgreementFilter {
            status: filter.status.map(Into::into),
            party_region: region_scope(ctx, "filter.partyRegion.code", filter.party_region).await?,
            covers: filter.covers.map(Into::into),
        });
        paginate(
            ctx,
            select,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            RecognitionAgreement,
        )
        .await
    }
}

/// Relay object identification.
#[derive(Default)]
pub struct NodeQuery;

/// Loads the object behind a global id, or `None` when it is missing or hidden from the viewer.
async fn load_node(ctx: &Context<'_>, field: &str, id: &ID) -> ApiResult<Option<Node>> {
    let (node_type, uuid) = ids::decode(field, id)?;
    let loaders = loaders(ctx);
    Ok(match node_type {
        NodeType::Region => loaders
            .region_rows
            .load_one(uuid)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeType::Bureau => loaders
            .bureaus
            .load_one(uuid)
            .await?
            .map(|m| Node::Bureau(Bureau(m))),
        NodeType::Enterprise => loaders
            .enterprises
            .load_one(uuid)
            .await?
            .map(|m| Node::Enterprise(Enterprise(m))),
        NodeType::Person => loaders
            .persons
            .load_one(uuid)
            .await?
            .map(|m| Node::Person(super::types::enterprise::Person(m))),
        NodeType::Brand => loaders
            .brands
            .load_one(uuid)
            .await?
            .map(|m| Node::Brand(Brand(m))),
        NodeType::GeographicIndication => loaders
            .indications
            .load_one(uuid)
            .await?
            .map(|m| Node::GeographicIndication(GeographicIndication(m))),
        NodeType::AwardProgram => loaders
            .programs
            .load_one(uuid)
            .await?
            .map(|m| Node::AwardProgram(AwardProgram(m))),
        NodeType::RecognitionAgreement => loaders
            .agreements
            .load_one(uuid)
            .await?
            .map(|m| Node::RecognitionAgreement(RecognitionAgreement(m))),
        NodeType::Credential => loaders
            .credentials
            .load_one(uuid)
            .await?
            // A hidden credential answers exactly like a missing one.
            .filter(|m| request(ctx).viewer.may_see_credential(m.status))
            .map(Node::from_credential),
    })
}

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or is not visible to the caller.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        load_node(ctx, "id", &id).await
    }

    /// Several objects by global ID, in the order asked (at most 100); null for each that does not exist
    /// or is not visible.
    #[graphql(complexity = "ids.len().max(1) * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input(
                "ids",
                format!("at most {MAX_NODES} ids, got {}", ids.len()),
            ));
        }
        // Loads run concurrently, so the DataLoaders batch them: one query per type, not per id.
        let loads = ids
            .iter()
            .enumerate()
            .map(|(i, id)| async move { load_node(ctx, &format!("ids[{i}]"), id).await });
        futures_util::future::try_join_all(loads).await
    }
}

/// The root of every query: the registries, regions and bureaus, and Relay object identification.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    RegionQuery,
    EnterpriseQuery,
    CredentialQuery,
    CatalogueQuery,
    AgreementQuery,
    NodeQuery,
);
