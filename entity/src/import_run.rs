//! A committed batch import, by its idempotency key, with the report it answered.

use crate::enums::CredentialKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_run")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub kind: CredentialKind,
    pub batch: i32,
    pub actor_user_id: Uuid,
    pub created_at: DateTimeUtc,
    pub report: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
