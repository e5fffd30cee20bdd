//! A credential explicitly listed on a LISTED-mode agreement (the 75 awards, the 220 officers).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition_listing")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub agreement_id: Uuid,
    pub credential_id: Uuid,
    /// First day the listing counts; null for listings older than this column (they count from the
    /// agreement's start).
    pub listed_on: Option<Date>,
    /// Who listed it.
    pub listed_by: Option<Uuid>,
    /// First day it no longer counts; null while listed.
    pub unlisted_on: Option<Date>,
    /// Who took it off the list.
    pub unlisted_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
