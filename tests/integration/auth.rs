//! Signing in and access tokens at the HTTP edge.

use chrono::Utc;
use entity::{app_user, enums::UserStatus};
use registry_tests::{error_code, spawn_app, test_tokens};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;

const VIEWER: &str = "{ viewer { isAuthenticated username roles bureau { code } jurisdiction { code } } }";
const LOGIN: &str = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken expiresAt viewer { username } } }";

#[tokio::test]
async fn a_demo_user_signs_in_and_is_known_by_the_token() {
    let app = spawn_app().await;
    let token = app.login("cq-amr-reviewer").await;
    let (status, body) = app.query_as(&token, VIEWER, json!({})).await;
    assert_eq!(status, 200);
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["isAuthenticated"], true);
    assert_eq!(viewer["username"], "cq-amr-reviewer");
    assert_eq!(viewer["roles"], json!(["REVIEWER"]));
    assert_eq!(viewer["bureau"]["code"], "CQ-AMR");
    assert_eq!(viewer["jurisdiction"]["code"], "500000");
}

#[tokio::test]
async fn without_a_token_the_caller_is_the_public() {
    let app = spawn_app().await;
    let data = app.data(VIEWER).await;
    assert_eq!(data["viewer"]["isAuthenticated"], false);
    assert_eq!(data["viewer"]["roles"], json!([]));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app
        .query_with(LOGIN, json!({ "u": "cq-amr-reviewer", "p": "guess" }))
        .await;
    let unknown = app
        .query_with(LOGIN, json!({ "u": "nobody", "p": "guess" }))
        .await;
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    assert_eq!(wrong["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(wrong["data"], unknown["data"]);
}

#[tokio::test]
async fn repeated_failures_for_one_account_are_slowed_down() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let body = app
            .query_with(LOGIN, json!({ "u": "sc-amr-registrar", "p": "guess" }))
            .await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    let refused = app
        .query_with(LOGIN, json!({ "u": "sc-amr-registrar", "p": "registry-demo" }))
        .await;
    assert_eq!(error_code(&refused), "TOO_MANY_ATTEMPTS");
    assert!(
        refused["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // Other accounts are not affected.
    app.login("sc-amr-reviewer").await;
}

#[tokio::test]
async fn a_bad_token_is_a_401_never_the_public() {
    let app = spawn_app().await;
    let token = app.login("cq-amr-viewer").await;
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    for bad in [tampered.as_str(), "not-a-token", ""] {
        let response = app
            .client
            .post(app.graphql_url())
            .header("authorization", format!("Bearer {bad}"))
            .json(&json!({ "query": "{ viewer { isAuthenticated } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{bad:?}");
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
        assert!(body.get("data").is_none());
    }
    let basic = app
        .client
        .post(app.graphql_url())
        .basic_auth("cq-amr-viewer", Some("registry-demo"))
        .json(&json!({ "query": "{ viewer { isAuthenticated } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn an_expired_token_says_so() {
    let app = spawn_app().await;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("cq-eic-registrar"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let issued = Utc::now() - chrono::Duration::hours(2);
    let (token, _) = test_tokens().mint(user.id, vec![], issued).unwrap();
    let (status, body) = app.query_as(&token, VIEWER, json!({})).await;
    assert_eq!(status, 401);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn a_disabled_account_stops_working_with_its_next_request() {
    let app = spawn_app().await;
    let token = app.login("cq-yz-registrar").await;
    assert_eq!(app.query_as(&token, VIEWER, json!({})).await.0, 200);
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("cq-yz-registrar"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut disabled = user.into_active_model();
    disabled.status = Set(UserStatus::Disabled);
    disabled.update(&app.db).await.unwrap();
    let (status, body) = app.query_as(&token, VIEWER, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let login = app
        .query_with(LOGIN, json!({ "u": "cq-yz-registrar", "p": "registry-demo" }))
        .await;
    assert_eq!(error_code(&login), "UNAUTHENTICATED");
}

#[tokio::test]
async fn forty_parallel_guesses_check_at_most_five_passwords() {
    let app = spawn_app().await;
    let guesses = (0..40).map(|n| {
        let app = &app;
        async move {
            let password = format!("guess-{n}");
            app.query_with(LOGIN, json!({ "u": "sc-amr-registrar", "p": password }))
                .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|body| error_code(body) == "UNAUTHENTICATED")
        .count();
    let throttled = answers
        .iter()
        .filter(|body| error_code(body) == "TOO_MANY_ATTEMPTS")
        .count();
    assert!(checked <= 5, "{checked} passwords checked");
    assert_eq!(checked + throttled, 40);
    // Now even the right password must wait.
    let right = app
        .query_with(LOGIN, json!({ "u": "sc-amr-registrar", "p": "registry-demo" }))
        .await;
    assert_eq!(error_code(&right), "TOO_MANY_ATTEMPTS", "{right}");
}

#[tokio::test]
async fn an_absurd_username_is_refused_like_any_wrong_one() {
    let app = spawn_app().await;
    let absurd = "x".repeat(200_000);
    let body = app.query_with(LOGIN, json!({ "u": absurd, "p": "guess" })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body}");
    assert_eq!(body["errors"][0]["message"], "wrong username or password");
}
