//! A published announcement (公告, 通知) that grants, renews or revokes credentials.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// The document number (文号), unique per issuing bureau, e.g. 工信厅企业函〔2023〕23号.
    pub document_number: String,
    pub title: String,
    pub issuing_bureau_id: Uuid,
    pub published_on: Date,
    /// Where it is published.
    pub url: Option<String>,
    /// The account that recorded it in the registry.
    pub recorded_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
