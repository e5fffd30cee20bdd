//! The `registry` command line: `serve` (default), `migrate`, `seed --demo`, `generate`, `schema`,
//! `token`, `hash-password`, `import`, `export`.

mod export;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::auth::{password, token::Secret, token::TokenSettings};
use crate::clock::Clock;
use crate::config::Config;
use crate::i18n::Language;
use crate::services::{account, import::ImportProgress};
use crate::{db, demo, graphql, http::Application, telemetry};

/// The enterprise & brand registry server.
#[derive(Parser)]
#[command(name = "registry", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load data into an empty database.
    Seed {
        /// Load the demo registry.
        #[arg(long)]
        demo: bool,
    },
    /// Add a generated registry of a chosen size, for benchmarks: enterprises over every county-level
    /// region, provinces weighted by their share of China's market entities, and credentials of several
    /// kinds in every state, with history. Applies migrations first.
    Generate {
        /// How many enterprises to add.
        #[arg(long, default_value_t = 100_000)]
        enterprises: u64,
        /// How many credentials the new enterprises hold (default: three for every ten enterprises).
        #[arg(long)]
        credentials: Option<u64>,
        /// The same seed gives the same registry.
        #[arg(long, default_value_t = 2260)]
        seed: u64,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Print an access token for a local account (development and scripts).
    Token {
        /// The account's username.
        #[arg(long)]
        user: String,
    },
    /// Read a password from standard input and print its argon2id hash.
    HashPassword,
    /// Import an announcement list (CSV, UTF-8 or GB18030) as proposals submitted for review: all rows
    /// or none, every bad row reported. Columns: see the kind's template in `api/templates/` and the README.
    Import {
        /// What the list holds.
        #[arg(long, value_enum)]
        kind: crate::services::import::ListKind,
        /// The announcement batch (批次) the rows belong to.
        #[arg(long)]
        batch: i32,
        /// The registrar importing (a local account); its rights decide, as for the API.
        #[arg(long)]
        user: String,
        /// Check every row, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Running again with the same key changes nothing and prints the first result.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// The file's text encoding.
        #[arg(long, value_enum, default_value = "auto")]
        encoding: crate::services::import::CsvEncoding,
        /// The announcement (公告) the list was published in: its global ID, as `announcements` gives
        /// it.
        #[arg(long)]
        announcement: Option<String>,
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Write a list whole, as `GET /export/{list}` does; or, with `--snapshot`, every list and the
    /// change-feed cursor they correspond to; or, with `--since`, what changed after a cursor.
    Export {
        /// The list (`enterprises`, `littleGiants`, `greenDesignations`, `brandRecognitions`,
        /// `giAuthorizations`, `qualityAwards`, `chiefQualityOfficers`, `recognitionAgreements`).
        list: Option<String>,
        /// The list's filter: the JSON of its API field's `filter` argument.
        #[arg(long)]
        filter: Option<String>,
        /// How records are written.
        #[arg(long, value_enum, default_value = "csv")]
        format: crate::services::export::ExportFormat,
        /// The text encoding (GB18030 for CSV only).
        #[arg(long, value_enum, default_value = "utf-8")]
        encoding: crate::services::export::TextEncoding,
        /// Export what this local account may see (default: what the public sees).
        #[arg(long)]
        user: Option<String>,
        /// Write every list into the directory `--output`, and the feed cursor in its file `cursor`.
        #[arg(long, conflicts_with_all = ["list", "filter", "since"], requires = "output")]
        snapshot: bool,
        /// Write into the directory `--output` the records changed after this feed cursor, a file per
        /// list, the global IDs of records that left each list in `<list>.removed`, and the new
        /// cursor in `cursor`.
        #[arg(long, value_name = "CURSOR", conflicts_with_all = ["list", "filter"], requires = "output")]
        since: Option<String>,
        /// The file (for a list; standard output without it) or the directory (for a snapshot or a
        /// delta).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

/// Where the embedded demo keeps its token secret when `REGISTRY_JWT_SECRET` is not set.
const DEMO_SECRET_FILE: &str = "registry.jwt-secret";

/// Runs the command given on the command line.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::Schema => return print(&graphql::sdl()),
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("cannot read the password")?;
            let hash = password::hash(password.trim_end_matches(['\r', '\n'])).map_err(anyhow::Error::msg)?;
            return print(&format!("{hash}\n"));
        }
        _ => {}
    }
    let config = Config::from_env()?;
    let _telemetry = telemetry::init(config.json_logs);
    // Fail before touching the database when the server could not issue or check tokens.
    let tokens = match command {
        Command::Serve | Command::Token { .. } => Some(token_settings(&config)?),
        _ => None,
    };
    let clock = Clock::from_setting(config.today);
    // Only the server bounds its statements: `migrate` and `import` may rightly run long ones.
    let pool = db::PoolSettings {
        size: config.db_pool_size,
        acquire_timeout: config.db_acquire_timeout,
        statement_timeout: matches!(command, Command::Serve).then_some(config.statement_timeout),
    };
    let connection = db::connect_with(config.database_url(), &pool)
        .await
        .context("cannot connect to the database")?;
    match command {
        Command::Serve => serve(config, tokens.context("token settings")?, connection, clock).await,
        Command::Migrate => {
            db::migrate(&connection).await.context("migration failed")?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Seed { demo: true } => {
            db::migrate(&connection).await.context("migration failed")?;
            if !demo::is_empty(&connection).await? {
                bail!("the database already holds registry data; demo data is only loaded into an empty one");
            }
            let today = clock.today();
            let summary = demo::seed(&connection, today).await.context("seeding failed")?;
            tracing::info!(?summary, %today, "demo data loaded, dated relative to today");
            Ok(())
        }
        Command::Seed { demo: false } => bail!("say what to seed: `registry seed --demo`"),
        Command::Generate {
            enterprises,
            credentials,
            seed,
        } => {
            db::migrate(&connection).await.context("migration failed")?;
            let credentials = credentials.unwrap_or(enterprises * 3 / 10);
            let generated =
                demo::generate::registry(&connection, enterprises, credentials, seed, clock.today())
                    .await
                    .context("generating failed")?;
            tracing::info!(
                added = enterprises,
                held = generated.enterprises_held,
                credentials = generated.credentials_added,
                "registry generated"
            );
            Ok(())
        }
        Command::Token { user } => {
            let tokens = tokens.context("token settings")?;
            let account = active_account(&connection, &user).await?;
            let roles = account.roles.iter().map(|role| format!("{role:?}")).collect();
            let (token, _expires) = tokens
                .mint(account.user_id, roles, chrono::Utc::now())
                .map_err(anyhow::Error::msg)?;
            print(&format!("{token}\n"))
        }
        Command::Import {
            kind,
            batch,
            user,
            dry_run,
            idempotency_key,
            encoding,
            announcement,
            file,
        } => {
            let account = active_account(&connection, &user).await?;
            let announcement = announcement
                .map(|id| crate::ids::decode_as("announcement", crate::ids::NodeType::Announcement, &id))
                .transpose()
                .map_err(|err| anyhow::anyhow!(err.message().render(Language::of_locale())))?;
            let options = crate::services::import::ImportOptions {
                kind,
                batch,
                dry_run,
                idempotency_key,
                encoding,
                announcement,
            };
            let actor = crate::actor::Actor::new(
                crate::policy::Viewer::User(Box::new(account)),
                clock.today(),
                format!("cli-import-{}", uuid::Uuid::now_v7()),
            );
            import(&connection, &actor, options, &file).await
        }
        Command::Export {
            list,
            filter,
            format,
            encoding,
            user,
            snapshot,
            since,
            output,
        } => {
            let viewer = match user {
                Some(user) => {
                    crate::policy::Viewer::User(Box::new(active_account(&connection, &user).await?))
                }
                None => crate::policy::Viewer::Public,
            };
            let export = export::Export {
                viewer,
                today: clock.today(),
                format,
                encoding,
            };
            if encoding == crate::services::export::TextEncoding::Gb18030
                && format == crate::services::export::ExportFormat::Jsonl
            {
                bail!("--encoding gb18030 is for CSV; JSON Lines are UTF-8");
            }
            match (list, snapshot, since, output) {
                (_, true, _, Some(directory)) => export.snapshot(&connection, &directory).await,
                (_, false, Some(since), Some(directory)) => {
                    export.delta(&connection, &since, &directory).await
                }
                (Some(list), false, None, output) => {
                    export
                        .list(&connection, &list, filter.as_deref(), output.as_deref())
                        .await
                }
                _ => {
                    bail!("say what to export: a list, --snapshot or --since (see `registry export --help`)")
                }
            }
        }
        Command::Schema | Command::HashPassword => Ok(()),
    }
}

/// The active local account named `user`.
async fn active_account(
    connection: &sea_orm::DatabaseConnection,
    user: &str,
) -> anyhow::Result<crate::policy::Account> {
    account::find_active_by_username(connection, user)
        .await
        .map_err(|err| anyhow::anyhow!(err.message().render(Language::of_locale())))?
        .with_context(|| format!("no active account named {user}"))
}

/// Runs an import from `file` with a progress bar (on a terminal) and a progress line in the log every
/// 10,000 rows checked and written, then prints the summary and every bad row; fails when any row was bad.
async fn import(
    connection: &sea_orm::DatabaseConnection,
    actor: &crate::actor::Actor,
    options: crate::services::import::ImportOptions,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    let opened = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or_default();
    let bar = indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let source = bar.wrap_read(opened);
    let mut logged = 0;
    let mut progress = |progress: ImportProgress| {
        let (phase, rows) = match progress {
            ImportProgress::Checked(rows) => ("checked", rows),
            ImportProgress::Written(rows) => ("written", rows),
        };
        bar.set_message(format!("{rows} rows {phase}"));
        if rows < logged {
            // The writing began: count again from the start.
            logged = 0;
        }
        if rows >= logged + 10_000 {
            logged = rows;
            tracing::info!(import.rows = rows, import.phase = phase, "import progress");
        }
    };
    let started = std::time::Instant::now();
    let report = crate::services::import::import_list(connection, actor, options, source, &mut progress)
        .await
        .map_err(|err| anyhow::anyhow!(err.message().render(Language::of_locale())))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let mut out = format!(
        "batch {}: {} rows read, {} imported{}{} in {seconds:.1} s\n",
        report.batch,
        report.rows,
        report.imported,
        if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        },
        if report.replayed {
            " (already imported under this key: nothing changed)"
        } else {
            ""
        },
    );
    for error in &report.errors {
        out.push_str(&format!(
            "line {}\t{}\t{}\n",
            error.line,
            error.column,
            error.reason.render(Language::of_locale())
        ));
    }
    print(&out)?;
    if !report.errors.is_empty() {
        bail!("{} bad rows: nothing was imported", report.errors.len());
    }
    Ok(())
}

/// Writes a command's output to standard output.
fn print(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
}

/// The token settings: the configured secret, or for the embedded demo database a secret kept in
/// `registry.jwt-secret` beside it (created on first use). A configured database without a secret
/// refuses to start: there is no built-in default.
fn token_settings(config: &Config) -> anyhow::Result<TokenSettings> {
    let secret = match &config.tokens.secret {
        Some(secret) => secret.clone(),
        None if config.uses_embedded_database() => demo_secret(std::path::Path::new(DEMO_SECRET_FILE))?,
        None => bail!(
            "environment variable REGISTRY_JWT_SECRET: required (at least 32 bytes) when DATABASE_URL is set; \
             only the embedded demo database runs without it"
        ),
    };
    Ok(TokenSettings {
        issuer: config.tokens.issuer.clone(),
        audience: config.tokens.audience.clone(),
        lifetime: config.tokens.lifetime,
        secret,
        public_keys: config.tokens.public_keys.clone(),
    })
}

/// Reads the demo secret, creating it with 32 random bytes (readable by the owner only) if missing.
fn demo_secret(path: &std::path::Path) -> anyhow::Result<Secret> {
    if !path.exists() {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|err| anyhow::anyhow!("no randomness for the demo secret: {err}"))?;
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        use std::io::Write;
        options.open(path)?.write_all(hex.as_bytes())?;
        tracing::info!(path = %path.display(), "created a token secret for the demo database");
    }
    let hex = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Secret::new(hex.trim().as_bytes().to_vec())
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))
}

async fn serve(
    config: Config,
    tokens: TokenSettings,
    connection: sea_orm::DatabaseConnection,
    clock: Clock,
) -> anyhow::Result<()> {
    let today = clock.today();
    if clock.follows_wall_clock() {
        tracing::info!(registry.today = %today, "business date: today in China (Asia/Shanghai)");
    } else {
        tracing::info!(registry.today = %today, "business date: {today}, set by REGISTRY_TODAY");
    }
    if config.auto_migrate {
        db::migrate(&connection).await.context("migration failed")?;
    }
    // Only the embedded default database is seeded on its own; a configured one never is.
    if config.uses_embedded_database() && demo::is_empty(&connection).await? {
        let summary = demo::seed(&connection, today)
            .await
            .context("seeding demo data failed")?;
        tracing::info!(
            enterprises = summary.enterprises,
            credentials = summary.credentials,
            "fresh embedded database: demo data loaded, dated relative to {today}"
        );
    }
    let app = Application::build(&config, tokens, connection, clock)?;
    let address = format!("http://{}:{}", config.bind.ip(), app.port());
    tracing::info!("query console: open {address}/graphql in a browser");
    tracing::info!(
        "tokens: mutation {{ login(input: {{username: \"cq-amr-reviewer\", password: \"{}\"}}) {{ accessToken }} }} \
         or `registry token --user cq-amr-reviewer`; send it as Authorization: Bearer <token> (demo users: README)",
        demo::DEMO_PASSWORD
    );
    app.run_until_stopped().await?;
    Ok(())
}
