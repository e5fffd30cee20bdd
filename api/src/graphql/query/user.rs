//! Accounts, for the administrators who manage them.

use async_graphql::{Context, Object};

use crate::error::ApiResult;
use crate::graphql::connection::{Page, PageArgs, page_complexity, paginate};
use crate::graphql::types::{db, request, user::User};
use crate::services;

/// Accounts.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The accounts the caller may manage, by username: a bureau administrator's bureau and the
    /// bureaus below it, and enterprise users in its jurisdiction; everyone for a system administrator.
    #[graphql(complexity = "page_complexity(first, last, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Items before this cursor.")] before: Option<String>,
        #[graphql(desc = "At most this many from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "At most this many from the end (at most 100).")] last: Option<i32>,
    ) -> ApiResult<Page<User>> {
        let listing = services::user::search(db(ctx), request(ctx)).await?;
        paginate(
            ctx,
            listing,
            PageArgs {
                after,
                before,
                first,
                last,
            },
            User,
        )
        .await
    }
}
