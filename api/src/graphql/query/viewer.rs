//! Who is calling, and what the API answers with.

use async_graphql::{Context, Object};

use crate::error::ErrorCode;
use crate::graphql::types::{request, viewer::ViewerInfo};

/// The caller.
#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller: the public (no token), or the signed-in user with roles, bureau and jurisdiction.
    async fn viewer(&self, ctx: &Context<'_>) -> ViewerInfo {
        ViewerInfo(request(ctx).viewer.clone())
    }

    /// Every value an error's `extensions.code` can take, each described in the schema: what it means
    /// and what to do about it. The same for every caller.
    async fn error_codes(&self) -> Vec<ErrorCode> {
        use async_graphql::resolver_utils::EnumType;
        ErrorCode::items().iter().map(|item| item.value).collect()
    }
}
