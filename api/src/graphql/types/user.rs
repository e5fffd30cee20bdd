//! Local accounts, as administrators see them.

use crate::graphql::scalars::DateTime;
use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use entity::app_user;

use super::enterprise::Enterprise;
use super::loaders;
use super::region::Bureau;
use crate::error::ApiResult;
use crate::graphql::enums::{Role, UserStatus};
use crate::i18n::Message;
use crate::ids::{self, NodeType};

/// A local account: staff of a bureau or a user of an enterprise. Visible only to the administrators
/// who may manage it; the password hash never leaves the server.
#[derive(Clone)]
pub struct User(pub app_user::Model);

/// A local account: staff of a bureau or a user of an enterprise. Visible only to the administrators
/// who may manage it; the password hash never leaves the server.
#[Object]
impl User {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::User, self.0.id))
    }

    /// Login name.
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Name to show.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Whether the account may sign in.
    async fn status(&self) -> UserStatus {
        self.0.status.into()
    }

    /// Roles held.
    async fn roles(&self, ctx: &Context<'_>) -> ApiResult<Vec<Role>> {
        let rows = loaders(ctx)
            .roles_of
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let mut roles: Vec<Role> = rows.into_iter().map(|row| row.role.into()).collect();
        roles.sort_by_key(|role| format!("{role:?}"));
        Ok(roles)
    }

    /// The bureau of a staff member.
    async fn bureau(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        Bureau::load_optional(ctx, self.0.bureau_id).await
    }

    /// The enterprise of an enterprise user.
    async fn enterprise(&self, ctx: &Context<'_>) -> ApiResult<Option<Enterprise>> {
        Enterprise::load_optional(ctx, self.0.enterprise_id).await
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// Incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Something in a mutation's input to fix; nothing was changed.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "username"]`.
    pub field: Vec<String>,
    #[graphql(skip)]
    pub message: Message,
    /// Machine code: `INVALID`, `TAKEN`, `NOT_FOUND`, `NOT_ALLOWED_ON_SELF`.
    pub code: String,
}

#[ComplexObject]
impl UserError {
    /// What is wrong, in the language `Accept-Language` asked for (Simplified Chinese or English).
    async fn message(&self, ctx: &Context<'_>) -> String {
        self.message.render(crate::graphql::language(ctx))
    }
}

impl From<crate::services::UserError> for UserError {
    fn from(error: crate::services::UserError) -> Self {
        Self {
            field: error.field,
            message: error.message,
            code: error.code.to_owned(),
        }
    }
}
