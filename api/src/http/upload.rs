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

/// Why a multipart request could not be read.
#[derive(Debug)]
pub(super) enum UploadError {
    /// A part is over its limit; the message names the part and the setting.
    TooLarge(String),
    /// The request does not follow the specification; the message says how.
    Malformed(String),
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
    let boundary = multer::parse_boundary(content_type)
        .map_err(|err| UploadError::Malformed(format!("the content type has no usable boundary: {err}")))?;
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
                let json = serde_json::from_slice(&bytes)
                    .map_err(|err| UploadError::Malformed(format!("operations is not valid JSON: {err}")))?;
                let read = params_from_json(json)
                    .map_err(|reason| UploadError::Malformed(format!("operations: {reason}")))?;
                // The upload limits and the long timeout are for imports, not for any other request.
                if !imports_only(&read, limits.max_nesting) {
                    return Err(UploadError::Malformed(
                        "a multipart request carries the importCredentials mutation and nothing else"
                            .to_owned(),
                    ));
                }
                params = Some(read);
            }
            "map" => {
                let bytes = field.bytes().await.map_err(read_error)?;
                map = Some(serde_json::from_slice(&bytes).map_err(|err| {
                    UploadError::Malformed(format!(
                        "map must be a JSON object of file names to variable paths: {err}"
                    ))
                })?);
            }
            _ => {
                let Some(filename) = field.file_name().map(str::to_owned) else {
                    return Err(UploadError::Malformed(format!(
                        "the part '{name}' is neither operations, map nor a file"
                    )));
                };
                if files.len() == MAX_FILES {
                    return Err(UploadError::Malformed(format!(
                        "at most {MAX_FILES} file per request"
                    )));
                }
                let content_type = field.content_type().map(ToString::to_string);
                let mut content = tempfile::tempfile()
                    .map_err(|err| UploadError::Malformed(format!("cannot store the file: {err}")))?;
                while let Some(chunk) = field.chunk().await.map_err(read_error)? {
                    content
                        .write_all(&chunk)
                        .map_err(|err| UploadError::Malformed(format!("cannot store the file: {err}")))?;
                }
                content
                    .rewind()
                    .map_err(|err| UploadError::Malformed(format!("cannot store the file: {err}")))?;
                let upload = async_graphql::UploadValue {
                    filename,
                    content_type,
                    content,
                };
                files.push((name, upload));
            }
        }
    }

    let params = params.ok_or_else(|| UploadError::Malformed("the operations part is missing".to_owned()))?;
    let mut map = map.ok_or_else(|| UploadError::Malformed("the map part is missing".to_owned()))?;
    let mut request = graphql_request(params);
    for (name, upload) in files {
        for path in map.remove(&name).unwrap_or_default() {
            let copy = upload
                .try_clone()
                .map_err(|err| UploadError::Malformed(format!("cannot store the file: {err}")))?;
            request.set_upload(&path, copy);
        }
    }
    if let Some(missing) = map.keys().next() {
        return Err(UploadError::Malformed(format!(
            "map names the file '{missing}', which the request does not carry"
        )));
    }
    Ok(request)
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
                UploadError::TooLarge(format!("the {part} part is larger than REGISTRY_MAX_BODY_BYTES"))
            }
            _ => UploadError::TooLarge("the upload is larger than REGISTRY_MAX_UPLOAD_BYTES".to_owned()),
        },
        multer::Error::StreamSizeExceeded { .. } => {
            UploadError::TooLarge("the upload is larger than REGISTRY_MAX_UPLOAD_BYTES".to_owned())
        }
        other => UploadError::Malformed(format!("malformed upload: {other}")),
    }
}
