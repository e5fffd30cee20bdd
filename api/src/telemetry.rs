//! Logging set-up. Fields use dotted names (`request.id`, `error.detail`); tokens, passwords and personal
//! data are never logged.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), JSON lines when asked.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    // `try_init` so tests that start several apps in one process do not panic on the second call.
    let _already_set = if json {
        registry.with(fmt::layer().json().flatten_event(true)).try_init()
    } else {
        registry
            .with(fmt::layer().with_ansi(std::io::stdout().is_terminal()))
            .try_init()
    };
}
