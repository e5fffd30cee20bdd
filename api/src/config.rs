//! Typed configuration, read once from the environment at start-up and passed down as a value.
//! A bad value stops the server with a message naming the variable (see the README's table).

use std::{net::SocketAddr, str::FromStr, time::Duration};

/// The embedded default database: a SQLite file in the working directory, created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://registry.db?mode=rwc";

/// Everything the server can be told.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (`REGISTRY_BIND`).
    pub bind: SocketAddr,
    /// Database URL (`DATABASE_URL`); `None` means the embedded SQLite default.
    pub database_url: Option<String>,
    /// Connections in the pool (`REGISTRY_DB_POOL_SIZE`).
    pub db_pool_size: u32,
    /// Apply pending migrations at start-up (`REGISTRY_AUTO_MIGRATE`).
    pub auto_migrate: bool,
    /// HTTP worker threads (`REGISTRY_WORKERS`); `None` means one per core.
    pub workers: Option<usize>,
    /// Logs as JSON lines rather than human-readable text (`REGISTRY_LOG_FORMAT=json`).
    pub json_logs: bool,
    /// Request and execution limits.
    pub limits: Limits,
}

/// Limits that keep any one request from taking the server down.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body accepted, enforced while reading (`REGISTRY_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Deepest selection nesting (`REGISTRY_MAX_DEPTH`).
    pub max_depth: usize,
    /// Highest query complexity (`REGISTRY_MAX_COMPLEXITY`).
    pub max_complexity: usize,
    /// Most aliased fields in one document (`REGISTRY_MAX_ALIASES`).
    pub max_aliases: usize,
    /// Most directives on one field (`REGISTRY_MAX_DIRECTIVES`).
    pub max_directives: usize,
    /// Deepest nesting the parser accepts in values, fragments and selections (`REGISTRY_MAX_RECURSION`).
    pub max_recursion: usize,
    /// Longest a request may execute (`REGISTRY_EXECUTION_TIMEOUT_MS`).
    pub execution_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 256 * 1024,
            max_depth: 15,
            max_complexity: 50_000,
            max_aliases: 30,
            max_directives: 5,
            max_recursion: 32,
            execution_timeout: Duration::from_secs(10),
        }
    }
}

/// A variable that is set but cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

/// Reads `name`, parsing it when set and returning `default` when unset or empty.
fn var<T: FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value.trim().parse().map_err(|err: T::Err| ConfigError {
            name,
            reason: format!("'{value}' is not valid: {err}"),
        }),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(default),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError {
            name,
            reason: "is not valid UTF-8".to_owned(),
        }),
    }
}

fn positive(name: &'static str, value: usize) -> Result<usize, ConfigError> {
    if value == 0 {
        return Err(ConfigError {
            name,
            reason: "must be greater than zero".to_owned(),
        });
    }
    Ok(value)
}

impl Config {
    /// Reads the whole configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let defaults = Limits::default();
        let log_format: String = var("REGISTRY_LOG_FORMAT", "text".to_owned())?;
        let json_logs = match log_format.as_str() {
            "json" => true,
            "text" => false,
            other => {
                return Err(ConfigError {
                    name: "REGISTRY_LOG_FORMAT",
                    reason: format!("'{other}' is not valid: use 'text' or 'json'"),
                });
            }
        };
        let database_url: String = var("DATABASE_URL", String::new())?;
        Ok(Self {
            bind: var("REGISTRY_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            database_url: Some(database_url).filter(|url| !url.is_empty()),
            db_pool_size: positive("REGISTRY_DB_POOL_SIZE", var("REGISTRY_DB_POOL_SIZE", 8)?)? as u32,
            auto_migrate: var("REGISTRY_AUTO_MIGRATE", true)?,
            workers: match var("REGISTRY_WORKERS", 0usize)? {
                0 => None,
                workers => Some(workers),
            },
            json_logs,
            limits: Limits {
                max_body_bytes: positive(
                    "REGISTRY_MAX_BODY_BYTES",
                    var("REGISTRY_MAX_BODY_BYTES", defaults.max_body_bytes)?,
                )?,
                max_depth: positive(
                    "REGISTRY_MAX_DEPTH",
                    var("REGISTRY_MAX_DEPTH", defaults.max_depth)?,
                )?,
                max_complexity: positive(
                    "REGISTRY_MAX_COMPLEXITY",
                    var("REGISTRY_MAX_COMPLEXITY", defaults.max_complexity)?,
                )?,
                max_aliases: var("REGISTRY_MAX_ALIASES", defaults.max_aliases)?,
                max_directives: var("REGISTRY_MAX_DIRECTIVES", defaults.max_directives)?,
                max_recursion: positive(
                    "REGISTRY_MAX_RECURSION",
                    var("REGISTRY_MAX_RECURSION", defaults.max_recursion)?,
                )?,
                execution_timeout: Duration::from_millis(positive(
                    "REGISTRY_EXECUTION_TIMEOUT_MS",
                    var("REGISTRY_EXECUTION_TIMEOUT_MS", 10_000)?,
                )? as u64),
            },
        })
    }

    /// The database to use: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }

    /// Whether the embedded default database is in use (only it is seeded with demo data on first start).
    pub fn uses_embedded_database(&self) -> bool {
        self.database_url.is_none()
    }
}
