//! A name an enterprise was registered under before (曾用名), with the dates it was in use.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enterprise_former_name")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub enterprise_id: Uuid,
    pub name: String,
    /// The name folded for search, as `enterprise.name_normalized`.
    pub name_normalized: String,
    /// The first day it was in use, when known: the day of the rename before, or the enterprise's
    /// establishment.
    pub used_from: Option<Date>,
    /// The day the rename to the next name was recorded.
    pub used_until: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
