//! The region tree (GB/T 2260).

use entity::{enums::Level, region, region_successor};
use sea_orm::sea_query::{Expr, ExprTrait};
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

/// Parses `input` as a region code and reads its region; `field` names the input in errors.
async fn lookup(db: &DatabaseConnection, field: &str, input: &str) -> ApiResult<(RegionCode, region::Model)> {
    let code = RegionCode::parse(input).map_err(|reason| ApiError::bad_input(field, reason))?;
    match find(db, code.as_str()).await? {
        Some(region) => Ok((code, region)),
        None => Err(ApiError::bad_input(
            field,
            Message::new("region-code-unknown").with("code", code.as_str()),
        )),
    }
}

/// Parses `input` as a region code that exists in the region table; `field` names the input in errors.
pub async fn require(db: &DatabaseConnection, field: &str, input: &str) -> ApiResult<RegionCode> {
    Ok(lookup(db, field, input).await?.0)
}

/// The filter for region `input` (`field` names it in errors): an abolished code reaches its
/// successors too; a code in force costs no look-up of them.
pub async fn scope(
    db: &DatabaseConnection,
    field: &str,
    input: &str,
    include_sub_regions: bool,
) -> ApiResult<RegionScope> {
    let (code, region) = lookup(db, field, input).await?;
    let successors = match region.abolished_on {
        Some(_) => successors(db, &code).await?,
        None => Vec::new(),
    };
    Ok(RegionScope {
        code,
        include_sub_regions,
        successors,
    })
}

/// A region filter: the region itself, and by default every region below it. For an abolished code,
/// its successors too: what was recorded under the old code and what is recorded now under the codes
/// that took its area over.
#[derive(Clone, Debug)]
pub struct RegionScope {
    /// The region.
    pub code: RegionCode,
    /// Whether regions below it match too.
    pub include_sub_regions: bool,
    /// The regions that took an abolished `code` over, and theirs in turn; empty for a code in force.
    pub successors: Vec<RegionCode>,
}

impl RegionScope {
    /// `code`, and every region below it when `include_sub_regions`.
    pub fn new(code: RegionCode, include_sub_regions: bool) -> Self {
        Self {
            code,
            include_sub_regions,
            successors: Vec::new(),
        }
    }
}

/// Rows whose `column` lies in `scope`: one equality or one index range scan per code (the code and
/// each successor).
pub fn within(column: impl ColumnTrait, scope: &RegionScope) -> Condition {
    let own = code_within(column, &scope.code, scope.include_sub_regions);
    if scope.successors.is_empty() {
        return own;
    }
    // Successors are never the nation, so no branch of the `OR` is the empty (always true) condition.
    scope
        .successors
        .iter()
        .fold(Condition::any().add(own), |any, code| {
            any.add(code_within(column, code, scope.include_sub_regions))
        })
}

/// Rows whose region code, the column `column` of a list's only table, lies in `scope`, tested as the
/// prefix of the code the region's subtree shares (`substr(column, 1, 2) = '51'`), the form that the
/// enterprise list's indexes by region level hold (migration `m20261205_000019_list_orders`), so that
/// a province's or a prefecture's enterprises are read in order from one index range.
pub fn within_by_prefix(column: &str, scope: &RegionScope) -> Condition {
    let by_prefix = |code: &RegionCode| match (scope.include_sub_regions, code.subtree_prefix()) {
        (_, None) => Condition::all(),
        (false, Some(_)) => Condition::all().add(Expr::cust(column.to_owned()).eq(code.as_str())),
        (true, Some(prefix)) if prefix.len() == code.as_str().len() => {
            Condition::all().add(Expr::cust(column.to_owned()).eq(prefix))
        }
        (true, Some(prefix)) => {
            let part = Expr::cust(format!("substr({column}, 1, {})", prefix.len()));
            Condition::all().add(part.eq(prefix))
        }
    };
    let own = by_prefix(&scope.code);
    if scope.successors.is_empty() {
        return own;
    }
    // Successors are never the nation, so no branch of the `OR` is the empty (always true) condition.
    scope
        .successors
        .iter()
        .fold(Condition::any().add(own), |any, code| any.add(by_prefix(code)))
}

/// Rows whose `column` is `code`, or lies below it when `include_sub_regions`.
fn code_within(column: impl ColumnTrait, code: &RegionCode, include_sub_regions: bool) -> Condition {
    if !include_sub_regions {
        return Condition::all().add(column.eq(code.as_str()));
    }
    match code.subtree_range() {
        None => Condition::all(),
        Some((from, to)) => Condition::all().add(column.gte(from)).add(column.lt(to)),
    }
}

/// The regions that took the abolished `code` over, and theirs in turn when they were abolished too
/// (綦江县 500222 → 綦江区 500110); empty for a code in force.
async fn successors(db: &DatabaseConnection, code: &RegionCode) -> ApiResult<Vec<RegionCode>> {
    let mut found: Vec<RegionCode> = Vec::new();
    let mut asked = vec![code.as_str().to_owned()];
    // Each round follows one more step of succession; a chain is a few steps long at most.
    while !asked.is_empty() {
        let links = region_successor::Entity::find()
            .filter(region_successor::Column::RegionCode.is_in(asked))
            .all(db)
            .await?;
        asked = Vec::new();
        for link in links {
            let Ok(successor) = RegionCode::parse(&link.successor_code) else {
                continue;
            };
            if successor != *code && !found.contains(&successor) {
                asked.push(link.successor_code);
                found.push(successor);
            }
        }
    }
    Ok(found)
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
