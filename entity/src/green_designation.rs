//! Green-manufacturing listing details: what kind, and the product or park named.

use crate::enums::GreenKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "green_designation")]
pub struct Model {
    /// The shared `credential` row this detail belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: Uuid,
    pub green_kind: GreenKind,
    /// The green design product, or the park for an industrial park listing.
    pub subject_name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
