//! Audit events, for staff.

use crate::graphql::scalars::DateTime;
use async_graphql::{Context, Json, Object};
use entity::audit_event;

use super::loaders;
use super::region::Bureau;
use crate::error::ApiResult;

/// One recorded change or sensitive read: who, from which bureau, did what to which entity, when,
/// in which request, with the entity before and after. Append-only.
pub struct AuditEvent(pub audit_event::Model);

/// One recorded change or sensitive read: who, from which bureau, did what to which entity, when,
/// in which request, with the entity before and after. Append-only.
#[Object]
impl AuditEvent {
    /// When it happened.
    async fn at(&self) -> DateTime {
        self.0.at.into()
    }

    /// Username of the actor.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        match self.0.actor_user_id {
            Some(id) => Ok(loaders(ctx).users.load_one(id).await?.map(|user| user.username)),
            None => Ok(None),
        }
    }

    /// The actor's bureau at the time.
    async fn actor_bureau(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        Bureau::load_optional(ctx, self.0.actor_bureau_id).await
    }

    /// What was done, e.g. `CREATE_USER`, `SET_USER_ROLES`, `READ_PERSONAL_DATA`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// `DONE` for a committed change or a read, `REFUSED` for an attempt the access policy refused
    /// (nothing changed).
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }

    /// The kind of entity, e.g. `user`, `person`, `bureau`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The entity's UUID.
    async fn entity_id(&self) -> Option<String> {
        self.0.entity_id.map(|id| id.to_string())
    }

    /// The entity before the change.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }

    /// The entity after the change (for reads: what was read).
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }

    /// The request it happened in, as in the server's logs.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}
