//! Enterprises.

use entity::{
    enterprise,
    enums::{EnterpriseScale, EnterpriseStatus},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Select};

use super::SortDirection;
use super::region::RegionScope;
use crate::domain::Uscc;
use crate::error::ApiResult;

/// Which enterprises to list.
#[derive(Debug, Default)]
pub struct EnterpriseFilter {
    /// Enterprises registered at this region or below it.
    pub region: Option<RegionScope>,
    /// Name contains this text (case-insensitive, full-width folded).
    pub name_contains: Option<String>,
    /// Enterprises in this registration state.
    pub status: Option<EnterpriseStatus>,
    /// Enterprises of this size class.
    pub scale: Option<EnterpriseScale>,
}

/// How enterprise lists are ordered.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, async_graphql::Enum)]
pub enum EnterpriseOrderField {
    /// By name (folded form).
    #[default]
    Name,
    /// By unified social credit code.
    Uscc,
    /// By date of establishment.
    EstablishedOn,
}

/// Enterprises matching the filter in the requested order (id breaks ties, so pages are stable).
pub fn search(
    filter: &EnterpriseFilter,
    order: EnterpriseOrderField,
    direction: SortDirection,
) -> Select<enterprise::Entity> {
    let mut query = enterprise::Entity::find();
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(enterprise::Column::RegionCode, region));
    }
    if let Some(term) = &filter.name_contains {
        query = query.filter(super::name_contains(enterprise::Column::NameNormalized, term));
    }
    if let Some(status) = filter.status {
        query = query.filter(enterprise::Column::Status.eq(status));
    }
    if let Some(scale) = filter.scale {
        query = query.filter(enterprise::Column::Scale.eq(scale));
    }
    let column = match order {
        EnterpriseOrderField::Name => enterprise::Column::NameNormalized,
        EnterpriseOrderField::Uscc => enterprise::Column::Uscc,
        EnterpriseOrderField::EstablishedOn => enterprise::Column::EstablishedOn,
    };
    query
        .order_by(column, direction.order())
        .order_by_asc(enterprise::Column::Id)
}

/// The enterprise with this code, if any.
pub async fn by_uscc(db: &DatabaseConnection, uscc: &Uscc) -> ApiResult<Option<enterprise::Model>> {
    Ok(enterprise::Entity::find()
        .filter(enterprise::Column::Uscc.eq(uscc.as_str()))
        .one(db)
        .await?)
}
