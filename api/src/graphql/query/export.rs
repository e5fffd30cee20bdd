//! The filters of an export (`GET /export/{list}`, `registry export`): the list field's own filter
//! input, given as JSON, parsed and checked exactly as the list field parses it, so that an export
//! selects what the list would.

use async_graphql::{InputType, Pos};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::agreement::{AgreementFilterInput, agreement_filter};
use super::credential::{
    BrandRecognitionFilterInput, ChiefQualityOfficerFilterInput, GiAuthorizationFilterInput,
    GreenFilterInput, KindFilter, LittleGiantFilterInput, QualityAwardFilterInput, kind_filter,
};
use super::enterprise::{EnterpriseFilterInput, enterprise_filter};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Message;
use crate::services::export::{ExportList, Selection};

/// The rows of `list` that `filter` (the JSON of the list field's `filter` argument) selects, on
/// business date `today`.
pub async fn selection(
    db: &DatabaseConnection,
    today: NaiveDate,
    list: ExportList,
    filter: Option<serde_json::Value>,
) -> ApiResult<Selection> {
    Ok(match list {
        ExportList::Enterprises => {
            Selection::Enterprises(enterprise_filter(db, parse::<EnterpriseFilterInput>(filter)?).await?)
        }
        ExportList::LittleGiants => credentials::<LittleGiantFilterInput>(db, today, filter).await?,
        ExportList::GreenDesignations => credentials::<GreenFilterInput>(db, today, filter).await?,
        ExportList::BrandRecognitions => {
            credentials::<BrandRecognitionFilterInput>(db, today, filter).await?
        }
        ExportList::GiAuthorizations => credentials::<GiAuthorizationFilterInput>(db, today, filter).await?,
        ExportList::QualityAwards => credentials::<QualityAwardFilterInput>(db, today, filter).await?,
        ExportList::ChiefQualityOfficers => {
            credentials::<ChiefQualityOfficerFilterInput>(db, today, filter).await?
        }
        ExportList::RecognitionAgreements => {
            Selection::Agreements(agreement_filter(db, parse::<AgreementFilterInput>(filter)?).await?)
        }
    })
}

async fn credentials<I: KindFilter + InputType>(
    db: &DatabaseConnection,
    today: NaiveDate,
    filter: Option<serde_json::Value>,
) -> ApiResult<Selection> {
    Ok(Selection::Credentials(Box::new(
        kind_filter(db, today, parse::<I>(filter)?).await?,
    )))
}

/// Parses the JSON of a filter input as GraphQL would parse the same value given as a variable.
fn parse<I: InputType + Default>(filter: Option<serde_json::Value>) -> ApiResult<I> {
    let Some(filter) = filter.filter(|value| !value.is_null()) else {
        return Ok(I::default());
    };
    let invalid = |reason: String| {
        ApiError::bad_input(
            "filter",
            Message::new("export-filter-invalid")
                .with("type", I::type_name().into_owned())
                .with("reason", reason),
        )
    };
    let value = async_graphql::Value::from_json(filter).map_err(|err| invalid(err.to_string()))?;
    I::parse(Some(value)).map_err(|err| invalid(err.into_server_error(Pos::default()).message))
}
