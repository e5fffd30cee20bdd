//! One change in the change feed's outbox, numbered in commit order, written in the same transaction
//! as the change (and its audit event). Append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_event")]
pub struct Model {
    /// The place in the feed: later commits have higher numbers.
    #[sea_orm(primary_key)]
    pub sequence: i64,
    pub committed_at: DateTimeUtc,
    /// What kind of record changed (`ENTERPRISE`, a credential kind, `RECOGNITION_AGREEMENT`).
    pub subject: String,
    /// What happened to it (the audit action, e.g. `GRANT_CREDENTIAL`).
    pub change: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    /// The region of the record (a credential's holder when granted, an enterprise's), if it has one.
    pub region_code: Option<String>,
    /// The enterprise the record is, or belongs to, if any.
    pub enterprise_id: Option<Uuid>,
    /// `PUBLIC` when anyone may read it, `STAFF` when only staff of its region (and the enterprise) may.
    pub visibility: String,
    /// The record's public fields after the change: never personal data.
    pub payload: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
