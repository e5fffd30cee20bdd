//! Mutual-recognition agreements.

use crate::graphql::scalars::DateTime;
use async_graphql::{Context, ID, Object};
use entity::{agreement_party, recognition_agreement as agreement, recognition_listing as listing};

use super::credential::Credential;
use super::region::Bureau;
use super::{loaders, request};
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::enums::{AgreementMode, AgreementStatus, CredentialKind};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};
use crate::services;
use crate::services::recognition::is_active_on;

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

    /// The day the last party confirmed, from which it can apply; null while pending.
    async fn activated_on(&self) -> Option<Date> {
        self.0.activated_on.map(Date)
    }

    /// First day the current suspension applies; null unless suspended.
    async fn suspended_from(&self) -> Option<Date> {
        self.0.suspended_from.map(Date)
    }

    /// Every period it was suspended, oldest first, including those a party lifted.
    async fn suspensions(&self, ctx: &Context<'_>) -> ApiResult<Vec<AgreementSuspension>> {
        let mut periods = loaders(ctx)
            .suspensions_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        periods.sort_by_key(|period| (period.suspended_from, period.id));
        Ok(periods.into_iter().map(AgreementSuspension).collect())
    }

    /// First day a termination applies; null unless terminated.
    async fn terminated_from(&self) -> Option<Date> {
        self.0.terminated_from.map(Date)
    }

    /// Whether it applies on `asOf` (default today): confirmed by every party by then, inside its
    /// term, not suspended on that day and not terminated yet.
    async fn is_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to check; today when omitted.")] as_of: Option<Date>,
    ) -> ApiResult<bool> {
        let suspensions = loaders(ctx)
            .suspensions_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(is_active_on(
            &self.0,
            &suspensions,
            as_of.map_or(request(ctx).today, |d| d.0),
        ))
    }

    /// Incremented by every change; the `expectedVersion` of a step.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The entries of its list (`LISTED` mode), including those taken off it, oldest first; a
    /// credential listed again after being taken off has one entry per period.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn listings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<RecognitionListing>> {
        let args = PageArgs {
            after,
            before,
            first,
            last,
        };
        paginate(
            ctx,
            services::agreement::listings(self.0.id),
            args,
            RecognitionListing,
        )
        .await
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
    async fn confirmed_at(&self) -> Option<DateTime> {
        self.0.confirmed_at.map(DateTime)
    }
}

/// One period of a credential on a `LISTED` agreement's list: who put it there and when, and whether
/// it was taken off again.
#[derive(Clone)]
pub struct RecognitionListing(pub listing::Model);

/// Username of the account behind `user_id`, for staff only.
async fn staff_only_username(ctx: &Context<'_>, user_id: Option<uuid::Uuid>) -> ApiResult<Option<String>> {
    match user_id {
        Some(id) if request(ctx).viewer.is_staff() => {
            Ok(loaders(ctx).users.load_one(id).await?.map(|user| user.username))
        }
        _ => Ok(None),
    }
}

/// One period of a credential on a `LISTED` agreement's list: who put it there and when, and whether
/// it was taken off again.
#[Object]
impl RecognitionListing {
    /// The agreement.
    async fn agreement(&self, ctx: &Context<'_>) -> ApiResult<RecognitionAgreement> {
        loaders(ctx)
            .agreements
            .load_one(self.0.agreement_id)
            .await?
            .map(RecognitionAgreement)
            .ok_or_else(|| ApiError::Internal("listing of a missing agreement".to_owned()))
    }

    /// The listed credential; null if the caller may not see it.
    async fn credential(&self, ctx: &Context<'_>) -> ApiResult<Option<Credential>> {
        Ok(loaders(ctx)
            .credentials
            .load_one(self.0.credential_id)
            .await?
            .filter(|model| request(ctx).viewer.may_see_credential(model))
            .map(Credential::from))
    }

    /// First day it counts; null for entries from before this was recorded (they count from the
    /// agreement's start).
    async fn listed_on(&self) -> Option<Date> {
        self.0.listed_on.map(Date)
    }

    /// Username of the administrator who listed it; staff only.
    async fn listed_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        staff_only_username(ctx, self.0.listed_by).await
    }

    /// First day it no longer counts; null while listed.
    async fn unlisted_on(&self) -> Option<Date> {
        self.0.unlisted_on.map(Date)
    }

    /// Username of the administrator who took it off; staff only.
    async fn unlisted_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        staff_only_username(ctx, self.0.unlisted_by).await
    }
}

/// One period an agreement was suspended.
pub struct AgreementSuspension(pub entity::agreement_suspension::Model);

/// One period an agreement was suspended.
#[Object]
impl AgreementSuspension {
    /// First day the suspension applied.
    async fn suspended_from(&self) -> Date {
        Date(self.0.suspended_from)
    }

    /// First day the agreement applied again; null while the suspension lasts.
    async fn resumed_from(&self) -> Option<Date> {
        self.0.resumed_from.map(Date)
    }
}
