//! Brands.

use async_graphql::{Context, ID, Object};
use entity::brand;

use super::credential::Credential;
use super::enterprise::Enterprise;
use super::recognition::held_by;
use super::region::Region;
use crate::error::ApiResult;
use crate::graphql::enums::BrandKind;
use crate::graphql::loaders::CredentialOwner;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};

/// A brand (品牌). Regional public brands are held by an association or a government body rather than a
/// company, and license many users.
#[derive(Clone)]
pub struct Brand(pub brand::Model);

/// A brand (品牌). Regional public brands are held by an association or a government body rather than a
/// company, and license many users.
#[Object]
impl Brand {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::Brand, self.0.id))
    }

    /// Brand name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of brand.
    async fn kind(&self) -> BrandKind {
        self.0.kind.into()
    }

    /// The enterprise holding it, when the holder is an enterprise.
    async fn holder_enterprise(&self, ctx: &Context<'_>) -> ApiResult<Option<Enterprise>> {
        Enterprise::load_optional(ctx, self.0.holder_enterprise_id).await
    }

    /// The association or government body holding it, when the holder is not an enterprise.
    async fn holder_organisation(&self) -> Option<&str> {
        self.0.holder_organisation.as_deref()
    }

    /// The brand's home region.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, &self.0.region_code).await
    }

    /// Registered trademark number (注册商标号).
    async fn trademark_number(&self) -> Option<&str> {
        self.0.trademark_number.as_deref()
    }

    /// Nice classification classes the trademark covers.
    async fn nice_classes(&self) -> Vec<i32> {
        let classes = self.0.nice_classes.as_deref().unwrap_or_default();
        classes
            .split(',')
            .filter_map(|class| class.trim().parse().ok())
            .collect()
    }

    /// Recognitions of the brand and licences to use it that the caller may see; optionally only those
    /// in force on a date, or only those that count in a region on a date.
    async fn recognitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only credentials that count in this region (GB/T 2260 code) on `asOf`: local \
                          ones and those recognised there by an agreement active on that date."
        )]
        valid_in: Option<String>,
        #[graphql(
            desc = "Only credentials in force on this date; with `validIn`, the date asked about \
                          (default today)."
        )]
        as_of: Option<Date>,
    ) -> ApiResult<Vec<Credential>> {
        held_by(ctx, CredentialOwner::Brand(self.0.id), None, valid_in, as_of).await
    }
}
