//! Brands.

use entity::{brand, enums::BrandKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::region::RegionScope;

/// Which brands to list.
#[derive(Debug, Default)]
pub struct BrandFilter {
    /// Brands of this kind.
    pub kind: Option<BrandKind>,
    /// Brands whose home region is this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<String>,
}

/// Brands matching the filter, by name.
pub fn search(filter: &BrandFilter) -> Select<brand::Entity> {
    let mut query = brand::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(brand::Column::Kind.eq(kind));
    }
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(brand::Column::RegionCode, region));
    }
    if let Some(term) = &filter.name_contains {
        query = query.filter(super::name_contains(brand::Column::NameNormalized, term));
    }
    query
        .order_by_asc(brand::Column::NameNormalized)
        .order_by_asc(brand::Column::Id)
}
