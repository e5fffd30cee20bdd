//! The mutation root, merged from one object per domain concept. Authentication and authorisation
//! failures are top-level errors with `extensions.code`; input the caller can fix comes back as
//! `userErrors` in the payload, with nothing changed.

mod account;
mod administration;
mod agreement;
mod announcement;
mod catalogue;
mod credential;
mod enterprise;
mod import;
mod objection;
mod person;

use async_graphql::{Context, MergedObject};

use crate::error::{ApiError, ApiResult};
use crate::graphql::types::db;
use crate::graphql::types::request;
use account::AccountMutation;
use administration::AdministrationMutation;
use agreement::AgreementMutation;
use announcement::AnnouncementMutation;
use catalogue::CatalogueMutation;
use credential::CredentialMutation;
use enterprise::EnterpriseMutation;
use import::ImportMutation;
use objection::ObjectionMutation;
use person::PersonMutation;

/// The root of every mutation: signing in, managing users and bureaus, registering enterprises and
/// persons, proposing credentials and taking them through their lifecycle, and mutual-recognition
/// agreements.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    AccountMutation,
    AdministrationMutation,
    EnterpriseMutation,
    PersonMutation,
    CatalogueMutation,
    CredentialMutation,
    ObjectionMutation,
    ImportMutation,
    AgreementMutation,
    AnnouncementMutation,
);

/// Runs a change; when the access policy refuses it, the attempt is written to the audit log (outcome
/// `REFUSED`, with the actor, the action and the entity) before the refusal goes back to the caller.
async fn recording_refusals<T>(
    ctx: &Context<'_>,
    action: &str,
    entity: (&str, Option<uuid::Uuid>),
    change: impl Future<Output = ApiResult<T>>,
) -> ApiResult<T> {
    let result = change.await;
    if let (Err(ApiError::Forbidden(_)), Ok(actor)) = (&result, request(ctx).viewer.account()) {
        let db = db(ctx);
        crate::services::audit::record_refusal(db, actor, &request(ctx).request_id, action, entity).await?;
    }
    result
}
