//! Proposing credentials of every kind and taking them through their lifecycle (DESIGN §4).
//!
//! Each proposal mutation takes what a registrar fills in for its kind; the system decides the rest
//! (holder's region, granting bureau, state, who proposed). Transitions work on any kind by credential
//! id. Refusals by the access policy are top-level `FORBIDDEN` errors and are audited as refused;
//! input and state problems come back as `userErrors` (code `CONFLICT` for a state that does not allow
//! the step or a holder that already has such a credential).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::domain::notice::NoticeRules;
use crate::error::ApiResult;
use crate::graphql::enums::{BrandRecognitionKind, GreenKind, Level, LittleGiantTier};
use crate::graphql::scalars::Date;
use crate::graphql::types::credential::Credential;
use crate::graphql::types::db;
use crate::graphql::types::request;
use crate::graphql::types::user::UserError;
use crate::i18n::Message;
use crate::ids::{self, NodeType};
use crate::services::Change;
use crate::services::lifecycle::{self, Transition};
use crate::services::proposal::{self, Detail, HolderInput, Proposal};

/// The credential after the change, or what to fix.
#[derive(SimpleObject)]
pub struct CredentialPayload {
    /// The credential; null when nothing changed.
    pub credential: Option<Credential>,
    /// Input to fix, or the state that does not allow the step; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(change: Change<entity::credential::Model>) -> ApiResult<CredentialPayload> {
    Ok(match change? {
        Ok(model) => CredentialPayload {
            credential: Some(model.into()),
            user_errors: Vec::new(),
        },
        Err(errors) => CredentialPayload {
            credential: None,
            user_errors: errors.into_iter().map(Into::into).collect(),
        },
    })
}

/// A holder ID: an enterprise's or a person's.
fn holder(id: &ID) -> ApiResult<HolderInput> {
    match ids::decode("input.holderId", id)? {
        (NodeType::Enterprise, uuid) => Ok(HolderInput::Enterprise(uuid)),
        (NodeType::Person, uuid) => Ok(HolderInput::Person(uuid)),
        _ => Err(crate::error::ApiError::bad_input(
            "input.holderId",
            Message::new("id-not-enterprise-or-person"),
        )),
    }
}

/// A new 专精特新 designation: the level follows from the tier (little giants national, SME tiers
/// provincial); a little-giant candidate must hold a valid provincial 专精特新 designation.
#[derive(InputObject)]
pub struct ProposeLittleGiantInput {
    /// The enterprise.
    pub holder_id: ID,
    /// The tier (梯度).
    pub tier: LittleGiantTier,
    /// The announcement batch (批次) it is proposed in.
    pub batch: i32,
    /// Year of the list.
    pub year: Option<i32>,
}

/// A new green-manufacturing listing. A park names itself and its region instead of a holder.
#[derive(InputObject)]
pub struct ProposeGreenDesignationInput {
    /// The enterprise (not for an industrial park).
    pub holder_id: Option<ID>,
    /// The park's region (industrial parks only).
    pub region_code: Option<String>,
    /// National or provincial list.
    pub level: Level,
    /// What is listed.
    pub green_kind: GreenKind,
    /// The product (design products) or park (industrial parks).
    pub subject_name: Option<String>,
    /// The list's batch.
    pub batch: Option<i32>,
    /// Year of the list.
    pub year: Option<i32>,
}

/// A new brand recognition or public-brand licence.
#[derive(InputObject)]
pub struct ProposeBrandRecognitionInput {
    /// The enterprise.
    pub holder_id: ID,
    /// Level of the recognition.
    pub level: Level,
    /// The brand recognised or licensed.
    pub brand_id: ID,
    /// What kind of recognition.
    pub recognition_kind: BrandRecognitionKind,
    /// Year of the recognition.
    pub year: Option<i32>,
}

/// A new authorisation to use a geographic indication's mark; the enterprise must be registered in
/// the indication's protected area.
#[derive(InputObject)]
pub struct ProposeGiAuthorizationInput {
    /// The enterprise.
    pub holder_id: ID,
    /// Level of the authorising bureau.
    pub level: Level,
    /// The indication.
    pub geographic_indication_id: ID,
    /// Number of the announcement (公告) it is published in.
    pub batch: Option<i32>,
    /// Year of the announcement.
    pub year: Option<i32>,
}

/// A new quality award; the level is the programme's.
#[derive(InputObject)]
pub struct ProposeQualityAwardInput {
    /// The enterprise or person.
    pub holder_id: ID,
    /// The programme.
    pub program_id: ID,
    /// The award year.
    pub year: i32,
    /// The edition (届), when the programme counts them.
    pub edition: Option<i32>,
    /// The citation or prize name.
    pub citation: Option<String>,
}

/// A new chief-quality-officer certification of a person.
#[derive(InputObject)]
pub struct ProposeChiefQualityOfficerInput {
    /// The person.
    pub holder_id: ID,
    /// Level of the certifying bureau.
    pub level: Level,
    /// Certificate number (unique).
    pub certificate_number: String,
    /// The enterprise the officer serves.
    pub employer_id: ID,
    /// Year of certification.
    pub year: Option<i32>,
}

/// A step that needs nothing but the credential.
#[derive(InputObject)]
pub struct CredentialStepInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on; a newer one is a `CONFLICT` and nothing changes.
    pub expected_version: Option<i32>,
}

/// Approving a submission and starting its public notice.
#[derive(InputObject)]
pub struct ApproveCredentialInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// First day of the public notice (公示): today or later; today when omitted.
    pub notice_starts_on: Option<Date>,
    /// Last day of the public notice: at least the kind's minimum after its start
    /// (`REGISTRY_NOTICE_DAYS`, 5 days unless configured); that minimum when omitted.
    pub notice_ends_on: Option<Date>,
}

/// Rejecting a submission, or withdrawing a proposal.
#[derive(InputObject)]
pub struct CredentialDecisionInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// Why; kept on the credential for staff.
    pub reason: String,
}

/// Granting a credential after its notice.
#[derive(InputObject)]
pub struct GrantCredentialInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// First day of validity; today when omitted.
    pub valid_from: Option<Date>,
    /// Exclusive end; when omitted, the kind's usual term (three years for designations, brand titles
    /// and chief-quality-officer certificates; none for listings, authorisations and awards).
    pub valid_until: Option<Date>,
    /// The announcement (公告) that grants it, issued by its granting bureau: listed with the credential
    /// and the announcement's credentials.
    pub announcement_id: Option<ID>,
}

/// Renewing a credential after review (复核): validity continues from the current end.
#[derive(InputObject)]
pub struct RenewCredentialInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// Exclusive end of the new period; when omitted, the kind's usual term after the current end.
    pub valid_until: Option<Date>,
    /// The announcement (公告) that renews it, issued by its granting bureau: listed with the credential
    /// and the announcement's credentials.
    pub announcement_id: Option<ID>,
}

/// Revoking a granted credential.
#[derive(InputObject)]
pub struct RevokeCredentialInput {
    /// The credential.
    pub id: ID,
    /// The `version` the step is based on.
    pub expected_version: Option<i32>,
    /// Why; published with the credential.
    pub reason: String,
    /// The first day it is no longer valid; today when omitted.
    pub effective_on: Option<Date>,
    /// The announcement (公告) that revokes it, issued by its granting bureau: listed with the credential
    /// and the announcement's credentials.
    pub announcement_id: Option<ID>,
}

/// The announcement a step names, if any.
fn announcement(id: Option<ID>) -> ApiResult<Option<uuid::Uuid>> {
    id.map(|id| ids::decode_as("input.announcementId", NodeType::Announcement, &id))
        .transpose()
}

async fn propose(ctx: &Context<'_>, proposal: Proposal) -> ApiResult<CredentialPayload> {
    let context = request(ctx);
    let db = db(ctx);
    let change = proposal::propose(db, context, proposal);
    payload(recording_refusals(ctx, "PROPOSE_CREDENTIAL", ("credential", None), change).await)
}

async fn step(
    ctx: &Context<'_>,
    id: &ID,
    expected_version: Option<i32>,
    transition: Transition,
) -> ApiResult<CredentialPayload> {
    let context = request(ctx);
    let id = ids::decode_as("input.id", NodeType::Credential, id)?;
    let db = db(ctx);
    let action = transition.action();
    let change = lifecycle::apply(db, context, id, expected_version, transition);
    payload(recording_refusals(ctx, action, ("credential", Some(id)), change).await)
}

fn id_of(field: &str, node_type: NodeType, id: &ID) -> ApiResult<uuid::Uuid> {
    ids::decode_as(field, node_type, id)
}

/// Proposing credentials and taking them through their lifecycle.
#[derive(Default)]
pub struct CredentialMutation;

#[Object]
impl CredentialMutation {
    /// Proposes a 专精特新 designation (registrars of an industry bureau, inside their jurisdiction; a
    /// provincial registrar nominates little giants to the ministry). Starts as `DRAFT`. Audited.
    async fn propose_little_giant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The designation.")] input: ProposeLittleGiantInput,
    ) -> ApiResult<CredentialPayload> {
        let proposal = Proposal {
            holder: holder(&input.holder_id)?,
            level: None,
            batch: Some(input.batch),
            year: input.year,
            detail: Detail::LittleGiant {
                tier: input.tier.into(),
            },
        };
        propose(ctx, proposal).await
    }

    /// Proposes a green-manufacturing listing. Starts as `DRAFT`. Audited.
    async fn propose_green_designation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The listing.")] input: ProposeGreenDesignationInput,
    ) -> ApiResult<CredentialPayload> {
        let holder = match (&input.holder_id, input.region_code) {
            (Some(id), _) => holder(id)?,
            (None, Some(region)) => HolderInput::Site(region),
            (None, None) => {
                return Err(crate::error::ApiError::bad_input(
                    "input.holderId",
                    Message::new("holder-name-enterprise-or-region"),
                ));
            }
        };
        let proposal = Proposal {
            holder,
            level: Some(input.level.into()),
            batch: input.batch,
            year: input.year,
            detail: Detail::Green {
                green_kind: input.green_kind.into(),
                subject_name: crate::services::optional_text(input.subject_name),
            },
        };
        propose(ctx, proposal).await
    }

    /// Proposes a brand recognition or public-brand licence. Starts as `DRAFT`. Audited.
    async fn propose_brand_recognition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The recognition.")] input: ProposeBrandRecognitionInput,
    ) -> ApiResult<CredentialPayload> {
        let proposal = Proposal {
            holder: holder(&input.holder_id)?,
            level: Some(input.level.into()),
            batch: None,
            year: input.year,
            detail: Detail::BrandRecognition {
                brand_id: id_of("input.brandId", NodeType::Brand, &input.brand_id)?,
                recognition_kind: input.recognition_kind.into(),
            },
        };
        propose(ctx, proposal).await
    }

    /// Proposes an authorisation to use a geographic indication's mark. Starts as `DRAFT`. Audited.
    async fn propose_gi_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The authorisation.")] input: ProposeGiAuthorizationInput,
    ) -> ApiResult<CredentialPayload> {
        let gi_id = id_of(
            "input.geographicIndicationId",
            NodeType::GeographicIndication,
            &input.geographic_indication_id,
        )?;
        let proposal = Proposal {
            holder: holder(&input.holder_id)?,
            level: Some(input.level.into()),
            batch: input.batch,
            year: input.year,
            detail: Detail::GiAuthorization { gi_id },
        };
        propose(ctx, proposal).await
    }

    /// Proposes a quality award to an enterprise or a person. Starts as `DRAFT`. Audited.
    async fn propose_quality_award(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The award.")] input: ProposeQualityAwardInput,
    ) -> ApiResult<CredentialPayload> {
        let proposal = Proposal {
            holder: holder(&input.holder_id)?,
            level: None,
            batch: None,
            year: Some(input.year),
            detail: Detail::QualityAward {
                program_id: id_of("input.programId", NodeType::AwardProgram, &input.program_id)?,
                edition: input.edition,
                citation: crate::services::optional_text(input.citation),
            },
        };
        propose(ctx, proposal).await
    }

    /// Proposes a chief-quality-officer certification of a person. Starts as `DRAFT`. Audited.
    async fn propose_chief_quality_officer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certification.")] input: ProposeChiefQualityOfficerInput,
    ) -> ApiResult<CredentialPayload> {
        let proposal = Proposal {
            holder: holder(&input.holder_id)?,
            level: Some(input.level.into()),
            batch: None,
            year: input.year,
            detail: Detail::ChiefQualityOfficer {
                certificate_number: input.certificate_number.trim().to_owned(),
                employer_id: id_of("input.employerId", NodeType::Enterprise, &input.employer_id)?,
            },
        };
        propose(ctx, proposal).await
    }

    /// Hands a draft in for review (`DRAFT` → `SUBMITTED`; registrars who may propose it). Audited.
    async fn submit_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft.")] input: CredentialStepInput,
    ) -> ApiResult<CredentialPayload> {
        step(ctx, &input.id, input.expected_version, Transition::Submit).await
    }

    /// Approves a submission and starts its public notice (`SUBMITTED` → `PUBLIC_NOTICE`; reviewers of
    /// the credential's level and kind, never its proposer). Audited.
    async fn approve_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The submission and its notice period.")] input: ApproveCredentialInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Approve {
            notice_starts_on: input.notice_starts_on.map(|d| d.0),
            notice_ends_on: input.notice_ends_on.map(|d| d.0),
            rules: ctx.data_unchecked::<NoticeRules>().clone(),
        };
        step(ctx, &input.id, input.expected_version, transition).await
    }

    /// Rejects a submission (`SUBMITTED` → `REJECTED`; reviewers, never the proposer). Audited.
    async fn reject_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The submission and why.")] input: CredentialDecisionInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Reject { reason: input.reason };
        step(ctx, &input.id, input.expected_version, transition).await
    }

    /// Withdraws a proposal: a registrar its draft or submission, a reviewer one on public notice
    /// (an objection upheld). → `WITHDRAWN`. Audited.
    async fn withdraw_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and why.")] input: CredentialDecisionInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Withdraw { reason: input.reason };
        step(ctx, &input.id, input.expected_version, transition).await
    }

    /// Grants a credential whose public notice has ended (`PUBLIC_NOTICE` → `GRANTED`; reviewers, never
    /// the proposer). Audited.
    async fn grant_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credential and its validity.")] input: GrantCredentialInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Grant {
            valid_from: input.valid_from.map(|d| d.0),
            valid_until: input.valid_until.map(|d| d.0),
            announcement: announcement(input.announcement_id)?,
        };
        step(ctx, &input.id, input.expected_version, transition).await
    }

    /// Renews a granted (or expired) credential after review (复核): validity continues from the end
    /// of the current period to a new end; each period stays in `periods`. Reviewers. Audited.
    async fn renew_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credential and its new end.")] input: RenewCredentialInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Renew {
            valid_until: input.valid_until.map(|d| d.0),
            announcement: announcement(input.announcement_id)?,
        };
        step(ctx, &input.id, input.expected_version, transition).await
    }

    /// Revokes a granted credential from a date on (`GRANTED` → `REVOKED`; reviewers). It stays valid
    /// for dates before `effectiveOn`. Audited.
    async fn revoke_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credential, why, and from when.")] input: RevokeCredentialInput,
    ) -> ApiResult<CredentialPayload> {
        let transition = Transition::Revoke {
            reason: input.reason,
            effective_on: input.effective_on.map(|d| d.0),
            announcement: announcement(input.announcement_id)?,
        };
        step(ctx, &input.id, input.expected_version, transition).await
    }
}
