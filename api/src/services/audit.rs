//! The audit trail: append-only records of who did or saw what, when, in which request.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::graphql::loaders::PersonalDataRead;
use crate::policy::Account;

/// Appends one audit event for a change by `account`, inside the change's own transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record_change(
    txn: &impl ConnectionTrait,
    account: &Account,
    request_id: &str,
    action: &str,
    entity_type: &str,
    entity_id: Uuid,
    before: Option<Value>,
    after: Option<Value>,
) -> ApiResult<()> {
    let event = audit_event::Model {
        id: Uuid::now_v7(),
        at: Utc::now(),
        actor_user_id: Some(account.user_id),
        actor_bureau_id: account.bureau.as_ref().map(|bureau| bureau.id),
        action: action.to_owned(),
        entity_type: entity_type.to_owned(),
        entity_id: Some(entity_id),
        before,
        after,
        request_id: Some(request_id.to_owned()),
    };
    audit_event::Entity::insert(event.into_active_model())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// `audit_event.action` of a whole personal-data value shown to a user.
pub const READ_PERSONAL_DATA: &str = "READ_PERSONAL_DATA";

/// Records that `account` read these personal-data fields in request `request_id`: one event per
/// person, naming the fields.
pub async fn record_personal_data_reads(
    db: &DatabaseConnection,
    account: &Account,
    request_id: &str,
    reads: Vec<PersonalDataRead>,
) -> ApiResult<()> {
    if reads.is_empty() {
        return Ok(());
    }
    let mut fields_by_person: Vec<(Uuid, Vec<&'static str>)> = Vec::new();
    for read in reads {
        match fields_by_person
            .iter_mut()
            .find(|(person, _)| *person == read.person_id)
        {
            Some((_, fields)) => fields.push(read.field),
            None => fields_by_person.push((read.person_id, vec![read.field])),
        }
    }
    let at = Utc::now();
    let events = fields_by_person.into_iter().map(|(person_id, fields)| {
        audit_event::Model {
            id: Uuid::now_v7(),
            at,
            actor_user_id: Some(account.user_id),
            actor_bureau_id: account.bureau.as_ref().map(|bureau| bureau.id),
            action: READ_PERSONAL_DATA.to_owned(),
            entity_type: "person".to_owned(),
            entity_id: Some(person_id),
            before: None,
            after: Some(json!({ "fields": fields })),
            request_id: Some(request_id.to_owned()),
        }
        .into_active_model()
    });
    audit_event::Entity::insert_many(events)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
