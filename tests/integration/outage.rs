//! When the database cannot answer, clients are told to retry (`503`, `UNAVAILABLE`, `Retry-After`):
//! never a bad token, never an internal error.

use registry_tests::spawn_app;
use serde_json::Value;

/// Status, `Retry-After` and `extensions.code` of a query sent with `token`, if any.
async fn ask(
    app: &registry_tests::TestApp,
    token: Option<&str>,
    query: &str,
) -> (u16, Option<String>, String) {
    let response = app.request(token, query).send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, retry_after, code)
}

#[tokio::test]
async fn a_database_that_is_gone_answers_unavailable_for_everyone_not_a_bad_token() {
    let app = spawn_app().await;
    let token = app.login("cq-amr-reviewer").await;
    let before = ask(&app, Some(&token), "{ viewer { username } }").await;
    assert_eq!(before.0, 200, "{before:?}");

    // The pool the server shares with the test is closed: every query now fails to get a connection.
    app.db.clone().close().await.unwrap();

    let signed_in = ask(&app, Some(&token), "{ viewer { username } }").await;
    assert_eq!(signed_in, (503, Some("1".to_owned()), "UNAVAILABLE".to_owned()));
    let anonymous = ask(&app, None, "{ littleGiants(first: 1) { totalCount } }").await;
    assert_eq!(anonymous, (503, Some("1".to_owned()), "UNAVAILABLE".to_owned()));
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status().as_u16(), 503);
}

#[tokio::test]
async fn on_postgresql_a_statement_past_the_statement_timeout_is_cancelled_by_the_database() {
    use sea_orm::ConnectionTrait;
    let database = registry_tests::TestDatabase::create().await;
    if !database.url.starts_with("postgres") {
        eprintln!("skipped: the statement timeout is PostgreSQL's; SQLite runs in-process");
        return;
    }
    let settings = registry::db::PoolSettings {
        statement_timeout: Some(std::time::Duration::from_millis(200)),
        ..registry::db::PoolSettings::sized(1)
    };
    let db = registry::db::connect_with(&database.url, &settings)
        .await
        .unwrap();
    let err = db
        .execute_unprepared("SELECT pg_sleep(60)")
        .await
        .expect_err("cancelled long before a minute");
    assert_eq!(registry::error::ApiError::from(err).code(), "UNAVAILABLE");
    // The database itself stopped it: nothing of it is still running.
    let running = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(running.try_get::<i64>("", "n").unwrap(), 0);
}

#[tokio::test]
async fn on_sqlite_a_write_that_meets_a_long_import_is_told_to_retry() {
    use sea_orm::{TransactionOptions, TransactionTrait};
    let app = spawn_app().await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        eprintln!("skipped: only SQLite has a single writer");
        return;
    }
    let registrar = app.login("cq-amr-registrar").await;
    let create = |n: u32| {
        let uscc = registry::domain::Uscc::with_check_character(&format!("91500112MA7{n:06}")).unwrap();
        serde_json::json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": format!("写锁测试企业{n}"), "regionCode": "500112" } } })
    };
    const CREATE: &str =
        "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } } }";

    // The write lock, held as an import holds it while it inserts.
    let import = app
        .db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .unwrap();
    let response = app
        .client
        .post(app.graphql_url())
        .bearer_auth(&registrar)
        .json(&serde_json::json!({ "query": CREATE, "variables": create(1) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE", "{body}");

    // Once the lock is released, the same write goes through.
    import.rollback().await.unwrap();
    let (status, body) = app.query_as(&registrar, CREATE, create(1)).await;
    assert_eq!(status, 200);
    assert!(
        body["data"]["createEnterprise"]["enterprise"]["id"].is_string(),
        "{body}"
    );
}
