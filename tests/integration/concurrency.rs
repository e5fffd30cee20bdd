//! One active credential per holder and kind is the database's rule, not only a check: identical
//! proposals or grants sent at the same moment give exactly one success, and `CONFLICT` for the rest
//! (on SQLite and on PostgreSQL alike).

use futures_util::future::join_all;
use registry_tests::spawn_app;
use serde_json::{Value, json};

use crate::lifecycle::{mutate, past_notice, program, register_enterprise};

const CALLS: usize = 20;

/// How many payloads succeeded, and the user-error codes of the others.
fn tally(payloads: &[Value]) -> (usize, Vec<String>) {
    let successes = payloads
        .iter()
        .filter(|p| p["credential"]["id"].is_string())
        .count();
    let codes = payloads
        .iter()
        .filter(|p| !p["credential"]["id"].is_string())
        .map(|p| p["userErrors"][0]["code"].as_str().unwrap_or("none").to_owned())
        .collect();
    (successes, codes)
}

#[tokio::test]
async fn twenty_identical_proposals_at_once_make_one_proposal() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500103", 21).await;
    let registrar = app.login("cq-amr-registrar").await;
    let input =
        json!({ "holderId": enterprise, "programId": program(&app, "CQ_MAYOR_QUALITY").await, "year": 2026 });
    let calls = (0..CALLS).map(|_| {
        mutate(
            &app,
            &registrar,
            "proposeQualityAward",
            "ProposeQualityAwardInput",
            input.clone(),
        )
    });
    let payloads = join_all(calls).await;
    let (successes, codes) = tally(&payloads);
    assert_eq!(successes, 1, "{payloads:?}");
    assert_eq!(codes, vec!["CONFLICT"; CALLS - 1], "{payloads:?}");
    let listed = app
        .query_as(
            &registrar,
            "{ qualityAwards(filter: {nameContains: \"生命周期测试企业21\"}) { totalCount } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(listed["data"]["qualityAwards"]["totalCount"], 1, "{listed}");
}

#[tokio::test]
async fn twenty_identical_grants_at_once_grant_once() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500103", 22).await;
    let registrar = app.login("cq-amr-registrar").await;
    let reviewer = app.login("cq-amr-reviewer").await;
    let input =
        json!({ "holderId": enterprise, "programId": program(&app, "CQ_MAYOR_QUALITY").await, "year": 2026 });
    let id = past_notice(
        &app,
        &registrar,
        &reviewer,
        ("proposeQualityAward", "ProposeQualityAwardInput", input),
    )
    .await;
    let calls = (0..CALLS).map(|_| {
        mutate(
            &app,
            &reviewer,
            "grantCredential",
            "GrantCredentialInput",
            json!({ "id": id }),
        )
    });
    let payloads = join_all(calls).await;
    let (successes, codes) = tally(&payloads);
    assert_eq!(successes, 1, "{payloads:?}");
    assert_eq!(codes, vec!["CONFLICT"; CALLS - 1], "{payloads:?}");
    let granted = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on Credential { status version periods { validFrom } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(granted["data"]["node"]["status"], "GRANTED");
    assert_eq!(
        granted["data"]["node"]["version"], 4,
        "proposed 1, submitted 2, approved 3, granted 4"
    );
    assert_eq!(granted["data"]["node"]["periods"].as_array().unwrap().len(), 1);
    let admin = app.login("sysadmin").await;
    let events = app
        .query_as(
            &admin,
            "query($id: ID!) { auditEvents(filter: {entityId: $id, action: \"GRANT_CREDENTIAL\"}) { totalCount } }",
            json!({ "id": id }),
        )
        .await
        .1;
    assert_eq!(
        events["data"]["auditEvents"]["totalCount"], 1,
        "only the committed grant is audited"
    );
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_active_credential_with_the_same_key() {
    use entity::credential;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
    let app = spawn_app().await;
    let active = credential::Entity::find()
        .filter(credential::Column::ExclusiveKey.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo's active credentials carry their key");
    let twin = credential::Model {
        id: uuid::Uuid::now_v7(),
        ..active.clone()
    };
    let refused = twin.clone().into_active_model().insert(&app.db).await;
    assert!(
        refused.is_err(),
        "a duplicate key must be refused by the unique index"
    );
    // Once a credential has ended (key cleared), another may hold the same slot.
    let ended = credential::Model {
        exclusive_key: None,
        ..twin
    };
    assert!(ended.into_active_model().insert(&app.db).await.is_ok());
}
