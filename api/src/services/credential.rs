//! Credentials of every kind: the shared search, the derived state, and validity on a date.
//!
//! A credential is one row of `credential` (the columns all kinds share) plus one row of its kind's
//! detail table. Lists filter on the shared row and reach into a detail table with a subquery, so one
//! query shape serves every kind and the enterprise profile alike.

use chrono::NaiveDate;
use entity::{
    brand_recognition, credential, enterprise,
    enums::{
        BrandRecognitionKind, CredentialKind, CredentialStatus, GiProtectionType, GreenKind, Level,
        LittleGiantTier,
    },
    geographic_indication, gi_authorization, green_designation, little_giant_designation, person,
    quality_award,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait, RelationTrait, Select,
    sea_query::{Alias, Expr, Func, SimpleExpr},
};
use uuid::Uuid;

use super::SortDirection;
use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use super::recognition::Recognition;
use super::region::RegionScope;
use crate::policy::Viewer;

/// The state of a credential as users see it: the stored state, except that a granted credential past
/// its `validUntil` reads as `EXPIRED` (derived from dates, never a job that can run late).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, async_graphql::Enum)]
pub enum CredentialState {
    /// Being prepared by a registrar (草稿); staff only.
    Draft,
    /// Submitted for review (已提交); staff only.
    Submitted,
    /// On public notice (公示) before it becomes final.
    PublicNotice,
    /// Granted and not past its validity (有效).
    Granted,
    /// Granted, but its validity has ended (已过期).
    Expired,
    /// Rejected on review (未通过); staff only.
    Rejected,
    /// Withdrawn during public notice (撤回); staff only.
    Withdrawn,
    /// Revoked before its validity ended (撤销).
    Revoked,
}

/// The derived state of `model` on `today`.
pub fn state(model: &credential::Model, today: NaiveDate) -> CredentialState {
    match model.status {
        CredentialStatus::Granted if model.valid_until.is_some_and(|until| until <= today) => {
            CredentialState::Expired
        }
        status => stored_state(status),
    }
}

/// The state a stored status reads as while not past its end.
pub fn stored_state(status: CredentialStatus) -> CredentialState {
    match status {
        CredentialStatus::Draft => CredentialState::Draft,
        CredentialStatus::Submitted => CredentialState::Submitted,
        CredentialStatus::PublicNotice => CredentialState::PublicNotice,
        CredentialStatus::Granted => CredentialState::Granted,
        CredentialStatus::Rejected => CredentialState::Rejected,
        CredentialStatus::Withdrawn => CredentialState::Withdrawn,
        CredentialStatus::Revoked => CredentialState::Revoked,
    }
}

/// Whether `model` was in force on `date`: granted (a later revocation does not rewrite the past), on or
/// after `valid_from`, before the exclusive `valid_until`, and before any revocation.
pub fn is_valid_on(model: &credential::Model, date: NaiveDate) -> bool {
    matches!(
        model.status,
        CredentialStatus::Granted | CredentialStatus::Revoked
    ) && model.valid_from.is_some_and(|from| from <= date)
        && model.valid_until.is_none_or(|until| date < until)
        && model.revoked_on.is_none_or(|revoked| date < revoked)
}

/// The SQL twin of [`is_valid_on`].
pub fn valid_on_condition(date: NaiveDate) -> Condition {
    use credential::Column as C;
    Condition::all()
        .add(C::Status.is_in([CredentialStatus::Granted, CredentialStatus::Revoked]))
        .add(C::ValidFrom.lte(date))
        .add(
            Condition::any()
                .add(C::ValidUntil.is_null())
                .add(C::ValidUntil.gt(date)),
        )
        .add(
            Condition::any()
                .add(C::RevokedOn.is_null())
                .add(C::RevokedOn.gt(date)),
        )
}

/// The SQL twin of [`state`] for one state.
fn state_condition(wanted: CredentialState, today: NaiveDate) -> Condition {
    use credential::Column as C;
    let stored = |status: CredentialStatus| Condition::all().add(C::Status.eq(status));
    match wanted {
        CredentialState::Draft => stored(CredentialStatus::Draft),
        CredentialState::Submitted => stored(CredentialStatus::Submitted),
        CredentialState::PublicNotice => stored(CredentialStatus::PublicNotice),
        CredentialState::Granted => stored(CredentialStatus::Granted).add(
            Condition::any()
                .add(C::ValidUntil.is_null())
                .add(C::ValidUntil.gt(today)),
        ),
        CredentialState::Expired => stored(CredentialStatus::Granted).add(C::ValidUntil.lte(today)),
        CredentialState::Rejected => stored(CredentialStatus::Rejected),
        CredentialState::Withdrawn => stored(CredentialStatus::Withdrawn),
        CredentialState::Revoked => stored(CredentialStatus::Revoked),
    }
}

/// What every new credential row starts from: its kind, level, granting bureau, region and state,
/// with no holder, dates, decisions or key yet; callers fill in the rest with struct-update syntax.
pub struct Blank {
    pub kind: CredentialKind,
    pub level: Level,
    pub granting_bureau_id: Uuid,
    pub region_code: String,
    pub status: CredentialStatus,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Blank {
    /// The row, with a fresh id.
    pub fn row(self) -> credential::Model {
        credential::Model {
            id: Uuid::now_v7(),
            created_at: self.now,
            updated_at: self.now,
            version: 1,
            kind: self.kind,
            holder_enterprise_id: None,
            holder_person_id: None,
            level: self.level,
            granting_bureau_id: self.granting_bureau_id,
            region_code: self.region_code,
            status: self.status,
            batch: None,
            year: None,
            notice_starts_on: None,
            notice_ends_on: None,
            granted_on: None,
            valid_from: None,
            valid_until: None,
            revoked_on: None,
            revocation_reason: None,
            proposed_by: None,
            reviewed_by: None,
            exclusive_key: None,
            decision_reason: None,
        }
    }
}

/// Filters a credential list can take. Kind-specific fields only match credentials of that kind.
#[derive(Debug, Default)]
pub struct CredentialFilter {
    /// Only these kinds (empty: all).
    pub kinds: Vec<CredentialKind>,
    /// Holder's region (at grant time) is this region or below it.
    pub region: Option<RegionScope>,
    /// Credentials of this level.
    pub level: Option<Level>,
    /// Credentials in this (derived) state.
    pub state: Option<CredentialState>,
    /// Announcement batch number.
    pub batch: Option<i32>,
    /// List or award year.
    pub year: Option<i32>,
    /// In force on this date (anywhere, unless `valid_in` narrows it).
    pub as_of: Option<NaiveDate>,
    /// Counting in a region on a date: local there, or recognised by an agreement.
    pub valid_in: Option<Recognition>,
    /// Granted, with a validity that ends before this date.
    pub expiring_before: Option<NaiveDate>,
    /// Holder's name (enterprise or person) contains this text.
    pub name_contains: Option<super::NameTerm>,
    /// Held by this enterprise.
    pub holder_enterprise: Option<Uuid>,
    /// Little giants of this tier.
    pub tier: Option<LittleGiantTier>,
    /// Green listings of this kind.
    pub green_kind: Option<GreenKind>,
    /// Brand recognitions of this brand.
    pub brand: Option<Uuid>,
    /// Brand recognitions of this kind.
    pub recognition_kind: Option<BrandRecognitionKind>,
    /// GI authorisations of this indication.
    pub geographic_indication: Option<Uuid>,
    /// GI authorisations under this protection system.
    pub protection_type: Option<GiProtectionType>,
    /// Quality awards of this programme.
    pub program: Option<Uuid>,
    /// On this agreement's list on `as_of` (default today).
    pub listed_under: Option<Uuid>,
    /// Listed by this announcement (for this act, when given).
    pub announcement: Option<(Uuid, Option<entity::enums::AnnouncedAct>)>,
}

/// How credential lists are ordered.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, async_graphql::Enum)]
pub enum CredentialOrderField {
    /// By the holder's name (folded form).
    #[default]
    HolderName,
    /// By the start of validity, or the grant date.
    Date,
    /// By the holder enterprise's unified social credit code.
    Uscc,
}

/// `credential.id IN (SELECT credential_id FROM <detail> WHERE <condition>)`.
fn detail_matches<E: EntityTrait>(key: E::Column, condition: SimpleExpr) -> SimpleExpr {
    credential::Column::Id.in_subquery(E::find().select_only().column(key).filter(condition).into_query())
}

/// The visible credentials matching `filter`, unordered: the base of lists and of statistics.
pub fn matching(viewer: &Viewer, today: NaiveDate, filter: &CredentialFilter) -> Select<credential::Entity> {
    use credential::Column as C;
    let mut query = credential::Entity::find().filter(viewer.credential_condition());
    if !filter.kinds.is_empty() {
        query = query.filter(C::Kind.is_in(filter.kinds.iter().copied()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(super::region::within(C::RegionCode, region));
    }
    if let Some(level) = filter.level {
        query = query.filter(C::Level.eq(level));
    }
    if let Some(wanted) = filter.state {
        query = query.filter(state_condition(wanted, today));
    }
    if let Some(batch) = filter.batch {
        query = query.filter(C::Batch.eq(batch));
    }
    if let Some(year) = filter.year {
        query = query.filter(C::Year.eq(year));
    }
    match (&filter.valid_in, filter.as_of) {
        (Some(recognition), _) => query = query.filter(recognition.condition()),
        (None, Some(date)) => query = query.filter(valid_on_condition(date)),
        (None, None) => {}
    }
    if let Some(date) = filter.expiring_before {
        query = query
            .filter(C::Status.eq(CredentialStatus::Granted))
            .filter(C::ValidUntil.lt(date));
    }
    if let Some(holder) = filter.holder_enterprise {
        query = query.filter(C::HolderEnterpriseId.eq(holder));
    }
    if let Some(term) = &filter.name_contains {
        let enterprises = enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .filter(super::enterprise::named(term))
            .into_query();
        let persons = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(super::names_contain(
                person::Column::NameNormalized,
                None,
                person::Column::NameGrams,
                term,
            ))
            .into_query();
        query = query.filter(
            Condition::any()
                .add(C::HolderEnterpriseId.in_subquery(enterprises))
                .add(C::HolderPersonId.in_subquery(persons)),
        );
    }
    if let Some((announcement, act)) = filter.announcement {
        query = query.filter(super::announcement::lists_condition(announcement, act));
    }
    if let Some(agreement) = filter.listed_under {
        let date = filter.as_of.unwrap_or(today);
        query = query.filter(super::recognition::listed_on_condition(agreement, date));
    }
    filter_details(query, filter)
}

/// Credentials counted by kind, region code and stored state, kept in step by triggers (migration
/// `m20261206_000022_credential_tally`); each row's count is in column `credentials`.
const TALLY: &str = "credential_tally";

impl CredentialFilter {
    /// Whether the filter asks about nothing but kinds and a region: what a tally knows.
    fn by_kind_and_region_only(&self) -> bool {
        // Every field named, so that a new filter has to be placed on one side or the other.
        let Self {
            kinds: _,
            region: _,
            level,
            state,
            batch,
            year,
            as_of,
            valid_in,
            expiring_before,
            name_contains,
            holder_enterprise,
            tier,
            green_kind,
            brand,
            recognition_kind,
            geographic_indication,
            protection_type,
            program,
            listed_under,
            announcement,
        } = self;
        level.is_none()
            && state.is_none()
            && batch.is_none()
            && year.is_none()
            && as_of.is_none()
            && valid_in.is_none()
            && expiring_before.is_none()
            && name_contains.is_none()
            && holder_enterprise.is_none()
            && tier.is_none()
            && green_kind.is_none()
            && brand.is_none()
            && recognition_kind.is_none()
            && geographic_indication.is_none()
            && protection_type.is_none()
            && program.is_none()
            && listed_under.is_none()
            && announcement.is_none()
    }
}

/// The visible credentials matching `filter` as rows of their tally (a kind, a region code, a stored
/// state, and in [`tallied_count`] how many credentials), where those three alone decide which match:
/// the filter names only kinds and a region, and `viewer` sees by region and state. A count then adds
/// up a region's tallies instead of counting each credential. `None` where the credentials
/// themselves must be counted.
pub fn tallied(
    viewer: &Viewer,
    today: NaiveDate,
    filter: &CredentialFilter,
) -> Option<Select<credential::Entity>> {
    if !(filter.by_kind_and_region_only() && viewer.sees_credentials_by_region_and_state()) {
        return None;
    }
    let mut rows = matching(viewer, today, filter).select_only();
    // The tally stands in for the table under the table's name: its columns are named as the table's,
    // so the same conditions hold of it.
    QuerySelect::query(&mut rows)
        .from_clear()
        .from_as(Alias::new(TALLY), credential::Entity);
    Some(rows)
}

/// How many credentials the rows of [`tallied`] hold together.
pub fn tallied_count() -> SimpleExpr {
    Expr::cust("CAST(COALESCE(SUM(credentials), 0) AS BIGINT)")
}

/// How many visible credentials match `filter`, added up from their tallies where [`tallied`] can.
pub fn count_by_tally(
    viewer: &Viewer,
    today: NaiveDate,
    filter: &CredentialFilter,
) -> Option<Select<credential::Entity>> {
    tallied(viewer, today, filter).map(|tallies| tallies.expr(tallied_count()))
}

/// The visible credentials matching `filter`, in the requested order (id breaks ties, in the same
/// direction).
pub fn search(
    viewer: &Viewer,
    today: NaiveDate,
    filter: &CredentialFilter,
    order: CredentialOrderField,
    direction: SortDirection,
) -> Listing<credential::Entity> {
    use credential::Column as C;
    let descending = direction == SortDirection::Desc;
    let id = SortKey::column(C::Id, KeyKind::Id).descending(descending);
    // Rows without the sort key (a draft's dates, a park's holder) come last in either direction.
    let order = match order {
        CredentialOrderField::HolderName => {
            let name = Func::coalesce([
                Expr::col((enterprise::Entity, enterprise::Column::NameNormalized)),
                Expr::col((person::Entity, person::Column::NameNormalized)),
            ]);
            ListOrder::by([
                SortKey::new("credential.holder_name", name, KeyKind::Text)
                    .descending(descending)
                    .missing_last(),
                id,
            ])
            .joining(credential::Relation::HolderEnterprise.def())
            .joining(credential::Relation::HolderPerson.def())
        }
        CredentialOrderField::Uscc => {
            let uscc = Expr::col((enterprise::Entity, enterprise::Column::Uscc));
            ListOrder::by([
                SortKey::new("credential.holder_uscc", uscc, KeyKind::Text)
                    .descending(descending)
                    .missing_last(),
                id,
            ])
            .joining(credential::Relation::HolderEnterprise.def())
        }
        CredentialOrderField::Date => {
            let date = Func::coalesce([
                Expr::col((credential::Entity, C::ValidFrom)),
                Expr::col((credential::Entity, C::GrantedOn)),
            ]);
            ListOrder::by([
                SortKey::new("credential.date", date, KeyKind::Date)
                    .descending(descending)
                    .missing_last(),
                id,
            ])
        }
    };
    Listing {
        rows: matching(viewer, today, filter),
        order,
    }
}

/// Applies the filters that live in a kind's detail table.
fn filter_details(
    mut query: Select<credential::Entity>,
    filter: &CredentialFilter,
) -> Select<credential::Entity> {
    if let Some(tier) = filter.tier {
        query = query.filter(detail_matches::<little_giant_designation::Entity>(
            little_giant_designation::Column::CredentialId,
            little_giant_designation::Column::Tier.eq(tier),
        ));
    }
    if let Some(kind) = filter.green_kind {
        query = query.filter(detail_matches::<green_designation::Entity>(
            green_designation::Column::CredentialId,
            green_designation::Column::GreenKind.eq(kind),
        ));
    }
    if let Some(brand) = filter.brand {
        query = query.filter(detail_matches::<brand_recognition::Entity>(
            brand_recognition::Column::CredentialId,
            brand_recognition::Column::BrandId.eq(brand),
        ));
    }
    if let Some(kind) = filter.recognition_kind {
        query = query.filter(detail_matches::<brand_recognition::Entity>(
            brand_recognition::Column::CredentialId,
            brand_recognition::Column::RecognitionKind.eq(kind),
        ));
    }
    if let Some(gi) = filter.geographic_indication {
        query = query.filter(detail_matches::<gi_authorization::Entity>(
            gi_authorization::Column::CredentialId,
            gi_authorization::Column::GiId.eq(gi),
        ));
    }
    if let Some(protection_type) = filter.protection_type {
        let indications = geographic_indication::Entity::find()
            .select_only()
            .column(geographic_indication::Column::Id)
            .filter(geographic_indication::Column::ProtectionType.eq(protection_type))
            .into_query();
        query = query.filter(detail_matches::<gi_authorization::Entity>(
            gi_authorization::Column::CredentialId,
            gi_authorization::Column::GiId.in_subquery(indications),
        ));
    }
    if let Some(program) = filter.program {
        query = query.filter(detail_matches::<quality_award::Entity>(
            quality_award::Column::CredentialId,
            quality_award::Column::ProgramId.eq(program),
        ));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::date;

    fn granted(from: &str, until: &str) -> credential::Model {
        crate::test_support::granted(CredentialKind::LittleGiant, "500103", from, Some(until))
    }

    #[test]
    fn a_granted_credential_expires_on_its_exclusive_end_date() {
        let model = granted("2023-07-01", "2026-07-01");
        assert_eq!(state(&model, date("2026-06-30")), CredentialState::Granted);
        assert_eq!(state(&model, date("2026-07-01")), CredentialState::Expired);
        assert!(is_valid_on(&model, date("2023-07-01")));
        assert!(is_valid_on(&model, date("2026-06-30")));
        assert!(!is_valid_on(&model, date("2026-07-01")));
        assert!(!is_valid_on(&model, date("2023-06-30")));
    }

    #[test]
    fn a_revocation_ends_validity_but_not_the_past() {
        let mut model = granted("2023-07-01", "2026-07-01");
        model.status = CredentialStatus::Revoked;
        model.revoked_on = Some(date("2024-03-01"));
        assert!(is_valid_on(&model, date("2024-02-29")));
        assert!(!is_valid_on(&model, date("2024-03-01")));
        assert_eq!(state(&model, date("2024-02-29")), CredentialState::Revoked);
    }

    #[test]
    fn proposals_are_never_valid() {
        let mut model = granted("2023-07-01", "2026-07-01");
        for status in [
            CredentialStatus::Draft,
            CredentialStatus::PublicNotice,
            CredentialStatus::Withdrawn,
        ] {
            model.status = status;
            assert!(!is_valid_on(&model, date("2024-01-01")), "{status:?}");
        }
    }
}
