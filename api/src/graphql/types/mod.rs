//! GraphQL object types: thin wrappers around entity rows that decide what of a row is shown, with
//! relations resolved through the request's DataLoaders.

pub mod agreement;
pub mod announcement;
pub mod audit;
pub mod brand;
pub mod changes;
pub mod credential;
pub mod enterprise;
pub mod geographic_indication;
pub mod objection;
pub mod program;
pub mod recognition;
pub mod region;
pub mod search;
pub mod user;
pub mod viewer;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::DatabaseConnection;

use super::loaders::Loaders;
use crate::actor::Actor;
use crate::error::{ApiError, ApiResult};

/// The database, for resolvers that query or change more than a loader serves.
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// The request's loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// The request's viewer and date.
pub fn request<'a>(ctx: &Context<'a>) -> &'a Actor {
    ctx.data_unchecked::<Actor>()
}

/// Loads a row a foreign key points at; a dangling key is a server-side fault, never the client's.
pub async fn required<K, L>(loader: &DataLoader<L>, key: K, what: &str) -> ApiResult<L::Value>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + std::fmt::Debug + 'static,
    L: Loader<K, Error = ApiError>,
{
    loader
        .load_one(key.clone())
        .await?
        .ok_or_else(|| ApiError::Internal(format!("{what} {key:?} referenced but missing")))
}
