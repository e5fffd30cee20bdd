//! Geographic indications.

use async_graphql::{Context, ID, Object};
use entity::geographic_indication as gi;

use super::credential::Credential;
use super::loaders;
use super::recognition::held_by;
use super::region::{Bureau, Region};
use crate::error::ApiResult;
use crate::graphql::enums::GiProtectionType;
use crate::graphql::loaders::CredentialOwner;
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeType};

/// A protected geographic indication (地理标志).
#[derive(Clone)]
pub struct GeographicIndication(pub gi::Model);

/// A protected geographic indication (地理标志).
#[Object]
impl GeographicIndication {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ID(ids::encode(NodeType::GeographicIndication, self.0.id))
    }

    /// Name of the protected product, e.g. 涪陵榨菜.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The protection system it is registered under.
    async fn protection_type(&self) -> GiProtectionType {
        self.0.protection_type.into()
    }

    /// Registration or announcement number (登记证书号/公告号).
    async fn registration_number(&self) -> &str {
        &self.0.registration_number
    }

    /// The organisation holding the registration (usually an association).
    async fn holder_organisation(&self) -> &str {
        &self.0.holder_organisation
    }

    /// The home region of the indication.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        Region::load(ctx, &self.0.region_code).await
    }

    /// Regions of the protected area (保护范围).
    async fn protected_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let areas = loaders(ctx)
            .protected_areas
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Region::load_all(ctx, areas.into_iter().map(|area| area.region_code)).await
    }

    /// Product category, e.g. 蔬菜, 水果.
    async fn product_category(&self) -> Option<&str> {
        self.0.product_category.as_deref()
    }

    /// Date of registration.
    async fn registered_on(&self) -> Option<Date> {
        self.0.registered_on.map(Date)
    }

    /// The bureau that registered it.
    async fn registering_bureau(&self, ctx: &Context<'_>) -> ApiResult<Option<Bureau>> {
        Bureau::load_optional(ctx, self.0.registering_bureau_id).await
    }

    /// Enterprises authorised to use its special mark, as far as the caller may see; optionally only
    /// authorisations in force on a date, or only those that count in a region on a date.
    async fn authorizations(
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
        held_by(
            ctx,
            CredentialOwner::GeographicIndication(self.0.id),
            None,
            valid_in,
            as_of,
        )
        .await
    }
}
