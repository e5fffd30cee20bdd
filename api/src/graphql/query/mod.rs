//! The query root, merged from one object per domain concept. Resolvers parse input, ask the service
//! (which applies the access policy) and wrap the rows.

mod agreement;
mod announcement;
mod audit;
mod catalogue;
mod changes;
mod credential;
mod enterprise;
pub mod export;
mod node;
mod recognition;
mod region;
mod search;
mod statistics;
mod user;
mod viewer;

use async_graphql::{Context, InputObject, MergedObject};
use sea_orm::DatabaseConnection;

use crate::error::{ApiError, ApiResult};
use crate::graphql::types::db;
use crate::i18n::Message;
use crate::services::{self, region::RegionScope};
use agreement::AgreementQuery;
use announcement::AnnouncementQuery;
use audit::AuditQuery;
use catalogue::CatalogueQuery;
use changes::ChangesQuery;
use credential::CredentialQuery;
use enterprise::EnterpriseQuery;
use node::NodeQuery;
use recognition::RecognitionQuery;
use region::RegionQuery;
use search::SearchQuery;
use statistics::StatisticsQuery;
use user::UserQuery;
use viewer::ViewerQuery;

/// A region filter as clients give it.
#[derive(InputObject, Clone)]
pub struct RegionInput {
    /// GB/T 2260 code of the region.
    pub code: String,
    /// Whether regions below it match too (default: yes).
    #[graphql(default = true)]
    pub include_sub_regions: bool,
}

/// The scope of region filter `input` (argument `field`), if given.
pub(crate) async fn region_scope(
    ctx: &Context<'_>,
    field: &str,
    input: Option<RegionInput>,
) -> ApiResult<Option<RegionScope>> {
    region_scope_in(db(ctx), field, input).await
}

/// [`region_scope`], outside a request (exports).
async fn region_scope_in(
    db: &DatabaseConnection,
    field: &str,
    input: Option<RegionInput>,
) -> ApiResult<Option<RegionScope>> {
    let Some(input) = input else {
        return Ok(None);
    };
    Ok(Some(
        services::region::scope(db, field, &input.code, input.include_sub_regions).await?,
    ))
}

fn non_empty(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    match value {
        Some(text) if text.trim().is_empty() => Err(ApiError::bad_input(field, Message::new("value-empty"))),
        other => Ok(other),
    }
}

/// A `nameContains` argument as a term for database `db`.
fn name_term(
    db: &DatabaseConnection,
    field: &str,
    value: Option<String>,
) -> ApiResult<Option<services::NameTerm>> {
    let backend = db.get_database_backend();
    Ok(non_empty(field, value)?.map(|text| services::NameTerm::new(backend, &text)))
}

/// The root of every query: the registries, regions and bureaus, and Relay object identification.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    ViewerQuery,
    RegionQuery,
    EnterpriseQuery,
    SearchQuery,
    CredentialQuery,
    CatalogueQuery,
    AgreementQuery,
    AnnouncementQuery,
    RecognitionQuery,
    StatisticsQuery,
    NodeQuery,
    UserQuery,
    AuditQuery,
    ChangesQuery,
);
