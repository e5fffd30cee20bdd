//! The `registry` command line: `serve` (default), `migrate`, `seed --demo`, `schema`.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Config;
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
    /// Print the GraphQL schema (SDL).
    Schema,
}

/// Runs the command given on the command line.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Schema = command {
        #[expect(clippy::print_stdout, reason = "printing the SDL is the command's output")]
        {
            print!("{}", graphql::sdl());
        }
        return Ok(());
    }
    let config = Config::from_env()?;
    telemetry::init(config.json_logs);
    let connection = db::connect(config.database_url(), config.db_pool_size)
        .await
        .context("cannot connect to the database")?;
    match command {
        Command::Serve => serve(config, connection).await,
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
            let summary = demo::seed(&connection).await.context("seeding failed")?;
            tracing::info!(?summary, "demo data loaded");
            Ok(())
        }
        Command::Seed { demo: false } => bail!("say what to seed: `registry seed --demo`"),
        Command::Schema => Ok(()),
    }
}

async fn serve(config: Config, connection: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    if config.auto_migrate {
        db::migrate(&connection).await.context("migration failed")?;
    }
    // Only the embedded default database is seeded on its own; a configured one never is.
    if config.uses_embedded_database() && demo::is_empty(&connection).await? {
        let summary = demo::seed(&connection)
            .await
            .context("seeding demo data failed")?;
        tracing::info!(
            enterprises = summary.enterprises,
            credentials = summary.credentials,
            "fresh embedded database: demo data loaded"
        );
    }
    let app = Application::build(&config, connection)?;
    let address = format!("http://{}:{}", config.bind.ip(), app.port());
    tracing::info!("GraphiQL: open {address}/graphql in a browser");
    tracing::info!(
        "tokens: none needed yet; every caller reads as the public until accounts arrive (see README)"
    );
    app.run_until_stopped().await?;
    Ok(())
}
