//! Registering brands and geographic indications, the registry objects that brand recognitions and
//! GI-mark authorisations refer to.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::enums::{BrandKind, GiProtectionType};
use crate::graphql::scalars::Date;
use crate::graphql::types::brand::Brand;
use crate::graphql::types::db;
use crate::graphql::types::geographic_indication::GeographicIndication;
use crate::graphql::types::request;
use crate::graphql::types::user::UserError;
use crate::ids::{self, NodeType};
use crate::services::{self, brand::BrandFields, geographic_indication::GiFields};

/// A new brand.
#[derive(InputObject)]
pub struct CreateBrandInput {
    /// The brand's name.
    pub name: String,
    /// What kind of brand.
    pub kind: BrandKind,
    /// The enterprise holding it (every kind but regional public brands).
    pub holder_enterprise_id: Option<ID>,
    /// The association or government body holding a regional public brand (区域公用品牌).
    pub holder_organisation: Option<String>,
    /// GB/T 2260 code of its home region.
    pub region_code: String,
    /// Registered trademark number.
    pub trademark_number: Option<String>,
    /// Nice classification classes (1 to 45).
    #[graphql(default)]
    pub nice_classes: Vec<i32>,
}

/// A new geographic indication.
#[derive(InputObject)]
pub struct CreateGeographicIndicationInput {
    /// The indication's name, e.g. 奉节脐橙.
    pub name: String,
    /// Under which protection system it is registered.
    pub protection_type: GiProtectionType,
    /// Registration or certificate number (unique).
    pub registration_number: String,
    /// The organisation holding it (an association or government body).
    pub holder_organisation: String,
    /// GB/T 2260 code of its home region.
    pub region_code: String,
    /// GB/T 2260 codes of the regions where it is protected.
    pub protected_area_codes: Vec<String>,
    /// Product category.
    pub product_category: Option<String>,
    /// Date of registration.
    pub registered_on: Option<Date>,
}

/// The brand created, or what to fix.
#[derive(SimpleObject)]
pub struct BrandPayload {
    /// The brand; null when nothing changed.
    pub brand: Option<Brand>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The indication created, or what to fix.
#[derive(SimpleObject)]
pub struct GeographicIndicationPayload {
    /// The indication; null when nothing changed.
    pub geographic_indication: Option<GeographicIndication>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Registering brands and geographic indications.
#[derive(Default)]
pub struct CatalogueMutation;

#[Object]
impl CatalogueMutation {
    /// Registers a brand (registrars, for a home region inside their jurisdiction). Audited.
    async fn create_brand(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new brand.")] input: CreateBrandInput,
    ) -> ApiResult<BrandPayload> {
        let context = request(ctx);
        let holder_enterprise_id = input
            .holder_enterprise_id
            .map(|id| ids::decode_as("input.holderEnterpriseId", NodeType::Enterprise, &id))
            .transpose()?;
        let fields = BrandFields {
            name: input.name,
            kind: input.kind.into(),
            holder_enterprise_id,
            holder_organisation: input.holder_organisation,
            region_code: input.region_code,
            trademark_number: input.trademark_number,
            nice_classes: input.nice_classes,
        };
        let db = db(ctx);
        let change = services::brand::create(db, context, fields);
        Ok(
            match recording_refusals(ctx, "CREATE_BRAND", ("brand", None), change).await? {
                Ok(brand) => BrandPayload {
                    brand: Some(Brand(brand)),
                    user_errors: Vec::new(),
                },
                Err(errors) => BrandPayload {
                    brand: None,
                    user_errors: errors.into_iter().map(Into::into).collect(),
                },
            },
        )
    }

    /// Registers a geographic indication and its protected areas (registrars of a bureau competent for
    /// GI authorisations, every area inside their jurisdiction). Audited.
    async fn create_geographic_indication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new indication.")] input: CreateGeographicIndicationInput,
    ) -> ApiResult<GeographicIndicationPayload> {
        let context = request(ctx);
        let fields = GiFields {
            name: input.name,
            protection_type: input.protection_type.into(),
            registration_number: input.registration_number,
            holder_organisation: input.holder_organisation,
            region_code: input.region_code,
            protected_areas: input.protected_area_codes,
            product_category: input.product_category,
            registered_on: input.registered_on.map(|d| d.0),
        };
        let db = db(ctx);
        let change = services::geographic_indication::create(db, context, fields);
        let entity = ("geographic_indication", None);
        Ok(
            match recording_refusals(ctx, "CREATE_GEOGRAPHIC_INDICATION", entity, change).await? {
                Ok(indication) => GeographicIndicationPayload {
                    geographic_indication: Some(GeographicIndication(indication)),
                    user_errors: Vec::new(),
                },
                Err(errors) => GeographicIndicationPayload {
                    geographic_indication: None,
                    user_errors: errors.into_iter().map(Into::into).collect(),
                },
            },
        )
    }
}
