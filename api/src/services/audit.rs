//! The audit trail: append-only records of who did or saw what, when, in which request.

use super::listing::{KeyKind, ListOrder, Listing, SortKey};
use chrono::Utc;
use entity::audit_event;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::actor::{Actor, PersonalDataRead};
use crate::error::ApiResult;
use crate::policy::Account;

/// An event by `account` in request `request_id` about `entity` (type and id; no id for entities
/// without one, such as a kind of bureau).
fn event(
    account: &Account,
    request_id: &str,
    action: &str,
    entity: (&str, Option<Uuid>),
    outcome: &str,
) -> audit_event::Model {
    audit_event::Model {
        id: Uuid::now_v7(),
        at: Utc::now(),
        actor_user_id: Some(account.user_id),
        actor_bureau_id: account.bureau.as_ref().map(|bureau| bureau.id),
        action: action.to_owned(),
        entity_type: entity.0.to_owned(),
        entity_id: entity.1,
        before: None,
        after: None,
        request_id: Some(request_id.to_owned()),
        outcome: outcome.to_owned(),
    }
}

/// Appends one audit event for a change by `account`, inside the change's own transaction. `entity_id`
/// is `None` for entities without one (a kind of bureau).
#[allow(clippy::too_many_arguments)]
pub async fn record_change(
    txn: &impl ConnectionTrait,
    account: &Account,
    request_id: &str,
    action: &str,
    entity_type: &str,
    entity_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
) -> ApiResult<()> {
    let event = audit_event::Model {
        before,
        after,
        ..event(account, request_id, action, (entity_type, entity_id), DONE)
    };
    audit_event::Entity::insert(event.into_active_model())
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Appends one creation event per new row of `entity_type` (id and `after` snapshot), in one
/// statement inside the change's transaction: a bulk change is audited row by row at one cost.
pub async fn record_creations(
    txn: &impl ConnectionTrait,
    account: &Account,
    request_id: &str,
    action: &str,
    entity_type: &str,
    created: Vec<(Uuid, Value)>,
) -> ApiResult<()> {
    if created.is_empty() {
        return Ok(());
    }
    let events = created.into_iter().map(|(id, after)| {
        audit_event::Model {
            after: Some(after),
            ..event(account, request_id, action, (entity_type, Some(id)), DONE)
        }
        .into_active_model()
    });
    audit_event::Entity::insert_many(events)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Inserts a new row and its audit event (`after`: the row's `snapshot`) in one transaction, and the
/// change into the feed when the row is of a kind it carries (`feed`).
pub async fn create_recorded<E>(
    db: &DatabaseConnection,
    account: &Account,
    request_id: &str,
    (action, entity_type, id): (&str, &str, Uuid),
    row: E::Model,
    snapshot: fn(&E::Model) -> Value,
    feed: Option<fn(&str, &E::Model) -> super::changes::Published>,
) -> ApiResult<E::Model>
where
    E: sea_orm::EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    use sea_orm::ActiveModelTrait;
    // The feed's lock, if the row goes to the feed, is taken only by `publish`, last before the commit
    // (see `changes`): what this transaction holds meanwhile is a row no other can see, so no holder of
    // the feed waits for it, and creations no longer wait for one another's inserts.
    let txn = super::begin_write(db).await?;
    let row = row.into_active_model().insert(&txn).await?;
    let after = Some(snapshot(&row));
    record_change(
        &txn,
        account,
        request_id,
        action,
        entity_type,
        Some(id),
        None,
        after,
    )
    .await?;
    if let Some(feed) = feed {
        super::changes::publish(&txn, feed(action, &row)).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// `audit_event.outcome` of a change committed (or a read made).
pub const DONE: &str = "DONE";
/// `audit_event.outcome` of an attempt the access policy refused; nothing changed.
pub const REFUSED: &str = "REFUSED";

/// Records that the policy refused `account` an attempt at `action` on an entity, outside any
/// transaction (the attempt changed nothing), and hands the refusal back.
pub async fn record_refusal(
    db: &DatabaseConnection,
    account: &Account,
    request_id: &str,
    action: &str,
    entity: (&str, Option<Uuid>),
) -> ApiResult<()> {
    let event = event(account, request_id, action, entity, REFUSED);
    audit_event::Entity::insert(event.into_active_model())
        .exec_without_returning(db)
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
            at,
            after: Some(json!({ "fields": fields })),
            ..event(
                account,
                request_id,
                READ_PERSONAL_DATA,
                ("person", Some(person_id)),
                DONE,
            )
        }
        .into_active_model()
    });
    audit_event::Entity::insert_many(events)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Which audit events to list.
#[derive(Debug, Default)]
pub struct AuditFilter {
    /// Events about this kind of entity (`user`, `person`, `bureau`, …).
    pub entity_type: Option<String>,
    /// Events about this entity.
    pub entity_id: Option<Uuid>,
    /// Events by this user.
    pub actor: Option<Uuid>,
    /// Events of this action (`CREATE_USER`, `READ_PERSONAL_DATA`, …).
    pub action: Option<String>,
    /// Events at or after this instant.
    pub from: Option<chrono::DateTime<Utc>>,
    /// Events before this instant.
    pub until: Option<chrono::DateTime<Utc>>,
}

/// The audit events `account` may read, newest first: a system administrator all of them, other staff
/// those of actors whose bureau lies in their jurisdiction and those about credentials held inside it
/// (so a credential's history includes what outsiders did to it, such as an objection); anyone else
/// is refused.
pub fn search(actor: &Actor, filter: &AuditFilter) -> ApiResult<Listing<audit_event::Entity>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let account = actor.require("auditEvents")?;
    let mut query = audit_event::Entity::find().filter(account.audit_condition());
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_event::Column::EntityType.eq(entity_type.as_str()));
    }
    if let Some(entity_id) = filter.entity_id {
        query = query.filter(audit_event::Column::EntityId.eq(entity_id));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(audit_event::Column::ActorUserId.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::At.lt(until));
    }
    Ok(Listing {
        rows: query,
        order: ListOrder::by([
            SortKey::column(audit_event::Column::At, KeyKind::Time).descending(true),
            SortKey::column(audit_event::Column::Id, KeyKind::Id).descending(true),
        ]),
    })
}
