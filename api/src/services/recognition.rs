//! Mutual recognition (互认, DESIGN §6): whether a credential counts in a region on a date, and why.
//!
//! A credential counts in region R on date D when it was in force on D and
//! - it is local to R: R lies in the granting bureau's jurisdiction (so a national designation counts
//!   everywhere and a Chengdu one all over Chengdu), or the holder's region lies in R; or
//! - an agreement active on D, whose scope holds the credential's kind, has a party whose jurisdiction
//!   covers R and another whose jurisdiction covers the holder's region, and, in `LISTED` mode, has the
//!   credential on its list on D.
//!
//! DESIGN §6 calls a credential local when R is the holder's region or above or below it; counting the
//! whole granting bureau's jurisdiction as well is what a national or prefectural designation means.
//!
//! The agreements that can matter for one (R, D) are few, so they are read first ([`Recognition::load`],
//! at most three statements) and then become one SQL condition for lists and a verdict for each single
//! credential; the number of statements never depends on how many credentials are checked.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    agreement_party, agreement_scope, agreement_suspension as suspension, bureau, credential,
    enums::{AgreementMode, CredentialKind},
    recognition_agreement as agreement, recognition_listing as listing,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use uuid::Uuid;

use super::credential::valid_on_condition;
use super::region::{RegionScope, within};
use crate::domain::RegionCode;
use crate::error::ApiResult;
use crate::i18n::Message;

/// Whether `model` applies on `date`: every party confirmed by then, inside its term, not terminated
/// yet, and outside every one of its `suspensions`.
pub fn is_active_on(model: &agreement::Model, suspensions: &[suspension::Model], date: NaiveDate) -> bool {
    model.activated_on.is_some_and(|day| day <= date)
        && model.effective_from <= date
        && model.effective_until.is_none_or(|until| date < until)
        && model.terminated_from.is_none_or(|from| date < from)
        && !suspensions
            .iter()
            .any(|s| s.agreement_id == model.id && is_suspended_on(s, date))
}

/// Whether the suspension period covers `date`.
fn is_suspended_on(suspension: &suspension::Model, date: NaiveDate) -> bool {
    suspension.suspended_from <= date && suspension.resumed_from.is_none_or(|resumed| date < resumed)
}

/// The SQL twin of [`is_active_on`].
pub fn active_on_condition(date: NaiveDate) -> Condition {
    use agreement::Column as A;
    use suspension::Column as S;
    let open_or_after = |column: A| Condition::any().add(column.is_null()).add(column.gt(date));
    let suspended = suspension::Entity::find()
        .select_only()
        .column(S::AgreementId)
        .filter(S::SuspendedFrom.lte(date))
        .filter(
            Condition::any()
                .add(S::ResumedFrom.is_null())
                .add(S::ResumedFrom.gt(date)),
        )
        .into_query();
    Condition::all()
        .add(A::ActivatedOn.lte(date))
        .add(A::EffectiveFrom.lte(date))
        .add(open_or_after(A::EffectiveUntil))
        .add(open_or_after(A::TerminatedFrom))
        .add(A::Id.not_in_subquery(suspended))
}

/// Whether `row` puts its credential on the list on `date`.
pub fn is_listed_on(row: &listing::Model, date: NaiveDate) -> bool {
    row.listed_on.is_none_or(|day| day <= date) && row.unlisted_on.is_none_or(|day| date < day)
}

/// The SQL twin of [`is_listed_on`], for one agreement: the ids of the credentials it lists on `date`.
pub fn listed_on_condition(agreement_id: Uuid, date: NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    use listing::Column as L;
    let listed = listing::Entity::find()
        .select_only()
        .column(L::CredentialId)
        .filter(L::AgreementId.eq(agreement_id))
        .filter(
            Condition::any()
                .add(L::ListedOn.is_null())
                .add(L::ListedOn.lte(date)),
        )
        .filter(
            Condition::any()
                .add(L::UnlistedOn.is_null())
                .add(L::UnlistedOn.gt(date)),
        )
        .into_query();
    credential::Column::Id.in_subquery(listed)
}

/// One agreement through which credentials from elsewhere count in the region.
#[derive(Clone, Debug)]
pub struct Route {
    /// The agreement, active on the date.
    pub agreement: agreement::Model,
    /// The credential kinds it covers.
    pub kinds: Vec<CredentialKind>,
    /// The jurisdictions of its other parties: where a recognised credential's holder must be.
    pub homes: Vec<RegionCode>,
}

impl Route {
    /// Whether the route reaches a credential of `kind` held in `region_code`, its list aside.
    fn reaches(&self, kind: CredentialKind, region_code: &str) -> bool {
        self.kinds.contains(&kind) && self.home_covers(region_code)
    }

    fn home_covers(&self, region_code: &str) -> bool {
        self.homes.iter().any(|home| home.contains(region_code))
    }

    fn is_listed(&self) -> bool {
        self.agreement.mode == AgreementMode::Listed
    }
}

/// Why a credential counts in a region on a date, or does not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It is local to the region.
    Local,
    /// An agreement makes it count.
    Agreement(Uuid),
    /// It does not count.
    NotRecognised,
}

/// A verdict with its reason, in words a person can read.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// Local, by agreement, or not recognised.
    pub outcome: Outcome,
    /// Why.
    pub reason: Message,
}

impl Verdict {
    /// Whether the credential counts.
    pub fn counts(&self) -> bool {
        self.outcome != Outcome::NotRecognised
    }

    fn not_recognised(reason: Message) -> Self {
        Self {
            outcome: Outcome::NotRecognised,
            reason,
        }
    }
}

/// What recognition looks like from one region on one date: the agreements that can bring credentials
/// from elsewhere.
#[derive(Clone, Debug)]
pub struct Recognition {
    /// The region asking (R).
    pub region: RegionCode,
    /// The date (D).
    pub as_of: NaiveDate,
    /// Agreements active on D with a party covering R.
    pub routes: Vec<Route>,
}

impl Recognition {
    /// Reads the agreements active on `as_of` that have a party whose jurisdiction covers `region`.
    pub async fn load(db: &impl ConnectionTrait, region: RegionCode, as_of: NaiveDate) -> ApiResult<Self> {
        let covering_bureaus = bureau::Entity::find()
            .select_only()
            .column(bureau::Column::Id)
            .filter(bureau::Column::RegionCode.is_in(region.with_ancestors()))
            .into_query();
        let covering_agreements = agreement_party::Entity::find()
            .select_only()
            .column(agreement_party::Column::AgreementId)
            .filter(agreement_party::Column::BureauId.in_subquery(covering_bureaus))
            .into_query();
        let agreements = agreement::Entity::find()
            .filter(active_on_condition(as_of))
            .filter(agreement::Column::Id.in_subquery(covering_agreements))
            .order_by_asc(agreement::Column::SignedOn)
            .order_by_asc(agreement::Column::Id)
            .all(db)
            .await?;
        if agreements.is_empty() {
            return Ok(Self {
                region,
                as_of,
                routes: Vec::new(),
            });
        }
        let ids: Vec<Uuid> = agreements.iter().map(|a| a.id).collect();
        let party_regions: Vec<(Uuid, String)> = agreement_party::Entity::find()
            .select_only()
            .column(agreement_party::Column::AgreementId)
            .column(bureau::Column::RegionCode)
            .join(
                JoinType::InnerJoin,
                agreement_party::Entity::belongs_to(bureau::Entity)
                    .from(agreement_party::Column::BureauId)
                    .to(bureau::Column::Id)
                    .into(),
            )
            .filter(agreement_party::Column::AgreementId.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let scopes = agreement_scope::Entity::find()
            .filter(agreement_scope::Column::AgreementId.is_in(ids))
            .all(db)
            .await?;
        let mut homes: HashMap<Uuid, Vec<RegionCode>> = HashMap::new();
        for (agreement_id, code) in party_regions {
            // A party covering the asking region is where recognition arrives, not where it comes from.
            if let Ok(code) = RegionCode::parse(&code)
                && !code.contains(region.as_str())
            {
                homes.entry(agreement_id).or_default().push(code);
            }
        }
        let mut kinds: HashMap<Uuid, Vec<CredentialKind>> = HashMap::new();
        for scope in scopes {
            kinds
                .entry(scope.agreement_id)
                .or_default()
                .push(scope.credential_kind);
        }
        let routes = agreements
            .into_iter()
            .map(|agreement| Route {
                kinds: kinds.remove(&agreement.id).unwrap_or_default(),
                homes: homes.remove(&agreement.id).unwrap_or_default(),
                agreement,
            })
            .filter(|route| !route.kinds.is_empty() && !route.homes.is_empty())
            .collect();
        Ok(Self {
            region,
            as_of,
            routes,
        })
    }

    /// The credentials that count in the region on the date, as a SQL condition on `credential`.
    pub fn condition(&self) -> Condition {
        use credential::Column as C;
        let granted_above = bureau::Entity::find()
            .select_only()
            .column(bureau::Column::Id)
            .filter(bureau::Column::RegionCode.is_in(self.region.with_ancestors()))
            .into_query();
        let region = RegionScope::new(self.region.clone(), true);
        let mut counts = Condition::any()
            .add(C::GrantingBureauId.in_subquery(granted_above))
            .add(within(C::RegionCode, &region));
        for route in &self.routes {
            let mut homes = Condition::any();
            for home in &route.homes {
                homes = homes.add(within(C::RegionCode, &RegionScope::new(home.clone(), true)));
            }
            let mut reached = Condition::all()
                .add(C::Kind.is_in(route.kinds.iter().copied()))
                .add(homes);
            if route.is_listed() {
                reached = reached.add(listed_on_condition(route.agreement.id, self.as_of));
            }
            counts = counts.add(reached);
        }
        Condition::all().add(valid_on_condition(self.as_of)).add(counts)
    }

    /// Why `model` is local to the region, or `None` when it is not.
    fn local_reason(&self, model: &credential::Model, granting_region: &str) -> Option<Message> {
        let region = self.region.as_str();
        if self.region.lies_within(granting_region) {
            return Some(
                Message::new("verdict-local-bureau")
                    .with("granting", granting_region)
                    .with("region", region),
            );
        }
        self.region.contains(&model.region_code).then(|| {
            Message::new("verdict-local-holder")
                .with("holder", &model.region_code)
                .with("region", region)
        })
    }

    /// Whether the verdict on `model` depends on its list entries: it is not local, and a `LISTED`
    /// agreement reaches it. Only such credentials need their entries loaded.
    pub fn needs_listings(&self, model: &credential::Model, granting_region: &str) -> bool {
        self.local_reason(model, granting_region).is_none()
            && self
                .routes
                .iter()
                .any(|route| route.is_listed() && route.reaches(model.kind, &model.region_code))
    }

    /// Whether, and why, `model` counts in the region on the date. `granting_region` is the granting
    /// bureau's region; `listings` are the credential's list entries (any agreement, any date).
    pub fn verdict(
        &self,
        model: &credential::Model,
        granting_region: &str,
        listings: &[listing::Model],
    ) -> Verdict {
        let (region, date) = (self.region.as_str(), self.as_of);
        if let Some(why) = not_in_force(model, date) {
            return Verdict::not_recognised(
                Message::new("verdict-not-in-force")
                    .with("date", date)
                    .with("why", why),
            );
        }
        if let Some(reason) = self.local_reason(model, granting_region) {
            return Verdict {
                outcome: Outcome::Local,
                reason,
            };
        }
        let listed: HashSet<Uuid> = listings
            .iter()
            .filter(|row| row.credential_id == model.id && is_listed_on(row, date))
            .map(|row| row.agreement_id)
            .collect();
        let mut unlisted = None;
        for route in &self.routes {
            if !route.reaches(model.kind, &model.region_code) {
                continue;
            }
            if !route.is_listed() || listed.contains(&route.agreement.id) {
                let key = if route.is_listed() {
                    "verdict-agreement-lists"
                } else {
                    "verdict-agreement-covers"
                };
                return Verdict {
                    outcome: Outcome::Agreement(route.agreement.id),
                    reason: Message::new(key)
                        .with("holder", &model.region_code)
                        .with("region", region)
                        .with("date", date)
                        .with("agreement", &route.agreement.title),
                };
            }
            unlisted.get_or_insert(route);
        }
        let outside = Message::new("verdict-outside")
            .with("holder", &model.region_code)
            .with("region", region);
        if let Some(route) = unlisted {
            return Verdict::not_recognised(
                Message::new("verdict-not-listed")
                    .with("outside", outside)
                    .with("agreement", &route.agreement.title)
                    .with("date", date),
            );
        }
        if let Some(route) = self
            .routes
            .iter()
            .find(|route| route.home_covers(&model.region_code))
        {
            return Verdict::not_recognised(
                Message::new("verdict-kind-not-covered")
                    .with("outside", outside)
                    .with("agreement", &route.agreement.title)
                    .with("kind", model.kind.to_value()),
            );
        }
        Verdict::not_recognised(
            Message::new("verdict-no-agreement")
                .with("outside", outside)
                .with("date", date)
                .with("region", region),
        )
    }
}

/// The verdict on each of `credentials` under `recognition`, in order. `granting_regions`: the region
/// of each granting bureau, by id; `listings`: the list entries of the credentials that
/// [`Recognition::needs_listings`] picked, by credential id. Lists and batch verification share it.
pub fn judge(
    recognition: &Recognition,
    credentials: Vec<credential::Model>,
    granting_regions: &HashMap<Uuid, String>,
    listings: &HashMap<Uuid, Vec<listing::Model>>,
) -> Vec<(credential::Model, Verdict)> {
    credentials
        .into_iter()
        .map(|model| {
            let granting = granting_regions
                .get(&model.granting_bureau_id)
                .map_or("", String::as_str);
            let listed = listings.get(&model.id).map_or(&[][..], Vec::as_slice);
            let verdict = recognition.verdict(&model, granting, listed);
            (model, verdict)
        })
        .collect()
}

/// The credentials among `credentials` whose verdict depends on their list entries: only those need
/// them loaded.
pub fn needing_listings(
    recognition: &Recognition,
    credentials: &[credential::Model],
    granting_regions: &HashMap<Uuid, String>,
) -> Vec<Uuid> {
    credentials
        .iter()
        .filter(|model| {
            let granting = granting_regions
                .get(&model.granting_bureau_id)
                .map_or("", String::as_str);
            recognition.needs_listings(model, granting)
        })
        .map(|model| model.id)
        .collect()
}

/// Why `model` was not in force on `date`, or `None` when it was.
fn not_in_force(model: &credential::Model, date: NaiveDate) -> Option<Message> {
    if super::credential::is_valid_on(model, date) {
        return None;
    }
    let status = model.status.to_value();
    Some(match (model.valid_from, model.valid_until, model.revoked_on) {
        (None, _, _) => Message::new("never-granted").with("status", status),
        (Some(from), _, _) if date < from => Message::new("validity-begins").with("date", from),
        (_, _, Some(revoked)) if revoked <= date => Message::new("revoked-on").with("date", revoked),
        (_, Some(until), _) if until <= date => Message::new("validity-ended").with("date", until),
        _ => Message::new("credential-is").with("status", status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use crate::test_support::date;
    use chrono::Utc;
    use entity::enums::{AgreementStatus, CredentialStatus};

    fn agreement(mode: AgreementMode) -> agreement::Model {
        let now = Utc::now();
        agreement::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            title: "川渝互认".into(),
            signed_on: date("2021-03-25"),
            effective_from: date("2021-04-01"),
            effective_until: Some(date("2031-04-01")),
            status: AgreementStatus::Active,
            mode,
            activated_on: Some(date("2021-03-30")),
            suspended_from: None,
            terminated_from: Some(date("2027-01-01")),
        }
    }

    fn award(region: &str) -> credential::Model {
        crate::test_support::granted(CredentialKind::QualityAward, region, "2022-12-01", None)
    }

    fn from_chongqing(route: Route, as_of: &str) -> Recognition {
        Recognition {
            region: RegionCode::parse("500000").unwrap(),
            as_of: date(as_of),
            routes: vec![route],
        }
    }

    fn route(mode: AgreementMode) -> Route {
        Route {
            agreement: agreement(mode),
            kinds: vec![CredentialKind::QualityAward],
            homes: vec![RegionCode::parse("510000").unwrap()],
        }
    }

    #[test]
    fn an_agreement_applies_from_confirmation_and_start_until_its_end() {
        let mut model = agreement(AgreementMode::Listed);
        assert!(!is_active_on(&model, &[], date("2021-03-31")), "before its start");
        assert!(is_active_on(&model, &[], date("2021-04-01")));
        assert!(is_active_on(&model, &[], date("2026-12-31")));
        assert!(!is_active_on(&model, &[], date("2027-01-01")), "terminated");
        let suspension = |from: &str, resumed: Option<&str>| suspension::Model {
            id: Uuid::now_v7(),
            agreement_id: model.id,
            suspended_from: date(from),
            resumed_from: resumed.map(date),
            suspended_by: None,
            resumed_by: None,
            created_at: Utc::now(),
        };
        let history = [
            suspension("2023-01-01", Some("2023-07-01")),
            suspension("2024-01-01", None),
        ];
        assert!(!is_active_on(&model, &history, date("2023-01-01")), "suspended");
        assert!(is_active_on(&model, &history, date("2023-07-01")), "resumed");
        assert!(
            !is_active_on(&model, &history, date("2024-01-01")),
            "suspended again"
        );
        model.activated_on = None;
        assert!(!is_active_on(&model, &[], date("2023-01-01")), "pending");
    }

    #[test]
    fn a_listed_agreement_recognises_only_what_it_lists_while_listed() {
        let recognition = from_chongqing(route(AgreementMode::Listed), "2024-06-30");
        let model = award("510104");
        let verdict = recognition.verdict(&model, "510000", &[]);
        assert_eq!(verdict.outcome, Outcome::NotRecognised);
        let reason = verdict.reason.render(Language::English);
        assert!(reason.contains("not listed"), "{reason}");
        let now = Utc::now();
        let mut entry = listing::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            agreement_id: recognition.routes[0].agreement.id,
            credential_id: model.id,
            listed_on: Some(date("2024-01-01")),
            listed_by: None,
            unlisted_on: None,
            unlisted_by: None,
        };
        let verdict = recognition.verdict(&model, "510000", std::slice::from_ref(&entry));
        assert_eq!(
            verdict.outcome,
            Outcome::Agreement(recognition.routes[0].agreement.id)
        );
        entry.unlisted_on = Some(date("2024-06-30"));
        assert!(
            !recognition.verdict(&model, "510000", &[entry]).counts(),
            "unlisted that day"
        );
    }

    #[test]
    fn local_credentials_need_no_agreement_and_other_kinds_get_none() {
        let recognition = from_chongqing(route(AgreementMode::Automatic), "2024-06-30");
        assert_eq!(
            recognition.verdict(&award("500103"), "500000", &[]).outcome,
            Outcome::Local
        );
        assert_eq!(
            recognition.verdict(&award("510104"), "000000", &[]).outcome,
            Outcome::Local,
            "a national bureau's credential counts everywhere"
        );
        assert!(matches!(
            recognition.verdict(&award("510104"), "510000", &[]).outcome,
            Outcome::Agreement(_)
        ));
        let mut officer = award("510104");
        officer.kind = CredentialKind::ChiefQualityOfficer;
        let verdict = recognition.verdict(&officer, "510000", &[]);
        assert!(
            verdict
                .reason
                .render(Language::English)
                .contains("does not cover CHIEF_QUALITY_OFFICER"),
            "{:?}",
            verdict.reason
        );
        assert!(
            !recognition.verdict(&award("310115"), "310000", &[]).counts(),
            "Shanghai"
        );
    }

    #[test]
    fn what_was_not_in_force_counts_nowhere() {
        let recognition = from_chongqing(route(AgreementMode::Automatic), "2024-06-30");
        let mut revoked = award("500103");
        revoked.status = CredentialStatus::Revoked;
        revoked.revoked_on = Some(date("2024-06-01"));
        let verdict = recognition.verdict(&revoked, "500000", &[]);
        assert!(
            verdict
                .reason
                .render(Language::English)
                .contains("revoked on 2024-06-01"),
            "{:?}",
            verdict.reason
        );
        let mut proposal = award("500103");
        proposal.status = CredentialStatus::Submitted;
        proposal.valid_from = None;
        assert!(!recognition.verdict(&proposal, "500000", &[]).counts());
    }
}
