//! The HTTP edge: GraphQL over HTTP (POST and GET, per the GraphQL-over-HTTP specification), a query
//! console for browsers, health and readiness probes, and metrics.
//!
//! Our own handler rather than the stock responder, because the specification asks for things it does
//! not do: media types chosen by `Accept`, `415` for unsupported content types, `400` for malformed
//! requests, `400` and no `data` for documents that fail to parse or validate when the client accepts
//! `application/graphql-response+json`, and `405` for mutations over GET.

mod admission;
mod console;
mod export;
mod persisted;
pub(crate) mod request_id;
mod subscriptions;
mod templates;
mod upload;

use std::{
    net::{IpAddr, TcpListener},
    panic::AssertUnwindSafe,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    body::MessageBody,
    dev::Server,
    dev::{ServiceRequest, ServiceResponse},
    guard,
    http::{StatusCode, header},
    middleware::{self, Next},
    web,
};
use async_graphql::{
    Response, Variables,
    parser::{
        parse_query,
        types::{OperationDefinition, OperationType},
    },
};
use futures_util::FutureExt;
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value, json};
use tracing_actix_web::TracingLogger;

use crate::actor::Actor;
use crate::auth::token::{TokenError, TokenSettings};
use crate::clock::Clock;
use crate::config::{Config, Limits};
use crate::deadline;
use crate::error::{ApiError, ErrorCode};
use crate::graphql::{OperationName, RegistrySchema, build_schema, limits::bracket_depth, loaders::Loaders};
use crate::i18n::{Language, Message};
use crate::monitoring::{self, GraphqlOutcome};
use crate::policy::Viewer;
use crate::rate_limit::{Allowance, Client, CostMeter, InProcess, LimitStore, Meter};
use crate::services::{account, audit};
use request_id::RequestId;

/// The official GraphQL response media type.
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

/// What every handler shares.
struct AppState {
    schema: RegistrySchema,
    db: DatabaseConnection,
    limits: Limits,
    batch_window: Duration,
    tokens: TokenSettings,
    /// The registry's business date.
    clock: Clock,
    /// What the API shows about itself.
    exposure: crate::config::Exposure,
    /// Requests and query cost spent per client.
    rate_limits: Arc<dyn LimitStore>,
    /// Proxies whose `X-Forwarded-For` is believed.
    trusted_proxies: Vec<IpAddr>,
    /// Documents clients sent once and name by hash since (automatic persisted queries).
    persisted: persisted::PersistedQueries,
    /// Who may read `/metrics` besides loopback.
    metrics_from: Vec<IpAddr>,
    /// Permits for the exports running at once.
    exports: Arc<tokio::sync::Semaphore>,
}

/// A running server and the port it listens on (tests bind port 0 and read it here).
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Binds the configured address and prepares the server; `run_until_stopped` serves.
    /// Business dates come from `clock`.
    pub fn build(
        config: &Config,
        tokens: TokenSettings,
        db: DatabaseConnection,
        clock: Clock,
    ) -> std::io::Result<Self> {
        // Counting starts with the server, not with the first scrape.
        monitoring::handle();
        let listener = TcpListener::bind(config.bind)?;
        let port = listener.local_addr()?.port();
        // Built once: the schema (with its registry of types) is shared by every worker.
        let state = web::Data::new(AppState {
            schema: build_schema(
                db.clone(),
                &config.limits,
                tokens.clone(),
                config.notice.clone(),
                config.exposure.field_suggestions,
            ),
            db,
            limits: config.limits.clone(),
            batch_window: config.batch_window,
            tokens,
            clock,
            exposure: config.exposure.clone(),
            rate_limits: Arc::new(InProcess::new(&config.limits.rate_limits)),
            trusted_proxies: config.trusted_proxies.clone(),
            persisted: persisted::PersistedQueries::new(persisted::DEFAULT_MAX_BYTES),
            metrics_from: config.metrics_from.clone(),
            exports: export::concurrent_exports(config.db_pool_size),
        });
        let connections = admission::ConnectionBound::new(
            config.limits.max_connections_per_address,
            &config.trusted_proxies,
        );
        let max_body = config.limits.max_body_bytes;
        let cors_origins = config.cors_origins.clone();
        let workers = config
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(admission::cors(&cors_origins))
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(track))
                .wrap(TracingLogger::<crate::telemetry::AccessLog>::new())
                .wrap(middleware::from_fn(request_id::assign))
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .route(
                    "/graphql",
                    web::post()
                        .guard(guard::fn_guard(is_multipart))
                        .to(graphql_upload),
                )
                .route("/graphql", web::post().to(graphql_post))
                .route(
                    "/graphql",
                    web::get()
                        .guard(guard::fn_guard(subscriptions::is_upgrade))
                        .to(subscriptions::serve),
                )
                .route("/graphql", web::get().to(graphql_get))
                .route("/export/{list}", web::get().to(export::serve))
                .route("/templates/{kind}", web::get().to(templates::serve))
                .route("/healthz", web::get().to(healthz))
                .route("/readyz", web::get().to(readyz))
                .route("/metrics", web::get().to(metrics))
                .route("/console/console.js", web::get().to(console::script))
                .route("/console/console.css", web::get().to(console::style))
        })
        // Headers must arrive within 5 s, idle keep-alive connections close after 5 s, and the open
        // connections are bounded per client address and in total (split over the workers).
        .on_connect(move |connection, extensions| connections.on_connect(connection, extensions))
        .client_request_timeout(HEADERS_TIMEOUT)
        .client_disconnect_timeout(Duration::from_secs(1))
        .keep_alive(KEEP_ALIVE)
        .max_connections(config.limits.max_connections.div_ceil(workers).max(1))
        .workers(workers)
        .listen(listener)?;
        Ok(Self {
            server: server.run(),
            port,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Middleware: counts every request's latency by route, and a GraphQL request by its operation and
/// outcome, which the handler leaves on the response.
async fn track(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(request).await?;
    let outcome = response.response().extensions().get::<GraphqlOutcome>().cloned();
    monitoring::record_request(&route, started.elapsed(), outcome.as_ref());
    Ok(response)
}

/// The Prometheus text, for loopback and the addresses in `REGISTRY_METRICS_FROM`; anyone else gets
/// `404`, as if there were nothing here.
async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let peer = req.peer_addr().map(|peer| peer.ip());
    if !may_read_metrics(peer, &state.metrics_from) {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(monitoring::render(&state.db))
}

/// Whether a peer may read `/metrics`: loopback, or an address `REGISTRY_METRICS_FROM` lists.
fn may_read_metrics(peer: Option<IpAddr>, metrics_from: &[IpAddr]) -> bool {
    peer.is_some_and(|peer| peer.is_loopback() || metrics_from.contains(&peer))
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// Longest a client may take to send a request's headers.
const HEADERS_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an idle keep-alive connection stays open.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Longest `/readyz` waits for the database before it answers that it is not ready.
const READINESS_TIMEOUT: Duration = Duration::from_millis(900);

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ping = tokio::time::timeout(READINESS_TIMEOUT, state.db.ping()).await;
    match ping {
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        Ok(Err(err)) => {
            tracing::warn!(error.detail = %err, "database not reachable");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unreachable")
        }
        Err(_) => {
            tracing::warn!("database did not answer within the readiness timeout");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unreachable")
        }
    }
}

/// The media type a response is written in, chosen from the request's `Accept`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum ResponseMedia {
    GraphqlResponseJson,
    Json,
}

/// How one request is answered: in which media type, under which request id (which every error in
/// the answer repeats in `extensions.requestId`), and in which language (from `Accept-Language`).
struct Reply {
    media: ResponseMedia,
    request_id: RequestId,
    language: Language,
}

impl Reply {
    fn new(req: &HttpRequest, media: ResponseMedia) -> Self {
        let accept_language = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Self {
            media,
            request_id: request_id::of(req),
            language: Language::negotiate(accept_language),
        }
    }

    /// Starts a response in this reply's media type and language. Its messages follow
    /// `Accept-Language`, so caches must keep answers apart by it.
    fn start(&self, status: StatusCode) -> actix_web::HttpResponseBuilder {
        let mut response = HttpResponse::build(status);
        response
            .content_type(self.content_type())
            .insert_header((header::CONTENT_LANGUAGE, self.language.tag()))
            .insert_header((header::VARY, "Accept-Language"));
        response
    }

    fn content_type(&self) -> &'static str {
        match self.media {
            ResponseMedia::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            ResponseMedia::Json => "application/json; charset=utf-8",
        }
    }
}

/// The `406` answer when nothing `Accept` allows is a type we speak.
fn not_acceptable(req: &HttpRequest) -> HttpResponse {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        &Reply::new(req, ResponseMedia::Json),
        ErrorCode::NotAcceptable,
        &Message::new("http-not-acceptable"),
    )
}

/// Picks the response media type: the acceptable one with the highest quality, `application/json`
/// for a missing `Accept` or a wildcard, `None` when nothing we speak is acceptable.
fn negotiate(req: &HttpRequest) -> Option<ResponseMedia> {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(ResponseMedia::Json);
    };
    if accept.trim().is_empty() {
        return Some(ResponseMedia::Json);
    }
    let mut best: Option<(f32, ResponseMedia)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => ResponseMedia::GraphqlResponseJson,
            APPLICATION_JSON | "application/*" | "*/*" => ResponseMedia::Json,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, candidate));
        }
    }
    best.map(|(_, media)| media)
}

/// A response carrying only errors, for requests that never reached GraphQL execution.
fn request_error(status: StatusCode, reply: &Reply, code: ErrorCode, message: &Message) -> HttpResponse {
    error_response(status, reply, code, message, Map::new())
}

/// The one shape of an error answered before execution: the message, and `extensions` with the code,
/// the request id and whatever else `extensions` holds. The response also notes `code` as the
/// request's outcome, for the metrics.
fn error_response(
    status: StatusCode,
    reply: &Reply,
    code: ErrorCode,
    message: &Message,
    mut extensions: Map<String, Value>,
) -> HttpResponse {
    extensions.insert("code".to_owned(), Value::from(code.as_str()));
    extensions.insert("requestId".to_owned(), Value::from(reply.request_id.as_str()));
    let message = message.render(reply.language);
    let mut response = reply
        .start(status)
        .json(json!({ "errors": [{ "message": message, "extensions": extensions }] }));
    response.extensions_mut().insert(GraphqlOutcome {
        operation: None,
        outcome: code.as_str(),
    });
    response
}

/// The account a request's bearer token names: `None` without an `Authorization` header (the
/// public); anything but a valid bearer token is refused (`401`), never quietly treated as the public.
/// Only the signature and claims are checked here; the account is read in [`admit`].
fn bearer_user(req: &HttpRequest, state: &AppState) -> Result<Option<uuid::Uuid>, Message> {
    let Some(header) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| Message::new("token-not-bearer"))?;
    match state.tokens.verify(token) {
        Ok(user_id) => Ok(Some(user_id)),
        Err(TokenError::Expired) => Err(Message::new("token-expired")),
        Err(TokenError::Invalid(reason)) => {
            tracing::info!(auth.refused = %reason, "access token refused");
            Err(Message::new("token-invalid"))
        }
    }
}

/// A caller let in: who it is, what its limits are counted under, and its request allowance.
struct Admitted {
    viewer: Viewer,
    client: Client,
    address: Option<IpAddr>,
    allowance: Allowance,
}

/// Lets a caller in, or answers for it: identifies it (`401` for a bad token), charges the request to
/// its allowance before the database is touched (`429` when spent), then reads its account afresh, so
/// that a disabled account stops at once (`401`); a database that cannot answer is `503`, not a bad
/// token.
async fn admit(req: &HttpRequest, state: &AppState, reply: &Reply) -> Result<Admitted, HttpResponse> {
    let user_id = bearer_user(req, state).map_err(|reason| unauthenticated(reply, &reason))?;
    let address = admission::client_address(req, &state.trusted_proxies);
    let client = match user_id {
        Some(user_id) => Client::Account(user_id),
        None => Client::Address(address.unwrap_or(IpAddr::from([0, 0, 0, 0]))),
    };
    let allowance = state.rate_limits.charge(client, Meter::Requests, 1);
    if allowance.refused() {
        return Err(too_many_requests(reply, Meter::Requests, &allowance));
    }
    let viewer = match user_id {
        None => Viewer::Public,
        Some(user_id) => match account::active_account(&state.db, user_id).await {
            Ok(Some(account)) => Viewer::User(Box::new(account)),
            Ok(None) => {
                return Err(unauthenticated(reply, &Message::new("account-disabled")));
            }
            Err(err) => return Err(database_failure(reply, &err)),
        },
    };
    Ok(Admitted {
        viewer,
        client,
        address,
        allowance,
    })
}

/// Picks the response media type (`406` when none fits) and lets the caller in ([`admit`]).
async fn negotiate_and_admit(req: &HttpRequest, state: &AppState) -> Result<(Reply, Admitted), HttpResponse> {
    let media = negotiate(req).ok_or_else(|| not_acceptable(req))?;
    let reply = Reply::new(req, media);
    let admitted = admit(req, state, &reply).await?;
    Ok((reply, admitted))
}

/// `429` for a spent allowance, with `Retry-After` and the `RateLimit-*` headers.
fn too_many_requests(reply: &Reply, meter: Meter, allowance: &Allowance) -> HttpResponse {
    monitoring::rate_limited(meter.label());
    let wait = allowance
        .retry_after
        .unwrap_or_default()
        .as_secs_f64()
        .ceil()
        .max(1.0) as u64;
    let mut response = request_error(
        StatusCode::TOO_MANY_REQUESTS,
        reply,
        ErrorCode::RateLimited,
        &Message::new("rate-limited")
            .with("what", meter.describe())
            .with("seconds", wait),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
    with_rate_limit_headers(response, allowance)
}

/// Adds `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the allowance is
/// whole again), as the IETF RateLimit header fields draft names them.
fn with_rate_limit_headers(mut response: HttpResponse, allowance: &Allowance) -> HttpResponse {
    let headers = response.headers_mut();
    let reset = allowance.reset.as_secs_f64().ceil() as u64;
    for (name, value) in [
        ("ratelimit-limit", u64::from(allowance.limit)),
        ("ratelimit-remaining", u64::from(allowance.remaining)),
        ("ratelimit-reset", reset),
    ] {
        headers.insert(
            header::HeaderName::from_static(name),
            header::HeaderValue::from(value),
        );
    }
    response
}

/// The answer to a request the database could not serve: `503` `UNAVAILABLE` with `Retry-After`
/// when it is down or busy, `500` otherwise.
fn database_failure(reply: &Reply, err: &ApiError) -> HttpResponse {
    let request_id = &reply.request_id;
    if let ApiError::Unavailable = err {
        let mut response = request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            reply,
            err.error_code(),
            &err.message(),
        );
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
        return response;
    }
    tracing::error!(error.detail = ?err, request.id = %request_id, "a database call before execution failed");
    request_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        reply,
        ErrorCode::InternalServerError,
        &Message::new("internal-error-request").with("request", request_id.as_str()),
    )
}

/// What `Retry-After` says when the database is busy or down.
const RETRY_AFTER_SECONDS: &str = "1";

/// `401` with the reason, and the challenge RFC 6750 asks for.
fn unauthenticated(reply: &Reply, reason: &Message) -> HttpResponse {
    let mut response = request_error(
        StatusCode::UNAUTHORIZED,
        reply,
        ErrorCode::Unauthenticated,
        reason,
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// The parameters of a GraphQL request, however they arrived.
struct GraphqlParams {
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    extensions: Option<Map<String, Value>>,
}

/// Reads the parameters from a JSON object, naming the first one that has the wrong type.
fn params_from_json(body: Value) -> Result<GraphqlParams, Message> {
    let Value::Object(mut body) = body else {
        return Err(Message::new("body-not-object"));
    };
    let map = |name: &'static str, value: Option<Value>| match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(Message::new("parameter-not-object").with("name", name)),
    };
    let extensions = map("extensions", body.remove("extensions"))?;
    let query = match body.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err(Message::new("query-not-string")),
        // A persisted query names its document by hash; `PersistedQueries::resolve` fills it in.
        None if names_persisted_query(extensions.as_ref()) => String::new(),
        None => return Err(Message::new("query-required")),
    };
    let operation_name = match body.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err(Message::new("operation-name-not-string")),
    };
    Ok(GraphqlParams {
        query,
        operation_name,
        variables: map("variables", body.remove("variables"))?,
        extensions,
    })
}

/// Whether request extensions name a persisted query.
fn names_persisted_query(extensions: Option<&Map<String, Value>>) -> bool {
    extensions.is_some_and(|extensions| extensions.contains_key("persistedQuery"))
}

/// Fills in a persisted query's document; when that cannot be done, returns the answer to send instead:
/// `PersistedQueryNotFound` (as Apollo clients expect, with `200`) for an unknown hash, `400` for a
/// malformed extension or a hash that is not the document's.
fn resolve_persisted(state: &AppState, params: &mut GraphqlParams, reply: &Reply) -> Option<HttpResponse> {
    let err = state.persisted.resolve(params).err()?;
    Some(match err {
        persisted::PersistedQueryError::NotFound => request_error(
            StatusCode::OK,
            reply,
            ErrorCode::PersistedQueryNotFound,
            &Message::new("persisted-query-not-found"),
        ),
        persisted::PersistedQueryError::Invalid(reason) => {
            request_error(StatusCode::BAD_REQUEST, reply, ErrorCode::BadRequest, &reason)
        }
    })
}

/// Whether a `Content-Type` is JSON in UTF-8 (no charset means UTF-8).
fn is_json_utf8(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case(APPLICATION_JSON)
        && parts.all(|param| match param.trim().split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
                value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => true,
        })
}

async fn graphql_post(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (reply, admitted) = match negotiate_and_admit(&req, &state).await {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    let reply = &reply;
    // Read while counting and against a deadline, so an oversized or trickled body is cut off early
    // and answered in the JSON error shape.
    let reading = payload.to_bytes_limited(state.limits.max_body_bytes);
    let Ok(read) = tokio::time::timeout(state.limits.body_timeout, reading).await else {
        return request_error(
            StatusCode::REQUEST_TIMEOUT,
            reply,
            ErrorCode::RequestTimeout,
            &Message::new("body-timeout"),
        );
    };
    let body = match read {
        Ok(Ok(body)) => body,
        Ok(Err(err)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                reply,
                ErrorCode::BadRequest,
                &Message::new("body-unreadable").with("detail", err.to_string()),
            );
        }
        Err(_) => return too_large(reply, &Message::new("body-too-large")),
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !content_type.is_some_and(is_json_utf8) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            reply,
            ErrorCode::UnsupportedMediaType,
            &Message::new("body-not-json-media"),
        );
    }
    let params = match serde_json::from_slice::<Value>(&body) {
        Ok(json) => params_from_json(json),
        Err(err) => Err(Message::new("body-not-json").with("detail", err.to_string())),
    };
    let mut params = match params {
        Ok(params) => params,
        Err(reason) => return request_error(StatusCode::BAD_REQUEST, reply, ErrorCode::BadRequest, &reason),
    };
    if let Some(response) = resolve_persisted(&state, &mut params, reply) {
        return response;
    }
    execute(&state, admitted, params, reply).await
}

/// Whether a request is a multipart form: the GraphQL multipart request specification (uploads).
fn is_multipart(ctx: &guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// A GraphQL request with file uploads (the GraphQL multipart request specification). The body is
/// streamed: files go to temporary files as they arrive, and reading stops at the upload limit (`413`).
async fn graphql_upload(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    use futures_util::StreamExt;
    // Only a caller who may import sends a file, and that is settled before a byte of it is read.
    let (reply, admitted) = match negotiate_and_admit(&req, &state).await {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    let reply = &reply;
    if let Err(err) = admitted.viewer.require("importCredentials") {
        let status = match (&err, &admitted.viewer) {
            (ApiError::Forbidden(_), Viewer::User(account)) => {
                // A refused attempt is on record, as for every other operation.
                let entity = ("credential", None);
                let id = reply.request_id.to_string();
                if let Err(failure) =
                    audit::record_refusal(&state.db, account, &id, "IMPORT_CREDENTIALS", entity).await
                {
                    return database_failure(reply, &failure);
                }
                StatusCode::FORBIDDEN
            }
            _ => StatusCode::UNAUTHORIZED,
        };
        return refused(status, reply, &err);
    }
    // actix's body stream lives on this worker's thread; the multipart reader wants a `Send` stream,
    // so the body is forwarded through a channel.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<std::io::Result<web::Bytes>>(16);
    actix_web::rt::spawn(async move {
        let mut payload = payload;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|err| std::io::Error::other(err.to_string()));
            if sender.send(chunk).await.is_err() {
                return;
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let limits = upload::UploadLimits {
        max_json_bytes: state.limits.max_body_bytes,
        max_nesting: state.limits.max_recursion,
        max_file_bytes: state.limits.max_upload_bytes,
    };
    // Receiving and importing together stay within the upload timeout.
    let started = Instant::now();
    let timeout = state.limits.upload_timeout;
    let receiving = upload::receive(content_type, body, &limits);
    let Ok(received) = tokio::time::timeout(timeout, receiving).await else {
        return request_error(
            StatusCode::REQUEST_TIMEOUT,
            reply,
            ErrorCode::RequestTimeout,
            &Message::new("upload-timeout"),
        );
    };
    match received {
        Ok(request) => {
            let left = timeout.saturating_sub(started.elapsed());
            execute_request(&state, admitted, request, reply, left).await
        }
        Err(upload::UploadError::TooLarge(message)) => too_large(reply, &message),
        Err(upload::UploadError::Malformed(message)) => {
            request_error(StatusCode::BAD_REQUEST, reply, ErrorCode::BadRequest, &message)
        }
    }
}

/// `413` in the JSON error shape.
fn too_large(reply: &Reply, message: &Message) -> HttpResponse {
    request_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        reply,
        ErrorCode::PayloadTooLarge,
        message,
    )
}

/// A refusal by the access policy before execution, in the JSON error shape with its reason.
fn refused(status: StatusCode, reply: &Reply, err: &ApiError) -> HttpResponse {
    let mut extensions = Map::new();
    if let ApiError::Forbidden(refusal) = err {
        extensions.insert("reason".to_owned(), Value::from(refusal.reason.code()));
    }
    error_response(status, reply, err.error_code(), &err.message(), extensions)
}

/// Whether a browser asked for a page rather than a GraphQL response.
fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

async fn graphql_get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(req.query_string()) {
        Ok(pairs) => pairs,
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                &Reply::new(&req, ResponseMedia::Json),
                ErrorCode::BadRequest,
                &Message::new("query-string-malformed"),
            );
        }
    };
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let persisted_only =
        get("query").is_none() && get("extensions").is_some_and(|text| text.contains("persistedQuery"));
    let Some(query) = get("query").or_else(|| persisted_only.then(String::new)) else {
        if wants_html(&req) && state.exposure.graphiql {
            return console::page();
        }
        return request_error(
            StatusCode::BAD_REQUEST,
            &Reply::new(&req, ResponseMedia::Json),
            ErrorCode::BadRequest,
            &Message::new("query-required"),
        );
    };
    let (reply, admitted) = match negotiate_and_admit(&req, &state).await {
        Ok(admitted) => admitted,
        Err(response) => return response,
    };
    let reply = &reply;
    let json_param = |name: &'static str| -> Result<Option<Map<String, Value>>, Message> {
        match get(name).filter(|text| !text.is_empty()) {
            None => Ok(None),
            Some(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => Ok(Some(map)),
                Ok(Value::Null) => Ok(None),
                _ => Err(Message::new("parameter-not-json-object").with("name", name)),
            },
        }
    };
    let params = json_param("variables").and_then(|variables| {
        Ok(GraphqlParams {
            query,
            operation_name: get("operationName").filter(|name| !name.is_empty()),
            variables,
            extensions: json_param("extensions")?,
        })
    });
    let mut params = match params {
        Ok(params) => params,
        Err(reason) => return request_error(StatusCode::BAD_REQUEST, reply, ErrorCode::BadRequest, &reason),
    };
    if let Some(response) = resolve_persisted(&state, &mut params, reply) {
        return response;
    }
    if is_mutation(&params, state.limits.max_recursion) {
        let mut refusal = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            reply,
            ErrorCode::MethodNotAllowed,
            &Message::new("mutation-needs-post"),
        );
        refusal
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return refusal;
    }
    execute(&state, admitted, params, reply).await
}

/// Whether the operation a GET would run is a mutation. Documents that do not parse, or are nested
/// too deeply to parse safely, are left to execution, which refuses them with the reason.
fn is_mutation(params: &GraphqlParams, max_nesting: usize) -> bool {
    selected_operation(params, max_nesting).is_some_and(|operation| operation.ty == OperationType::Mutation)
}

/// The operation a request would run: the one `operationName` names, or the document's only one.
/// `None` for documents that do not parse, are nested too deeply to parse safely, or do not single
/// out one operation; execution refuses those with the reason.
fn selected_operation(params: &GraphqlParams, max_nesting: usize) -> Option<OperationDefinition> {
    if bracket_depth(&params.query) > max_nesting {
        return None;
    }
    let document = parse_query(&params.query).ok()?;
    let mut selected = document
        .operations
        .iter()
        .filter(|(name, _)| match (&params.operation_name, name) {
            (Some(wanted), Some(name)) => wanted.as_str() == name.as_str(),
            (None, _) => true,
            (Some(_), None) => false,
        })
        .map(|(_, operation)| operation.node.clone());
    match (selected.next(), selected.next()) {
        (Some(operation), None) => Some(operation),
        _ => None,
    }
}

/// Whether the request failed before execution: no data, and only errors of parsing or validation
/// (which, unlike errors of resolvers, have no field path).
fn failed_before_execution(response: &Response) -> bool {
    let before_execution = [
        ErrorCode::GraphqlParseFailed,
        ErrorCode::GraphqlValidationFailed,
        ErrorCode::BadUserInput,
    ]
    .map(|code| async_graphql::Value::from(code.as_str()));
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| {
            error.path.is_empty()
                && error
                    .extensions
                    .as_ref()
                    .and_then(|ext| ext.get("code"))
                    .is_some_and(|code| before_execution.contains(code))
        })
}

/// How a guarded execution ended.
#[derive(Debug, PartialEq)]
enum Outcome<T> {
    /// The work finished with this value.
    Finished(T),
    /// Something panicked; the connection stays up and the client gets an error response.
    Panicked,
    /// The time limit ran out; the execution was dropped.
    TimedOut,
}

/// Runs `work` with a time limit, turning a panic into an outcome instead of a dropped connection.
async fn guarded<T>(work: impl Future<Output = T>, limit: Duration) -> Outcome<T> {
    match tokio::time::timeout(limit, AssertUnwindSafe(work).catch_unwind()).await {
        Ok(Ok(value)) => Outcome::Finished(value),
        Ok(Err(_panic)) => Outcome::Panicked,
        Err(_elapsed) => Outcome::TimedOut,
    }
}

/// The GraphQL request the parameters describe.
fn graphql_request(params: GraphqlParams) -> async_graphql::Request {
    let mut request = async_graphql::Request::new(params.query).variables(Variables::from_json(
        Value::Object(params.variables.unwrap_or_default()),
    ));
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(extensions) = params.extensions {
        for (key, value) in extensions {
            if let Ok(value) = async_graphql::Value::from_json(value) {
                request.extensions.insert(key, value);
            }
        }
    }
    request
}

/// Runs a request with the limits, and turns the outcome into an HTTP response.
async fn execute(state: &AppState, admitted: Admitted, params: GraphqlParams, reply: &Reply) -> HttpResponse {
    let timeout = state.limits.execution_timeout;
    execute_request(state, admitted, graphql_request(params), reply, timeout).await
}

/// Runs a parsed request as the admitted caller, within `timeout`, and turns the outcome into an HTTP
/// response carrying the caller's rate-limit headers.
async fn execute_request(
    state: &AppState,
    admitted: Admitted,
    request: async_graphql::Request,
    reply: &Reply,
    timeout: Duration,
) -> HttpResponse {
    let request_id = &reply.request_id;
    let deadline = Instant::now() + timeout;
    crate::telemetry::record_graphql(&request.query);
    let asked_operation = request.operation_name.clone();
    let operation_name = OperationName::default();
    let Admitted {
        viewer,
        client,
        address,
        allowance,
    } = admitted;
    let request = if matches!(viewer, Viewer::Public) && !state.exposure.anonymous_introspection {
        request.disable_introspection()
    } else {
        request
    };
    let actor = Actor::new(viewer.clone(), state.clock.today(), request_id.to_string()).from_address(address);
    let personal_data_reads = actor.personal_data_reads.clone();
    let cost = CostMeter::new(state.rate_limits.clone(), client);
    let cost_refusal = cost.refusal();
    let request = request
        .data(Loaders::new(
            &state.db,
            &viewer,
            state.batch_window,
            Some(deadline),
        ))
        .data(actor)
        .data(cost)
        .data(operation_name.clone())
        .data(reply.language);

    let executed = guarded(deadline::within(deadline, state.schema.execute(request)), timeout).await;
    // Named by the document when `operationName` did not: what the log line and the metrics say.
    let operation = operation_name
        .get()
        .or(asked_operation.as_deref())
        .unwrap_or_default()
        .to_owned();
    crate::telemetry::record_operation(&operation);
    let operation = Some(operation);
    let response = match executed {
        Outcome::Finished(response) => response,
        Outcome::Panicked => {
            tracing::error!(request.id = %request_id, "a resolver panicked");
            return request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                reply,
                ErrorCode::InternalServerError,
                &Message::new("internal-error-request").with("request", request_id.as_str()),
            );
        }
        Outcome::TimedOut => {
            tracing::warn!(request.id = %request_id, "execution timed out");
            return request_error(
                StatusCode::SERVICE_UNAVAILABLE,
                reply,
                ErrorCode::Timeout,
                &Message::new("execution-timeout"),
            );
        }
    };

    // The document cost more than the caller has left: nothing ran.
    if let Some(spent) = cost_refusal.get().copied() {
        return too_many_requests(reply, Meter::Cost, &spent);
    }

    // Whole personal data goes out only once its reading is on record.
    if let Viewer::User(account) = &viewer {
        let reads = personal_data_reads.take();
        if let Err(err) =
            audit::record_personal_data_reads(&state.db, account, &request_id.to_string(), reads).await
        {
            tracing::error!(error.detail = ?err, request.id = %request_id, "recording personal-data reads failed");
            return request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                reply,
                ErrorCode::InternalServerError,
                &Message::new("internal-error-request").with("request", request_id.as_str()),
            );
        }
    }

    // The common answer, without errors, goes out as async-graphql serialises it: nothing to tag, and
    // no intermediate JSON tree (a thousand verifications made one of some 90,000 allocations).
    if response.errors.is_empty() {
        return match serde_json::to_vec(&response) {
            Ok(bytes) => {
                let mut answer = reply.start(StatusCode::OK);
                answer.extensions_mut().insert(GraphqlOutcome {
                    operation,
                    outcome: "OK",
                });
                with_rate_limit_headers(answer.body(bytes), &allowance)
            }
            Err(err) => serialisation_failed(reply, &err),
        };
    }
    let before_execution = failed_before_execution(&response);
    let mut body = match serde_json::to_value(&response) {
        Ok(body) => body,
        Err(err) => return serialisation_failed(reply, &err),
    };
    if let Some(object) = body.as_object_mut() {
        if before_execution {
            // The specification: a request that never executed has no `data` entry at all.
            object.remove("data");
        }
        tag_errors(object, request_id);
    }
    // A database that could not answer makes the whole answer retryable: 503 and Retry-After.
    let unavailable = has_error_code(&body, ErrorCode::Unavailable);
    let status = if unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else if before_execution && reply.media == ResponseMedia::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response = reply.start(status);
    if unavailable {
        response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
    }
    response.extensions_mut().insert(GraphqlOutcome {
        operation,
        outcome: first_error_code(&body),
    });
    with_rate_limit_headers(response.json(body), &allowance)
}

/// The `500` answer when a response could not be written as JSON.
fn serialisation_failed(reply: &Reply, err: &serde_json::Error) -> HttpResponse {
    tracing::error!(error.detail = %err, "response serialisation failed");
    request_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        reply,
        ErrorCode::InternalServerError,
        &Message::new("internal-error"),
    )
}

/// `OK` for an answer without errors, otherwise the code of its first error.
fn first_error_code(body: &Value) -> &'static str {
    let Some(first) = body
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    else {
        return "OK";
    };
    let code = first["extensions"]["code"].as_str().unwrap_or_default();
    ErrorCode::parse(code).map_or("OTHER", ErrorCode::as_str)
}

/// Whether any error of the response body carries `extensions.code` `code`.
fn has_error_code(body: &Value, code: ErrorCode) -> bool {
    body.get("errors")
        .and_then(Value::as_array)
        .is_some_and(|errors| {
            errors
                .iter()
                .any(|error| error["extensions"]["code"].as_str() == Some(code.as_str()))
        })
}

/// Adds the request id to every error, so a user's report can be matched to the log line. An error
/// still without a code is one async-graphql raised before execution (an unknown or unnamed
/// operation): `GRAPHQL_VALIDATION_FAILED`.
fn tag_errors(body: &mut Map<String, Value>, request_id: &RequestId) {
    let Some(Value::Array(errors)) = body.get_mut("errors") else {
        return;
    };
    for error in errors.iter_mut().filter_map(Value::as_object_mut) {
        let extensions = error
            .entry("extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions
                .entry("code")
                .or_insert_with(|| Value::from(ErrorCode::GraphqlValidationFailed.as_str()));
            extensions.insert("requestId".to_owned(), Value::from(request_id.as_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn accept(value: &str) -> Option<ResponseMedia> {
        negotiate(
            &TestRequest::default()
                .insert_header((header::ACCEPT, value))
                .to_http_request(),
        )
    }

    #[tokio::test]
    async fn a_panic_or_a_timeout_becomes_an_outcome_not_a_crash() {
        let limit = Duration::from_secs(5);
        assert_eq!(guarded(async { 7 }, limit).await, Outcome::Finished(7));
        let panicking = async {
            let fail = true;
            if fail {
                panic!("resolver bug");
            }
            1
        };
        assert_eq!(guarded(panicking, limit).await, Outcome::Panicked);
        let never = std::future::pending::<()>();
        assert_eq!(guarded(never, Duration::from_millis(5)).await, Outcome::TimedOut);
    }

    #[test]
    fn accept_negotiation_follows_quality_and_wildcards() {
        assert_eq!(
            negotiate(&TestRequest::default().to_http_request()),
            Some(ResponseMedia::Json)
        );
        assert_eq!(accept("*/*"), Some(ResponseMedia::Json));
        assert_eq!(
            accept("application/graphql-response+json"),
            Some(ResponseMedia::GraphqlResponseJson)
        );
        assert_eq!(
            accept("application/json;q=0.9, application/graphql-response+json"),
            Some(ResponseMedia::GraphqlResponseJson)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(ResponseMedia::Json)
        );
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }

    #[test]
    fn metrics_are_for_loopback_and_the_listed_addresses_only() {
        let prometheus: IpAddr = "10.0.0.9".parse().unwrap();
        let stranger: IpAddr = "203.0.113.7".parse().unwrap();
        assert!(may_read_metrics(Some("127.0.0.1".parse().unwrap()), &[]));
        assert!(may_read_metrics(Some("::1".parse().unwrap()), &[]));
        assert!(may_read_metrics(Some(prometheus), &[prometheus]));
        assert!(!may_read_metrics(Some(stranger), &[prometheus]));
        assert!(!may_read_metrics(None, &[prometheus]));
    }

    #[test]
    fn only_json_in_utf8_is_a_request_body() {
        assert!(is_json_utf8("application/json"));
        assert!(is_json_utf8("application/json; charset=utf-8"));
        assert!(is_json_utf8("Application/JSON; charset=\"UTF-8\""));
        assert!(!is_json_utf8("application/json; charset=latin1"));
        assert!(!is_json_utf8("text/plain"));
        assert!(!is_json_utf8("application/graphql"));
    }

    #[test]
    fn malformed_parameters_are_named() {
        let reason = |body| {
            params_from_json(body)
                .err()
                .map(|reason| reason.render(Language::English))
        };
        assert_eq!(
            reason(json!([1])).as_deref(),
            Some("the request body must be a JSON object")
        );
        assert_eq!(
            reason(json!({"query": 1})).as_deref(),
            Some("query must be a string")
        );
        assert_eq!(
            reason(json!({"qeury": "{a}"})).as_deref(),
            Some("query is required")
        );
        assert_eq!(
            reason(json!({"query": "{a}", "variables": "x"})).as_deref(),
            Some("variables must be an object or null")
        );
        assert!(params_from_json(json!({"query": "{a}", "variables": null, "extensions": {}})).is_ok());
    }

    #[test]
    fn mutations_are_recognised_by_the_selected_operation() {
        let params = |query: &str, name: Option<&str>| GraphqlParams {
            query: query.to_owned(),
            operation_name: name.map(str::to_owned),
            variables: None,
            extensions: None,
        };
        assert!(is_mutation(&params("mutation { a }", None), 32));
        assert!(!is_mutation(&params("{ a }", None), 32));
        assert!(!is_mutation(
            &params("query Q { a } mutation M { b }", Some("Q")),
            32
        ));
        assert!(is_mutation(
            &params("query Q { a } mutation M { b }", Some("M")),
            32
        ));
        assert!(!is_mutation(&params("{", None), 32));
        assert!(!is_mutation(
            &params(&format!("mutation {{ a(x: {}) }}", "[".repeat(100_000)), None),
            32
        ));
    }
}
