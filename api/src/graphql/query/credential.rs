//! The credential registries, one list per kind.

use async_graphql::{Context, ID, InputObject, Object};

use async_graphql::OutputType;
use entity::{credential, enums::CredentialKind as StoredKind};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::{RegionInput, db, name_term, region_scope_in};
use crate::error::ApiResult;
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate_counted};
use crate::graphql::enums::{BrandRecognitionKind, GiProtectionType, GreenKind, Level, LittleGiantTier};
use crate::graphql::scalars::Date;
use crate::graphql::types::credential::{
    BrandRecognition, ChiefQualityOfficer, GiAuthorization, GreenDesignation, LittleGiantDesignation,
    QualityAward,
};
use crate::graphql::types::request;
use crate::ids::{self, NodeType};
use crate::services;
use crate::services::SortDirection;
use crate::services::credential::{CredentialFilter, CredentialOrderField, CredentialState};
use crate::services::recognition::Recognition;

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
    /// Only credentials that count in this region (GB/T 2260 code) on `asOf`: local ones and those
    /// recognised there by a mutual-recognition agreement active on that date.
    pub valid_in: Option<String>,
    /// Only credentials in force on this date; with `validIn`, the date asked about (default today).
    pub as_of: Option<Date>,
    /// Only granted credentials whose validity ends before this date, expired ones included: what is
    /// due for review (复核) or renewal.
    pub expiring_before: Option<Date>,
    /// Holder's name, or a name the holding enterprise had before, contains this text;
    /// case-insensitive, and full-width and half-width forms, simplified and traditional characters
    /// match each other.
    pub name_contains: Option<String>,
    /// Only credentials on this recognition agreement's list on `asOf` (default today).
    pub listed_under: Option<ID>,
    /// Only credentials this announcement (公告) granted, renewed or revoked.
    pub announcement_id: Option<ID>,
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

/// A kind's filter input: the filters every list shares plus the kind's own.
pub(super) trait KindFilter: Default {
    /// The kind the list holds.
    const KIND: StoredKind;

    /// Takes the shared filters out.
    fn take_common(&mut self) -> CredentialFilterInput;

    /// Adds the kind's own filters to the service filter.
    fn apply(self, _filter: &mut CredentialFilter) -> ApiResult<()> {
        Ok(())
    }
}

impl KindFilter for LittleGiantFilterInput {
    const KIND: StoredKind = StoredKind::LittleGiant;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }

    fn apply(self, filter: &mut CredentialFilter) -> ApiResult<()> {
        filter.tier = self.tier.map(Into::into);
        Ok(())
    }
}

impl KindFilter for GreenFilterInput {
    const KIND: StoredKind = StoredKind::Green;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }

    fn apply(self, filter: &mut CredentialFilter) -> ApiResult<()> {
        filter.green_kind = self.green_kind.map(Into::into);
        Ok(())
    }
}

impl KindFilter for BrandRecognitionFilterInput {
    const KIND: StoredKind = StoredKind::BrandRecognition;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }

    fn apply(self, filter: &mut CredentialFilter) -> ApiResult<()> {
        filter.brand = optional_id("filter.brandId", NodeType::Brand, self.brand_id)?;
        filter.recognition_kind = self.recognition_kind.map(Into::into);
        Ok(())
    }
}

impl KindFilter for GiAuthorizationFilterInput {
    const KIND: StoredKind = StoredKind::GiAuthorization;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }

    fn apply(self, filter: &mut CredentialFilter) -> ApiResult<()> {
        filter.geographic_indication = optional_id(
            "filter.geographicIndicationId",
            NodeType::GeographicIndication,
            self.geographic_indication_id,
        )?;
        filter.protection_type = self.protection_type.map(Into::into);
        Ok(())
    }
}

impl KindFilter for QualityAwardFilterInput {
    const KIND: StoredKind = StoredKind::QualityAward;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }

    fn apply(self, filter: &mut CredentialFilter) -> ApiResult<()> {
        filter.program = optional_id("filter.programId", NodeType::AwardProgram, self.program_id)?;
        Ok(())
    }
}

impl KindFilter for ChiefQualityOfficerFilterInput {
    const KIND: StoredKind = StoredKind::ChiefQualityOfficer;

    fn take_common(&mut self) -> CredentialFilterInput {
        std::mem::take(&mut self.common)
    }
}

fn optional_id(field: &str, node_type: NodeType, id: Option<ID>) -> ApiResult<Option<uuid::Uuid>> {
    id.map(|id| ids::decode_as(field, node_type, &id)).transpose()
}

/// The service filter for the filters every credential list shares, on business date `today`.
pub async fn shared_filter(
    db: &DatabaseConnection,
    today: NaiveDate,
    common: CredentialFilterInput,
) -> ApiResult<CredentialFilter> {
    let valid_in = match common.valid_in {
        Some(code) => {
            let region = services::region::require(db, "filter.validIn", &code).await?;
            let date = common.as_of.map_or(today, |date| date.0);
            Some(Recognition::load(db, region, date).await?)
        }
        None => None,
    };
    Ok(CredentialFilter {
        region: region_scope_in(db, "filter.region.code", common.region).await?,
        level: common.level.map(Into::into),
        state: common.status,
        batch: common.batch,
        year: common.year,
        as_of: common.as_of.map(|d| d.0),
        valid_in,
        expiring_before: common.expiring_before.map(|d| d.0),
        name_contains: name_term(db, "filter.nameContains", common.name_contains)?,
        listed_under: optional_id(
            "filter.listedUnder",
            NodeType::RecognitionAgreement,
            common.listed_under,
        )?,
        announcement: optional_id(
            "filter.announcementId",
            NodeType::Announcement,
            common.announcement_id,
        )?
        .map(|id| (id, None)),
        ..CredentialFilter::default()
    })
}

/// The service filter for a kind's list: the shared filters and the kind's own.
pub(super) async fn kind_filter<I: KindFilter>(
    db: &DatabaseConnection,
    today: NaiveDate,
    mut input: I,
) -> ApiResult<CredentialFilter> {
    let mut filter = CredentialFilter {
        kinds: vec![I::KIND],
        ..shared_filter(db, today, input.take_common()).await?
    };
    input.apply(&mut filter)?;
    Ok(filter)
}

/// Runs one kind's list: parses the filters, asks the credential service (which applies the access
/// policy) and pages the result.
async fn kind_page<I: KindFilter, N: OutputType>(
    ctx: &Context<'_>,
    input: Option<I>,
    order_by: Option<CredentialOrder>,
    page: PageArgs,
    wrap: fn(credential::Model) -> N,
) -> ApiResult<Page<N>> {
    let context = request(ctx);
    let filter = kind_filter(db(ctx), context.today, input.unwrap_or_default()).await?;
    let (field, direction) = order_by.map_or_else(Default::default, |o| (o.field, o.direction));
    let listing = services::credential::search(&context.viewer, context.today, &filter, field, direction);
    let counted = services::credential::count_by_tally(&context.viewer, context.today, &filter);
    paginate_counted(ctx, listing, counted, page, wrap).await
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
        kind_page(
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
        kind_page(
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
        kind_page(
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
        kind_page(
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
        kind_page(
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
        kind_page(
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
