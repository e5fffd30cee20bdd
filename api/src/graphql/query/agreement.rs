//! Recognition agreements.

use async_graphql::{Context, InputObject, Object};

use sea_orm::DatabaseConnection;

use super::{RegionInput, db, region_scope_in};
use crate::error::ApiResult;
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::enums::{AgreementStatus, CredentialKind};
use crate::graphql::scalars::Date;
use crate::graphql::types::agreement::RecognitionAgreement;
use crate::services;

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
    /// Agreements in force on this date: confirmed by every party by then, inside their term, neither
    /// suspended nor terminated yet.
    pub active_on: Option<Date>,
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
        let listing =
            services::agreement::search(&agreement_filter(db(ctx), filter.unwrap_or_default()).await?);
        paginate(
            ctx,
            listing,
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

/// The service filter for `recognitionAgreements`' filter input.
pub(super) async fn agreement_filter(
    db: &DatabaseConnection,
    filter: AgreementFilterInput,
) -> ApiResult<services::agreement::AgreementFilter> {
    Ok(services::agreement::AgreementFilter {
        status: filter.status.map(Into::into),
        party_region: region_scope_in(db, "filter.partyRegion.code", filter.party_region).await?,
        covers: filter.covers.map(Into::into),
        active_on: filter.active_on.map(|date| date.0),
    })
}
