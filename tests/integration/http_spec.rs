//! GraphQL over HTTP: methods, media types and status codes.

use registry_tests::{AppOptions, TestApp, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

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
async fn a_browser_gets_the_console_served_entirely_by_the_registry() {
    let app = app().await;
    let page = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"sign-in\"") && html.contains("type=\"password\""),
        "a sign-in form"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//unpkg"),
        "nothing from another host"
    );
    for (path, kind) in [
        ("/console/console.js", "text/javascript"),
        ("/console/console.css", "text/css"),
    ] {
        let asset = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{path}");
        assert!(
            asset.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{path}"
        );
        let text = asset.text().await.unwrap();
        assert!(
            !text.contains("https://") && !text.contains("http://"),
            "{path} loads nothing else"
        );
    }
}

#[tokio::test]
async fn the_console_examples_run_and_find_the_demo_data() {
    let app = spawn_app().await;
    let html = app
        .client
        .get(app.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let data = html
        .split("<script type=\"application/json\" id=\"examples\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the examples are on the page");
    let examples: Value = serde_json::from_str(data).unwrap();
    let examples = examples.as_array().unwrap();
    assert_eq!(examples.len(), 3);
    let token = app.login("cq-amr-viewer").await;
    for example in examples {
        let (status, body) = app
            .query_as(
                &token,
                example["query"].as_str().unwrap(),
                example["variables"].clone(),
            )
            .await;
        assert_eq!(status, 200, "{example}: {body}");
        assert!(body.get("errors").is_none(), "{example}: {body}");
        let answer = body["data"]
            .as_object()
            .and_then(|data| data.values().next())
            .unwrap();
        assert!(!answer.is_null(), "{example} finds something: {body}");
    }
    // The Chongqing–Sichuan example: the Sichuan award counts in Chongqing by the agreement.
    let verdict = app
        .query_as(
            &token,
            examples[1]["query"].as_str().unwrap(),
            examples[1]["variables"].clone(),
        )
        .await
        .1;
    let outcomes = verdict["data"]["verifyCredentials"][0]["credentials"].to_string();
    assert!(outcomes.contains("AGREEMENT"), "{verdict}");
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
