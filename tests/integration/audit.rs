//! The audit trail: readable by staff within their jurisdiction, and append-only in the database.

use registry_tests::{error_code, spawn_app};
use sea_orm::ConnectionTrait;
use serde_json::json;

const EVENTS: &str = "query($filter: AuditEventFilterInput) { auditEvents(filter: $filter) {
    totalCount nodes { action actor actorBureau { code } entityType after requestId } } }";

#[tokio::test]
async fn staff_read_the_events_of_their_jurisdiction_with_filters() {
    let app = spawn_app().await;
    // A Chongqing reviewer reads personal data in full, which is recorded.
    let reviewer = app.login("cq-amr-reviewer").await;
    let officers = r#"{ chiefQualityOfficers(first: 2, filter: {region: {code: "500000"}}) { nodes { holder { ... on Person { identityNumber } } } } }"#;
    app.query_as(&reviewer, officers, json!({})).await;

    let filter = json!({ "filter": { "action": "READ_PERSONAL_DATA" } });
    let (_, inside) = app
        .query_as(&app.login("cq-amr-viewer").await, EVENTS, filter.clone())
        .await;
    let events = &inside["data"]["auditEvents"];
    assert_eq!(events["totalCount"], 2, "{inside}");
    assert_eq!(events["nodes"][0]["actor"], "cq-amr-reviewer");
    assert_eq!(events["nodes"][0]["actorBureau"]["code"], "CQ-AMR");
    assert_eq!(events["nodes"][0]["entityType"], "person");
    assert!(events["nodes"][0]["requestId"].is_string());

    let (_, outside) = app
        .query_as(&app.login("sc-amr-reviewer").await, EVENTS, filter.clone())
        .await;
    assert_eq!(outside["data"]["auditEvents"]["totalCount"], 0);
    let (_, everything) = app
        .query_as(&app.login("sysadmin").await, EVENTS, filter.clone())
        .await;
    assert_eq!(everything["data"]["auditEvents"]["totalCount"], 2);
    let (_, other_action) = app
        .query_as(
            &app.login("cq-amr-admin").await,
            EVENTS,
            json!({ "filter": { "action": "CREATE_USER" } }),
        )
        .await;
    assert_eq!(other_action["data"]["auditEvents"]["totalCount"], 0);

    let (_, enterprise) = app
        .query_as(&app.login("enterprise-user").await, EVENTS, filter.clone())
        .await;
    assert_eq!(error_code(&enterprise), "FORBIDDEN");
    assert_eq!(
        error_code(&app.query_with(EVENTS, filter).await),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_events() {
    let app = spawn_app().await;
    let reviewer = app.login("cq-amr-reviewer").await;
    let officers = r#"{ chiefQualityOfficers(first: 1, filter: {region: {code: "500000"}}) { nodes { holder { ... on Person { phone } } } } }"#;
    app.query_as(&reviewer, officers, json!({})).await;
    for statement in [
        "UPDATE audit_event SET action = 'NOTHING'",
        "DELETE FROM audit_event",
    ] {
        let refused = app.db.execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} was allowed");
        assert!(refused.unwrap_err().to_string().contains("append-only"));
    }
    let (_, events) = app
        .query_as(&app.login("cq-amr-viewer").await, EVENTS, json!({}))
        .await;
    assert_eq!(events["data"]["auditEvents"]["totalCount"], 1);
}
