//! The enterprise & brand registry: a GraphQL API over the registries market-regulation bureaus keep.
//! See the README for running it and `../shared/DESIGN.md` for the domain.

pub mod actor;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod deadline;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod ids;
pub mod monitoring;
pub mod policy;
pub mod rate_limit;
pub mod services;
pub mod telemetry;
#[cfg(test)]
mod test_support;
