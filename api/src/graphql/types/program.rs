//! Quality-award programmes.

use async_graphql::{Context, ID, Object};
use entity::award_program;

use super::region::{Bureau, Region};
use super::{loaders, required};
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
        Ok(Region(
            required(&loaders(ctx).regions, self.0.region_code.clone(), "region").await?,
        ))
    }

    /// The bureau that awards it.
    async fn awarding_bureau(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        match self.0.awarding_bureau_id {
            Some(id) => Ok(Some(Bureau(required(&loaders(ctx).bureaus, id, "bureau").await?))),
            None => Ok(None),
        }
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
