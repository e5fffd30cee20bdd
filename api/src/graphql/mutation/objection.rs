//! Objections during a public notice (公示): raising them, and deciding them.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::types::credential::Credential;
use crate::graphql::types::objection::Objection;
use crate::graphql::types::user::UserError;
use crate::graphql::types::{db, request};
use crate::ids::{self, NodeType};
use crate::services::objection::{self as service, Decision};

/// An objection to a credential on public notice.
#[derive(InputObject)]
pub struct RaiseObjectionInput {
    /// The credential, on public notice today.
    pub credential_id: ID,
    /// Why it should not be granted.
    pub grounds: String,
}

/// How a reviewer decides an objection.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Enum)]
pub enum ObjectionDecision {
    /// The objection holds: the credential is withdrawn (`WITHDRAWN`).
    Uphold,
    /// The objection does not hold: the notice goes on and the credential may be granted after it.
    Dismiss,
}

/// A reviewer's decision on an objection.
#[derive(InputObject)]
pub struct DecideObjectionInput {
    /// The objection.
    pub objection_id: ID,
    /// Uphold or dismiss.
    pub decision: ObjectionDecision,
    /// Why; kept with the objection and, when upheld, on the withdrawn credential.
    pub reasons: String,
}

/// The objection after the change, or what to fix.
#[derive(SimpleObject)]
pub struct ObjectionPayload {
    /// The objection; null when nothing changed.
    pub objection: Option<Objection>,
    /// The credential objected to, as the change left it; null when nothing changed.
    pub credential: Option<Credential>,
    /// Input to fix, or the state that does not allow the step; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Objections during public notices.
#[derive(Default)]
pub struct ObjectionMutation;

#[Object]
impl ObjectionMutation {
    /// Objects to a credential during its public notice (anyone signed in). While an objection is
    /// open, the credential cannot be granted. Audited with the credential.
    async fn raise_objection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The credential and the grounds.")] input: RaiseObjectionInput,
    ) -> ApiResult<ObjectionPayload> {
        let context = request(ctx);
        let credential_id = ids::decode_as("input.credentialId", NodeType::Credential, &input.credential_id)?;
        let change = service::raise(db(ctx), context, credential_id, &input.grounds).await?;
        Ok(match change {
            Ok(objection) => ObjectionPayload {
                objection: Some(Objection(objection)),
                credential: None,
                user_errors: Vec::new(),
            },
            Err(errors) => ObjectionPayload {
                objection: None,
                credential: None,
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        })
    }

    /// Upholds an objection (the credential is withdrawn) or dismisses it, with reasons: reviewers
    /// who may decide the credential, never the objector. Audited with the credential.
    async fn decide_objection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The objection, the decision and why.")] input: DecideObjectionInput,
    ) -> ApiResult<ObjectionPayload> {
        let context = request(ctx);
        let id = ids::decode_as("input.objectionId", NodeType::Objection, &input.objection_id)?;
        let decision = match input.decision {
            ObjectionDecision::Uphold => Decision::Uphold,
            ObjectionDecision::Dismiss => Decision::Dismiss,
        };
        let change = service::decide(db(ctx), context, id, decision, &input.reasons);
        let entity = ("objection", Some(id));
        Ok(
            match recording_refusals(ctx, "DECIDE_OBJECTION", entity, change).await? {
                Ok((objection, credential)) => ObjectionPayload {
                    objection: Some(Objection(objection)),
                    credential: Some(credential.into()),
                    user_errors: Vec::new(),
                },
                Err(errors) => ObjectionPayload {
                    objection: None,
                    credential: None,
                    user_errors: errors.into_iter().map(Into::into).collect(),
                },
            },
        )
    }
}
