//! The audit trail, for staff.

use crate::graphql::scalars::DateTime;
use crate::i18n::Message;
use async_graphql::{Context, ID, InputObject, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::types::{audit::AuditEvent, request};
use crate::ids::{self, NodeType};
use crate::services::audit::{self, AuditFilter};

/// Filters for `auditEvents`.
#[derive(InputObject, Default)]
pub struct AuditEventFilterInput {
    /// Events about this kind of entity (`user`, `person`, `bureau`, …).
    pub entity_type: Option<String>,
    /// Events about the object with this global ID.
    pub entity_id: Option<ID>,
    /// Events by this user.
    pub actor_id: Option<ID>,
    /// Events of this action (`CREATE_USER`, `READ_PERSONAL_DATA`, …).
    pub action: Option<String>,
    /// Events at or after this instant.
    pub from: Option<DateTime>,
    /// Events before this instant.
    pub until: Option<DateTime>,
}

/// The audit trail.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Audit events, newest first: for staff, those of actors whose bureau lies in their jurisdiction;
    /// for system administrators, all.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events.")] filter: Option<AuditEventFilterInput>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<AuditEvent>> {
        let input = filter.unwrap_or_default();
        let entity_id = input
            .entity_id
            .map(|id| ids::decode("filter.entityId", &id).map(|(_, uuid)| uuid))
            .transpose()?;
        let filter = AuditFilter {
            entity_type: input.entity_type,
            entity_id,
            actor: input
                .actor_id
                .map(|id| ids::decode_as("filter.actorId", NodeType::User, &id))
                .transpose()?,
            action: input.action,
            from: input.from.map(|from| from.0),
            until: input.until.map(|until| until.0),
        };
        if let (Some(from), Some(until)) = (filter.from, filter.until)
            && from >= until
        {
            return Err(ApiError::bad_input(
                "filter.until",
                Message::new("audit-until-after-from"),
            ));
        }
        let listing = audit::search(request(ctx), &filter)?;
        paginate(
            ctx,
            listing,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            AuditEvent,
        )
        .await
    }
}
