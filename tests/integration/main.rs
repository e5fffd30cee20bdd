//! Integration tests: one binary, each test with its own app and database.

mod browse;
mod credentials;
mod hostile;
mod http_spec;
mod migrations;
mod node;
mod pagination;
mod queries_per_request;
mod schema;
