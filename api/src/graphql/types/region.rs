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
use uuid::Uuid;

impl Region {
    /// The region a stored code points at (a foreign key guarantees it exists).
    pub async fn load(ctx: &Context<'_>, code: &str) -> ApiResult<Self> {
        Ok(Self(
            required(&loaders(ctx).regions, code.to_owned(), "region").await?,
        ))
    }

    /// The regions stored codes point at, ordered by code.
    pub async fn load_all(
        ctx: &Context<'_>,
        codes: impl IntoIterator<Item = String>,
    ) -> ApiResult<Vec<Self>> {
        let mut regions: Vec<Self> = loaders(ctx)
            .regions
            .load_many(codes)
            .await?
            .into_values()
            .map(Self)
            .collect();
        regions.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        Ok(regions)
    }

    /// Like [`Region::load`], for optional references.
    pub async fn load_optional(ctx: &Context<'_>, code: Option<&str>) -> ApiResult<Option<Self>> {
        match code {
            Some(code) => Ok(Some(Self::load(ctx, code).await?)),
            None => Ok(None),
        }
    }
}

impl Bureau {
    /// The bureau a stored id points at (a foreign key guarantees it exists).
    pub async fn load(ctx: &Context<'_>, id: Uuid) -> ApiResult<Self> {
        Ok(Self(required(&loaders(ctx).bureaus, id, "bureau").await?))
    }

    /// Like [`Bureau::load`], for optional references.
    pub async fn load_optional(ctx: &Context<'_>, id: Option<Uuid>) -> ApiResult<Option<Self>> {
        match id {
            Some(id) => Ok(Some(Self::load(ctx, id).await?)),
            None => Ok(None),
        }
    }
}

/// An administrative division (行政区划), GB/T 2260: every province, prefecture and county-level
/// division in force, and the codes abolished since 2000, pointing at their successors (the region inside
/// an old USCC may no longer exist).
#[derive(Clone)]
pub struct Region(pub region::Model);

/// An administrative division (行政区划), GB/T 2260: every province, prefecture and county-level
/// division in force, and the codes abolished since 2000, pointing at their successors (the region inside
/// an old USCC may no longer exist).
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
        Region::load_optional(ctx, self.0.parent_code.as_deref()).await
    }

    /// The date the code was abolished (merged or renamed); null while in force.
    async fn abolished_on(&self) -> Option<Date> {
        self.0.abolished_on.map(Date)
    }

    /// The first region that took an abolished one over.
    #[graphql(deprecation = "An abolished region can have several successors: use `successors`.")]
    async fn successor(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        Region::load_optional(ctx, self.0.successor_code.as_deref()).await
    }

    /// The regions that took an abolished one over (merged into them, renamed, or split among them),
    /// by code; empty while the region is in force. A filter by an abolished code matches them too.
    async fn successors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let codes = loaders(ctx)
            .region_successors
            .load_one(self.0.code.clone())
            .await?;
        Region::load_all(ctx, codes.unwrap_or_default()).await
    }

    /// The abolished regions this one took over, by code; empty when it took none over.
    async fn predecessors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let codes = loaders(ctx)
            .region_predecessors
            .load_one(self.0.code.clone())
            .await?;
        Region::load_all(ctx, codes.unwrap_or_default()).await
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
        Region::load(ctx, &self.0.region_code).await
    }

    /// The bureau above it in its line of authority.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        Bureau::load_optional(ctx, self.0.parent_id).await
    }
}
