//! Enterprises.

use async_graphql::{Context, InputObject, Object};

use sea_orm::DatabaseConnection;

use super::{RegionInput, db, name_term, region_scope_in};
use crate::domain::Uscc;
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate_within};
use crate::graphql::enums::{EnterpriseScale, EnterpriseStatus};
use crate::graphql::types::enterprise::Enterprise;
use crate::services;
use crate::services::SortDirection;
use crate::services::enterprise::EnterpriseOrderField;

/// Enterprises.
#[derive(Default)]
pub struct EnterpriseQuery;

/// Filters for `enterprises`.
#[derive(InputObject, Default)]
pub struct EnterpriseFilterInput {
    /// Enterprises registered in this region (and, by default, regions below it).
    pub region: Option<RegionInput>,
    /// Name, or a name it had before, contains this text; case-insensitive, and full-width and half-width
    /// forms, simplified and traditional characters match each other.
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
        let uscc = Uscc::parse(&uscc).map_err(|err| ApiError::bad_input("uscc", err.message()))?;
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
        let mut service_filter = enterprise_filter(db(ctx), filter.unwrap_or_default()).await?;
        // Weighed for reading a page only: a count reads every match either way.
        if let Some(term) = service_filter.name_contains.take() {
            service_filter.name_contains = Some(if reads_rows(ctx) {
                term.weighed(
                    db(ctx),
                    ctx.data_unchecked(),
                    entity::enterprise::Column::NameGrams,
                )
                .await?
            } else {
                term
            });
        }
        let (field, direction) = order_by.map_or_else(Default::default, |o| (o.field, o.direction));
        let listing = services::enterprise::search(&service_filter, field, direction);
        paginate_within(
            ctx,
            listing,
            |cut, window| services::enterprise::search_within(&service_filter, cut, window),
            None,
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

/// The service filter for `enterprises`' filter input.
pub(super) async fn enterprise_filter(
    db: &DatabaseConnection,
    filter: EnterpriseFilterInput,
) -> ApiResult<services::enterprise::EnterpriseFilter> {
    Ok(services::enterprise::EnterpriseFilter {
        region: region_scope_in(db, "filter.region.code", filter.region).await?,
        name_contains: name_term(db, "filter.nameContains", filter.name_contains)?,
        status: filter.status.map(Into::into),
        scale: filter.scale.map(Into::into),
    })
}

/// Whether the list's rows are asked for, not only its `totalCount`.
fn reads_rows(ctx: &Context<'_>) -> bool {
    let look_ahead = ctx.look_ahead();
    look_ahead.field("nodes").exists()
        || look_ahead.field("edges").exists()
        || look_ahead.field("pageInfo").exists()
}
