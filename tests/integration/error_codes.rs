//! Every error a client can meet carries `extensions.code` and the request's id, a value that does not
//! fit is `BAD_USER_INPUT` naming its argument and the format expected, and the codes are in the schema.

use registry_tests::{error_code, spawn_app};
use serde_json::{Value, json};

/// Every error's message, joined, to look for what must not be in any.
fn messages(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["message"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_bad_date_is_bad_user_input_naming_the_argument_and_the_format() {
    let app = spawn_app().await;
    let inline = app
        .query(r#"{ littleGiants(filter: { asOf: "2026-02-30" }) { totalCount } }"#)
        .await;
    assert_eq!(error_code(&inline), "BAD_USER_INPUT", "{inline}");
    assert_eq!(
        inline["errors"][0]["extensions"]["field"], "filter.asOf",
        "{inline}"
    );
    let message = messages(&inline);
    assert!(message.starts_with("filter.asOf: "), "{message}");
    assert!(message.contains("YYYY-MM-DD"), "the format is named: {message}");
    assert!(!message.contains("Input"), "no input type is named: {message}");
    assert!(inline.get("data").is_none(), "nothing ran: {inline}");

    let variable = app
        .query_with(
            "query($on: Date) { littleGiants(filter: { asOf: $on }) { totalCount } }",
            json!({ "on": "03/01/2026" }),
        )
        .await;
    assert_eq!(error_code(&variable), "BAD_USER_INPUT", "{variable}");
    assert!(messages(&variable).starts_with("filter.asOf: "), "{variable}");

    let whole_filter = app
        .query_with(
            "query($f: LittleGiantFilterInput) { littleGiants(filter: $f) { totalCount } }",
            json!({ "f": { "asOf": "soon", "colour": "red" } }),
        )
        .await;
    assert_eq!(error_code(&whole_filter), "BAD_USER_INPUT", "{whole_filter}");
    assert!(!messages(&whole_filter).contains("Input"), "{whole_filter}");
}

#[tokio::test]
async fn request_errors_without_a_rule_of_ours_still_carry_a_code() {
    let app = spawn_app().await;
    for (what, body) in [
        (
            "an unknown operation",
            json!({ "query": "query A { __typename }", "operationName": "B" }),
        ),
        (
            "two operations and no name",
            json!({ "query": "query A { __typename } query B { __typename }" }),
        ),
        (
            "a missing variable",
            json!({ "query": "query($n: Int!) { __typename }" }),
        ),
        ("an unknown field", json!({ "query": "{ nonsense }" })),
    ] {
        let response: Value = app
            .client
            .post(app.graphql_url())
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let errors = response["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {response}"));
        for error in errors {
            assert!(error["extensions"]["code"].is_string(), "{what}: {response}");
            assert!(error["extensions"]["requestId"].is_string(), "{what}: {response}");
        }
    }
}

#[tokio::test]
async fn every_response_hands_back_its_request_id_and_errors_repeat_it() {
    let app = spawn_app().await;
    let chosen = app
        .request(None, "{ nonsense }")
        .header("X-Request-Id", "frontend-42.a")
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.headers()["x-request-id"], "frontend-42.a");
    let body: Value = chosen.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"], "frontend-42.a",
        "{body}"
    );

    // An id that could forge a log line is replaced by one of ours.
    let forged = app
        .request(None, "{ __typename }")
        .header("X-Request-Id", "x\" status=200")
        .send()
        .await
        .unwrap();
    let made = forged.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!made.is_empty() && !made.contains('"'), "{made}");

    // Errors answered at the HTTP edge carry it too: a bad token here.
    let refused = app
        .request(Some("not-a-token"), "{ __typename }")
        .send()
        .await
        .unwrap();
    let id = refused.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        id.as_str(),
        "{body}"
    );
    assert_eq!(error_code(&body), "UNAUTHENTICATED");

    // Probes too.
    let probe = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert!(probe.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn the_schema_lists_every_error_code_with_what_it_means() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ errorCodes __type(name: "ErrorCode") { kind enumValues { name description } } }"#)
        .await;
    assert!(
        data["errorCodes"]
            .as_array()
            .is_some_and(|codes| codes.len() >= 19),
        "{data}"
    );
    assert_eq!(data["__type"]["kind"], "ENUM");
    let values = data["__type"]["enumValues"].as_array().unwrap();
    let names: Vec<&str> = values.iter().filter_map(|value| value["name"].as_str()).collect();
    for code in [
        "BAD_USER_INPUT",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "RATE_LIMITED",
        "UNAVAILABLE",
        "PERSISTED_QUERY_NOT_FOUND",
    ] {
        assert!(names.contains(&code), "{code} is listed: {names:?}");
    }
    assert!(
        values
            .iter()
            .all(|value| value["description"].as_str().is_some_and(|d| !d.is_empty())),
        "every code says what it means"
    );
}

#[tokio::test]
async fn every_scalar_describes_its_format_without_internal_names() {
    let app = spawn_app().await;
    let data = app.data("{ __schema { types { kind name description } } }").await;
    // The specification defines its own five; every other scalar is ours to describe.
    let specified = ["Int", "Float", "String", "Boolean", "ID"];
    for scalar in
        data["__schema"]["types"].as_array().unwrap().iter().filter(|ty| {
            ty["kind"] == "SCALAR" && !specified.contains(&ty["name"].as_str().unwrap_or_default())
        })
    {
        let description = scalar["description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{scalar}");
        assert!(!description.contains('<'), "no Rust type in {scalar}");
    }
}
