//! Relay object identification: `node` and `nodes`.

use entity::{credential, enums::CredentialStatus};
use registry_tests::{error_code, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

#[tokio::test]
async fn any_listed_object_can_be_fetched_again_by_its_id() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            enterprises(first: 1) { nodes { id name } }
            littleGiants(first: 1) { nodes { id } }
            bureaus(first: 1) { nodes { id code } }
            geographicIndications(first: 1) { nodes { id name } }
        }"#,
        )
        .await;
    let ids = json!([
        data["enterprises"]["nodes"][0]["id"],
        data["littleGiants"]["nodes"][0]["id"],
        data["bureaus"]["nodes"][0]["id"],
        data["geographicIndications"]["nodes"][0]["id"],
    ]);
    let body = app
        .query_with(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Enterprise { name } ... on Bureau { code } } }",
            json!({ "ids": ids }),
        )
        .await;
    let nodes = body["data"]["nodes"].as_array().unwrap();
    let types: Vec<&str> = nodes.iter().map(|n| n["__typename"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        vec![
            "Enterprise",
            "LittleGiantDesignation",
            "Bureau",
            "GeographicIndication"
        ]
    );
    assert_eq!(nodes[0]["name"], data["enterprises"]["nodes"][0]["name"]);
    assert_eq!(nodes[2]["code"], data["bureaus"]["nodes"][0]["code"]);
}

#[tokio::test]
async fn a_hidden_credential_answers_exactly_like_a_missing_one() {
    let app = spawn_app().await;
    let draft = credential::Entity::find()
        .filter(credential::Column::Status.eq(CredentialStatus::Draft))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo data has drafts");
    let hidden = registry::ids::encode(registry::ids::NodeType::Credential, draft.id);
    let missing = registry::ids::encode(registry::ids::NodeType::Credential, uuid::Uuid::now_v7());
    let hidden_body = app
        .query_with(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": hidden }),
        )
        .await;
    let missing_body = app
        .query_with(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert_eq!(hidden_body, json!({ "data": { "node": null } }));
    assert_eq!(hidden_body, missing_body);
}

#[tokio::test]
async fn a_malformed_id_is_a_bad_input() {
    let app = spawn_app().await;
    let body = app.query(r#"{ node(id: "not-an-id") { id } }"#).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
}

#[tokio::test]
async fn nodes_refuses_more_than_a_hundred_ids() {
    let app = spawn_app().await;
    let ids: Vec<String> = (0..101).map(|_| "x".to_owned()).collect();
    let body = app
        .query_with(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "ids");
}
