//! A quality award won in one edition (届/year) of a programme.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quality_award")]
pub struct Model {
    /// The shared `credential` row this detail belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: Uuid,
    pub program_id: Uuid,
    pub edition: Option<i32>,
    pub citation: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
