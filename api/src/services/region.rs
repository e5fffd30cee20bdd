//! The region tree (GB/T 2260).

use entity::{enums::Level, region};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::RegionCode;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;

/// Looks a region up by code.
pub async fn find(db: &DatabaseConnection, code: &str) -> ApiResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Parses `input` as a region code that exists in the region table; `field` names the input in errors.
pub async fn require(db: &DatabaseConnection, field: &str, input: &str) -> ApiResult<RegionCode> {
    let code = RegionCode::parse(input).map_err(|reason| ApiError::bad_input(field, reason))?;
    match find(db, code.as_str()).await? {
        Some(_) => Ok(code),
        None => Err(ApiError::bad_input(
            field,
            Message::new("region-code-unknown").with("code", code.as_str()),
        )),
    }
}

/// A region filter: the region itself, and by default every region below it.
#[derive(Clone, Debug)]
pub struct RegionScope {
    /// The region.
    pub code: RegionCode,
    /// Whether regions below it match too.
    pub include_sub_regions: bool,
}

/// Rows whose `column` lies in `scope`: one equality or one index range scan.
pub fn within(column: impl ColumnTrait, scope: &RegionScope) -> Condition {
    if !scope.include_sub_regions {
        return Condition::all().add(column.eq(scope.code.as_str()));
    }
    match scope.code.subtree_range() {
        None => Condition::all(),
        Some((from, to)) => Condition::all().add(column.gte(from)).add(column.lt(to)),
    }
}

/// Which regions to list.
#[derive(Debug, Default)]
pub struct RegionFilter {
    /// Only the direct children of this region.
    pub parent: Option<RegionCode>,
    /// Only regions of this level.
    pub level: Option<Level>,
    /// Include abolished codes.
    pub include_abolished: bool,
}

/// Regions matching the filter, ordered by code.
pub async fn list(db: &DatabaseConnection, filter: RegionFilter) -> ApiResult<Vec<region::Model>> {
    let mut query = region::Entity::find().order_by_asc(region::Column::Code);
    if let Some(parent) = filter.parent {
        query = query.filter(region::Column::ParentCode.eq(parent.as_str()));
    }
    if let Some(level) = filter.level {
        query = query.filter(region::Column::Level.eq(level));
    }
    if !filter.include_abolished {
        query = query.filter(region::Column::AbolishedOn.is_null());
    }
    Ok(query.all(db).await?)
}
