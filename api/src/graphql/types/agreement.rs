//! Mutual-recognition agreements.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{agreement_party, recognition_agreement as agreement};

use super::loaders;
use super::region::Bureau;
use crate::error::ApiResult;
use crate::graphql::enums::{AgreementMode, AgreementStatus, CredentialKind};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};

/// An agreement between bureaus of two or more regions to treat each other's credentials of some kinds
/// as valid at home (互认), e.g. the Chongqing–Sichuan quality-award and chief-quality-officer lists.
#[derive(Clone)]
pub struct RecognitionAgreement(pub agreement::Model);

/// An agreement between bureaus of two or more regions to treat each other's credentials of some kinds
/// as valid at home (互认), e.g. the Chongqing–Sichuan quality-award and chief-quality-officer lists.
#[Object]
impl RecognitionAgreement {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::RecognitionAgreement, self.0.id))
    }

    /// Title of the agreement.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Date it was signed.
    async fn signed_on(&self) -> Date {
        Date(self.0.signed_on)
    }

    /// First day it applies.
    async fn effective_from(&self) -> Date {
        Date(self.0.effective_from)
    }

    /// End of its term, exclusive; null for open-ended agreements.
    async fn effective_until(&self) -> Option<Date> {
        self.0.effective_until.map(Date)
    }

    /// Its state.
    async fn status(&self) -> AgreementStatus {
        self.0.status.into()
    }

    /// Whether it covers every credential of its scope or only listed ones.
    async fn mode(&self) -> AgreementMode {
        self.0.mode.into()
    }

    /// The bureaus party to it.
    async fn parties(&self, ctx: &Context<'_>) -> ApiResult<Vec<AgreementParty>> {
        let parties = loaders(ctx)
            .parties_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(parties.into_iter().map(AgreementParty).collect())
    }

    /// The credential kinds it covers.
    async fn scope(&self, ctx: &Context<'_>) -> ApiResult<Vec<CredentialKind>> {
        let scopes = loaders(ctx)
            .scopes_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(scopes
            .into_iter()
            .map(|scope| scope.credential_kind.into())
            .collect())
    }
}

/// A bureau party to an agreement, and whether its administrator has confirmed it.
#[derive(Clone)]
pub struct AgreementParty(pub agreement_party::Model);

/// A bureau party to an agreement, and whether its administrator has confirmed it.
#[Object]
impl AgreementParty {
    /// The bureau.
    async fn bureau(&self, ctx: &Context<'_>) -> ApiResult<Bureau> {
        Bureau::load(ctx, self.0.bureau_id).await
    }

    /// When its administrator confirmed the agreement; null while unconfirmed.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
}
