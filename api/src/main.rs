//! The `registry` binary: everything lives in the library; see `registry --help`.

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    registry::cli::run().await
}
