//! A local account: staff of a bureau or a user of one enterprise.

use crate::enums::UserStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    /// An argon2id PHC string; never leaves the server.
    pub password_hash: String,
    pub bureau_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub status: UserStatus,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
