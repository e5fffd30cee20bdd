//! Hostile documents: none may crash or hang the server; each is refused with a code, and the server
//! answers the next request.

use registry::config::Limits;
use registry_tests::{AppOptions, TestApp, error_code, spawn_app_with};
use serde_json::json;

async fn small_app() -> TestApp {
    spawn_app_with(AppOptions {
        demo_data: false,
        ..AppOptions::default()
    })
    .await
}

/// Sends a raw JSON body and returns status and body.
async fn send(app: &TestApp, body: String) -> (u16, serde_json::Value) {
    let response = app
        .client
        .post(app.graphql_url())
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(json!(null)))
}

async fn still_alive(app: &TestApp) {
    let body = app.query("{ __typename }").await;
    assert_eq!(body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn a_deeply_nested_selection_is_refused() {
    let app = small_app().await;
    let query = format!(
        "{{ regions {{ {}code{} }} }}",
        "parent { ".repeat(40),
        " }".repeat(40)
    );
    let (status, body) = send(&app, json!({ "query": query }).to_string()).await;
    assert_eq!(status, 400);
    assert!(
        matches!(
            error_code(&body),
            "GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED"
        ),
        "{body}"
    );
    still_alive(&app).await;
}

#[tokio::test]
async fn selection_nesting_beyond_the_parser_limit_is_refused_without_a_stack_overflow() {
    let app = small_app().await;
    let query = format!("{{{}}}", "a {".repeat(50_000) + &"}".repeat(50_000));
    let (status, body) = send(&app, json!({ "query": query }).to_string()).await;
    assert!(status == 400 || status == 413, "{status}");
    if status == 400 {
        assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED");
    }
    still_alive(&app).await;
}

#[tokio::test]
async fn deeply_nested_list_and_object_argument_values_are_refused() {
    let app = small_app().await;
    for value in [
        "[".repeat(5_000) + &"]".repeat(5_000),
        "{a:".repeat(5_000) + "1" + &"}".repeat(5_000),
    ] {
        let query = format!("{{ regions(parentCode: {value}) {{ code }} }}");
        let (status, _) = send(&app, json!({ "query": query }).to_string()).await;
        assert_eq!(status, 400);
        still_alive(&app).await;
    }
}

#[tokio::test]
async fn deeply_nested_variables_are_refused() {
    let app = small_app().await;
    let variables = "[".repeat(10_000) + &"]".repeat(10_000);
    let body =
        format!(r#"{{"query": "query($v: String) {{ __typename }}", "variables": {{"v": {variables}}}}}"#);
    let (status, _) = send(&app, body).await;
    assert_eq!(status, 400);
    still_alive(&app).await;
}

#[tokio::test]
async fn recursive_fragments_are_refused() {
    let app = small_app().await;
    let query = "{ regions { ...A } } fragment A on Region { parent { ...B } } fragment B on Region { parent { ...A } }";
    let (status, body) = send(&app, json!({ "query": query }).to_string()).await;
    assert_eq!(status, 400);
    assert!(
        matches!(
            error_code(&body),
            "GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED"
        ),
        "{body}"
    );
    still_alive(&app).await;
}

#[tokio::test]
async fn too_many_aliases_are_refused() {
    let app = small_app().await;
    let aliases: String = (0..500).map(|i| format!("a{i}: __typename ")).collect();
    let (status, body) = send(&app, json!({ "query": format!("{{ {aliases} }}") }).to_string()).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("aliases"));
    still_alive(&app).await;
}

#[tokio::test]
async fn too_many_directives_are_refused() {
    let app = small_app().await;
    let directives = "@include(if: true) ".repeat(50);
    let (status, _) = send(
        &app,
        json!({ "query": format!("{{ __typename {directives} }}") }).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    still_alive(&app).await;
}

#[tokio::test]
async fn an_expensive_query_is_refused_by_complexity() {
    let app = small_app().await;
    let query = "{ a: enterprises(first: 100) { nodes { credentials { grantingBureau { region { name } } } } } b: enterprises(first: 100) { nodes { brands { name } } } }";
    let limits = Limits {
        max_complexity: 500,
        ..Limits::default()
    };
    let strict = spawn_app_with(AppOptions {
        demo_data: false,
        limits,
        ..AppOptions::default()
    })
    .await;
    let (status, body) = send(&strict, json!({ "query": query }).to_string()).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("complex"),
        "{body}"
    );
    still_alive(&strict).await;
    still_alive(&app).await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_while_reading() {
    let app = small_app().await;
    let huge = format!(
        r#"{{"query": "{{ __typename }}", "pad": "{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let (status, body) = send(&app, huge).await;
    assert_eq!(status, 413);
    assert_eq!(
        error_code(&body),
        "PAYLOAD_TOO_LARGE",
        "the JSON error shape: {body}"
    );
    still_alive(&app).await;
}

#[tokio::test]
async fn a_query_that_runs_too_long_is_stopped() {
    let limits = Limits {
        execution_timeout: std::time::Duration::from_millis(1),
        ..Limits::default()
    };
    let app = spawn_app_with(AppOptions {
        demo_data: true,
        limits,
        ..AppOptions::default()
    })
    .await;
    let query =
        "{ enterprises(first: 100) { nodes { credentials { grantingBureau { name } } brands { name } } } }";
    let (status, body) = send(&app, json!({ "query": query }).to_string()).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), "TIMEOUT");
}

#[tokio::test]
async fn a_deeply_nested_get_request_is_refused() {
    let app = small_app().await;
    let query = format!("{{ regions(parentCode: {}) {{ code }} }}", "[".repeat(5_000));
    let response = app
        .client
        .get(app.graphql_url())
        .query(&[("query", query.as_str())])
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_client_error(), "{}", response.status());
    still_alive(&app).await;
}

#[tokio::test]
async fn an_upload_is_refused_before_its_file_is_read_unless_the_caller_may_import() {
    let app = registry_tests::spawn_app().await;
    let query = "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) { report { imported } } }";
    let input = json!({ "kind": "LITTLE_GIANT", "batch": 50 });
    let file = vec![b'x'; 1024];
    let anonymous = app.upload(None, query, input.clone(), file.clone()).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
    let viewer = app.login("cq-amr-viewer").await;
    let refused = app.upload(Some(&viewer), query, input, file).await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["reason"], "ROLE");
    let (_, recorded) = app
        .query_as(
            &app.login("sysadmin").await,
            r#"{ auditEvents(filter: {action: "IMPORT_CREDENTIALS"}) { nodes { outcome actor } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        recorded["data"]["auditEvents"]["nodes"],
        json!([{ "outcome": "REFUSED", "actor": "cq-amr-viewer" }]),
        "{recorded}"
    );
    still_alive(&app).await;
}

/// Sends a multipart `form` as the holder of `token`; returns the JSON body.
async fn send_form(app: &TestApp, token: &str, form: reqwest::multipart::Form) -> serde_json::Value {
    app.client
        .post(app.graphql_url())
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON body")
}

#[tokio::test]
async fn a_multipart_request_holds_its_operations_to_the_json_body_limit_and_carries_one_file() {
    let app = registry_tests::spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let import = "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) { report { imported } } }";
    let input = json!({ "kind": "LITTLE_GIANT", "batch": 51 });
    let file = b"uscc,tier\n".to_vec();

    // A comment pads the document past 256 KiB: the operations part is refused while it is read.
    let padded = format!("{import} #{}", "x".repeat(300 * 1024));
    let oversized = app
        .upload(Some(&registrar), &padded, input.clone(), file.clone())
        .await;
    assert_eq!(error_code(&oversized), "PAYLOAD_TOO_LARGE", "{oversized}");
    assert!(
        oversized["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("operations"),
        "{oversized}"
    );

    // Operations that are not a GraphQL request are named, as for a JSON body.
    let form = reqwest::multipart::Form::new()
        .text("operations", json!({ "query": 7 }).to_string())
        .text("map", "{}");
    let malformed = send_form(&app, &registrar, form).await;
    assert_eq!(error_code(&malformed), "BAD_REQUEST", "{malformed}");
    assert!(
        malformed["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("query must be a string"),
        "{malformed}"
    );

    // Only an import may be sent as a multipart request: its limits and long timeout are for that.
    let other = app
        .upload(
            Some(&registrar),
            "mutation { __typename }",
            input.clone(),
            file.clone(),
        )
        .await;
    assert_eq!(error_code(&other), "BAD_REQUEST", "{other}");
    assert!(
        other["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("importCredentials"),
        "{other}"
    );

    // A second file is refused.
    let mut variables = json!({ "input": input });
    variables["input"]["file"] = json!(null);
    let part = |name: &str| {
        reqwest::multipart::Part::bytes(file.clone())
            .file_name(name.to_owned())
            .mime_str("text/csv")
            .expect("a valid media type")
    };
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": import, "variables": variables }).to_string(),
        )
        .text(
            "map",
            json!({ "0": ["variables.input.file"], "1": ["variables.input.file"] }).to_string(),
        )
        .part("0", part("a.csv"))
        .part("1", part("b.csv"));
    let two_files = send_form(&app, &registrar, form).await;
    assert_eq!(error_code(&two_files), "BAD_REQUEST", "{two_files}");

    // Within the limits the same request imports.
    let fine = app.upload(Some(&registrar), import, input, file).await;
    assert_eq!(
        fine["data"]["importCredentials"]["report"]["imported"], 0,
        "{fine}"
    );
    still_alive(&app).await;
}

#[tokio::test]
async fn introspection_suggestions_and_graphiql_can_be_switched_off_for_production() {
    let open = small_app().await;
    let typo = json!({ "query": "{ viewr { username } }" }).to_string();
    let (_, helpful) = send(&open, typo.clone()).await;
    assert!(
        helpful["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "suggestions by default: {helpful}"
    );

    let closed = spawn_app_with(AppOptions {
        exposure: registry::config::Exposure {
            anonymous_introspection: false,
            field_suggestions: false,
            graphiql: false,
        },
        ..AppOptions::default()
    })
    .await;
    let (_, terse) = send(&closed, typo).await;
    assert!(
        !terse["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{terse}"
    );
    let introspection = json!({ "query": "{ __schema { queryType { name } } }" }).to_string();
    let (_, anonymous) = send(&closed, introspection).await;
    assert!(
        anonymous["data"]["__schema"].is_null(),
        "nothing of the schema: {anonymous}"
    );
    let token = closed.login("cq-amr-viewer").await;
    let (_, signed_in) = closed
        .query_as(&token, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(signed_in["data"]["__schema"]["queryType"]["name"], "Query");
    let page = closed
        .client
        .get(closed.graphql_url())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_ne!(page.status().as_u16(), 200, "no query console");
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off_at_its_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = Limits {
        body_timeout: std::time::Duration::from_millis(300),
        ..Limits::default()
    };
    let app = spawn_app_with(AppOptions {
        demo_data: false,
        limits,
        ..AppOptions::default()
    })
    .await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    // Headers promise 100 bytes; only 10 come, and then nothing.
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"query\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answers long before the client would finish")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    still_alive(&app).await;
}

#[tokio::test]
async fn a_document_sent_again_answers_its_own_variables_and_is_validated_again() {
    let app = small_app().await;
    // The same text with other variables: parsed once, answered for each request's own values.
    let query = "query($c: String!) { region(code: $c) { code name } }";
    for code in ["500000", "510000", "500000"] {
        let (status, body) = send(
            &app,
            json!({ "query": query, "variables": { "c": code } }).to_string(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["region"]["code"], code, "{body}");
    }
    let (_, body) = send(&app, json!({ "query": query }).to_string()).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains('c')),
        "{body}"
    );
    assert!(
        body["data"]["region"].is_null(),
        "a variable left out is still refused: {body}"
    );
    // A document that parses but does not fit the schema is refused every time, not only the first.
    for _ in 0..2 {
        let (status, body) = send(
            &app,
            json!({ "query": "{ region(code: \"500000\") { noSuchField } }" }).to_string(),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    }
}
