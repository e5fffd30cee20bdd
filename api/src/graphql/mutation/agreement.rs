//! Mutual-recognition agreements: proposing, confirming, suspending and terminating them, and the
//! list of a `LISTED` agreement. Each step is the act of one party's bureau administrator, audited.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::enums::{AgreementMode, CredentialKind};
use crate::graphql::scalars::Date;
use crate::graphql::types::agreement::{RecognitionAgreement, RecognitionListing};
use crate::graphql::types::db;
use crate::graphql::types::request;
use crate::graphql::types::user::UserError;
use crate::ids::{self, NodeType};
use crate::services::Change;
use crate::services::agreement::{self as service, AgreementStep, ListingStep, NewAgreement};

/// A new agreement, proposed by the administrator of one of its parties.
#[derive(InputObject)]
pub struct CreateAgreementInput {
    /// Title, e.g. 川渝质量奖获奖者和首席质量官互认合作协议.
    pub title: String,
    /// Date it was signed.
    pub signed_on: Date,
    /// Every party bureau, the caller's own included (at least two).
    pub party_bureau_ids: Vec<ID>,
    /// The credential kinds it covers.
    pub scope: Vec<CredentialKind>,
    /// Every credential of the scope (`AUTOMATIC`) or only those the parties list (`LISTED`).
    pub mode: AgreementMode,
    /// First day it applies (once every party has confirmed).
    pub effective_from: Date,
    /// End of its term, exclusive; open-ended when omitted.
    pub effective_until: Option<Date>,
}

/// A party confirming an agreement.
#[derive(InputObject)]
pub struct ConfirmAgreementInput {
    /// The agreement.
    pub agreement_id: ID,
    /// The `version` the step is based on; a newer one is a `CONFLICT` and nothing changes.
    pub expected_version: Option<i32>,
}

/// A party suspending, resuming or terminating an agreement from a date on.
#[derive(InputObject)]
pub struct EndAgreementInput {
    /// The agreement.
    pub agreement_id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// First day the step applies (for a suspension or termination, the first day the agreement no
    /// longer applies; for a resumption, the first day it applies again): today or later, never
    /// retroactive; today when omitted.
    pub effective_on: Option<Date>,
}

/// A credential to put on a `LISTED` agreement's list or take off it.
#[derive(InputObject)]
pub struct ListingInput {
    /// The agreement.
    pub agreement_id: ID,
    /// The credential, granted inside the caller's jurisdiction.
    pub credential_id: ID,
}

/// The agreement after the change, or what to fix.
#[derive(SimpleObject)]
pub struct AgreementPayload {
    /// The agreement; null when nothing changed.
    pub agreement: Option<RecognitionAgreement>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The list entry after the change, or what to fix.
#[derive(SimpleObject)]
pub struct ListingPayload {
    /// The list entry; null when nothing changed.
    pub listing: Option<RecognitionListing>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

fn agreement_payload(change: Change<entity::recognition_agreement::Model>) -> ApiResult<AgreementPayload> {
    Ok(match change? {
        Ok(model) => AgreementPayload {
            agreement: Some(RecognitionAgreement(model)),
            user_errors: Vec::new(),
        },
        Err(errors) => AgreementPayload {
            agreement: None,
            user_errors: errors.into_iter().map(Into::into).collect(),
        },
    })
}

async fn step(
    ctx: &Context<'_>,
    agreement_id: &ID,
    expected_version: Option<i32>,
    step: AgreementStep,
) -> ApiResult<AgreementPayload> {
    let context = request(ctx);
    let id = ids::decode_as("input.agreementId", NodeType::RecognitionAgreement, agreement_id)?;
    let change = service::apply(db(ctx), context, id, expected_version, step);
    agreement_payload(
        recording_refusals(ctx, step.action(), ("recognition_agreement", Some(id)), change).await,
    )
}

async fn listing(ctx: &Context<'_>, input: ListingInput, step: ListingStep) -> ApiResult<ListingPayload> {
    let context = request(ctx);
    let agreement = ids::decode_as(
        "input.agreementId",
        NodeType::RecognitionAgreement,
        &input.agreement_id,
    )?;
    let credential = ids::decode_as("input.credentialId", NodeType::Credential, &input.credential_id)?;
    let change = service::set_listing(db(ctx), context, (agreement, credential), step);
    Ok(
        match recording_refusals(ctx, step.action(), ("recognition_listing", None), change).await? {
            Ok(row) => ListingPayload {
                listing: Some(RecognitionListing(row)),
                user_errors: Vec::new(),
            },
            Err(errors) => ListingPayload {
                listing: None,
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        },
    )
}

/// Mutual-recognition agreements.
#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Proposes an agreement (the administrator of one party bureau; the proposal is that party's
    /// confirmation). It stays `PENDING` until every other party's administrator confirms. Audited.
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement.")] input: CreateAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let context = request(ctx);
        let party_bureau_ids = input
            .party_bureau_ids
            .iter()
            .enumerate()
            .map(|(i, id)| ids::decode_as(&format!("input.partyBureauIds[{i}]"), NodeType::Bureau, id))
            .collect::<ApiResult<Vec<_>>>()?;
        let new = NewAgreement {
            title: input.title,
            signed_on: input.signed_on.0,
            party_bureau_ids,
            scope: input.scope.into_iter().map(Into::into).collect(),
            mode: input.mode.into(),
            effective_from: input.effective_from.0,
            effective_until: input.effective_until.map(|d| d.0),
        };
        let change = service::create(db(ctx), context, new);
        agreement_payload(
            recording_refusals(ctx, "CREATE_AGREEMENT", ("recognition_agreement", None), change).await,
        )
    }

    /// Confirms an agreement for the caller's bureau (its administrator); the last confirmation makes
    /// it `ACTIVE` from today. Audited.
    async fn confirm_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement.")] input: ConfirmAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        step(
            ctx,
            &input.agreement_id,
            input.expected_version,
            AgreementStep::Confirm,
        )
        .await
    }

    /// Suspends an active agreement from a date on (the administrator of a party). Audited.
    async fn suspend_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the date.")] input: EndAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let effective_on = input.effective_on.map_or(request(ctx).today, |d| d.0);
        let suspend = AgreementStep::Suspend { effective_on };
        step(ctx, &input.agreement_id, input.expected_version, suspend).await
    }

    /// Resumes a suspended agreement from a date on, today or later (the administrator of a party);
    /// the suspension period stays on record, so dates inside it still answer as they did. Audited.
    async fn resume_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the first day it applies again.")] input: EndAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let effective_on = input.effective_on.map_or(request(ctx).today, |d| d.0);
        let resume = AgreementStep::Resume { effective_on };
        step(ctx, &input.agreement_id, input.expected_version, resume).await
    }

    /// Terminates an agreement from a date on (the administrator of a party); dates before it still
    /// answer as they did. Audited.
    async fn terminate_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the date.")] input: EndAgreementInput,
    ) -> ApiResult<AgreementPayload> {
        let effective_on = input.effective_on.map_or(request(ctx).today, |d| d.0);
        let terminate = AgreementStep::Terminate { effective_on };
        step(ctx, &input.agreement_id, input.expected_version, terminate).await
    }

    /// Puts a granted credential on a `LISTED` agreement's list from today on (the administrator of a
    /// party, for credentials granted inside its jurisdiction); listing it again after it was taken off
    /// opens a new entry and keeps the earlier period. Audited.
    async fn list_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the credential.")] input: ListingInput,
    ) -> ApiResult<ListingPayload> {
        listing(ctx, input, ListingStep::List).await
    }

    /// Takes a credential off a `LISTED` agreement's list from today on; earlier dates still count it.
    /// Audited.
    async fn unlist_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the credential.")] input: ListingInput,
    ) -> ApiResult<ListingPayload> {
        listing(ctx, input, ListingStep::Unlist).await
    }
}
