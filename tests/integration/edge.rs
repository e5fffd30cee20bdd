//! What a frontend meets at the HTTP edge: responses in the order the query asked, compression
//! negotiated by `Accept-Encoding`, and CORS for the configured origins only.

use registry::config::CorsOrigins;
use registry_tests::{AppOptions, TestApp, spawn_app, spawn_app_with};

#[tokio::test]
async fn response_fields_keep_the_order_the_query_asked_for() {
    let app = spawn_app().await;
    let query = r#"{ zeta: viewer { username isAuthenticated } alpha: __typename middle: region(code: "500000") { name code } }"#;
    let text = app
        .request(None, query)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        text,
        r#"{"data":{"zeta":{"username":null,"isAuthenticated":false},"alpha":"Query","middle":{"name":"重庆市","code":"500000"}}}"#
    );
}

/// The body of a 100-enterprise page as sent for `encoding`, and the `Content-Encoding` it came with.
async fn page_sent_as(app: &TestApp, encoding: &str) -> (usize, Option<String>) {
    let response = app
        .request(
            None,
            "{ enterprises(first: 100) { nodes { uscc name status region { name } } } }",
        )
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_encoding = response
        .headers()
        .get("content-encoding")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.bytes().await.unwrap().len(), content_encoding)
}

#[tokio::test]
async fn responses_are_compressed_as_the_client_accepts() {
    let app = spawn_app().await;
    let (plain, none) = page_sent_as(&app, "identity").await;
    let (gzip, gzipped) = page_sent_as(&app, "gzip").await;
    let (brotli, brotlied) = page_sent_as(&app, "br").await;
    println!("a 100-row page: {plain} bytes plain, {gzip} gzip, {brotli} brotli");
    assert_eq!(none, None);
    assert_eq!(gzipped.as_deref(), Some("gzip"));
    assert_eq!(brotlied.as_deref(), Some("br"));
    assert!(gzip * 4 < plain, "gzip: {gzip} of {plain} bytes");
    assert!(brotli * 4 < plain, "brotli: {brotli} of {plain} bytes");
}

async fn cors_app(origins: CorsOrigins) -> TestApp {
    spawn_app_with(AppOptions {
        demo_data: false,
        cors_origins: origins,
        ..AppOptions::default()
    })
    .await
}

/// The CORS headers of a preflight for a signed-in `POST /graphql` from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> reqwest::header::HeaderMap {
    app.client
        .request(reqwest::Method::OPTIONS, app.graphql_url())
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap()
        .headers()
        .clone()
}

#[tokio::test]
async fn a_configured_origin_passes_the_preflight_and_others_get_no_cors_headers() {
    let portal = "https://portal.amr.cq.gov.cn";
    let app = cors_app(CorsOrigins::Listed(vec![portal.to_owned()])).await;

    let allowed = preflight(&app, portal).await;
    assert_eq!(allowed["access-control-allow-origin"], portal);
    let headers = allowed["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(
        allowed["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST"),
        "{allowed:?}"
    );

    let stranger = preflight(&app, "https://elsewhere.example").await;
    assert!(
        stranger.get("access-control-allow-origin").is_none(),
        "{stranger:?}"
    );

    // The request itself: the allowed origin may read the answer, and its rate-limit headers.
    let answer = app
        .request(None, "{ __typename }")
        .header("origin", portal)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], portal);
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("ratelimit-remaining"), "{exposed}");
    // Another origin is answered (the server is not a firewall), but without CORS headers the browser
    // keeps the answer from the page.
    let stranger = app
        .request(None, "{ __typename }")
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 200);
    assert!(stranger.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_wildcard_is_never_combined_with_credentials() {
    let app = cors_app(CorsOrigins::Listed(vec!["*".to_owned()])).await;
    let headers = preflight(&app, "https://anyone.example").await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers.get("access-control-allow-credentials").is_none(),
        "{headers:?}"
    );
}

#[tokio::test]
async fn by_default_no_origin_is_allowed() {
    let app = cors_app(CorsOrigins::None).await;
    let headers = preflight(&app, "http://localhost:5173").await;
    assert!(
        headers.get("access-control-allow-origin").is_none(),
        "{headers:?}"
    );
}
