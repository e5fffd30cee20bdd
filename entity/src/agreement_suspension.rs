//! One period a recognition agreement was suspended: from `suspended_from` until `resumed_from`
//! (exclusive; null while the suspension lasts).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_suspension")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub suspended_from: Date,
    pub resumed_from: Option<Date>,
    pub suspended_by: Option<Uuid>,
    pub resumed_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
