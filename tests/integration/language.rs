//! Messages follow `Accept-Language`: Simplified Chinese, or English when the header asks for neither
//! (the default). Errors, `userErrors`, refusals and the answers given before GraphQL runs are all
//! said in it; codes, fields and reasons never change with it.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const CREATE: &str = "mutation($input: CreateEnterpriseInput!) {
    createEnterprise(input: $input) { enterprise { id } userErrors { field message code } } }";

/// What came back: status, `Content-Language` and the body.
struct Answer {
    status: u16,
    content_language: String,
    body: Value,
}

/// POSTs `query` with `variables`, as the holder of `token` when given, asking for `language`.
async fn ask(
    app: &TestApp,
    token: Option<&str>,
    language: Option<&str>,
    query: &str,
    variables: Value,
) -> Answer {
    let mut request = app
        .client
        .post(app.graphql_url())
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        header("vary").contains("Accept-Language"),
        "answers differ by language, so caches must know"
    );
    let content_language = header("content-language");
    Answer {
        status: response.status().as_u16(),
        content_language,
        body: response.json().await.unwrap(),
    }
}

fn first_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn user_errors_are_said_in_the_language_asked_for() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": "914403001922038217",
        "fields": { "name": "重庆示例", "regionCode": "500103" } } });
    for (language, content_language, message) in [
        (Some("zh-CN,zh;q=0.9,en;q=0.8"), "zh-CN", "校验码应为 6"),
        (Some("zh"), "zh-CN", "校验码应为 6"),
        (None, "en", "check character should be 6"),
        (Some("fr-FR,de;q=0.5"), "en", "check character should be 6"),
        (Some("en-GB,zh-CN;q=0.5"), "en", "check character should be 6"),
    ] {
        let answer = ask(&app, Some(&registrar), language, CREATE, input.clone()).await;
        let error = &answer.body["data"]["createEnterprise"]["userErrors"][0];
        assert_eq!(error["message"], message, "{language:?}: {}", answer.body);
        assert_eq!(error["code"], "INVALID", "the code is the same in every language");
        assert_eq!(error["field"], json!(["input", "uscc"]));
        assert_eq!(answer.content_language, content_language, "{language:?}");
    }
}

#[tokio::test]
async fn a_refusal_is_said_in_chinese_with_its_reason_unchanged() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": "914403001922038216",
        "fields": { "name": "成都示例", "regionCode": "510104" } } });
    let answer = ask(&app, Some(&registrar), Some("zh-CN"), CREATE, input).await;
    assert_eq!(error_code(&answer.body), "FORBIDDEN");
    assert_eq!(answer.body["errors"][0]["extensions"]["reason"], "JURISDICTION");
    assert_eq!(
        first_message(&answer.body),
        "重庆市市场监督管理局 只能在行政区划 500000 及其下级区域登记；510104 不在其管辖范围内"
    );
}

#[tokio::test]
async fn errors_of_execution_and_of_bad_values_are_said_in_chinese() {
    let app = spawn_app().await;
    let bad_date = ask(
        &app,
        None,
        Some("zh-CN"),
        "query($on: Date) { littleGiants(filter: { asOf: $on }) { totalCount } }",
        json!({ "on": "2026-02-30" }),
    )
    .await;
    assert_eq!(error_code(&bad_date.body), "BAD_USER_INPUT");
    assert_eq!(bad_date.body["errors"][0]["extensions"]["field"], "filter.asOf");
    assert_eq!(
        first_message(&bad_date.body),
        "filter.asOf：应为日期，格式为 YYYY-MM-DD，例如 2026-03-01"
    );

    let sign_in = ask(
        &app,
        None,
        Some("zh-CN"),
        "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
        json!({ "u": "cq-amr-registrar", "p": "not the password" }),
    )
    .await;
    assert_eq!(error_code(&sign_in.body), "UNAUTHENTICATED");
    assert_eq!(first_message(&sign_in.body), "用户名或密码错误");

    let page = ask(
        &app,
        None,
        Some("zh-CN"),
        "{ enterprises(first: 1000) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(error_code(&page.body), "BAD_USER_INPUT");
    assert_eq!(
        first_message(&page.body),
        "first：须在 0 至 100 之间，实际为 1000"
    );
}

#[tokio::test]
async fn answers_given_before_graphql_runs_are_said_in_chinese_too() {
    let app = spawn_app().await;
    let refused = ask(
        &app,
        Some("not-a-token"),
        Some("zh-CN"),
        "{ __typename }",
        json!({}),
    )
    .await;
    assert_eq!(refused.status, 401);
    assert_eq!(error_code(&refused.body), "UNAUTHENTICATED");
    assert_eq!(first_message(&refused.body), "访问令牌无效");
    assert_eq!(refused.content_language, "zh-CN");

    let english = ask(&app, Some("not-a-token"), None, "{ __typename }", json!({})).await;
    assert_eq!(first_message(&english.body), "invalid access token");
    assert_eq!(english.content_language, "en");
}
