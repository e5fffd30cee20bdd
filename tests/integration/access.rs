//! What each role may read: proposals inside a jurisdiction, and personal data.

use entity::{audit_event, credential, enums::CredentialStatus};
use registry_tests::spawn_app;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const PROPOSALS: &str = "{ littleGiants(filter: {batch: 8}) { totalCount } }";

#[tokio::test]
async fn proposals_are_visible_to_staff_inside_their_jurisdiction_only() {
    let app = spawn_app().await;
    // Batch 8 is five nominations of Chongqing enterprises and two of Sichuan ones, still in review.
    for (user, expected) in [
        (Some("cq-eic-registrar"), 5),
        (Some("cq-amr-viewer"), 5),
        (Some("miit-reviewer"), 7),
        (Some("sc-amr-registrar"), 2),
        (Some("cq-yz-registrar"), 0),
        (Some("enterprise-user"), 0),
        (None, 0),
    ] {
        let body = match user {
            Some(user) => app.query_as(&app.login(user).await, PROPOSALS, json!({})).await.1,
            None => app.query(PROPOSALS).await,
        };
        assert_eq!(
            body["data"]["littleGiants"]["totalCount"], expected,
            "{user:?}: {body}"
        );
    }
}

#[tokio::test]
async fn a_proposal_by_id_answers_like_a_missing_object_outside_the_jurisdiction() {
    let app = spawn_app().await;
    let draft = credential::Entity::find()
        .filter(credential::Column::Status.eq(CredentialStatus::Draft))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id = registry::ids::encode(registry::ids::NodeType::Credential, draft.id);
    let query = "query($id: ID!) { node(id: $id) { id } }";
    let inside = app
        .query_as(&app.login("cq-amr-viewer").await, query, json!({ "id": id }))
        .await
        .1;
    assert_eq!(inside["data"]["node"]["id"], id.as_str());
    let outside = app
        .query_as(&app.login("sc-amr-reviewer").await, query, json!({ "id": id }))
        .await
        .1;
    assert_eq!(outside, json!({ "data": { "node": null } }));
}

const OFFICERS: &str = r#"{ chiefQualityOfficers(first: 3, filter: {region: {code: "500000"}}) {
    nodes { holder { ... on Person { id identityNumber phone } } } } }"#;

fn identity_numbers(body: &serde_json::Value) -> Vec<Option<String>> {
    body["data"]["chiefQualityOfficers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["holder"]["identityNumber"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn personal_data_is_whole_masked_or_hidden_by_role_and_jurisdiction() {
    let app = spawn_app().await;
    let as_user = |user: &'static str| {
        let app = &app;
        async move { app.query_as(&app.login(user).await, OFFICERS, json!({})).await.1 }
    };
    let whole = identity_numbers(&as_user("cq-amr-registrar").await);
    assert_eq!(whole.len(), 3);
    for number in &whole {
        let number = number.as_deref().unwrap();
        assert_eq!(number.chars().count(), 18);
        assert!(!number.contains('*'));
    }
    for user in ["cq-amr-viewer", "sc-amr-registrar"] {
        for number in identity_numbers(&as_user(user).await) {
            let number = number.unwrap();
            assert!(number.contains("**********"), "{user}: {number}");
            assert_eq!(number[..4], whole[0].as_deref().unwrap()[..4]);
        }
    }
    for number in identity_numbers(&as_user("enterprise-user").await) {
        assert_eq!(number, None);
    }
    for number in identity_numbers(&app.query(OFFICERS).await) {
        assert_eq!(number, None);
    }
}

#[tokio::test]
async fn every_whole_personal_data_read_is_audited() {
    let app = spawn_app().await;
    let reads = || audit_event::Entity::find().filter(audit_event::Column::Action.eq("READ_PERSONAL_DATA"));
    let token = app.login("cq-amr-reviewer").await;
    let (_, body) = app.query_as(&token, OFFICERS, json!({})).await;
    assert_eq!(identity_numbers(&body).len(), 3);
    let events = reads().all(&app.db).await.unwrap();
    assert_eq!(events.len(), 3, "one event per person read");
    for event in &events {
        assert!(event.actor_user_id.is_some());
        assert!(event.request_id.is_some());
        assert_eq!(
            event.after,
            Some(json!({ "fields": ["identityNumber", "phone"] }))
        );
    }
    // Masked reads are not personal data shown, so nothing is recorded for them.
    app.query_as(&app.login("cq-amr-viewer").await, OFFICERS, json!({}))
        .await;
    assert_eq!(reads().count(&app.db).await.unwrap(), 3);
}

#[tokio::test]
async fn who_proposed_and_reviewed_is_internal_to_the_jurisdiction() {
    let app = spawn_app().await;
    let query = r#"{ littleGiants(first: 1, filter: {batch: 5, level: PROVINCIAL, region: {code: "500000"}}) {
        nodes { proposedBy reviewedBy } } }"#;
    let first = |body: serde_json::Value| body["data"]["littleGiants"]["nodes"][0].clone();
    let inside = first(
        app.query_as(&app.login("cq-amr-viewer").await, query, json!({}))
            .await
            .1,
    );
    assert_eq!(
        inside,
        json!({ "proposedBy": "cq-eic-registrar", "reviewedBy": "cq-eic-reviewer" })
    );
    let outside = first(
        app.query_as(&app.login("sc-amr-reviewer").await, query, json!({}))
            .await
            .1,
    );
    assert_eq!(outside, json!({ "proposedBy": null, "reviewedBy": null }));
    assert_eq!(
        first(app.query(query).await),
        json!({ "proposedBy": null, "reviewedBy": null })
    );
}
