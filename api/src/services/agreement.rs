//! Mutual-recognition agreements (互认).

use entity::{
    agreement_party, agreement_scope, bureau,
    enums::{AgreementStatus, CredentialKind},
    recognition_agreement as agreement,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select};

use super::region::RegionScope;

/// Which agreements to list.
#[derive(Debug, Default)]
pub struct AgreementFilter {
    /// Agreements in this state.
    pub status: Option<AgreementStatus>,
    /// Agreements with a party whose bureau sits at this region or below it.
    pub party_region: Option<RegionScope>,
    /// Agreements whose scope includes this credential kind.
    pub covers: Option<CredentialKind>,
}

/// Agreements matching the filter, newest first.
pub fn search(filter: &AgreementFilter) -> Select<agreement::Entity> {
    let mut query = agreement::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(agreement::Column::Status.eq(status));
    }
    if let Some(region) = &filter.party_region {
        let bureaus = bureau::Entity::find()
            .select_only()
            .column(bureau::Column::Id)
            .filter(super::region::within(bureau::Column::RegionCode, region))
            .into_query();
        let agreements = agreement_party::Entity::find()
            .select_only()
            .column(agreement_party::Column::AgreementId)
            .filter(agreement_party::Column::BureauId.in_subquery(bureaus))
            .into_query();
        query = query.filter(agreement::Column::Id.in_subquery(agreements));
    }
    if let Some(kind) = filter.covers {
        let agreements = agreement_scope::Entity::find()
            .select_only()
            .column(agreement_scope::Column::AgreementId)
            .filter(agreement_scope::Column::CredentialKind.eq(kind))
            .into_query();
        query = query.filter(agreement::Column::Id.in_subquery(agreements));
    }
    query
        .order_by_desc(agreement::Column::SignedOn)
        .order_by_asc(agreement::Column::Id)
}
