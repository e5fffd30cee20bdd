//! An objection raised against a credential during its public notice (公示), and its decision.

use crate::enums::ObjectionStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objection")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub credential_id: Uuid,
    /// The signed-in user who raised it.
    pub raised_by: Uuid,
    pub grounds: String,
    /// The registry's date when it was raised.
    pub raised_on: Date,
    pub status: ObjectionStatus,
    /// The reviewer who upheld or dismissed it.
    pub decided_by: Option<Uuid>,
    pub decided_on: Option<Date>,
    pub decision_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
