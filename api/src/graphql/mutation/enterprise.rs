//! Registering and editing enterprises (registrars, inside their jurisdiction).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::recording_refusals;
use crate::error::ApiResult;
use crate::graphql::enums::EnterpriseScale;
use crate::graphql::scalars::Date;
use crate::graphql::types::db;
use crate::graphql::types::enterprise::Enterprise;
use crate::graphql::types::request;
use crate::graphql::types::user::UserError;
use crate::ids::{self, NodeType};
use crate::services::{self, Change, enterprise::EnterpriseFields};

/// The fields a registrar fills in for an enterprise.
#[derive(InputObject)]
pub struct EnterpriseFieldsInput {
    /// Registered name.
    pub name: String,
    /// GB/T 2260 code of the region it is registered in.
    pub region_code: String,
    /// Industry code, GB/T 4754.
    pub industry_code: Option<String>,
    /// Size class.
    pub scale: Option<EnterpriseScale>,
    /// Date of establishment.
    pub established_on: Option<Date>,
    /// Registered capital in whole yuan.
    pub registered_capital_cny: Option<String>,
    /// Legal representative.
    pub legal_representative: Option<String>,
    /// Registered address.
    pub address: Option<String>,
}

impl From<EnterpriseFieldsInput> for EnterpriseFields {
    fn from(input: EnterpriseFieldsInput) -> Self {
        Self {
            name: input.name,
            region_code: input.region_code,
            industry_code: input.industry_code,
            scale: input.scale.map(Into::into),
            established_on: input.established_on.map(|date| date.0),
            registered_capital_cny: input.registered_capital_cny,
            legal_representative: input.legal_representative,
            address: input.address,
        }
    }
}

/// A new enterprise.
#[derive(InputObject)]
pub struct CreateEnterpriseInput {
    /// Unified social credit code; lower case and surrounding spaces are accepted.
    pub uscc: String,
    /// Everything else.
    pub fields: EnterpriseFieldsInput,
}

/// An edit of an enterprise.
#[derive(InputObject)]
pub struct UpdateEnterpriseInput {
    /// The enterprise.
    pub id: ID,
    /// The `version` the edit is based on; a newer one is a `CONFLICT` and nothing changes.
    pub expected_version: i32,
    /// The fields from now on (the USCC never changes).
    pub fields: EnterpriseFieldsInput,
}

/// The enterprise after the change, or what to fix.
#[derive(SimpleObject)]
pub struct EnterprisePayload {
    /// The enterprise; null when nothing changed.
    pub enterprise: Option<Enterprise>,
    /// Input to fix; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(change: Change<entity::enterprise::Model>) -> ApiResult<EnterprisePayload> {
    Ok(match change? {
        Ok(enterprise) => EnterprisePayload {
            enterprise: Some(Enterprise(enterprise)),
            user_errors: Vec::new(),
        },
        Err(errors) => EnterprisePayload {
            enterprise: None,
            user_errors: errors.into_iter().map(Into::into).collect(),
        },
    })
}

/// Registering and editing enterprises.
#[derive(Default)]
pub struct EnterpriseMutation;

#[Object]
impl EnterpriseMutation {
    /// Registers an enterprise (registrars, inside their jurisdiction). Audited.
    async fn create_enterprise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new enterprise.")] input: CreateEnterpriseInput,
    ) -> ApiResult<EnterprisePayload> {
        let context = request(ctx);
        let db = db(ctx);
        let change = services::enterprise::create(db, context, &input.uscc, input.fields.into());
        payload(recording_refusals(ctx, "CREATE_ENTERPRISE", ("enterprise", None), change).await)
    }

    /// Edits an enterprise (registrars, inside their jurisdiction) if `expectedVersion` is current.
    /// Audited.
    async fn update_enterprise(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The enterprise, the version edited, and the new fields.")]
        input: UpdateEnterpriseInput,
    ) -> ApiResult<EnterprisePayload> {
        let context = request(ctx);
        let id = ids::decode_as("input.id", NodeType::Enterprise, &input.id)?;
        let db = db(ctx);
        let fields = input.fields.into();
        let change = services::enterprise::update(db, context, id, input.expected_version, fields);
        payload(recording_refusals(ctx, "UPDATE_ENTERPRISE", ("enterprise", Some(id)), change).await)
    }
}
