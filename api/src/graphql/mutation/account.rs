//! Signing in.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use crate::auth::token::TokenSettings;
use crate::error::{ApiError, ApiResult};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::viewer::ViewerInfo;
use crate::graphql::types::{db, request};
use crate::monitoring;
use crate::policy::Viewer;
use crate::services::account::{self, LoginThrottle};

/// A username and password of a local account.
#[derive(InputObject)]
pub struct LoginInput {
    /// Login name.
    pub username: String,
    /// Password; never logged.
    #[graphql(secret)]
    pub password: String,
}

/// A successful sign-in.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Access token, sent back as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// When the token stops working; sign in again after that.
    pub expires_at: DateTime,
    /// The signed-in user.
    pub viewer: ViewerInfo,
}

/// Signing in.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Signs in with a local account and returns a short-lived access token. Any failure is the same
    /// `UNAUTHENTICATED` error; after repeated failures the account must wait (`TOO_MANY_ATTEMPTS`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's username and password.")] input: LoginInput,
    ) -> ApiResult<LoginPayload> {
        let signed_in = account::sign_in(
            db(ctx),
            ctx.data_unchecked::<TokenSettings>(),
            ctx.data_unchecked::<LoginThrottle>(),
            request(ctx).client_address,
            &input.username,
            &input.password,
        )
        .await
        .inspect_err(|err| match err {
            ApiError::Unauthenticated(_) => monitoring::login_failed(),
            ApiError::TooManyAttempts { .. } => monitoring::login_throttled(),
            _ => {}
        })?;
        Ok(LoginPayload {
            access_token: signed_in.token,
            expires_at: signed_in.expires_at.into(),
            viewer: ViewerInfo(Viewer::User(Box::new(signed_in.account))),
        })
    }
}
