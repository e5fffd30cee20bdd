//! An enterprise, identified by its unified social credit code (统一社会信用代码).

use crate::enums::{EnterpriseScale, EnterpriseStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enterprise")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(unique)]
    pub uscc: String,
    pub name: String,
    /// The name folded for search (NFKC, simplified script, lower case): see the API's `text` module.
    pub name_normalized: String,
    /// Pinyin search form of the name (every spelling, in full and as initials, each enclosed in
    /// spaces); null until the application has spelled it.
    pub name_pinyin: Option<String>,
    /// Search form of the names it had before: each folded former name enclosed in line breaks
    /// (`\nold name\nolder name\n`); null when it was never renamed.
    pub former_names_normalized: Option<String>,
    /// Short-term search form of the name and the former names (their letters and adjacent pairs,
    /// enclosed in spaces); null until the application has filled it in.
    pub name_grams: Option<String>,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub scale: Option<EnterpriseScale>,
    pub status: EnterpriseStatus,
    pub established_on: Option<Date>,
    pub registered_capital_cny: Option<i64>,
    pub legal_representative: Option<String>,
    pub address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
