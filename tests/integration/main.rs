//! Integration tests: one binary, each test with its own app and database.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod access;
mod administration;
mod admission;
mod announcements;
mod audit;
mod auth;
mod browse;
mod changes;
mod concurrency;
mod credentials;
mod edge;
mod error_codes;
mod export;
mod hostile;
mod http_spec;
mod import;
mod language;
mod lifecycle;
mod matrix;
mod metrics;
mod migrations;
mod names;
mod node;
mod outage;
mod pagination;
mod persisted;
mod plans;
mod queries_per_request;
mod recognition;
mod refusals;
mod regions;
mod registration;
mod schema;
mod search;
mod statistics;
