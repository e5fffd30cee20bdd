//! Geographic indications (地理标志).

use entity::{enums::GiProtectionType, geographic_indication as gi, gi_protected_area};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};

use super::region::RegionScope;

/// Which geographic indications to list.
#[derive(Debug, Default)]
pub struct GiFilter {
    /// Indications under this protection system.
    pub protection_type: Option<GiProtectionType>,
    /// Indications whose home region or any protected area lies at this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<String>,
}

/// Indications matching the filter, by name.
pub fn search(filter: &GiFilter) -> Select<gi::Entity> {
    let mut query = gi::Entity::find();
    if let Some(protection_type) = filter.protection_type {
        query = query.filter(gi::Column::ProtectionType.eq(protection_type));
    }
    if let Some(region) = &filter.region {
        let in_area = gi_protected_area::Entity::find()
            .select_only()
            .column(gi_protected_area::Column::GiId)
            .filter(super::region::within(
                gi_protected_area::Column::RegionCode,
                region,
            ))
            .into_query();
        query = query.filter(
            Condition::any()
                .add(super::region::within(gi::Column::RegionCode, region))
                .add(gi::Column::Id.in_subquery(in_area)),
        );
    }
    if let Some(term) = &filter.name_contains {
        query = query.filter(super::name_contains(gi::Column::NameNormalized, term));
    }
    query
        .order_by_asc(gi::Column::NameNormalized)
        .order_by_asc(gi::Column::Id)
}
