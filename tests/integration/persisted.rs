//! Automatic persisted queries: a document sent once is found by its SHA-256 afterwards, over POST and
//! over GET, and a mutation by hash over GET is still refused.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn sha256(document: &str) -> String {
    Sha256::digest(document.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn extension(document: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(document) } })
}

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.graphql_url())
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_document_sent_once_is_run_by_its_hash_over_post_and_get() {
    let app = spawn_app().await;
    let document = r#"{ region(code: "500000") { name } }"#;

    let (status, unknown) = post(&app, json!({ "extensions": extension(document) })).await;
    assert_eq!(status, 200);
    assert_eq!(
        unknown["errors"][0]["message"], "PersistedQueryNotFound",
        "{unknown}"
    );
    assert_eq!(error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");

    let (_, first) = post(
        &app,
        json!({ "query": document, "extensions": extension(document) }),
    )
    .await;
    assert_eq!(first["data"]["region"]["name"], "重庆市", "{first}");

    let (_, by_hash) = post(&app, json!({ "extensions": extension(document) })).await;
    assert_eq!(by_hash, first);

    let over_get: Value = app
        .client
        .get(app.graphql_url())
        .query(&[("extensions", extension(document).to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_get, first);
}

#[tokio::test]
async fn a_hash_that_is_not_the_documents_is_refused() {
    let app = spawn_app().await;
    let (status, body) = post(
        &app,
        json!({ "query": "{ __typename }", "extensions": extension("{ something else }") }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BAD_REQUEST", "{body}");
}

#[tokio::test]
async fn a_mutation_by_hash_over_get_is_still_refused() {
    let app = spawn_app().await;
    let mutation = "mutation { __typename }";
    // Registered over POST (where it runs, or is refused by the schema: either way it is kept).
    post(
        &app,
        json!({ "query": mutation, "extensions": extension(mutation) }),
    )
    .await;
    let response = app
        .client
        .get(app.graphql_url())
        .query(&[("extensions", extension(mutation).to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
}
