//! A GB/T 2260 administrative division; abolished codes stay, with their successors (`region_successor`).

use crate::enums::Level;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub abolished_on: Option<Date>,
    /// The first of the successors, as recorded before `region_successor` lists them all.
    pub successor_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
