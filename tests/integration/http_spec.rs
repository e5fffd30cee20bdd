//! GraphQL over HTTP: methods, media types and status codes.

use registry_tests::{AppOptions, TestApp, error_code, spawn_app_with};
use serde_json::json;

async fn app() -> TestApp {
    spawn_app_with(AppOptions {
        demo_data: false,
        ..AppOptions::default()
    })
    .await
}

#[tokio::test]
async fn get_runs_queries_and_refuses_mutations() {
    let app = app().await;
    let ok = app
        .client
        .get(app.graphql_url())
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let refused = app
        .client
        .get(app.graphql_url())
        .query(&[("query", "mutation { __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()["allow"], "POST");
}

#[tokio::test]
async fn a_browser_gets_graphiql() {
    let app = app().await;
    let page = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("graphiql"));
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = app().await;
    for (accept, expected) in [
        (
            "application/graphql-response+json",
            "application/graphql-response+json",
        ),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
    ] {
        let response = app
            .client
            .post(app.graphql_url())
            .header("accept", accept)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(expected),
            "{accept}"
        );
    }
    let refused = app
        .client
        .post(app.graphql_url())
        .header("accept", "text/csv")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 406);
}

#[tokio::test]
async fn unsupported_content_types_and_malformed_bodies_are_refused() {
    let app = app().await;
    let post = |content_type: Option<&'static str>, body: &'static str| {
        let mut request = app.client.post(app.graphql_url()).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };
    assert_eq!(
        post(None, r#"{"query":"{ __typename }"}"#)
            .await
            .unwrap()
            .status(),
        415
    );
    assert_eq!(
        post(Some("text/plain"), r#"{"query":"{ __typename }"}"#)
            .await
            .unwrap()
            .status(),
        415
    );
    assert_eq!(
        post(
            Some("application/json; charset=latin1"),
            r#"{"query":"{ __typename }"}"#
        )
        .await
        .unwrap()
        .status(),
        415
    );
    for body in [
        "",
        "{",
        "[]",
        r#"{"query": 1}"#,
        r#"{"qeury": "{ __typename }"}"#,
        r#"{"query": "{ __typename }", "variables": 3}"#,
    ] {
        let response = post(Some("application/json"), body).await.unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error_code(&json), "BAD_REQUEST", "{body}");
    }
}

#[tokio::test]
async fn a_document_that_does_not_parse_or_validate_is_a_400_without_data_for_graphql_response_json() {
    let app = app().await;
    for (query, code) in [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let strict = app
            .client
            .post(app.graphql_url())
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        assert_eq!(strict.status(), 400, "{query}");
        let body: serde_json::Value = strict.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(error_code(&body), code);

        let legacy = app
            .client
            .post(app.graphql_url())
            .header("accept", "application/json")
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        assert_eq!(legacy.status(), 200, "{query}");
    }
}
