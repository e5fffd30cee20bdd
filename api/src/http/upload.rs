//! Reading a GraphQL multipart request (the GraphQL multipart request specification): the
//! `operations` part, the `map` part and one file.
//!
//! Read with `multer` rather than async-graphql's reader, because that one holds every part to the
//! file limit: here `operations` and `map` obey the JSON body limit and `operations` goes through the
//! same parameter checks as a JSON body, while only the file may be as large as an upload.

use std::collections::HashMap;
use std::io::{Seek, Write};

use actix_web::web::Bytes;
use futures_util::Stream;

use super::{GraphqlParams, graphql_request, params_from_json, selected_operation};
use crate::i18n::Message;

/// Why a multipart request could not be read.
#[derive(Debug)]
pub(super) enum UploadError {
    /// A part is over its limit; the message names the part and the setting.
    TooLarge(Message),
    /// The request does not follow the specification; the message says how.
    Malformed(Message),
}

/// What a multipart request may carry.
pub(super) struct UploadLimits {
    /// Largest `operations` or `map` part: the JSON body limit.
    pub(super) max_json_bytes: usize,
    /// Deepest bracket nesting of the document, checked before it is parsed.
    pub(super) max_nesting: usize,
    /// Largest file.
    pub(super) max_file_bytes: usize,
}

/// The most files one request may carry: an import sends one.
const MAX_FILES: usize = 1;

/// Reads the multipart `body` with the `boundary` taken from its content type, writing the file to a
/// temporary file as it arrives, and returns the request with the file in its variables.
pub(super) async fn receive<S>(
    content_type: &str,
    body: S,
    limits: &UploadLimits,
) -> Result<async_graphql::Request, UploadError>
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
{
    let boundary = multer::parse_boundary(content_type).map_err(|err| {
        UploadError::Malformed(Message::new("upload-no-boundary").with("detail", err.to_string()))
    })?;
    let json = limits.max_json_bytes as u64;
    let file = limits.max_file_bytes as u64;
    let size = multer::SizeLimit::new()
        .whole_stream(2 * json + file + 64 * 1024)
        .per_field(file)
        .for_field("operations", json)
        .for_field("map", json);
    let mut multipart =
        multer::Multipart::with_constraints(body, boundary, multer::Constraints::new().size_limit(size));

    let mut params: Option<GraphqlParams> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files: Vec<(String, async_graphql::UploadValue)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(read_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" => {
                let bytes = field.bytes().await.map_err(read_error)?;
                let json = serde_json::from_slice(&bytes).map_err(|err| {
                    UploadError::Malformed(Message::new("body-not-json").with("detail", err.to_string()))
                })?;
                let read = params_from_json(json).map_err(|reason| {
                    UploadError::Malformed(
                        Message::new("field-reason")
                            .with("field", "operations")
                            .with("reason", reason),
                    )
                })?;
                // The upload limits and the long timeout are for imports, not for any other request.
                if !imports_only(&read, limits.max_nesting) {
                    return Err(UploadError::Malformed(Message::new("upload-imports-only")));
                }
                params = Some(read);
            }
            "map" => {
                let bytes = field.bytes().await.map_err(read_error)?;
                map = Some(serde_json::from_slice(&bytes).map_err(|err| {
                    UploadError::Malformed(Message::new("upload-map-invalid").with("detail", err.to_string()))
                })?);
            }
            _ => {
                let Some(filename) = field.file_name().map(str::to_owned) else {
                    return Err(UploadError::Malformed(
                        Message::new("upload-part-unknown").with("name", name),
                    ));
                };
                if files.len() == MAX_FILES {
                    return Err(UploadError::Malformed(
                        Message::new("upload-too-many-files").with("max", MAX_FILES),
                    ));
                }
                let content_type = field.content_type().map(ToString::to_string);
                let mut content = tempfile::tempfile().map_err(|err| cannot_store(&err))?;
                while let Some(chunk) = field.chunk().await.map_err(read_error)? {
                    content.write_all(&chunk).map_err(|err| cannot_store(&err))?;
                }
                content.rewind().map_err(|err| cannot_store(&err))?;
                let upload = async_graphql::UploadValue {
                    filename,
                    content_type,
                    content,
                };
                files.push((name, upload));
            }
        }
    }

    let missing = |part: &str| UploadError::Malformed(Message::new("upload-part-missing").with("part", part));
    let params = params.ok_or_else(|| missing("operations"))?;
    let mut map = map.ok_or_else(|| missing("map"))?;
    let mut request = graphql_request(params);
    for (name, upload) in files {
        for path in map.remove(&name).unwrap_or_default() {
            let copy = upload.try_clone().map_err(|err| cannot_store(&err))?;
            request.set_upload(&path, copy);
        }
    }
    if let Some(missing) = map.keys().next() {
        return Err(UploadError::Malformed(
            Message::new("upload-file-missing").with("name", missing),
        ));
    }
    Ok(request)
}

/// A file that could not be written to temporary storage.
fn cannot_store(err: &std::io::Error) -> UploadError {
    UploadError::Malformed(Message::new("upload-cannot-store").with("detail", err.to_string()))
}

/// Whether the operation `params` select is a mutation of `importCredentials` alone.
fn imports_only(params: &GraphqlParams, max_nesting: usize) -> bool {
    use async_graphql::parser::types::{OperationType, Selection};
    selected_operation(params, max_nesting).is_some_and(|operation| {
        operation.ty == OperationType::Mutation
            && operation.selection_set.node.items.iter().all(|item| {
                matches!(&item.node, Selection::Field(field) if field.node.name.node == "importCredentials")
            })
    })
}

/// A `multer` error as an upload error: the size limits become `TooLarge`.
fn read_error(err: multer::Error) -> UploadError {
    match err {
        multer::Error::FieldSizeExceeded { field_name, .. } => match field_name.as_deref() {
            Some(part @ ("operations" | "map")) => {
                UploadError::TooLarge(Message::new("upload-part-too-large").with("part", part))
            }
            _ => UploadError::TooLarge(Message::new("upload-too-large")),
        },
        multer::Error::StreamSizeExceeded { .. } => UploadError::TooLarge(Message::new("upload-too-large")),
        other => UploadError::Malformed(Message::new("upload-malformed").with("detail", other.to_string())),
    }
}
