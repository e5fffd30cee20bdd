//! Quality-award programmes.

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use entity::{
    award_program, credential,
    enums::{CredentialKind, CredentialStatus, Level},
    quality_award,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait,
};

use super::UserError;
use super::region::RegionScope;
use crate::error::ApiResult;
use crate::i18n::Message;

/// Which programmes to list.
#[derive(Debug, Default)]
pub struct ProgramFilter {
    /// Programmes of this level.
    pub level: Option<Level>,
    /// Programmes run at this region or below it.
    pub region: Option<RegionScope>,
}

/// Programmes matching the filter, ordered by code.
pub fn search(filter: ProgramFilter) -> Listing<award_program::Entity> {
    let mut query = award_program::Entity::find();
    if let Some(level) = filter.level {
        query = query.filter(award_program::Column::Level.eq(level));
    }
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(award_program::Column::RegionCode, region));
    }
    // Codes are unique.
    Listing {
        rows: query,
        order: ListOrder::by([SortKey::column(award_program::Column::Code, KeyKind::Text)]),
    }
}

/// Whether granting `award` (already marked granted inside the caller's transaction) puts its
/// programme over the cap on winners per edition (中国质量奖: at most 10); an edition is the award's
/// year. The programme row is locked first, so concurrent grants in one programme are counted one after
/// the other (SQLite serialises writers anyway).
pub async fn edition_over_cap(
    txn: &impl ConnectionTrait,
    award: &credential::Model,
) -> ApiResult<Option<UserError>> {
    let Some(detail) = quality_award::Entity::find_by_id(award.id).one(txn).await? else {
        return Ok(None);
    };
    let program = award_program::Entity::find_by_id(detail.program_id)
        .lock_exclusive()
        .one(txn)
        .await?;
    let Some(cap) = program.and_then(|program| program.max_winners_per_edition) else {
        return Ok(None);
    };
    let winners = credential::Entity::find()
        .filter(credential::Column::Kind.eq(CredentialKind::QualityAward))
        .filter(credential::Column::Status.eq(CredentialStatus::Granted))
        .filter(credential::Column::Year.eq(award.year))
        .filter(
            credential::Column::Id.in_subquery(
                quality_award::Entity::find()
                    .select_only()
                    .column(quality_award::Column::CredentialId)
                    .filter(quality_award::Column::ProgramId.eq(detail.program_id))
                    .into_query(),
            ),
        )
        .count(txn)
        .await?;
    Ok((winners > u64::try_from(cap).unwrap_or_default()).then(|| {
        UserError::new(
            "id",
            "CAP_REACHED",
            Message::new("programme-cap-reached")
                .with(
                    "year",
                    award.year.map_or_else(String::new, |year| year.to_string()),
                )
                .with("cap", cap),
        )
    }))
}
