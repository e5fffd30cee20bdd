//! The credential lifecycle (DESIGN §4): the transitions a proposal goes through until it is granted,
//! and what may happen to a granted credential afterwards.
//!
//! ```text
//! DRAFT --submit--> SUBMITTED --approve--> PUBLIC_NOTICE --grant--> GRANTED --revoke--> REVOKED
//!                       |--reject--> REJECTED      |--withdraw--> WITHDRAWN   GRANTED --renew--> GRANTED
//! DRAFT, SUBMITTED --withdraw--> WITHDRAWN
//! ```
//!
//! Each transition checks the caller's rights (the access policy) and the current state, and writes the
//! new state, the bumped version and an audit event in one transaction. The UPDATE itself requires the
//! state and version it was decided on, so of concurrent identical transitions exactly one wins.

use chrono::{Months, NaiveDate, Utc};
use entity::{
    credential, credential_period,
    enums::{AnnouncedAct, CredentialKind, CredentialStatus, Role},
};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Change, UserError};
use crate::actor::Actor;
use crate::domain::notice::NoticeRules;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{Message, any_of};
use crate::policy::Account;
use crate::policy::refusal::Decision;

/// One step of the lifecycle, with what the caller fills in for it.
#[derive(Clone, Debug)]
pub enum Transition {
    /// A registrar hands a draft in for review.
    Submit,
    /// A reviewer approves a submission and starts its public notice (公示).
    Approve {
        /// First day of the notice: today or later (default: today).
        notice_starts_on: Option<NaiveDate>,
        /// Last day of the notice (default: the last day of the kind's minimum notice).
        notice_ends_on: Option<NaiveDate>,
        /// The minimum notice per kind.
        rules: NoticeRules,
    },
    /// A reviewer rejects a submission.
    Reject { reason: String },
    /// A registrar takes back a draft or submission; a reviewer withdraws one on notice (an objection
    /// upheld).
    Withdraw { reason: String },
    /// A reviewer grants a credential whose notice has ended.
    Grant {
        /// First day of validity (default: today).
        valid_from: Option<NaiveDate>,
        /// Exclusive end (default: the kind's usual term, if it has one).
        valid_until: Option<NaiveDate>,
        /// The announcement that grants it.
        announcement: Option<Uuid>,
    },
    /// A reviewer renews a granted (or lapsed) credential after review (复核): its validity continues
    /// from the end of the current period, without a gap, to a new end.
    Renew {
        /// Exclusive end of the new period (default: the kind's usual term after the current end).
        valid_until: Option<NaiveDate>,
        /// The announcement that renews it.
        announcement: Option<Uuid>,
    },
    /// A reviewer revokes a granted credential, effective on a date.
    Revoke {
        reason: String,
        /// The first day it is no longer valid (default: today).
        effective_on: Option<NaiveDate>,
        /// The announcement that revokes it.
        announcement: Option<Uuid>,
    },
}

impl Transition {
    /// The mutation's name, for messages.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Submit => "submitCredential",
            Self::Approve { .. } => "approveCredential",
            Self::Reject { .. } => "rejectCredential",
            Self::Withdraw { .. } => "withdrawCredential",
            Self::Grant { .. } => "grantCredential",
            Self::Renew { .. } => "renewCredential",
            Self::Revoke { .. } => "revokeCredential",
        }
    }

    /// The audit event's action.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Submit => "SUBMIT_CREDENTIAL",
            Self::Approve { .. } => "APPROVE_CREDENTIAL",
            Self::Reject { .. } => "REJECT_CREDENTIAL",
            Self::Withdraw { .. } => "WITHDRAW_CREDENTIAL",
            Self::Grant { .. } => "GRANT_CREDENTIAL",
            Self::Renew { .. } => "RENEW_CREDENTIAL",
            Self::Revoke { .. } => "REVOKE_CREDENTIAL",
        }
    }

    /// The announcement the transition follows, and what it announces.
    fn announced(&self) -> Option<(Uuid, AnnouncedAct)> {
        match self {
            Self::Grant { announcement, .. } => announcement.map(|id| (id, AnnouncedAct::Grant)),
            Self::Renew { announcement, .. } => announcement.map(|id| (id, AnnouncedAct::Renew)),
            Self::Revoke { announcement, .. } => announcement.map(|id| (id, AnnouncedAct::Revoke)),
            _ => None,
        }
    }

    /// The stored states this transition starts from.
    fn starting_states(&self) -> &'static [CredentialStatus] {
        use CredentialStatus::*;
        match self {
            Self::Submit => &[Draft],
            Self::Approve { .. } | Self::Reject { .. } => &[Submitted],
            Self::Withdraw { .. } => &[Draft, Submitted, PublicNotice],
            Self::Grant { .. } => &[PublicNotice],
            Self::Renew { .. } | Self::Revoke { .. } => &[Granted],
        }
    }
}

/// The usual term of a kind's credential, in years, where it has one: designations and brand titles
/// run three years; listings, awards and authorisations until revoked.
fn usual_term_years(kind: CredentialKind) -> Option<u32> {
    match kind {
        CredentialKind::LittleGiant
        | CredentialKind::BrandRecognition
        | CredentialKind::ChiefQualityOfficer => Some(3),
        CredentialKind::Green | CredentialKind::GiAuthorization | CredentialKind::QualityAward => None,
    }
}

fn years_after(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(12 * years))
}

/// The shared row as the audit log records it.
pub fn snapshot(model: &credential::Model) -> Value {
    json!({
        "kind": model.kind, "level": model.level, "status": model.status,
        "holderEnterpriseId": model.holder_enterprise_id, "holderPersonId": model.holder_person_id,
        "grantingBureauId": model.granting_bureau_id, "regionCode": model.region_code,
        "batch": model.batch, "year": model.year,
        "noticeStartsOn": model.notice_starts_on, "noticeEndsOn": model.notice_ends_on,
        "grantedOn": model.granted_on, "validFrom": model.valid_from, "validUntil": model.valid_until,
        "revokedOn": model.revoked_on, "revocationReason": model.revocation_reason,
        "decisionReason": model.decision_reason, "version": model.version,
    })
}

/// Whether the transition is a registrar's step (true) or a reviewer's (false) from `status`.
fn is_registrars_step(transition: &Transition, status: CredentialStatus) -> bool {
    match transition {
        Transition::Submit => true,
        Transition::Withdraw { .. } => status != CredentialStatus::PublicNotice,
        _ => false,
    }
}

/// Whether `account` may take `transition` on `model` now: registrars' steps need the right to
/// propose it, reviewers' the right to decide it, and approving, rejecting and granting also
/// maker-checker. `competence`: the credential kinds the account's kind of bureau grants.
fn may_take(
    account: &Account,
    transition: &Transition,
    model: &credential::Model,
    competence: &[CredentialKind],
) -> Decision {
    let (kind, level, region) = (model.kind, model.level, model.region_code.as_str());
    if is_registrars_step(transition, model.status) {
        account.may_act_as(Role::Registrar, Message::new("act-draft-step"))?;
        return account.may_propose(kind, level, region, competence);
    }
    account.may_act_as(Role::Reviewer, Message::new("act-decide-credential"))?;
    account.may_decide(kind, level, region, competence)?;
    match transition {
        Transition::Approve { .. } | Transition::Reject { .. } | Transition::Grant { .. } => {
            account.may_check(model.proposed_by)
        }
        _ => Ok(()),
    }
}

/// Whether `account` may decide `model` (approve, grant, revoke, decide its objections), or why not.
pub async fn may_decide(
    db: &DatabaseConnection,
    account: &Account,
    model: &credential::Model,
) -> ApiResult<()> {
    let competence = super::bureau::competence_of(db, account.own_bureau()?.kind).await?;
    Ok(account.may_decide(model.kind, model.level, &model.region_code, &competence)?)
}

/// A user error on `field` (under `input`).
fn invalid(field: &str, message: Message) -> Vec<UserError> {
    vec![UserError::new(field, "INVALID", message)]
}

/// The user error of a transition the current state does not allow.
fn wrong_state(transition: &Transition, status: CredentialStatus) -> Vec<UserError> {
    vec![UserError::new(
        "id",
        "CONFLICT",
        Message::new("credential-wrong-state")
            .with("status", status.to_value())
            .with("operation", transition.operation())
            .with(
                "needed",
                any_of(transition.starting_states().iter().map(ActiveEnum::to_value)),
            ),
    )]
}

/// The changes `transition` makes to `model`, decided on `today`; or what to fix.
fn changes(
    transition: &Transition,
    model: &credential::Model,
    actor: &Account,
    today: NaiveDate,
) -> Result<credential::ActiveModel, Vec<UserError>> {
    let mut change = model.clone().into_active_model();
    let reviewed = Set(Some(actor.user_id));
    match transition {
        Transition::Submit => change.status = Set(CredentialStatus::Submitted),
        Transition::Approve {
            notice_starts_on,
            notice_ends_on,
            rules,
        } => {
            let (starts, ends) = rules
                .period(model.kind, today, *notice_starts_on, *notice_ends_on)
                .map_err(|problem| invalid(problem.field, problem.message))?;
            change.status = Set(CredentialStatus::PublicNotice);
            change.notice_starts_on = Set(Some(starts));
            change.notice_ends_on = Set(Some(ends));
            change.reviewed_by = reviewed;
        }
        Transition::Reject { reason } | Transition::Withdraw { reason } => {
            if reason.trim().is_empty() {
                return Err(invalid("reason", Message::new("reason-empty")));
            }
            change.status = Set(if matches!(transition, Transition::Reject { .. }) {
                CredentialStatus::Rejected
            } else {
                CredentialStatus::Withdrawn
            });
            change.decision_reason = Set(Some(reason.trim().to_owned()));
            change.exclusive_key = Set(None);
            if !is_registrars_step(transition, model.status) {
                change.reviewed_by = reviewed;
            }
        }
        Transition::Grant {
            valid_from,
            valid_until,
            ..
        } => {
            let notice_ends = model.notice_ends_on.unwrap_or(today);
            if today <= notice_ends {
                return Err(vec![UserError::new(
                    "id",
                    "NOTICE_NOT_ENDED",
                    Message::new("notice-not-ended")
                        .with("ends", notice_ends)
                        .with("from", notice_ends + chrono::Days::new(1))
                        .with("today", today),
                )]);
            }
            let (from, until) = period(model.kind, valid_from.unwrap_or(today), *valid_until)?;
            change.status = Set(CredentialStatus::Granted);
            change.granted_on = Set(Some(today));
            change.valid_from = Set(Some(from));
            change.valid_until = Set(until);
            change.reviewed_by = reviewed;
        }
        Transition::Renew { valid_until, .. } => {
            let Some(current_end) = model.valid_until else {
                return Err(invalid("id", Message::new("renew-open-ended")));
            };
            let (_, until) = period(model.kind, current_end, *valid_until)?;
            // The row keeps its first day: validity runs on without a gap, so dates in earlier periods
            // still answer as valid. `credential_period` keeps each period.
            change.valid_until = Set(until);
            change.granted_on = Set(Some(today));
            change.reviewed_by = reviewed;
        }
        Transition::Revoke {
            reason, effective_on, ..
        } => {
            if reason.trim().is_empty() {
                return Err(invalid("reason", Message::new("reason-empty")));
            }
            let effective = effective_on.unwrap_or(today);
            if model.valid_from.is_some_and(|from| effective < from) {
                return Err(invalid("effectiveOn", Message::new("revoke-before-valid")));
            }
            if model.valid_until.is_some_and(|until| effective >= until) {
                return Err(invalid("effectiveOn", Message::new("revoke-after-end")));
            }
            change.status = Set(CredentialStatus::Revoked);
            change.revoked_on = Set(Some(effective));
            change.revocation_reason = Set(Some(reason.trim().to_owned()));
            change.exclusive_key = Set(None);
            change.reviewed_by = reviewed;
        }
    }
    change.version = Set(model.version + 1);
    change.updated_at = Set(Utc::now());
    Ok(change)
}

/// A validity period starting `from`, ending `until` or after the kind's usual term.
fn period(
    kind: CredentialKind,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> Result<(NaiveDate, Option<NaiveDate>), Vec<UserError>> {
    let until = until.or_else(|| usual_term_years(kind).and_then(|years| years_after(from, years)));
    if until.is_some_and(|until| until <= from) {
        return Err(invalid("validUntil", Message::new("valid-until-after-from")));
    }
    Ok((from, until))
}

/// Takes `transition` on credential `id` for `actor`, if the policy and the current state allow it.
/// A credential the actor may not see is `NOT_FOUND`, exactly like a missing one.
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i32>,
    transition: Transition,
) -> Change<credential::Model> {
    let account = actor.require(transition.operation())?;
    if let Transition::Reject { reason }
    | Transition::Withdraw { reason }
    | Transition::Revoke { reason, .. } = &transition
    {
        super::limit("reason", Some(reason), super::MAX_TEXT_CHARS)?;
    }
    let current = credential::Entity::find_by_id(id).one(db).await?;
    let Some(current) = current.filter(|model| actor.viewer.may_see_credential(model)) else {
        return Ok(Err(vec![UserError::new(
            "id",
            "NOT_FOUND",
            Message::new("no-such-credential"),
        )]));
    };
    let competence = super::bureau::competence_of(db, account.own_bureau()?.kind).await?;
    may_take(account, &transition, &current, &competence)?;
    if expected_version.is_some_and(|expected| expected != current.version) {
        return Err(ApiError::StaleVersion {
            current: current.version,
        });
    }
    if !transition.starting_states().contains(&current.status) {
        return Ok(Err(wrong_state(&transition, current.status)));
    }
    let txn = super::changes::begin(db).await?;
    match write(
        &txn,
        account,
        &actor.request_id,
        actor.today,
        &current,
        &transition,
    )
    .await?
    {
        Ok(updated) => {
            txn.commit().await?;
            Ok(Ok(updated))
        }
        Err(errors) => {
            txn.rollback().await?;
            Ok(Err(errors))
        }
    }
}

/// Takes `transition` (already allowed by the policy) on `current` inside `txn`: the new state, the
/// period a grant or renewal opens, and the audit event; or what stops it. On errors the caller rolls
/// the transaction back.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    actor: &Account,
    request_id: &str,
    today: NaiveDate,
    current: &credential::Model,
    transition: &Transition,
) -> Change<credential::Model> {
    let id = current.id;
    let change = match changes(transition, current, actor, today) {
        Ok(change) => change,
        Err(errors) => return Ok(Err(errors)),
    };
    // The UPDATE requires the state and version decided on, and comes first in the transaction: a
    // concurrent transition that got in first leaves no row to update.
    let updated = credential::Entity::update(change)
        .validate()?
        .filter(credential::Column::Status.eq(current.status))
        .filter(credential::Column::Version.eq(current.version))
        .exec(txn)
        .await;
    let updated = match updated {
        Ok(updated) => updated,
        Err(sea_orm::DbErr::RecordNotUpdated) => {
            let now = credential::Entity::find_by_id(id).one(txn).await?;
            return Ok(Err(match now {
                Some(now) if now.status != current.status => wrong_state(transition, now.status),
                _ => wrong_state(transition, current.status),
            }));
        }
        Err(err) => return Err(err.into()),
    };
    if let Transition::Grant { .. } = transition {
        let open = super::objection::open_count(txn, id).await?;
        if open > 0 {
            return Ok(Err(vec![UserError::new(
                "id",
                "OPEN_OBJECTION",
                Message::new("objections-open").with("count", open),
            )]));
        }
        if updated.kind == CredentialKind::QualityAward
            && let Some(error) = super::program::edition_over_cap(txn, &updated).await?
        {
            return Ok(Err(vec![error]));
        }
    }
    let new_period = match transition {
        Transition::Grant { .. } => updated.valid_from,
        Transition::Renew { .. } => current.valid_until,
        _ => None,
    };
    if let Some(valid_from) = new_period {
        credential_period::Entity::insert(
            credential_period::Model {
                id: Uuid::now_v7(),
                credential_id: id,
                valid_from,
                valid_until: updated.valid_until,
                decided_on: today,
                decided_by: Some(actor.user_id),
                created_at: Utc::now(),
            }
            .into_active_model(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    if let Some((announcement, act)) = transition.announced()
        && let Err(error) =
            super::announcement::announce(txn, "announcementId", announcement, &updated, act).await?
    {
        return Ok(Err(vec![error]));
    }
    super::audit::record_change(
        txn,
        actor,
        request_id,
        transition.action(),
        "credential",
        Some(id),
        Some(snapshot(current)),
        Some(snapshot(&updated)),
    )
    .await?;
    let change = super::changes::Published::credential(transition.action(), &updated);
    super::changes::publish(txn, change).await?;
    Ok(Ok(updated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_defaults_to_the_kinds_usual_term() {
        assert_eq!(
            period(CredentialKind::LittleGiant, date("2026-02-28"), None),
            Ok((date("2026-02-28"), Some(date("2029-02-28"))))
        );
        assert_eq!(
            period(CredentialKind::QualityAward, date("2026-02-28"), None),
            Ok((date("2026-02-28"), None))
        );
        assert!(
            period(
                CredentialKind::Green,
                date("2026-02-28"),
                Some(date("2026-02-28"))
            )
            .is_err()
        );
    }

    #[test]
    fn each_transition_starts_from_its_states() {
        let approve = Transition::Approve {
            notice_starts_on: None,
            notice_ends_on: None,
            rules: NoticeRules::default(),
        };
        assert_eq!(approve.starting_states(), &[CredentialStatus::Submitted]);
        let errors = wrong_state(&approve, CredentialStatus::Granted);
        assert_eq!(
            errors[0].message.render(Language::English),
            "the credential is GRANTED; approveCredential needs SUBMITTED"
        );
        assert_eq!(errors[0].code, "CONFLICT");
    }
}
