//! A brand: held by an enterprise, or (regional public brands) by an association or government body.

use crate::enums::BrandKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brand")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub name: String,
    pub name_normalized: String,
    /// Pinyin search form of the name (every spelling, in full and as initials, each enclosed in
    /// spaces); null until the application has spelled it.
    pub name_pinyin: Option<String>,
    /// Short-term search form of the name (its letters and adjacent pairs, enclosed in spaces); null
    /// until the application has filled it in.
    pub name_grams: Option<String>,
    pub kind: BrandKind,
    pub holder_enterprise_id: Option<Uuid>,
    pub holder_organisation: Option<String>,
    pub region_code: String,
    pub trademark_number: Option<String>,
    /// Nice classification classes, comma separated ("29,31").
    pub nice_classes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
