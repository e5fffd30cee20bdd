//! The GraphQL schema: types, query roots, DataLoaders, connections and request limits.

pub mod connection;
pub mod document_cache;
pub mod enums;
pub mod errors;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use async_graphql::{Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::auth::token::TokenSettings;
use crate::config::Limits;
use crate::domain::notice::NoticeRules;
use crate::i18n::Language;
use crate::services::account::LoginThrottle;
use mutation::MutationRoot;
use query::QueryRoot;
use subscription::SubscriptionRoot;

/// The name of the operation a request ran (from `operationName`, or the document's only operation),
/// filled in by the request extension when execution starts, for the access log and the metrics.
#[derive(Clone, Debug, Default)]
pub struct OperationName(std::sync::Arc<std::sync::OnceLock<String>>);

impl OperationName {
    /// The name, once execution has started.
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }

    fn set(&self, name: &str) {
        let _first_wins = self.0.set(name.to_owned());
    }
}

/// The language the request is answered in (`Accept-Language`, put into the request's data by the
/// HTTP layer); English for a request that came another way.
pub fn language(ctx: &async_graphql::Context<'_>) -> Language {
    ctx.data_opt::<Language>().copied().unwrap_or_default()
}

/// The registry's schema.
pub type RegistrySchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

fn builder(limits: &Limits) -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_recursion)
        .limit_directives(limits.max_directives)
        // Outermost: a kept document has passed the limits below once already.
        .extension(document_cache::DocumentCache::default())
        .extension(limits::RequestLimits {
            max_aliases: limits.max_aliases,
            max_nesting: limits.max_recursion,
        })
}

/// Builds the schema once at start-up; the database pool, the token settings, the notice rules, the
/// sign-in throttle and the weights of search keys are schema data, shared by every request.
pub fn build_schema(
    db: DatabaseConnection,
    limits: &Limits,
    tokens: TokenSettings,
    notice: NoticeRules,
    field_suggestions: bool,
) -> RegistrySchema {
    let builder = builder(limits);
    let builder = if field_suggestions {
        builder
    } else {
        builder.disable_suggestions()
    };
    builder
        .data(db)
        .data(tokens)
        .data(notice)
        .data(LoginThrottle::default())
        .data(crate::services::GramWeights::default())
        .finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    builder(&Limits::default()).finish().sdl()
}
