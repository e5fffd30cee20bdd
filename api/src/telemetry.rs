//! Logging and tracing set-up. Fields use dotted names (`request.id`, `error.detail`); tokens, passwords and personal
//! data are never logged.

use std::io::IsTerminal;

use actix_web::{
    HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Span, field::Empty};
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

use crate::http::request_id::RequestId;
use tracing_subscriber::{EnvFilter, filter::LevelFilter, fmt, fmt::format::FmtSpan, prelude::*};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), JSON lines when asked, and
/// traces over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Keep the returned guard for the life of
/// the process: dropping it sends the traces still buffered.
pub fn init(json: bool) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let (otlp, provider) = match otlp_tracer() {
        Some(Ok(provider)) => {
            let tracer = provider.tracer("registry");
            (
                Some(tracing_opentelemetry::layer().with_tracer(tracer)),
                Some(provider),
            )
        }
        Some(Err(err)) => {
            // Logging is not up yet; the process still serves, without traces.
            eprintln!("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter failed: {err}");
            (None, None)
        }
        None => (None, None),
    };
    // `RUST_LOG` filters the log only: traces keep every request span (INFO) whatever the log shows.
    let registry = tracing_subscriber::registry().with(otlp.with_filter(LevelFilter::INFO));
    // `try_init` so tests that start several apps in one process do not panic on the second call.
    // A closing request span is the access log line: request id, method, route, status, latency.
    let _already_set = if json {
        let layer = fmt::layer()
            .json()
            .flatten_event(true)
            .with_span_events(FmtSpan::CLOSE);
        registry.with(layer.with_filter(filter)).try_init()
    } else {
        let layer = fmt::layer()
            .with_ansi(std::io::stdout().is_terminal())
            .with_span_events(FmtSpan::CLOSE);
        registry.with(layer.with_filter(filter)).try_init()
    };
    Telemetry { provider }
}

/// The OTLP trace pipeline, when `OTEL_EXPORTER_OTLP_ENDPOINT` asks for one (OTLP over HTTP with
/// protobuf; the exporter reads the endpoint, headers and timeout from the standard `OTEL_*`
/// variables, and the batch processor its `OTEL_BSP_*` ones).
fn otlp_tracer() -> Option<Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError>> {
    std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").filter(|value| !value.is_empty())?;
    let exporter = match opentelemetry_otlp::SpanExporter::builder().with_http().build() {
        Ok(exporter) => exporter,
        Err(err) => return Some(Err(err)),
    };
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("registry")
        .build();
    Some(Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build()))
}

/// Keeps the trace pipeline; sends what is buffered when dropped.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            eprintln!("sending the last traces failed: {err}");
        }
    }
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

/// Notes the SHA-256 of a GraphQL request's document (first 16 hex digits) on the request's span:
/// enough to find which query a log line was, without its text or variables.
pub fn record_graphql(document: &str) {
    let span = Span::current();
    // Hashing costs more than a cached document's parse: only for a span that is written somewhere.
    if span.is_disabled() {
        return;
    }
    let hash = crate::domain::text::sha256_hex(document);
    span.record("graphql.document", tracing::field::display(&hash[..16]));
}

/// Notes the name of the operation the request ran (`-` for an anonymous one) on the request's span.
pub fn record_operation(name: &str) {
    let name = if name.is_empty() { "-" } else { name };
    Span::current().record("graphql.operation", tracing::field::display(name));
}
