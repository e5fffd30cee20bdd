//! Objections during a public notice (公示): anyone signed in may object to a credential on notice,
//! giving grounds; a reviewer who may decide the credential upholds the objection (the credential is
//! withdrawn) or dismisses it, with reasons. While an objection is open the credential cannot be
//! granted. Every step is audited against the credential, so it shows in the credential's history
//! (`auditEvents(filter: {entityId})`).

use chrono::{NaiveDate, Utc};
use entity::{
    credential,
    enums::{CredentialStatus, ObjectionStatus},
    objection,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, sea_query::Expr,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::lifecycle::{self, Transition};
use super::{Change, UserError};
use crate::actor::Actor;
use crate::error::ApiResult;
use crate::i18n::Message;

/// How a reviewer decides an objection.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The objection holds: the credential is withdrawn.
    Uphold,
    /// The objection does not hold: the notice goes on.
    Dismiss,
}

fn snapshot(model: &objection::Model) -> Value {
    json!({
        "objectionId": model.id, "status": model.status, "grounds": model.grounds,
        "raisedOn": model.raised_on, "raisedBy": model.raised_by, "decidedOn": model.decided_on,
        "decidedBy": model.decided_by, "decisionReason": model.decision_reason, "version": model.version,
    })
}

/// Trimmed text that says something, or the user error on `field`.
fn text(field: &str, value: &str) -> Result<String, Vec<UserError>> {
    let value = value.trim();
    if value.is_empty() {
        return Err(vec![UserError::new(
            field,
            "INVALID",
            Message::new("reason-empty"),
        )]);
    }
    Ok(value.to_owned())
}

/// Whether `credential` is on public notice on `today`, or why not.
fn on_notice(model: &credential::Model, today: NaiveDate) -> Result<(), Vec<UserError>> {
    let not_now = |message: Message| Err(vec![UserError::new("credentialId", "CONFLICT", message)]);
    match (model.status, model.notice_starts_on, model.notice_ends_on) {
        (CredentialStatus::PublicNotice, Some(starts), Some(ends)) if starts <= today && today <= ends => {
            Ok(())
        }
        (CredentialStatus::PublicNotice, Some(starts), Some(ends)) => not_now(
            Message::new("objection-outside-notice")
                .with("starts", starts)
                .with("ends", ends)
                .with("today", today),
        ),
        _ => not_now(Message::new("objection-not-on-notice")),
    }
}

/// Open objections to credential `id`.
pub async fn open_count(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<u64> {
    Ok(objection::Entity::find()
        .filter(objection::Column::CredentialId.eq(id))
        .filter(objection::Column::Status.eq(ObjectionStatus::Open))
        .count(db)
        .await?)
}

/// `actor` objects to credential `credential_id` on `grounds`.
pub async fn raise(
    db: &DatabaseConnection,
    actor: &Actor,
    credential_id: Uuid,
    grounds: &str,
) -> Change<objection::Model> {
    let account = actor.require("raiseObjection")?;
    super::limit("grounds", Some(grounds), super::MAX_TEXT_CHARS)?;
    let current = credential::Entity::find_by_id(credential_id).one(db).await?;
    let Some(current) = current.filter(|model| actor.viewer.may_see_credential(model)) else {
        return Ok(Err(vec![UserError::new(
            "credentialId",
            "NOT_FOUND",
            Message::new("no-such-credential"),
        )]));
    };
    let grounds = match text("grounds", grounds).and_then(|g| on_notice(&current, actor.today).map(|()| g)) {
        Ok(grounds) => grounds,
        Err(errors) => return Ok(Err(errors)),
    };
    let txn = super::begin_write(db).await?;
    // Touching the row first serialises with a grant: whichever commits first, the other sees it.
    let still_on_notice = credential::Entity::update_many()
        .col_expr(
            credential::Column::UpdatedAt,
            Expr::col(credential::Column::UpdatedAt),
        )
        .filter(credential::Column::Id.eq(credential_id))
        .filter(credential::Column::Status.eq(CredentialStatus::PublicNotice))
        .exec(&txn)
        .await?;
    if still_on_notice.rows_affected == 0 {
        return Ok(Err(vec![UserError::new(
            "credentialId",
            "CONFLICT",
            Message::new("objection-notice-left"),
        )]));
    }
    let now = Utc::now();
    let model = objection::Model {
        id: Uuid::now_v7(),
        credential_id,
        raised_by: account.user_id,
        grounds,
        raised_on: actor.today,
        status: ObjectionStatus::Open,
        decided_by: None,
        decided_on: None,
        decision_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    objection::Entity::insert(model.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        "RAISE_OBJECTION",
        "credential",
        Some(credential_id),
        None,
        Some(snapshot(&model)),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(model))
}

/// A reviewer decides objection `id`: upheld, the credential is withdrawn in the same transaction.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    decision: Decision,
    reasons: &str,
) -> Change<(objection::Model, credential::Model)> {
    let account = actor.require("decideObjection")?;
    super::limit("reasons", Some(reasons), super::MAX_TEXT_CHARS)?;
    let not_found = || {
        Ok(Err(vec![UserError::new(
            "objectionId",
            "NOT_FOUND",
            Message::new("no-such-objection"),
        )]))
    };
    let Some(current) = objection::Entity::find_by_id(id).one(db).await? else {
        return not_found();
    };
    let credential = credential::Entity::find_by_id(current.credential_id)
        .one(db)
        .await?;
    let Some(credential) = credential.filter(|model| actor.viewer.may_see_internals(model)) else {
        return not_found();
    };
    lifecycle::may_decide(db, account, &credential).await?;
    account.may_judge(current.raised_by)?;
    if current.status != ObjectionStatus::Open {
        return Ok(Err(vec![UserError::new(
            "objectionId",
            "CONFLICT",
            Message::new("objection-decided").with("status", format!("{:?}", current.status)),
        )]));
    }
    let reasons = match text("reasons", reasons) {
        Ok(reasons) => reasons,
        Err(errors) => return Ok(Err(errors)),
    };
    let txn = super::changes::begin(db).await?;
    let mut change = current.clone().into_active_model();
    change.status = Set(match decision {
        Decision::Uphold => ObjectionStatus::Upheld,
        Decision::Dismiss => ObjectionStatus::Dismissed,
    });
    change.decided_by = Set(Some(account.user_id));
    change.decided_on = Set(Some(actor.today));
    change.decision_reason = Set(Some(reasons.clone()));
    change.version = Set(current.version + 1);
    change.updated_at = Set(Utc::now());
    let decided = super::versioned_update::<objection::Entity>(
        &txn,
        change,
        id,
        objection::Column::Version,
        current.version,
    )
    .await?;
    let credential = match decision {
        Decision::Uphold => {
            let withdraw = Transition::Withdraw {
                reason: format!("objection upheld: {reasons}"),
            };
            match lifecycle::write(
                &txn,
                account,
                actor.request_id.as_str(),
                actor.today,
                &credential,
                &withdraw,
            )
            .await?
            {
                Ok(withdrawn) => withdrawn,
                Err(errors) => return Ok(Err(errors)),
            }
        }
        Decision::Dismiss => credential,
    };
    let action = match decision {
        Decision::Uphold => "UPHOLD_OBJECTION",
        Decision::Dismiss => "DISMISS_OBJECTION",
    };
    super::audit::record_change(
        &txn,
        account,
        actor.request_id.as_str(),
        action,
        "credential",
        Some(credential.id),
        Some(snapshot(&current)),
        Some(snapshot(&decided)),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok((decided, credential)))
}
