//! The caller, as the server sees them.

use async_graphql::{Context, Object};

use super::enterprise::Enterprise;
use super::region::{Bureau, Region};
use crate::error::ApiResult;
use crate::graphql::enums::Role;
use crate::policy::{Account, Viewer};

/// The caller: the public, or a signed-in user with roles, bureau and jurisdiction.
pub struct ViewerInfo(pub Viewer);

impl ViewerInfo {
    fn account(&self) -> Option<&Account> {
        match &self.0 {
            Viewer::Public => None,
            Viewer::User(account) => Some(account.as_ref()),
        }
    }
}

/// The caller: the public, or a signed-in user with roles, bureau and jurisdiction.
#[Object(name = "Viewer")]
impl ViewerInfo {
    /// Whether the caller is signed in.
    async fn is_authenticated(&self) -> bool {
        self.account().is_some()
    }

    /// Login name; null for the public.
    async fn username(&self) -> Option<&str> {
        self.account().map(|account| account.username.as_str())
    }

    /// Name to show; null for the public.
    async fn display_name(&self) -> Option<&str> {
        self.account().map(|account| account.display_name.as_str())
    }

    /// The operations the caller may call at all, by field name (whether on a given object is decided
    /// per call), so a frontend can show or hide its buttons. Reads are open to everyone.
    async fn operations(&self) -> Vec<&'static str> {
        self.0.operations()
    }

    /// Roles held now; empty for the public.
    async fn roles(&self) -> Vec<Role> {
        self.account()
            .map(|account| account.roles.iter().map(|role| (*role).into()).collect())
            .unwrap_or_default()
    }

    /// The bureau a staff member belongs to.
    async fn bureau(&self) -> Option<Bureau> {
        self.account()
            .and_then(|account| account.bureau.clone())
            .map(Bureau)
    }

    /// Where a staff member may act: its bureau's region and everything below it.
    async fn jurisdiction(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let code = self
            .account()
            .and_then(|account| account.bureau.as_ref())
            .map(|b| b.region_code.as_str());
        Region::load_optional(ctx, code).await
    }

    /// The enterprise an enterprise user belongs to.
    async fn enterprise(&self, ctx: &Context<'_>) -> ApiResult<Option<Enterprise>> {
        Enterprise::load_optional(ctx, self.account().and_then(|account| account.enterprise_id)).await
    }
}
