//! `GET /export/{list}?filter=…&format=csv|jsonl&encoding=utf-8|gb18030`: a list written whole
//! ([`crate::services::export`]) for a signed-in caller, under the list's filter (the JSON of its API
//! field's `filter` argument) and the caller's view. The response streams as rows are read; header
//! `Registry-Feed-Cursor` says where to follow the change feed from to keep the copy current. A
//! failure after the first bytes ends the response without its final chunk, so a client sees a broken
//! transfer, never a short file that looks whole.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::sync::{Semaphore, mpsc};

use super::{
    AppState, Reply, ResponseMedia, admit, database_failure, refused, request_error, unauthenticated,
};
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Message;
use crate::services::export::{self, ExportFormat, ExportList, Sink, TextEncoding, Writer};

/// How long one export may read: its statement runs while the client downloads.
const TIME_LIMIT: Duration = Duration::from_secs(30 * 60);

/// The exports the server runs at once: each holds a database connection until its client has read
/// everything, so they get a quarter of the pool and the API keeps the rest.
pub(super) fn concurrent_exports(pool_size: u32) -> Arc<Semaphore> {
    Arc::new(Semaphore::new((pool_size as usize / 4).max(1)))
}

/// Blocks handed to the response body as they are written; a full channel makes the export wait for
/// its client, so memory holds a few blocks at most.
struct Channel(mpsc::Sender<Result<web::Bytes, std::io::Error>>);

impl Sink for Channel {
    async fn put(&mut self, block: Vec<u8>) -> crate::error::ApiResult<()> {
        self.0
            .send(Ok(web::Bytes::from(block)))
            .await
            .map_err(|_| ApiError::Internal("the client stopped reading the export".to_owned()))
    }
}

/// What the query string asks for.
struct Asked {
    filter: Option<serde_json::Value>,
    format: ExportFormat,
    encoding: TextEncoding,
}

fn asked(req: &HttpRequest) -> Result<Asked, ApiError> {
    let params = web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map_err(|_| ApiError::bad_input("query", Message::new("export-parameter-unknown")))?
        .into_inner();
    if let Some(unknown) = params
        .keys()
        .find(|name| !["filter", "format", "encoding"].contains(&name.as_str()))
    {
        return Err(ApiError::bad_input(
            unknown.clone(),
            Message::new("export-parameter-unknown"),
        ));
    }
    let filter = params
        .get("filter")
        .map(|text| serde_json::from_str(text))
        .transpose()
        .map_err(|err| {
            ApiError::bad_input(
                "filter",
                Message::new("export-filter-invalid")
                    .with("type", "JSON")
                    .with("reason", err.to_string()),
            )
        })?;
    let format = params
        .get("format")
        .map_or(Ok(ExportFormat::Csv), |name| ExportFormat::parse("format", name))?;
    let encoding = params.get("encoding").map_or(Ok(TextEncoding::Utf8), |name| {
        TextEncoding::parse("encoding", name, format)
    })?;
    Ok(Asked {
        filter,
        format,
        encoding,
    })
}

/// The answer to an export refused before its first byte.
fn failed(reply: &Reply, err: &ApiError) -> HttpResponse {
    match err {
        ApiError::BadUserInput { .. } => refused(StatusCode::BAD_REQUEST, reply, err),
        ApiError::Unauthenticated(reason) => unauthenticated(reply, reason),
        ApiError::Forbidden(_) => refused(StatusCode::FORBIDDEN, reply, err),
        ApiError::NotFound(_) => refused(StatusCode::NOT_FOUND, reply, err),
        _ => database_failure(reply, err),
    }
}

pub(super) async fn serve(
    req: HttpRequest,
    list: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let reply = Reply::new(&req, ResponseMedia::Json);
    let admitted = match admit(&req, &state, &reply).await {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    let viewer = admitted.viewer;
    if let Err(err) = viewer.may_export() {
        return failed(&reply, &err);
    }
    let today = state.clock.today();
    let prepared = async {
        let list = ExportList::parse("list", &list)?;
        let asked = asked(&req)?;
        let selection =
            crate::graphql::query::export::selection(&state.db, today, list, asked.filter).await?;
        Ok::<_, ApiError>((list, asked.format, asked.encoding, selection))
    };
    let (list, format, encoding, selection) = match prepared.await {
        Ok(prepared) => prepared,
        Err(err) => return failed(&reply, &err),
    };
    let Ok(permit) = state.exports.clone().try_acquire_owned() else {
        let mut response = request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &reply,
            ErrorCode::Unavailable,
            &Message::new("exports-busy"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return response;
    };
    let begun = async {
        let txn = export::begin_read(&state.db, Some(TIME_LIMIT)).await?;
        let cursor = export::cursor(&txn).await?;
        Ok::<_, ApiError>((txn, cursor))
    };
    let (txn, cursor) = match begun.await {
        Ok(begun) => begun,
        Err(err) => return failed(&reply, &err),
    };
    let (sender, mut receiver) = mpsc::channel(4);
    let request_id = reply.request_id.clone();
    actix_web::rt::spawn(async move {
        let _permit = permit;
        let mut writer = Writer::new(format, encoding, Channel(sender.clone()));
        let written = async {
            let rows = export::export_list(&txn, &viewer, today, &selection, &mut writer).await?;
            writer.finish().await?;
            txn.commit().await?;
            Ok::<_, ApiError>(rows)
        };
        match written.await {
            Ok(rows) => {
                tracing::info!(export.list = list.name(), export.rows = rows, request.id = %request_id, "export written")
            }
            Err(err) => {
                tracing::warn!(export.list = list.name(), error.detail = ?err, request.id = %request_id, "export broken off");
                // The client, if still there, sees the transfer fail rather than end.
                let _ = sender.send(Err(std::io::Error::other("the export failed"))).await;
            }
        }
    });
    let content_type = match format {
        ExportFormat::Csv => format!("text/csv; charset={}", encoding.charset()),
        ExportFormat::Jsonl => "application/jsonl; charset=utf-8".to_owned(),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.{}\"", list.name(), format.extension()),
        ))
        .insert_header(("registry-feed-cursor", cursor.encode()))
        .streaming(futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}
