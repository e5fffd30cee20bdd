//! Regions and bureaus.

use async_graphql::{Context, ID, Object};
use entity::{bureau, region};

use super::{loaders, required};
use crate::error::ApiResult;
use crate::graphql::{
    enums::{BureauKind, Level},
    scalars::Date,
};
use crate::ids::{self, NodeType};

/// An administrative division (行政区划), GB/T 2260. Abolished codes remain, pointing at their successor:
/// the region inside an old USCC may no longer exist.
#[derive(Clone)]
pub struct Region(pub region::Model);

/// An administrative division (行政区划), GB/T 2260. Abolished codes remain, pointing at their successor:
/// the region inside an old USCC may no longer exist.
#[Object]
impl Region {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Region, self.0.id))
    }

    /// Six-digit GB/T 2260 code (行政区划代码).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Level in the tree.
    async fn level(&self) -> Level {
        self.0.level.into()
    }

    /// The region above this one; null for the nation.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        match &self.0.parent_code {
            Some(code) => Ok(Some(Region(
                required(&loaders(ctx).regions, code.clone(), "region").await?,
            ))),
            None => Ok(None),
        }
    }

    /// The date the code was abolished (merged or renamed); null while in force.
    async fn abolished_on(&self) -> Option<Date> {
        self.0.abolished_on.map(Date)
    }

    /// The region that replaced an abolished one.
    async fn successor(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        match &self.0.successor_code {
            Some(code) => Ok(Some(Region(
                required(&loaders(ctx).regions, code.clone(), "region").await?,
            ))),
            None => Ok(None),
        }
    }
}

/// An authority at one region (局/委). Its kind decides which credentials it may grant, its region where.
#[derive(Clone)]
pub struct Bureau(pub bureau::Model);

/// An authority at one region (局/委). Its kind decides which credentials it may grant, its region where.
#[Object]
impl Bureau {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Bureau, self.0.id))
    }

    /// Short stable code, e.g. `CQ-MR` for 重庆市市场监督管理局.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of authority it is.
    async fn kind(&self) -> BureauKind {
        self.0.kind.into()
    }

    /// Its administrative level.
    async fn level(&self) -> Level {
        self.0.level.into()
    }

    /// The region it serves; its jurisdiction is this region and everything below it.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Ok(Region(
            required(&loaders(ctx).regions, self.0.region_code.clone(), "region").await?,
        ))
    }

    /// The bureau above it in its line of authority.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        match self.0.parent_id {
            Some(id) => Ok(Some(Bureau(required(&loaders(ctx).bureaus, id, "bureau").await?))),
            None => Ok(None),
        }
    }
}
