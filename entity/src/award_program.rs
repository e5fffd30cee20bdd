//! A quality-award programme (中国质量奖, 市长质量管理奖, 鲁班奖, …).

use crate::enums::Level;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_program")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub level: Level,
    pub region_code: String,
    pub awarding_bureau_id: Option<Uuid>,
    pub max_winners_per_edition: Option<i32>,
    pub description: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
