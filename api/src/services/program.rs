//! Quality-award programmes.

use entity::{award_program, enums::Level};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::region::RegionScope;

/// Which programmes to list.
#[derive(Debug, Default)]
pub struct ProgramFilter {
    /// Programmes of this level.
    pub level: Option<Level>,
    /// Programmes run at this region or below it.
    pub region: Option<RegionScope>,
}

/// Programmes matching the filter, ordered by code.
pub fn search(filter: ProgramFilter) -> Select<award_program::Entity> {
    let mut query = award_program::Entity::find().order_by_asc(award_program::Column::Code);
    if let Some(level) = filter.level {
        query = query.filter(award_program::Column::Level.eq(level));
    }
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(award_program::Column::RegionCode, region));
    }
    query
}
