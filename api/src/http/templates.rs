//! `GET /templates/{kind}.csv`: the CSV template of each list kind the registry imports, as shipped in
//! `api/templates/`; its example rows pass a dry run against the demo registry.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Reply, ResponseMedia, request_error};
use crate::error::ErrorCode;
use crate::i18n::Message;
use crate::services::import::ListKind;

/// The template of a kind of list.
fn template(kind: ListKind) -> &'static str {
    match kind {
        ListKind::LittleGiant => include_str!("../../templates/little-giant.csv"),
        ListKind::Green => include_str!("../../templates/green.csv"),
        ListKind::GiAuthorization => include_str!("../../templates/gi-authorization.csv"),
        ListKind::QualityAward => include_str!("../../templates/quality-award.csv"),
        ListKind::ChiefQualityOfficer => include_str!("../../templates/chief-quality-officer.csv"),
        ListKind::PublicBrandLicense => include_str!("../../templates/public-brand-license.csv"),
    }
}

pub(super) async fn serve(req: HttpRequest, kind: web::Path<String>) -> HttpResponse {
    let found = kind
        .strip_suffix(".csv")
        .and_then(|name| ListKind::ALL.into_iter().find(|kind| kind.name() == name));
    match found {
        Some(kind) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", kind.name()),
            ))
            .body(template(kind)),
        None => {
            let kinds: Vec<&str> = ListKind::ALL.iter().map(|kind| kind.name()).collect();
            request_error(
                StatusCode::NOT_FOUND,
                &Reply::new(&req, ResponseMedia::Json),
                ErrorCode::NotFound,
                &Message::new("template-unknown").with("kinds", kinds.join(", ")),
            )
        }
    }
}
