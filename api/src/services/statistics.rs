//! Counts of credentials for dashboards and statistics offices, grouped by any of region (rolled up
//! to a chosen level), kind, level, tier, green kind, year and state. The filters are those of the
//! credential lists (visibility, `validIn`/`asOf` included), so a count always matches its list.
//!
//! The database groups by the stored region code; rolling codes up to the chosen level happens here,
//! with one statement for the regions involved, because the tree is not uniform: Chongqing's and
//! Shanghai's districts hang directly under the municipality, with no prefecture between.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entity::{
    credential,
    enums::{CredentialKind, CredentialStatus, GreenKind, Level, LittleGiantTier},
    green_designation, little_giant_designation, region,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationDef,
    sea_query::{Alias, Asterisk, CaseStatement, Expr, ExprTrait, SimpleExpr},
};

use super::credential::{CredentialFilter, CredentialState, matching, tallied, tallied_count};
use crate::domain::{RegionCode, rank};
use crate::error::{ApiError, ApiResult};
use crate::policy::Viewer;

/// What counts can be grouped by.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum StatisticsDimension {
    /// The holder's region when granted, rolled up to `regionLevel`.
    Region,
    /// The kind of credential.
    Kind,
    /// The level it was granted at.
    Level,
    /// The 专精特新 tier (little giants only; null for other kinds).
    Tier,
    /// What a green listing lists (green designations only; null for other kinds).
    GreenKind,
    /// The list or award year.
    Year,
    /// The state today (`EXPIRED` derived from dates).
    Status,
}

/// One group's key and count; a key part is `None` when not grouped by it (or, for tier and green
/// kind, when the credential has none).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Group {
    /// Region code at the chosen level.
    pub region_code: Option<String>,
    pub kind: Option<CredentialKind>,
    pub level: Option<Level>,
    pub tier: Option<LittleGiantTier>,
    pub green_kind: Option<GreenKind>,
    pub year: Option<i32>,
    pub status: Option<CredentialState>,
    /// How many credentials.
    pub count: u64,
}

/// The join from a credential to its detail row in `E`, keyed by `credential_id`.
fn detail_join<E: EntityTrait>(key: E::Column) -> RelationDef {
    credential::Entity::belongs_to(E::default())
        .from(credential::Column::Id)
        .to(key)
        .into()
}

/// The state today as SQL: the stored status, except a granted credential past its end is `EXPIRED`.
fn state_expression(today: NaiveDate) -> CaseStatement {
    Expr::case(
        Condition::all()
            .add(credential::Column::Status.eq(CredentialStatus::Granted))
            .add(credential::Column::ValidUntil.lte(today)),
        "EXPIRED",
    )
    .finally(Expr::col((credential::Entity, credential::Column::Status)))
}

/// Counts the credentials `viewer` may see that match `filter`, grouped by `dimensions`, regions
/// rolled up to `region_level`. Ordered by count, largest first.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    today: NaiveDate,
    filter: &CredentialFilter,
    dimensions: &[StatisticsDimension],
    region_level: Level,
) -> ApiResult<Vec<Group>> {
    use StatisticsDimension as D;
    use credential::Column as C;
    // By region and kind alone, the tallies answer (see `credential::tallied`).
    let by_tally = dimensions
        .iter()
        .all(|dimension| matches!(dimension, D::Region | D::Kind))
        .then(|| tallied(viewer, today, filter))
        .flatten();
    let (mut query, counted) = match by_tally {
        Some(tallies) => (tallies, tallied_count()),
        None => (
            matching(viewer, today, filter).select_only(),
            Expr::col(Asterisk).count(),
        ),
    };
    if dimensions.contains(&D::Tier) {
        let join =
            detail_join::<little_giant_designation::Entity>(little_giant_designation::Column::CredentialId);
        query = query.join(JoinType::LeftJoin, join);
    }
    if dimensions.contains(&D::GreenKind) {
        let join = detail_join::<green_designation::Entity>(green_designation::Column::CredentialId);
        query = query.join(JoinType::LeftJoin, join);
    }
    // Every row has the same columns, a NULL where a dimension is not grouped by.
    let text_null = || Expr::val(Option::<String>::None);
    let columns: [(D, &str, SimpleExpr, SimpleExpr); 7] = [
        (
            D::Region,
            "region_code",
            Expr::col((credential::Entity, C::RegionCode)),
            text_null(),
        ),
        (
            D::Kind,
            "kind",
            Expr::col((credential::Entity, C::Kind)),
            text_null(),
        ),
        (
            D::Level,
            "level",
            Expr::col((credential::Entity, C::Level)),
            text_null(),
        ),
        (
            D::Tier,
            "tier",
            Expr::col((
                little_giant_designation::Entity,
                little_giant_designation::Column::Tier,
            )),
            text_null(),
        ),
        (
            D::GreenKind,
            "green_kind",
            Expr::col((green_designation::Entity, green_designation::Column::GreenKind)),
            text_null(),
        ),
        (
            D::Year,
            "year",
            Expr::col((credential::Entity, C::Year)),
            Expr::val(Option::<i32>::None),
        ),
        (
            D::Status,
            "derived_status",
            state_expression(today).into(),
            text_null(),
        ),
    ];
    for (dimension, alias, grouped, absent) in columns {
        if dimensions.contains(&dimension) {
            // Grouped by alias: the state expression binds today's date, and PostgreSQL does not
            // match two copies of a bound expression.
            query = query
                .expr_as(grouped, alias)
                .group_by(Expr::col(Alias::new(alias)));
        } else {
            query = query.expr_as(absent, alias);
        }
    }
    let rows: Vec<Row> = query.expr_as(counted, "count").into_tuple().all(db).await?;
    let mut groups = rows.into_iter().map(parse).collect::<ApiResult<Vec<_>>>()?;
    if dimensions.contains(&D::Region) {
        groups = roll_up(db, groups, region_level).await?;
    }
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cmp(b)));
    Ok(groups)
}

/// One result row: region code, kind, level, tier, green kind, year, state, count.
type Row = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<String>,
    i64,
);

/// A stored enum from its column value.
fn stored<T: ActiveEnum<Value = String>>(value: Option<String>) -> ApiResult<Option<T>> {
    value
        .map(|text| T::try_from_value(&text).map_err(|err| ApiError::Internal(format!("{text}: {err}"))))
        .transpose()
}

fn parse((region_code, kind, level, tier, green_kind, year, status, count): Row) -> ApiResult<Group> {
    let status = match status.as_deref() {
        None => None,
        Some("EXPIRED") => Some(CredentialState::Expired),
        Some(_) => stored::<CredentialStatus>(status)?.map(super::credential::stored_state),
    };
    Ok(Group {
        region_code,
        kind: stored(kind)?,
        level: stored(level)?,
        tier: stored(tier)?,
        green_kind: stored(green_kind)?,
        year,
        status,
        count: u64::try_from(count).unwrap_or_default(),
    })
}

/// Replaces each group's region by the region at `level` that contains it and adds up the groups
/// that then share a key. Where the tree skips `level` (a Chongqing district at the prefectural
/// level), the nearest region below it stands in; a region above `level` stays itself.
async fn roll_up(db: &impl ConnectionTrait, groups: Vec<Group>, level: Level) -> ApiResult<Vec<Group>> {
    let mut candidates: Vec<String> = groups
        .iter()
        .filter_map(|g| g.region_code.as_deref())
        .filter_map(|code| RegionCode::parse(code).ok())
        .flat_map(|code| code.with_ancestors())
        .collect();
    candidates.sort();
    candidates.dedup();
    let levels: HashMap<String, Level> = region::Entity::find()
        .filter(region::Column::Code.is_in(candidates))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.code, row.level))
        .collect();
    let target = |code: &str| -> String {
        let Ok(parsed) = RegionCode::parse(code) else {
            return code.to_owned();
        };
        // Nearest first; the last existing one at or below `level` is the widest that fits.
        parsed
            .with_ancestors()
            .into_iter()
            .rfind(|candidate| levels.get(candidate).is_some_and(|l| rank(*l) >= rank(level)))
            .unwrap_or_else(|| code.to_owned())
    };
    let mut merged: BTreeMap<Group, u64> = BTreeMap::new();
    for group in groups {
        let count = group.count;
        let key = Group {
            region_code: group.region_code.as_deref().map(target),
            count: 0,
            ..group
        };
        *merged.entry(key).or_default() += count;
    }
    Ok(merged
        .into_iter()
        .map(|(key, count)| Group { count, ..key })
        .collect())
}
