//! A mutual-recognition agreement (互认) between bureaus of two or more regions.

use crate::enums::{AgreementMode, AgreementStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognition_agreement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub title: String,
    pub signed_on: Date,
    pub effective_from: Date,
    pub effective_until: Option<Date>,
    pub status: AgreementStatus,
    pub mode: AgreementMode,
    /// The day the last party confirmed; null while pending.
    pub activated_on: Option<Date>,
    /// First day a suspension applies.
    pub suspended_from: Option<Date>,
    /// First day a termination applies.
    pub terminated_from: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
