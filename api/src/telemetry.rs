//! Logging set-up. Fields use dotted names (`request.id`, `error.detail`); tokens, passwords and personal
//! data are never logged.

use std::io::IsTerminal;

use actix_web::{
    HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use tracing::{Span, field::Empty};
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::{EnvFilter, fmt, fmt::format::FmtSpan, prelude::*};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), JSON lines when asked.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    // `try_init` so tests that start several apps in one process do not panic on the second call.
    // A closing request span is the access log line: request id, method, route, status, latency.
    let _already_set = if json {
        let layer = fmt::layer()
            .json()
            .flatten_event(true)
            .with_span_events(FmtSpan::CLOSE);
        registry.with(layer).try_init()
    } else {
        let layer = fmt::layer()
            .with_ansi(std::io::stdout().is_terminal())
            .with_span_events(FmtSpan::CLOSE);
        registry.with(layer).try_init()
    };
}

/// The access log's span for each request: method, route (the pattern, never the query string, which
/// can carry GraphQL variables and so personal data), request id and status. GraphQL requests add
/// their operation name and a hash of their document ([`record_graphql`]).
pub struct AccessLog;

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            request.id = %request_id,
            http.status_code = Empty,
            graphql.operation = Empty,
            graphql.document = Empty,
            otel.status_code = Empty,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Notes a GraphQL request's operation name and the SHA-256 of its document (first 16 hex digits) on
/// the request's span: enough to find which query a log line was, without its text or variables.
pub fn record_graphql(operation: Option<&str>, document: &str) {
    let span = Span::current();
    span.record(
        "graphql.operation",
        tracing::field::display(operation.unwrap_or("-")),
    );
    let hash = crate::domain::text::sha256_hex(document);
    span.record("graphql.document", tracing::field::display(&hash[..16]));
}
