//! 专精特新 designation details: the tier.

use crate::enums::LittleGiantTier;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "little_giant_designation")]
pub struct Model {
    /// The shared `credential` row this detail belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: Uuid,
    pub tier: LittleGiantTier,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
