//! One validity period a credential was granted or renewed for; the history a renewal keeps.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credential_period")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub credential_id: Uuid,
    pub valid_from: Date,
    /// Exclusive end; null for a credential without an end.
    pub valid_until: Option<Date>,
    /// The day the grant or renewal was decided.
    pub decided_on: Date,
    /// The reviewer who decided it (null for imported history).
    pub decided_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
