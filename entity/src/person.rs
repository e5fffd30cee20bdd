//! A natural person (award recipient, chief quality officer). Identity number and phone are personal
//! data: the API's access policy decides who sees them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
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
    pub identity_number: Option<String>,
    pub phone: Option<String>,
    pub employer_id: Option<Uuid>,
    pub region_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
