//! A region that took over (part of) an abolished one: an abolished code has one row per successor.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_successor")]
pub struct Model {
    /// The abolished code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    /// A code that took its area over.
    #[sea_orm(primary_key, auto_increment = false)]
    pub successor_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
