//! Counts of credentials for dashboards and statistics offices.

use async_graphql::{Context, InputObject, Object};

use super::credential::{CredentialFilterInput, shared_filter};
use crate::error::ApiResult;
use crate::graphql::enums::{CredentialKind, GreenKind, Level, LittleGiantTier};
use crate::graphql::types::db;
use crate::graphql::types::region::Region;
use crate::graphql::types::request;
use crate::services::credential::CredentialState;
use crate::services::statistics::{self, Group, StatisticsDimension};

/// Filters for `statistics`: those of the credential lists, plus the kinds and kind-specific
/// filters to count.
#[derive(InputObject, Default)]
pub struct StatisticsFilterInput {
    #[graphql(flatten)]
    pub common: CredentialFilterInput,
    /// Only these kinds (default: all).
    pub kinds: Option<Vec<CredentialKind>>,
    /// Only little giants of this tier.
    pub tier: Option<LittleGiantTier>,
    /// Only green listings of this kind.
    pub green_kind: Option<GreenKind>,
}

/// Counts of credentials, grouped as asked.
pub struct Statistics {
    groups: Vec<Group>,
}

/// Counts of credentials, grouped as asked.
#[Object]
impl Statistics {
    /// How many credentials match, in all groups.
    async fn total(&self) -> u64 {
        self.groups.iter().map(|group| group.count).sum()
    }

    /// One entry per combination of the grouped values that occurs, largest count first.
    async fn groups(&self) -> Vec<StatisticsGroup> {
        self.groups.iter().cloned().map(StatisticsGroup).collect()
    }
}

/// One group: the values it shares (null for what was not grouped by) and its count.
pub struct StatisticsGroup(Group);

/// One group: the values it shares (null for what was not grouped by) and its count.
#[Object]
impl StatisticsGroup {
    /// How many credentials.
    async fn count(&self) -> u64 {
        self.0.count
    }

    /// The region, at the level asked for (where the tree skips that level, as under Chongqing and
    /// Shanghai, the district).
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        Region::load_optional(ctx, self.0.region_code.as_deref()).await
    }

    /// The kind of credential.
    async fn kind(&self) -> Option<CredentialKind> {
        self.0.kind.map(Into::into)
    }

    /// The level granted at.
    async fn level(&self) -> Option<Level> {
        self.0.level.map(Into::into)
    }

    /// The 专精特新 tier.
    async fn tier(&self) -> Option<LittleGiantTier> {
        self.0.tier.map(Into::into)
    }

    /// What the green listing lists.
    async fn green_kind(&self) -> Option<GreenKind> {
        self.0.green_kind.map(Into::into)
    }

    /// The list or award year.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// The state today.
    async fn status(&self) -> Option<CredentialState> {
        self.0.status
    }
}

/// Counts for dashboards and statistics offices.
#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// Counts of the credentials the caller may see that match `filter`, grouped by any of region
    /// (rolled up to `regionLevel`), kind, level, tier, green kind, year and state; with
    /// `filter.validIn`/`filter.asOf`, of those that count in a region on a date.
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which credentials to count.")] filter: Option<StatisticsFilterInput>,
        #[graphql(desc = "What to group by (none: one total).", default)] group_by: Vec<StatisticsDimension>,
        #[graphql(
            desc = "The level regions are rolled up to when grouping by `REGION`.",
            default_with = "Level::Provincial"
        )]
        region_level: Level,
    ) -> ApiResult<Statistics> {
        let input = filter.unwrap_or_default();
        let mut filter = shared_filter(db(ctx), request(ctx).today, input.common).await?;
        filter.kinds = input
            .kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        filter.tier = input.tier.map(Into::into);
        filter.green_kind = input.green_kind.map(Into::into);
        let mut dimensions = Vec::new();
        for dimension in group_by {
            if !dimensions.contains(&dimension) {
                dimensions.push(dimension);
            }
        }
        let context = request(ctx);
        let db = db(ctx);
        let groups = statistics::count(
            db,
            &context.viewer,
            context.today,
            &filter,
            &dimensions,
            region_level.into(),
        )
        .await?;
        Ok(Statistics { groups })
    }
}
