//! SeaORM entities: one module per table, plus the enums stored in them. Nothing here knows about
//! GraphQL or HTTP; the API crate decides what of a row is shown to whom.

pub mod agreement_party;
pub mod agreement_scope;
pub mod agreement_suspension;
pub mod announced_credential;
pub mod announcement;
pub mod app_user;
pub mod audit_event;
pub mod award_program;
pub mod brand;
pub mod brand_recognition;
pub mod bureau;
pub mod bureau_competence;
pub mod change_event;
pub mod chief_quality_officer;
pub mod credential;
pub mod credential_period;
pub mod enterprise;
pub mod enterprise_former_name;
pub mod enums;
pub mod geographic_indication;
pub mod gi_authorization;
pub mod gi_protected_area;
pub mod green_designation;
pub mod import_run;
pub mod little_giant_designation;
pub mod objection;
pub mod person;
pub mod quality_award;
pub mod recognition_agreement;
pub mod recognition_listing;
pub mod region;
pub mod region_successor;
pub mod user_role;
