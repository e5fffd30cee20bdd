//! The columns every credential kind shares; each kind's own columns live in its detail table
//! (`little_giant_designation`, `green_designation`, …) keyed by this row's id.

use crate::enums::{CredentialKind, CredentialStatus, Level};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "credential")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub kind: CredentialKind,
    pub holder_enterprise_id: Option<Uuid>,
    pub holder_person_id: Option<Uuid>,
    pub level: Level,
    pub granting_bureau_id: Uuid,
    /// The holder's region when the credential was granted.
    pub region_code: String,
    /// The stored state; `EXPIRED` is never stored but derived from `valid_until`.
    pub status: CredentialStatus,
    pub batch: Option<i32>,
    pub year: Option<i32>,
    pub notice_starts_on: Option<Date>,
    pub notice_ends_on: Option<Date>,
    pub granted_on: Option<Date>,
    pub valid_from: Option<Date>,
    /// Exclusive end of validity.
    pub valid_until: Option<Date>,
    pub revoked_on: Option<Date>,
    pub revocation_reason: Option<String>,
    pub proposed_by: Option<Uuid>,
    pub reviewed_by: Option<Uuid>,
    /// Holder, kind, level and what makes two of a kind the same (tier, programme and year, …) while
    /// the credential is in progress or granted; null once it is rejected, withdrawn or revoked. Unique:
    /// the database allows one active credential per key.
    pub exclusive_key: Option<String>,
    /// Why a proposal was rejected or withdrawn.
    pub decision_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::enterprise::Entity",
        from = "Column::HolderEnterpriseId",
        to = "super::enterprise::Column::Id"
    )]
    HolderEnterprise,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::HolderPersonId",
        to = "super::person::Column::Id"
    )]
    HolderPerson,
}

impl ActiveModelBehavior for ActiveModel {}
