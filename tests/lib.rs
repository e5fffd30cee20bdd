//! Test support: `spawn_app()` starts the real HTTP app on a free port with a fresh database (SQLite in
//! a temporary directory, or a new PostgreSQL database when `TEST_DATABASE_URL` is set) and hands back
//! helpers to talk to it.

#![allow(
    clippy::expect_used,
    reason = "test support: a failed set-up is a failed test"
)]

use std::sync::Arc;

use registry::auth::token::{PublicKeys, Secret, TokenSettings};
use registry::clock::Clock;
use registry::config::{Config, Limits, TokenConfig};
use registry::http::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the admin URL and the database name to drop.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates an empty database.
    pub async fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            Some(admin_url) => {
                let name = format!("registry_test_{}", uuid::Uuid::now_v7().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("TEST_DATABASE_URL reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base)
                    .to_owned();
                Self {
                    url: format!("{base}/{name}"),
                    _dir: None,
                    postgres: Some((admin_url, name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("registry.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside async code: use a short-lived runtime on its own thread.
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let admin = Database::connect(&admin_url)
                        .await
                        .map_err(std::io::Error::other)?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .map_err(std::io::Error::other)?;
                    admin.close().await.map_err(std::io::Error::other)
                })
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop test database");
            }
        }
    }
}

/// The token settings of every test app: tests may mint tokens with them, as an issuer would.
pub fn test_tokens() -> TokenSettings {
    TokenSettings {
        issuer: "registry-tests".to_owned(),
        audience: "registry-tests-api".to_owned(),
        lifetime: chrono::Duration::minutes(15),
        secret: Secret::new(b"test-secret-test-secret-test-secret!".to_vec()).expect("long enough"),
        public_keys: PublicKeys::default(),
    }
}

/// A running app for one test.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    pub client: reqwest::Client,
    /// A connection to the app's database, for arranging data the API cannot write yet.
    pub db: DatabaseConnection,
    /// The app's business date; a test moves it to let a public notice run its course.
    pub clock: Clock,
    /// The SQL of every statement the app issued, in order.
    statements: Arc<std::sync::Mutex<Vec<String>>>,
    _database: TestDatabase,
}

/// How to start the app.
pub struct AppOptions {
    pub demo_data: bool,
    pub limits: Limits,
    /// The DataLoader batch window (the server's default unless a test needs another).
    pub batch_window: std::time::Duration,
    /// The registry's business date: the day the demo's dates are written for unless a test says
    /// otherwise; `None` follows the wall clock, as a server without `REGISTRY_TODAY` does.
    pub today: Option<chrono::NaiveDate>,
    /// What the API shows about itself (the server's defaults unless a test needs otherwise).
    pub exposure: registry::config::Exposure,
    /// Proxies whose `X-Forwarded-For` the server believes (none unless a test needs one).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Browser origins the server answers (none unless a test needs some).
    pub cors_origins: registry::config::CorsOrigins,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            demo_data: true,
            limits: Limits::default(),
            batch_window: std::time::Duration::from_millis(2),
            today: Some(registry::demo::WRITTEN_FOR),
            exposure: registry::config::Exposure::default(),
            trusted_proxies: Vec::new(),
            cors_origins: registry::config::CorsOrigins::None,
        }
    }
}

/// Starts the app with the demo data and default limits.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default()).await
}

/// Starts the app as `options` say.
pub async fn spawn_app_with(options: AppOptions) -> TestApp {
    let database = TestDatabase::create().await;
    let mut db = registry::db::connect(&database.url, 4).await.expect("connect");
    registry::db::migrate(&db).await.expect("migrate");
    let clock = Clock::from_setting(options.today);
    if options.demo_data {
        registry::demo::seed(&db, clock.today()).await.expect("seed");
    }
    let statements = Arc::new(std::sync::Mutex::new(Vec::new()));
    let issued = statements.clone();
    db.set_metric_callback(move |info| {
        issued
            .lock()
            .expect("statement log")
            .push(info.statement.sql.clone());
    });
    let tokens = test_tokens();
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        database_url: Some(database.url.clone()),
        db_pool_size: 4,
        db_acquire_timeout: registry::db::DEFAULT_ACQUIRE_TIMEOUT,
        statement_timeout: std::time::Duration::from_secs(10),
        auto_migrate: false,
        workers: Some(1),
        json_logs: false,
        batch_window: options.batch_window,
        limits: options.limits,
        tokens: TokenConfig {
            secret: Some(tokens.secret.clone()),
            issuer: tokens.issuer.clone(),
            audience: tokens.audience.clone(),
            lifetime: tokens.lifetime,
            public_keys: tokens.public_keys.clone(),
        },
        today: options.today,
        notice: Default::default(),
        exposure: options.exposure,
        trusted_proxies: options.trusted_proxies,
        metrics_from: Vec::new(),
        cors_origins: options.cors_origins,
    };
    let app = Application::build(&config, tokens, db.clone(), clock.clone()).expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        db,
        clock,
        statements,
        _database: database,
    }
}

impl TestApp {
    /// The GraphQL endpoint.
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.address)
    }

    /// POSTs a query with variables and returns the JSON body (any status).
    pub async fn query_with(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(self.graphql_url())
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// POSTs a query with variables as the holder of `token` and returns status and body.
    pub async fn query_as(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.graphql_url())
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A POST of `query` to the GraphQL endpoint as the holder of `token`, if any, ready to send.
    pub fn request(&self, token: Option<&str>, query: &str) -> reqwest::RequestBuilder {
        let request = self
            .client
            .post(self.graphql_url())
            .json(&json!({ "query": query }));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends `query` with `variables.input` and `file` as its `input.file` upload (the GraphQL
    /// multipart request specification), as the holder of `token` if any; returns the JSON body.
    pub async fn upload(&self, token: Option<&str>, query: &str, input: Value, file: Vec<u8>) -> Value {
        let mut input = input;
        input["file"] = Value::Null;
        let operations = json!({ "query": query, "variables": { "input": input } });
        let part = reqwest::multipart::Part::bytes(file)
            .file_name("list.csv")
            .mime_str("text/csv")
            .expect("a valid media type");
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part("0", part);
        let mut request = self.client.post(self.graphql_url()).multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .unwrap_or(Value::Null)
    }

    /// Edits the enterprise registered under `uscc` to `fields`, from its current version, as the
    /// holder of `token`; a user error fails the test.
    pub async fn update_enterprise(&self, token: &str, uscc: &str, fields: Value) {
        let current = self
            .data(&format!(r#"{{ enterprise(uscc: "{uscc}") {{ id version }} }}"#))
            .await;
        let input = json!({ "input": { "id": current["enterprise"]["id"],
            "expectedVersion": current["enterprise"]["version"], "fields": fields } });
        let (_, body) = self
            .query_as(
                token,
                "mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { userErrors { field message } } }",
                input,
            )
            .await;
        assert_eq!(
            body["data"]["updateEnterprise"]["userErrors"],
            json!([]),
            "{body}"
        );
    }

    /// Signs a demo user in through the API and returns the access token.
    pub async fn login(&self, username: &str) -> String {
        let body = self
            .query_with(
                "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
                json!({ "u": username, "p": "registry-demo" }),
            )
            .await;
        body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("login failed: {body}"))
            .to_owned()
    }

    /// The app's business date `offset` days from its today, as `YYYY-MM-DD`.
    pub fn day(&self, offset: i64) -> String {
        (self.clock.today() + chrono::Duration::days(offset)).to_string()
    }

    /// POSTs a query without variables.
    pub async fn query(&self, query: &str) -> Value {
        self.query_with(query, json!({})).await
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str) -> Value {
        let body = self.query(query).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs `f` and returns how many SQL statements the app issued meanwhile.
    pub async fn count_statements<F: std::future::Future<Output = T>, T>(&self, f: F) -> (usize, T) {
        let (statements, result) = self.statements_of(f).await;
        (statements.len(), result)
    }

    /// Runs `f` and returns the SQL of the statements the app issued meanwhile.
    pub async fn statements_of<F: std::future::Future<Output = T>, T>(&self, f: F) -> (Vec<String>, T) {
        let before = self.statements.lock().expect("statement log").len();
        let result = f.await;
        let issued = self.statements.lock().expect("statement log")[before..].to_vec();
        (issued, result)
    }
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}
