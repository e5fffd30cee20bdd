//! Logging set-up. Fields use dotted names (`request.id`, `error.detail`); tokens, passwords and personal
//! data are never logged.

use std::io::IsTerminal;

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
