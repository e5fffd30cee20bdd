//! Typed configuration, read once from the environment at start-up and passed down as a value.
//! A bad value stops the server with a message naming the variable (see the README's table).

use std::{net::SocketAddr, str::FromStr, time::Duration};

use crate::auth::token::{PublicKeys, Secret};

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
    /// Longest a request waits for a free connection before it is answered `503`
    /// (`REGISTRY_DB_ACQUIRE_TIMEOUT_MS`).
    pub db_acquire_timeout: Duration,
    /// Longest one SQL statement of the server may run on PostgreSQL (`REGISTRY_STATEMENT_TIMEOUT_MS`):
    /// the SQL of a request that timed out is cancelled by the database rather than left running.
    pub statement_timeout: Duration,
    /// Apply pending migrations at start-up (`REGISTRY_AUTO_MIGRATE`).
    pub auto_migrate: bool,
    /// HTTP worker threads (`REGISTRY_WORKERS`); `None` means one per core.
    pub workers: Option<usize>,
    /// Logs as JSON lines rather than human-readable text (`REGISTRY_LOG_FORMAT=json`).
    pub json_logs: bool,
    /// How long each DataLoader collects keys before it queries (`REGISTRY_BATCH_WINDOW_MS`): long
    /// enough that one nesting level of a full page lands in one batch, short enough not to be felt.
    pub batch_window: Duration,
    /// Request and execution limits.
    pub limits: Limits,
    /// How access tokens are issued and checked.
    pub tokens: TokenConfig,
    /// The registry's business date when set (`REGISTRY_TODAY`, for demos and tests); the real date in
    /// China otherwise.
    pub today: Option<chrono::NaiveDate>,
    /// The minimum public-notice length per credential kind (`REGISTRY_NOTICE_DAYS`).
    pub notice: crate::domain::notice::NoticeRules,
    /// What the API shows about itself.
    pub exposure: Exposure,
    /// Which browser origins may call the API (`REGISTRY_CORS_ORIGINS`).
    pub cors_origins: CorsOrigins,
    /// Proxies whose `X-Forwarded-For` is believed (`REGISTRY_TRUSTED_PROXIES`, comma-separated
    /// addresses); from anyone else the client address is the socket's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Who may read `/metrics` besides loopback (`REGISTRY_METRICS_FROM`, comma-separated addresses:
    /// the Prometheus servers).
    pub metrics_from: Vec<std::net::IpAddr>,
}

/// What the API shows about itself: helpful while building against it, best switched off for
/// anonymous callers in production.
#[derive(Clone, Debug)]
pub struct Exposure {
    /// Schema introspection for callers without a token (`REGISTRY_ANONYMOUS_INTROSPECTION`); signed-in
    /// callers always have it.
    pub anonymous_introspection: bool,
    /// "Did you mean …?" suggestions in validation errors (`REGISTRY_FIELD_SUGGESTIONS`).
    pub field_suggestions: bool,
    /// The query console at `GET /graphql` for browsers (`REGISTRY_GRAPHIQL`).
    pub graphiql: bool,
}

impl Default for Exposure {
    fn default() -> Self {
        Self {
            anonymous_introspection: true,
            field_suggestions: true,
            graphiql: true,
        }
    }
}

/// Access-token settings as configured; the secret may be absent in demo mode (see `cli`).
#[derive(Clone, Debug)]
pub struct TokenConfig {
    /// HS256 signing secret, at least 32 bytes (`REGISTRY_JWT_SECRET`).
    pub secret: Option<Secret>,
    /// `iss` of issued tokens and the only issuer accepted (`REGISTRY_JWT_ISSUER`).
    pub issuer: String,
    /// `aud` of issued tokens and the only audience accepted (`REGISTRY_JWT_AUDIENCE`).
    pub audience: String,
    /// How long an access token lives (`REGISTRY_TOKEN_MINUTES`).
    pub lifetime: chrono::Duration,
    /// External issuers' public keys (`REGISTRY_JWT_JWKS_FILE`, `REGISTRY_JWT_PUBLIC_KEYS`).
    pub public_keys: PublicKeys,
}

/// Reads the external issuers' keys: a JWKS file, and PEM files listed as `kid=ALG:path,…`.
fn public_keys(lookup: Lookup<'_>) -> Result<PublicKeys, ConfigError> {
    let fail = |name: &str, reason: String| ConfigError {
        name: name.to_owned(),
        reason,
    };
    let read = |name: &str, path: &str| {
        std::fs::read(path).map_err(|err| fail(name, format!("cannot read {path}: {err}")))
    };
    let mut keys = match lookup("REGISTRY_JWT_JWKS_FILE")?.filter(|path| !path.trim().is_empty()) {
        Some(path) => {
            let json = String::from_utf8(read("REGISTRY_JWT_JWKS_FILE", path.trim())?)
                .map_err(|_| fail("REGISTRY_JWT_JWKS_FILE", "is not UTF-8".to_owned()))?;
            PublicKeys::from_jwks(&json).map_err(|reason| fail("REGISTRY_JWT_JWKS_FILE", reason))?
        }
        None => PublicKeys::default(),
    };
    let listed = lookup("REGISTRY_JWT_PUBLIC_KEYS")?.unwrap_or_default();
    for entry in listed.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let name = "REGISTRY_JWT_PUBLIC_KEYS";
        let (kid, rest) = entry
            .split_once('=')
            .ok_or_else(|| fail(name, format!("'{entry}': use kid=ALG:path")))?;
        let (algorithm, path) = rest
            .split_once(':')
            .ok_or_else(|| fail(name, format!("'{entry}': use kid=ALG:path")))?;
        keys.add_pem(kid.trim(), algorithm.trim(), &read(name, path.trim())?)
            .map_err(|reason| fail(name, reason))?;
    }
    Ok(keys)
}

/// Which browser origins may call the API from their pages (CORS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CorsOrigins {
    /// None: the default of a configured server.
    #[default]
    None,
    /// These origins (`https://portal.example.gov.cn`), or `*` for any origin. Access tokens travel in
    /// the `Authorization` header, never in cookies, so credentials are never allowed, and a wildcard
    /// never meets them.
    Listed(Vec<String>),
    /// Pages served from this machine (`http://localhost:PORT`, `http://127.0.0.1:PORT`): the default of
    /// the embedded demo, so a frontend developer's dev server can call it.
    Loopback,
}

/// Reads `REGISTRY_CORS_ORIGINS`: origins separated by commas, or `*`. Unset, the embedded demo
/// allows loopback pages and a configured server none.
fn cors_origins(lookup: Lookup<'_>, embedded: bool) -> Result<CorsOrigins, ConfigError> {
    let listed: Vec<String> = lookup("REGISTRY_CORS_ORIGINS")?
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_owned)
        .collect();
    for origin in &listed {
        let scheme_and_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let valid =
            origin == "*" || scheme_and_host.is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
        if !valid {
            return Err(ConfigError {
                name: "REGISTRY_CORS_ORIGINS".to_owned(),
                reason: format!("'{origin}' is not an origin: use scheme://host[:port] without a path, or *"),
            });
        }
    }
    Ok(match (listed.is_empty(), embedded) {
        (false, _) => CorsOrigins::Listed(listed),
        (true, true) => CorsOrigins::Loopback,
        (true, false) => CorsOrigins::None,
    })
}

/// Reads a list of IP addresses separated by commas from the variable `name`.
fn addresses(lookup: Lookup<'_>, name: &str) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    let listed = lookup(name)?.unwrap_or_default();
    listed
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry.parse().map_err(|err| ConfigError {
                name: name.to_owned(),
                reason: format!("'{entry}' is not an IP address: {err}"),
            })
        })
        .collect()
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
    /// Longest a client may take to send a request's body once its headers arrived
    /// (`REGISTRY_BODY_TIMEOUT_MS`); a slower client is answered `408` and cut off.
    pub body_timeout: Duration,
    /// Most connections open at once, over all workers (`REGISTRY_MAX_CONNECTIONS`): kept well below
    /// the process's file-descriptor limit, so a flood of idle connections cannot exhaust it.
    pub max_connections: usize,
    /// Most connections one client address may hold open (`REGISTRY_MAX_CONNECTIONS_PER_ADDRESS`);
    /// further ones are closed at once. Trusted proxies are exempt.
    pub max_connections_per_address: usize,
    /// Requests and query cost per minute, per client address for the public and per account for the
    /// signed in (`REGISTRY_RATE_LIMITS`).
    pub rate_limits: crate::rate_limit::RateLimits,
    /// Largest multipart upload (an import file) accepted, enforced while reading
    /// (`REGISTRY_MAX_UPLOAD_BYTES`).
    pub max_upload_bytes: usize,
    /// Longest a request with an upload may execute (`REGISTRY_UPLOAD_TIMEOUT_MS`); an import cut off
    /// by it is rolled back.
    pub upload_timeout: Duration,
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
            body_timeout: Duration::from_secs(10),
            max_connections: 1_024,
            max_connections_per_address: 64,
            rate_limits: crate::rate_limit::RateLimits::default(),
            max_upload_bytes: 64 * 1024 * 1024,
            upload_timeout: Duration::from_secs(600),
        }
    }
}

/// A variable that is set but cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: {reason}")]
pub struct ConfigError {
    name: String,
    reason: String,
}

/// Where variables come from: the process environment, or a map in tests.
type Lookup<'a> = &'a dyn Fn(&str) -> Result<Option<String>, ConfigError>;

/// Reads `name` from the process environment; a value that is not UTF-8 is an error, not "unset".
fn from_process(name: &str) -> Result<Option<String>, ConfigError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError {
            name: name.to_owned(),
            reason: "is not valid UTF-8".to_owned(),
        }),
    }
}

/// Reads one variable through `lookup`: parsed when set, `default` when unset or blank.
fn var<T: FromStr>(lookup: Lookup<'_>, name: &str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    Ok(optional(lookup, name)?.unwrap_or(default))
}

/// Reads a variable without a default: parsed when set, `None` when unset or blank.
fn optional<T: FromStr>(lookup: Lookup<'_>, name: &str) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match lookup(name)? {
        Some(value) if !value.trim().is_empty() => {
            value.trim().parse().map(Some).map_err(|err: T::Err| ConfigError {
                name: name.to_owned(),
                reason: format!("'{value}' is not valid: {err}"),
            })
        }
        _ => Ok(None),
    }
}

/// Like [`var`], for counts that must be at least one.
fn positive(lookup: Lookup<'_>, name: &str, default: usize) -> Result<usize, ConfigError> {
    match var(lookup, name, default)? {
        0 => Err(ConfigError {
            name: name.to_owned(),
            reason: "must be greater than zero".to_owned(),
        }),
        value => Ok(value),
    }
}

impl Config {
    /// Reads the whole configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&from_process)
    }

    fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let defaults = Limits::default();
        let json_logs = match var(lookup, "REGISTRY_LOG_FORMAT", "text".to_owned())?.as_str() {
            "json" => true,
            "text" => false,
            other => {
                return Err(ConfigError {
                    name: "REGISTRY_LOG_FORMAT".to_owned(),
                    reason: format!("'{other}' is not valid: use 'text' or 'json'"),
                });
            }
        };
        let database_url: String = var(lookup, "DATABASE_URL", String::new())?;
        let embedded = database_url.is_empty();
        let timeout_ms = positive(lookup, "REGISTRY_EXECUTION_TIMEOUT_MS", 10_000)?;
        let secret = match lookup("REGISTRY_JWT_SECRET")?.filter(|secret| !secret.is_empty()) {
            Some(secret) => Some(Secret::new(secret.into_bytes()).map_err(|reason| ConfigError {
                name: "REGISTRY_JWT_SECRET".to_owned(),
                reason,
            })?),
            None => None,
        };
        let token_minutes = positive(lookup, "REGISTRY_TOKEN_MINUTES", 15)?;
        Ok(Self {
            bind: var(lookup, "REGISTRY_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            database_url: Some(database_url).filter(|url| !url.is_empty()),
            db_pool_size: u32::try_from(positive(lookup, "REGISTRY_DB_POOL_SIZE", 8)?).unwrap_or(u32::MAX),
            db_acquire_timeout: Duration::from_millis(positive(
                lookup,
                "REGISTRY_DB_ACQUIRE_TIMEOUT_MS",
                crate::db::DEFAULT_ACQUIRE_TIMEOUT.as_millis() as usize,
            )? as u64),
            statement_timeout: Duration::from_millis(positive(
                lookup,
                "REGISTRY_STATEMENT_TIMEOUT_MS",
                timeout_ms,
            )? as u64),
            auto_migrate: var(lookup, "REGISTRY_AUTO_MIGRATE", true)?,
            workers: match var(lookup, "REGISTRY_WORKERS", 0usize)? {
                0 => None,
                workers => Some(workers),
            },
            json_logs,
            batch_window: Duration::from_millis(var(lookup, "REGISTRY_BATCH_WINDOW_MS", 2u64)?),
            limits: Limits {
                max_body_bytes: positive(lookup, "REGISTRY_MAX_BODY_BYTES", defaults.max_body_bytes)?,
                max_depth: positive(lookup, "REGISTRY_MAX_DEPTH", defaults.max_depth)?,
                max_complexity: positive(lookup, "REGISTRY_MAX_COMPLEXITY", defaults.max_complexity)?,
                max_aliases: var(lookup, "REGISTRY_MAX_ALIASES", defaults.max_aliases)?,
                max_directives: var(lookup, "REGISTRY_MAX_DIRECTIVES", defaults.max_directives)?,
                max_recursion: positive(lookup, "REGISTRY_MAX_RECURSION", defaults.max_recursion)?,
                execution_timeout: Duration::from_millis(timeout_ms as u64),
                body_timeout: Duration::from_millis(positive(
                    lookup,
                    "REGISTRY_BODY_TIMEOUT_MS",
                    defaults.body_timeout.as_millis() as usize,
                )? as u64),
                max_connections: positive(lookup, "REGISTRY_MAX_CONNECTIONS", defaults.max_connections)?,
                max_connections_per_address: positive(
                    lookup,
                    "REGISTRY_MAX_CONNECTIONS_PER_ADDRESS",
                    defaults.max_connections_per_address,
                )?,
                rate_limits: var(lookup, "REGISTRY_RATE_LIMITS", defaults.rate_limits)?,
                max_upload_bytes: positive(lookup, "REGISTRY_MAX_UPLOAD_BYTES", defaults.max_upload_bytes)?,
                upload_timeout: Duration::from_millis(positive(
                    lookup,
                    "REGISTRY_UPLOAD_TIMEOUT_MS",
                    defaults.upload_timeout.as_millis() as usize,
                )? as u64),
            },
            tokens: TokenConfig {
                secret,
                issuer: var(lookup, "REGISTRY_JWT_ISSUER", "enterprise-registry".to_owned())?,
                audience: var(
                    lookup,
                    "REGISTRY_JWT_AUDIENCE",
                    "enterprise-registry-api".to_owned(),
                )?,
                public_keys: public_keys(lookup)?,
                lifetime: chrono::Duration::minutes(
                    i64::try_from(token_minutes).unwrap_or(i64::MAX).min(24 * 60),
                ),
            },
            today: optional(lookup, "REGISTRY_TODAY")?,
            notice: var(lookup, "REGISTRY_NOTICE_DAYS", Default::default())?,
            trusted_proxies: addresses(lookup, "REGISTRY_TRUSTED_PROXIES")?,
            metrics_from: addresses(lookup, "REGISTRY_METRICS_FROM")?,
            cors_origins: cors_origins(lookup, embedded)?,
            exposure: Exposure {
                anonymous_introspection: var(lookup, "REGISTRY_ANONYMOUS_INTROSPECTION", true)?,
                field_suggestions: var(lookup, "REGISTRY_FIELD_SUGGESTIONS", true)?,
                graphiql: var(lookup, "REGISTRY_GRAPHIQL", true)?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(&|name: &str| Ok(vars.get(name).cloned()))
    }

    #[test]
    fn nothing_set_means_the_embedded_defaults() {
        let config = config(&[]).unwrap();
        assert!(config.uses_embedded_database());
        assert_eq!(config.database_url(), DEFAULT_DATABASE_URL);
        assert_eq!(config.bind.port(), 8080);
        assert_eq!(config.limits.max_depth, Limits::default().max_depth);
        assert_eq!(config.today, None, "the real date");
        assert_eq!(
            config.cors_origins,
            CorsOrigins::Loopback,
            "the demo answers local pages"
        );
    }

    #[test]
    fn registry_today_sets_the_business_date() {
        let config = config(&[("REGISTRY_TODAY", "2029-06-01")]).unwrap();
        assert_eq!(config.today, Some(crate::test_support::date("2029-06-01")));
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        for (name, value) in [
            ("REGISTRY_BIND", "localhost"),
            ("REGISTRY_MAX_DEPTH", "0"),
            ("REGISTRY_MAX_BODY_BYTES", "lots"),
            ("REGISTRY_LOG_FORMAT", "xml"),
            ("REGISTRY_AUTO_MIGRATE", "maybe"),
            ("REGISTRY_JWT_SECRET", "too short"),
            ("REGISTRY_JWT_JWKS_FILE", "/nonexistent/jwks.json"),
            ("REGISTRY_JWT_PUBLIC_KEYS", "rsa-2026=RS256"),
            ("REGISTRY_TODAY", "2029-02-30"),
            ("REGISTRY_NOTICE_DAYS", "5,GOLD_MEDAL=3"),
            ("REGISTRY_DB_ACQUIRE_TIMEOUT_MS", "0"),
            ("REGISTRY_GRAPHIQL", "maybe"),
            ("REGISTRY_RATE_LIMITS", "600,0,1,1"),
            ("REGISTRY_TRUSTED_PROXIES", "10.0.0.1,proxy.internal"),
            ("REGISTRY_MAX_CONNECTIONS_PER_ADDRESS", "0"),
            ("REGISTRY_CORS_ORIGINS", "https://portal.example/app"),
        ] {
            let err = config(&[(name, value)]).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("environment variable {name}: ")),
                "{err}"
            );
        }
    }

    #[test]
    fn a_configured_database_is_not_the_embedded_one() {
        let config = config(&[
            ("DATABASE_URL", "postgres://db/registry"),
            ("REGISTRY_LOG_FORMAT", "json"),
        ])
        .unwrap();
        assert!(!config.uses_embedded_database());
        assert!(config.json_logs);
        assert_eq!(
            config.cors_origins,
            CorsOrigins::None,
            "no origin unless configured"
        );
    }
}
