//! Mutual-recognition agreements (互认).

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use chrono::{NaiveDate, Utc};
use entity::{
    agreement_party, agreement_scope, agreement_suspension as suspension, bureau, credential,
    enums::{AgreementMode, AgreementStatus, CredentialKind, CredentialStatus},
    recognition_agreement as agreement, recognition_listing as listing,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, Set, SqlErr, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::region::RegionScope;
use super::{Change, UserError};
use crate::actor::Actor;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{Message, any_of};

/// Which agreements to list.
#[derive(Debug, Default)]
pub struct AgreementFilter {
    /// Agreements in this state.
    pub status: Option<AgreementStatus>,
    /// Agreements with a party whose bureau sits at this region or below it.
    pub party_region: Option<RegionScope>,
    /// Agreements whose scope includes this credential kind.
    pub covers: Option<CredentialKind>,
    /// Agreements in force on this date.
    pub active_on: Option<NaiveDate>,
}

/// The list entries of an agreement, oldest first.
pub fn listings(agreement_id: Uuid) -> Listing<listing::Entity> {
    Listing {
        rows: listing::Entity::find().filter(listing::Column::AgreementId.eq(agreement_id)),
        order: ListOrder::by([
            SortKey::column(listing::Column::CreatedAt, KeyKind::Time),
            SortKey::column(listing::Column::Id, KeyKind::Id),
        ]),
    }
}

/// Agreements matching the filter, newest first.
pub fn search(filter: &AgreementFilter) -> Listing<agreement::Entity> {
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
    if let Some(date) = filter.active_on {
        query = query.filter(super::recognition::active_on_condition(date));
    }
    Listing {
        rows: query,
        order: ListOrder::by([
            SortKey::column(agreement::Column::SignedOn, KeyKind::Date).descending(true),
            SortKey::column(agreement::Column::Id, KeyKind::Id),
        ]),
    }
}

/// What a bureau administrator fills in to propose an agreement.
#[derive(Debug)]
pub struct NewAgreement {
    /// Title.
    pub title: String,
    /// Date signed.
    pub signed_on: NaiveDate,
    /// Every party bureau, the proposer's own included.
    pub party_bureau_ids: Vec<Uuid>,
    /// Credential kinds covered.
    pub scope: Vec<CredentialKind>,
    /// Every credential of the scope, or listed ones only.
    pub mode: AgreementMode,
    /// First day it applies.
    pub effective_from: NaiveDate,
    /// Exclusive end of its term.
    pub effective_until: Option<NaiveDate>,
}

/// The audit snapshot of an agreement.
fn snapshot(model: &agreement::Model, parties: &[agreement_party::Model]) -> Value {
    json!({
        "title": model.title, "status": model.status, "mode": model.mode, "signedOn": model.signed_on,
        "effectiveFrom": model.effective_from, "effectiveUntil": model.effective_until,
        "activatedOn": model.activated_on, "suspendedFrom": model.suspended_from,
        "terminatedFrom": model.terminated_from, "version": model.version,
        "parties": parties.iter().map(|p| json!({
            "bureauId": p.bureau_id, "confirmedBy": p.confirmed_by, "confirmedAt": p.confirmed_at,
        })).collect::<Vec<_>>(),
    })
}

/// Proposes an agreement as the administrator of one party, whose confirmation it carries; it becomes
/// active once every other party's administrator has confirmed too.
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewAgreement) -> Change<agreement::Model> {
    let account = actor.require("createAgreement")?;
    super::limit("title", Some(&new.title), super::MAX_NAME_CHARS)?;
    let mut parties = new.party_bureau_ids.clone();
    parties.sort();
    parties.dedup();
    account.may_act_for_party(&parties)?;
    let mut errors = Vec::new();
    let title = new.title.trim().to_owned();
    if title.is_empty() {
        errors.push(UserError::new("title", "INVALID", Message::new("value-empty")));
    }
    let known = bureau::Entity::find()
        .filter(bureau::Column::Id.is_in(parties.clone()))
        .count(db)
        .await?;
    if known != parties.len() as u64 {
        errors.push(UserError::new(
            "partyBureauIds",
            "NOT_FOUND",
            Message::new("agreement-party-missing"),
        ));
    }
    if parties.len() < 2 {
        errors.push(UserError::new(
            "partyBureauIds",
            "INVALID",
            Message::new("agreement-two-parties"),
        ));
    }
    let mut scope = new.scope.clone();
    scope.sort_by_key(|kind| kind.to_value());
    scope.dedup();
    if scope.is_empty() {
        errors.push(UserError::new(
            "scope",
            "INVALID",
            Message::new("agreement-scope-empty"),
        ));
    }
    if new
        .effective_until
        .is_some_and(|until| until <= new.effective_from)
    {
        errors.push(UserError::new(
            "effectiveUntil",
            "INVALID",
            Message::new("agreement-until-after-from"),
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }

    let now = Utc::now();
    let (id, created_at, updated_at) = (Uuid::now_v7(), now, now);
    let model = agreement::Model {
        id,
        created_at,
        updated_at,
        version: 1,
        title,
        signed_on: new.signed_on,
        effective_from: new.effective_from,
        effective_until: new.effective_until,
        status: AgreementStatus::Pending,
        mode: new.mode,
        activated_on: None,
        suspended_from: None,
        terminated_from: None,
    };
    let own_bureau = account.bureau.as_ref().map(|b| b.id);
    let party_rows: Vec<agreement_party::Model> = parties
        .iter()
        .map(|&bureau_id| {
            let confirmed = Some(bureau_id) == own_bureau;
            agreement_party::Model {
                id: Uuid::now_v7(),
                created_at,
                updated_at,
                version: 1,
                agreement_id: id,
                bureau_id,
                confirmed_by: confirmed.then_some(account.user_id),
                confirmed_at: confirmed.then_some(now),
            }
        })
        .collect();
    let scope_rows = scope.iter().map(|&credential_kind| agreement_scope::Model {
        id: Uuid::now_v7(),
        created_at,
        updated_at,
        version: 1,
        agreement_id: id,
        credential_kind,
    });

    let txn = super::changes::begin(db).await?;
    let model = model.into_active_model().insert(&txn).await?;
    agreement_party::Entity::insert_many(party_rows.iter().cloned().map(IntoActiveModel::into_active_model))
        .exec_without_returning(&txn)
        .await?;
    agreement_scope::Entity::insert_many(scope_rows.map(IntoActiveModel::into_active_model))
        .exec_without_returning(&txn)
        .await?;
    let mut after = snapshot(&model, &party_rows);
    after["scope"] = json!(scope);
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "CREATE_AGREEMENT",
        "recognition_agreement",
        Some(id),
        None,
        Some(after),
    )
    .await?;
    let change = super::changes::Published::agreement("CREATE_AGREEMENT", &model);
    super::changes::publish(&txn, change).await?;
    txn.commit().await?;
    Ok(Ok(model))
}

/// A step in an agreement's life, taken by the administrator of one of its parties.
#[derive(Clone, Copy, Debug)]
pub enum AgreementStep {
    /// The party's administrator confirms; the last confirmation makes the agreement active.
    Confirm,
    /// The agreement stops applying from a date on, until a party resumes it.
    Suspend { effective_on: NaiveDate },
    /// A suspended agreement applies again from a date on.
    Resume { effective_on: NaiveDate },
    /// The agreement ends from a date on.
    Terminate { effective_on: NaiveDate },
}

impl AgreementStep {
    /// The mutation that takes the step.
    pub fn operation(self) -> &'static str {
        match self {
            Self::Confirm => "confirmAgreement",
            Self::Suspend { .. } => "suspendAgreement",
            Self::Resume { .. } => "resumeAgreement",
            Self::Terminate { .. } => "terminateAgreement",
        }
    }

    /// `audit_event.action` of the step.
    pub fn action(self) -> &'static str {
        match self {
            Self::Confirm => "CONFIRM_AGREEMENT",
            Self::Suspend { .. } => "SUSPEND_AGREEMENT",
            Self::Resume { .. } => "RESUME_AGREEMENT",
            Self::Terminate { .. } => "TERMINATE_AGREEMENT",
        }
    }

    /// The states the step starts from.
    fn starting_states(self) -> &'static [AgreementStatus] {
        match self {
            Self::Confirm => &[AgreementStatus::Pending],
            Self::Suspend { .. } => &[AgreementStatus::Active],
            Self::Resume { .. } => &[AgreementStatus::Suspended],
            Self::Terminate { .. } => &[
                AgreementStatus::Pending,
                AgreementStatus::Active,
                AgreementStatus::Suspended,
            ],
        }
    }
}

/// The agreement and its parties; `None` when there is no such agreement.
async fn with_parties(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> ApiResult<Option<(agreement::Model, Vec<agreement_party::Model>)>> {
    let Some(model) = agreement::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let parties = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(id))
        .all(db)
        .await?;
    Ok(Some((model, parties)))
}

fn bureau_ids(parties: &[agreement_party::Model]) -> Vec<Uuid> {
    parties.iter().map(|p| p.bureau_id).collect()
}

fn no_such_agreement() -> Vec<UserError> {
    vec![UserError::new(
        "agreementId",
        "NOT_FOUND",
        Message::new("no-such-agreement"),
    )]
}

/// Takes `step` on agreement `id` for `actor`, the administrator of one of its parties.
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i32>,
    step: AgreementStep,
) -> Change<agreement::Model> {
    let account = actor.require(step.operation())?;
    let Some((current, parties)) = with_parties(db, id).await? else {
        return Ok(Err(no_such_agreement()));
    };
    account.may_act_for_party(&bureau_ids(&parties))?;
    if expected_version.is_some_and(|expected| expected != current.version) {
        return Err(ApiError::StaleVersion {
            current: current.version,
        });
    }
    if !step.starting_states().contains(&current.status) {
        return Ok(Err(vec![UserError::new(
            "agreementId",
            "CONFLICT",
            Message::new("agreement-wrong-state")
                .with("status", current.status.to_value())
                .with(
                    "needed",
                    any_of(step.starting_states().iter().map(ActiveEnum::to_value)),
                ),
        )]));
    }
    let own_bureau = account.own_bureau()?.id;
    let own_party = parties
        .iter()
        .find(|p| p.bureau_id == own_bureau)
        .ok_or_else(|| ApiError::Internal("a party's administrator without its party row".to_owned()))?;
    let mut change = current.clone().into_active_model();
    let mut confirmed_party = None;
    if let AgreementStep::Suspend { effective_on }
    | AgreementStep::Terminate { effective_on }
    | AgreementStep::Resume { effective_on } = step
        // Recognition already given stays given, and a suspension is never lifted in the past:
        // past dates keep answering as they did.
        && effective_on < actor.today
    {
        return Ok(Err(vec![UserError::new(
            "effectiveOn",
            "INVALID",
            Message::new("agreement-not-retroactive").with("today", actor.today),
        )]));
    }
    match step {
        AgreementStep::Confirm => {
            if let Some(at) = own_party.confirmed_at {
                return Ok(Err(vec![UserError::new(
                    "agreementId",
                    "CONFLICT",
                    Message::new("agreement-confirmed-already").with("at", at.to_string()),
                )]));
            }
            confirmed_party = Some(own_party.id);
            let others_confirmed = parties
                .iter()
                .all(|p| p.id == own_party.id || p.confirmed_at.is_some());
            if others_confirmed {
                change.status = Set(AgreementStatus::Active);
                change.activated_on = Set(Some(actor.today));
            }
        }
        AgreementStep::Suspend { effective_on } => {
            change.status = Set(AgreementStatus::Suspended);
            change.suspended_from = Set(Some(effective_on));
        }
        AgreementStep::Resume { effective_on } => {
            if let Some(from) = current.suspended_from.filter(|from| effective_on < *from) {
                return Ok(Err(vec![UserError::new(
                    "effectiveOn",
                    "INVALID",
                    Message::new("agreement-resume-before-suspension").with("from", from),
                )]));
            }
            change.status = Set(AgreementStatus::Active);
            change.suspended_from = Set(None);
        }
        AgreementStep::Terminate { effective_on } => {
            change.status = Set(AgreementStatus::Terminated);
            change.terminated_from = Set(Some(effective_on));
        }
    }
    let now = Utc::now();
    change.version = Set(current.version + 1);
    change.updated_at = Set(now);

    let txn = super::changes::begin(db).await?;
    let updated = super::versioned_update::<agreement::Entity>(
        &txn,
        change,
        id,
        agreement::Column::Version,
        current.version,
    )
    .await?;
    record_suspension(&txn, account, &current, step, now).await?;
    let mut parties_after = parties.clone();
    if let Some(party_id) = confirmed_party {
        agreement_party::Entity::update_many()
            .col_expr(agreement_party::Column::ConfirmedBy, Expr::value(account.user_id))
            .col_expr(agreement_party::Column::ConfirmedAt, Expr::value(now))
            .filter(agreement_party::Column::Id.eq(party_id))
            .exec(&txn)
            .await?;
        for party in parties_after.iter_mut().filter(|p| p.id == party_id) {
            party.confirmed_by = Some(account.user_id);
            party.confirmed_at = Some(now);
        }
    }
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        step.action(),
        "recognition_agreement",
        Some(id),
        Some(snapshot(&current, &parties)),
        Some(snapshot(&updated, &parties_after)),
    )
    .await?;
    let change = super::changes::Published::agreement(step.action(), &updated);
    super::changes::publish(&txn, change).await?;
    txn.commit().await?;
    Ok(Ok(updated))
}

/// Keeps the suspension history: a suspension opens a period, a resumption closes the open one.
async fn record_suspension(
    txn: &impl ConnectionTrait,
    account: &crate::policy::Account,
    current: &agreement::Model,
    step: AgreementStep,
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    match step {
        AgreementStep::Suspend { effective_on } => {
            suspension::Model {
                id: Uuid::now_v7(),
                agreement_id: current.id,
                suspended_from: effective_on,
                resumed_from: None,
                suspended_by: Some(account.user_id),
                resumed_by: None,
                created_at: now,
            }
            .into_active_model()
            .insert(txn)
            .await?;
        }
        AgreementStep::Resume { effective_on } => {
            suspension::Entity::update_many()
                .col_expr(suspension::Column::ResumedFrom, Expr::value(effective_on))
                .col_expr(suspension::Column::ResumedBy, Expr::value(account.user_id))
                .filter(suspension::Column::AgreementId.eq(current.id))
                .filter(suspension::Column::ResumedFrom.is_null())
                .exec(txn)
                .await?;
        }
        AgreementStep::Confirm | AgreementStep::Terminate { .. } => {}
    }
    Ok(())
}

/// Putting a credential on a LISTED agreement's list, or taking it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListingStep {
    /// Counts from today on.
    List,
    /// No longer counts from today on.
    Unlist,
}

impl ListingStep {
    /// The mutation that takes the step.
    pub fn operation(self) -> &'static str {
        match self {
            Self::List => "listCredential",
            Self::Unlist => "unlistCredential",
        }
    }

    /// `audit_event.action` of the step.
    pub fn action(self) -> &'static str {
        match self {
            Self::List => "LIST_CREDENTIAL",
            Self::Unlist => "UNLIST_CREDENTIAL",
        }
    }
}

/// Lists or unlists `credential_id` on agreement `agreement_id` for `actor`, the administrator of a
/// party whose jurisdiction the credential was granted in.
pub async fn set_listing(
    db: &DatabaseConnection,
    actor: &Actor,
    (agreement_id, credential_id): (Uuid, Uuid),
    step: ListingStep,
) -> Change<listing::Model> {
    let account = actor.require(step.operation())?;
    let Some((current, parties)) = with_parties(db, agreement_id).await? else {
        return Ok(Err(no_such_agreement()));
    };
    account.may_act_for_party(&bureau_ids(&parties))?;
    let credential = credential::Entity::find_by_id(credential_id)
        .one(db)
        .await?
        .filter(|model| actor.viewer.may_see_credential(model));
    let Some(credential) = credential else {
        return Ok(Err(vec![UserError::new(
            "credentialId",
            "NOT_FOUND",
            Message::new("no-such-credential"),
        )]));
    };
    account.may_act_in(&credential.region_code, Message::new("act-list-credentials"))?;
    // Each listing period is its own entry; only the open one (not taken off yet) can change.
    let open_entry = listing::Entity::find()
        .filter(listing::Column::AgreementId.eq(agreement_id))
        .filter(listing::Column::CredentialId.eq(credential_id))
        .filter(listing::Column::UnlistedOn.is_null())
        .one(db)
        .await?;
    let mut errors = Vec::new();
    if current.mode != AgreementMode::Listed {
        errors.push(UserError::new(
            "agreementId",
            "CONFLICT",
            Message::new("agreement-automatic-no-list"),
        ));
    }
    if current.status == AgreementStatus::Terminated {
        errors.push(UserError::new(
            "agreementId",
            "CONFLICT",
            Message::new("agreement-terminated"),
        ));
    }
    match step {
        ListingStep::List => {
            let covered = agreement_scope::Entity::find()
                .filter(agreement_scope::Column::AgreementId.eq(agreement_id))
                .filter(agreement_scope::Column::CredentialKind.eq(credential.kind))
                .count(db)
                .await?;
            if covered == 0 {
                errors.push(UserError::new(
                    "credentialId",
                    "INVALID",
                    Message::new("listing-kind-not-covered").with("kind", credential.kind.to_value()),
                ));
            }
            if credential.status != CredentialStatus::Granted {
                errors.push(UserError::new(
                    "credentialId",
                    "CONFLICT",
                    Message::new("listing-not-granted").with("status", credential.status.to_value()),
                ));
            }
            if open_entry.is_some() {
                errors.push(already_listed());
            }
        }
        ListingStep::Unlist => {
            if open_entry.is_none() {
                errors.push(UserError::new(
                    "credentialId",
                    "CONFLICT",
                    Message::new("listing-not-listed"),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }

    let now = Utc::now();
    let txn = super::changes::begin(db).await?;
    let (before, row) = match (step, open_entry) {
        (ListingStep::List, None) => {
            let row = listing::Model {
                id: Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                version: 1,
                agreement_id,
                credential_id,
                listed_on: Some(actor.today),
                listed_by: Some(account.user_id),
                unlisted_on: None,
                unlisted_by: None,
            };
            match row.into_active_model().insert(&txn).await {
                Ok(row) => (None, row),
                // Another administrator listed it in the meantime (one open entry is a unique index).
                Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    return Ok(Err(vec![already_listed()]));
                }
                Err(err) => return Err(err.into()),
            }
        }
        (ListingStep::Unlist, Some(open)) => {
            let mut change = open.clone().into_active_model();
            change.unlisted_on = Set(Some(actor.today));
            change.unlisted_by = Set(Some(account.user_id));
            change.version = Set(open.version + 1);
            change.updated_at = Set(now);
            let row = super::versioned_update::<listing::Entity>(
                &txn,
                change,
                open.id,
                listing::Column::Version,
                open.version,
            )
            .await?;
            (Some(listing_snapshot(&open)), row)
        }
        (ListingStep::List, Some(_)) | (ListingStep::Unlist, None) => {
            return Err(ApiError::Internal(
                "a listing step passed the checks in the wrong state".to_owned(),
            ));
        }
    };
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        step.action(),
        "recognition_listing",
        Some(row.id),
        before,
        Some(listing_snapshot(&row)),
    )
    .await?;
    let change = super::changes::Published::listing(step.action(), &row);
    super::changes::publish(&txn, change).await?;
    txn.commit().await?;
    Ok(Ok(row))
}

fn already_listed() -> UserError {
    UserError::new("credentialId", "CONFLICT", Message::new("listing-already-listed"))
}

fn listing_snapshot(row: &listing::Model) -> Value {
    json!({
        "agreementId": row.agreement_id, "credentialId": row.credential_id,
        "listedOn": row.listed_on, "listedBy": row.listed_by,
        "unlistedOn": row.unlisted_on, "unlistedBy": row.unlisted_by,
    })
}
