//! A recognition of a brand ("上海品牌" certification, a public-brand licence, …).

use crate::enums::BrandRecognitionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brand_recognition")]
pub struct Model {
    /// The shared `credential` row this detail belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub credential_id: Uuid,
    pub brand_id: Uuid,
    pub recognition_kind: BrandRecognitionKind,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
