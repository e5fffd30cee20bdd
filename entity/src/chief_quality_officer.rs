//! A chief-quality-officer certification (首席质量官) of a person at an employer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chief_quality_officer")]
pub struct Model {
    /// The shared `credential` row this detail belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: Uuid,
    #[sea_orm(unique)]
    pub certificate_number: String,
    pub employer_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
