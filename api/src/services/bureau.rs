//! Bureaus (局/委).

use entity::{
    bureau,
    enums::{BureauKind, Level},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::region::RegionScope;

/// Which bureaus to list.
#[derive(Debug, Default)]
pub struct BureauFilter {
    /// Bureaus at this region or below it.
    pub region: Option<RegionScope>,
    /// Bureaus of this kind.
    pub kind: Option<BureauKind>,
    /// Bureaus of this level.
    pub level: Option<Level>,
}

/// Bureaus matching the filter, ordered by code.
pub fn search(filter: BureauFilter) -> Select<bureau::Entity> {
    let mut query = bureau::Entity::find().order_by_asc(bureau::Column::Code);
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(bureau::Column::RegionCode, region));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(bureau::Column::Kind.eq(kind));
    }
    if let Some(level) = filter.level {
        query = query.filter(bureau::Column::Level.eq(level));
    }
    query
}

/// The bureau with this code, if any.
pub async fn by_code(
    db: &sea_orm::DatabaseConnection,
    code: &str,
) -> crate::error::ApiResult<Option<bureau::Model>> {
    Ok(bureau::Entity::find()
        .filter(bureau::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}
