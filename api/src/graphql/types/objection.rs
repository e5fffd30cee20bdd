//! Objections raised during a credential's public notice (公示异议), as the schema shows them.

use async_graphql::{Context, ID, Object};
use entity::{credential, objection};

use super::credential::Credential;
use super::{loaders, request, required};
use crate::error::ApiResult;
use crate::graphql::enums::ObjectionStatus;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};
use crate::policy::Viewer;

/// An objection raised against a credential during its public notice, and how a reviewer decided it.
/// Staff inside the credential's jurisdiction see every objection; whoever raised one sees their own.
pub struct Objection(pub objection::Model);

/// Whether `viewer` may read `model`, an objection to `credential`.
pub fn may_see(viewer: &Viewer, model: &objection::Model, credential: &credential::Model) -> bool {
    viewer.may_see_internals(credential)
        || matches!(viewer, Viewer::User(account) if account.user_id == model.raised_by)
}

/// An objection raised against a credential during its public notice (公示异议), and how a reviewer
/// decided it.
#[Object]
impl Objection {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Objection, self.0.id))
    }

    /// The credential objected to.
    async fn credential(&self, ctx: &Context<'_>) -> ApiResult<Credential> {
        let model = required(&loaders(ctx).credentials, self.0.credential_id, "credential").await?;
        Ok(model.into())
    }

    /// Why the objector says it should not be granted.
    async fn grounds(&self) -> &str {
        &self.0.grounds
    }

    /// The registry's date when it was raised.
    async fn raised_on(&self) -> Date {
        Date(self.0.raised_on)
    }

    /// Username of whoever raised it.
    async fn raised_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        username(ctx, Some(self.0.raised_by)).await
    }

    /// Open, upheld (the credential was withdrawn) or dismissed.
    async fn status(&self) -> ObjectionStatus {
        self.0.status.into()
    }

    /// The day a reviewer decided it; null while open.
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }

    /// Username of the reviewer who decided it.
    async fn decided_by(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        username(ctx, self.0.decided_by).await
    }

    /// The reviewer's reasons.
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The username of account `user_id`. Objections reach only viewers who may read them whole (see
/// [`may_see`]), so the names on them need no further check.
async fn username(ctx: &Context<'_>, user_id: Option<uuid::Uuid>) -> ApiResult<Option<String>> {
    match user_id {
        Some(id) => Ok(loaders(ctx).users.load_one(id).await?.map(|user| user.username)),
        None => Ok(None),
    }
}

/// The objections to `credential` the viewer may read, oldest first.
pub async fn of_credential(ctx: &Context<'_>, credential: &credential::Model) -> ApiResult<Vec<Objection>> {
    let viewer = &request(ctx).viewer;
    if matches!(viewer, Viewer::Public) {
        return Ok(Vec::new());
    }
    let mut rows = loaders(ctx)
        .objections_of
        .load_one(credential.id)
        .await?
        .unwrap_or_default();
    rows.retain(|row| may_see(viewer, row, credential));
    rows.sort_by_key(|row| row.id);
    Ok(rows.into_iter().map(Objection).collect())
}
