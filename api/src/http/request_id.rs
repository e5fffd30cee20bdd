//! `X-Request-Id`: every request has one id, which the response hands back in that header, the access
//! log line carries and every error's `extensions.requestId` repeats, so a user's report, a proxy's log
//! and ours can be matched. A caller (or the proxy in front) may choose it; otherwise we make one.

use std::{fmt, sync::Arc};

use actix_web::{
    Error, FromRequest, HttpMessage, HttpRequest,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};

/// The header both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id we take over; longer ones are replaced, so the log cannot be flooded through it.
const MAX_LENGTH: usize = 128;

/// One request's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(Arc<str>);

impl RequestId {
    /// The incoming header's value when it is a usable id: 1 to 128 characters of letters, digits and
    /// `-_.:`. Anything else (spaces, quotes, control characters) could forge log lines and is ignored.
    fn from_header(value: Option<&HeaderValue>) -> Option<Self> {
        let value = value?.to_str().ok()?;
        let usable = !value.is_empty()
            && value.len() <= MAX_LENGTH
            && value
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte));
        usable.then(|| Self(value.into()))
    }

    /// A fresh id: a UUID whose leading bits are the time, so ids sort by when they were made.
    fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string().into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Middleware, outermost: gives the request its id before anything logs, and puts it on the response.
pub async fn assign(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = RequestId::from_header(request.headers().get(&HEADER)).unwrap_or_else(RequestId::generate);
    request.extensions_mut().insert(id.clone());
    let mut response = next.call(request).await?;
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

/// The id of the request being handled (made by [`assign`]; a fresh one if the middleware is missing).
pub fn of(request: &HttpRequest) -> RequestId {
    request
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(RequestId::generate)
}

impl FromRequest for RequestId {
    type Error = Error;
    type Future = std::future::Ready<Result<Self, Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(Ok(of(request)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> Option<RequestId> {
        RequestId::from_header(Some(&HeaderValue::from_str(value).expect("a header value")))
    }

    #[test]
    fn usable_ids_are_taken_over_and_others_are_not() {
        assert_eq!(
            header("abc-123_x.y:z").map(|id| id.to_string()),
            Some("abc-123_x.y:z".to_owned())
        );
        assert_eq!(header(""), None);
        assert_eq!(header("has space"), None);
        assert_eq!(header("quote\"d"), None);
        assert_eq!(
            header(&"a".repeat(MAX_LENGTH)).map(|id| id.as_str().len()),
            Some(MAX_LENGTH)
        );
        assert_eq!(header(&"a".repeat(MAX_LENGTH + 1)), None);
    }

    #[test]
    fn generated_ids_differ() {
        assert_ne!(RequestId::generate(), RequestId::generate());
    }
}
