//! When the database cannot answer, clients are told to retry (`503`, `UNAVAILABLE`, `Retry-After`):
//! never a bad token, never an internal error.

use registry_tests::spawn_app;
use serde_json::{Value, json};

/// Status, `Retry-After` and `extensions.code` of a query sent with `token`, if any.
async fn ask(
    app: &registry_tests::TestApp,
    token: Option<&str>,
    query: &str,
) -> (u16, Option<String>, String) {
    let mut request = app
        .client
        .post(app.graphql_url())
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
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
