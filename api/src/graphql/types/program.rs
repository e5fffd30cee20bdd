//! Quality-award programmes.

use async_graphql::{Context, ID, Object};
use entity::award_program;

use super::region::{Bureau, Region};
use crate::error::ApiResult;
use crate::graphql::enums::Level;
use crate::ids::{self, NodeType};

/// A quality-award programme (质量奖), e.g. 中国质量奖 or 市长质量管理奖.
#[derive(Clone)]
pub struct AwardProgram(pub award_program::Model);

/// A quality-award programme (质量奖), e.g. 中国质量奖 or 市长质量管理奖.
#[Object]
impl AwardProgram {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::AwardProgram, self.0.id))
    }

    /// Short stable code, e.g. `CHINA_QUALITY_AWARD`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name of the programme.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Level of the programme.
    async fn level(&self) -> Level {
        self.0.level.into()
    }

    /// The region where it is awarded.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, &self.0.region_code).await
    }

    /// The bureau that awards it.
    async fn awarding_bureau(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        Bureau::load_optional(ctx, self.0.awarding_bureau_id).await
    }

    /// Most winners one edition may have (中国质量奖: 10), when the programme caps it.
    async fn max_winners_per_edition(&self) -> Option<i32> {
        self.0.max_winners_per_edition
    }

    /// What the programme recognises.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
}
