//! A protected geographic indication (地理标志) under one of the three protection systems.

use crate::enums::GiProtectionType;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "geographic_indication")]
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
    pub protection_type: GiProtectionType,
    #[sea_orm(unique)]
    pub registration_number: String,
    pub holder_organisation: String,
    pub region_code: String,
    pub product_category: Option<String>,
    pub registered_on: Option<Date>,
    pub registering_bureau_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
