//! Who is calling.

use async_graphql::{Context, Object};

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
}
