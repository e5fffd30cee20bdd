//! Provenance: announcements (公告) are records of their own, and every grant, renewal, revocation or
//! import can name the announcement it follows, which then lists the credential.

use registry_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

use crate::lifecycle::{let_notice_end, mutate, ok, on_notice, register_enterprise};

const CREATE: &str = "mutation($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) {
    announcement { id documentNumber issuingBureau { code } } userErrors { field code } } }";

/// Records an announcement of `token`'s bureau; returns the payload.
async fn record(app: &TestApp, token: &str, input: Value) -> Value {
    let (_, body) = app.query_as(token, CREATE, json!({ "input": input })).await;
    body["data"]["createAnnouncement"].clone()
}

/// Records announcement `number` of `token`'s bureau, published today; returns its ID.
async fn announcement(app: &TestApp, token: &str, number: &str) -> Value {
    let payload = record(
        app,
        token,
        json!({ "documentNumber": number, "title": format!("关于公布{number}的通知"), "publishedOn": app.day(0),
            "url": "https://jjxxw.cq.gov.cn/zwgk/tzgg/example.html" }),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["announcement"]["id"].clone()
}

/// A 专精特新 SME proposal for a fresh Chongqing enterprise, on notice until its notice ends.
async fn past_notice(app: &TestApp, n: u32) -> Value {
    let holder = register_enterprise(app, "500112", n).await;
    let propose = (
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        json!({ "holderId": holder, "tier": "SPECIALIZED_SME", "batch": 7, "year": 2026 }),
    );
    let id = on_notice(
        app,
        &app.login("cq-eic-registrar").await,
        &app.login("cq-eic-reviewer").await,
        propose,
    )
    .await;
    let_notice_end(app, &id).await;
    id
}

#[tokio::test]
async fn a_grant_and_a_review_name_their_announcements_which_list_them() {
    let app = spawn_app().await;
    let reviewer = app.login("cq-eic-reviewer").await;
    let first = past_notice(&app, 61).await;
    let second = past_notice(&app, 62).await;
    let batch_six = announcement(&app, &reviewer, "渝经信发〔2026〕12号").await;
    let grant = |id: &Value, announcement: &Value| json!({ "id": id, "announcementId": announcement });
    ok(&mutate(
        &app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        grant(&first, &batch_six),
    )
    .await);
    // Batch seven and the review (复核) of an earlier batch, in one announcement.
    let batch_seven = announcement(&app, &reviewer, "渝经信发〔2026〕30号").await;
    ok(&mutate(
        &app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        grant(&second, &batch_seven),
    )
    .await);
    ok(&mutate(
        &app,
        &reviewer,
        "renewCredential",
        "RenewCredentialInput",
        grant(&first, &batch_seven),
    )
    .await);

    let body = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on Credential { announcements { act
                announcement { documentNumber url issuingBureau { code } } } } } }",
            json!({ "id": first }),
        )
        .await;
    let acts: Vec<(&str, &str)> = body["data"]["node"]["announcements"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|entry| {
            assert_eq!(entry["announcement"]["issuingBureau"]["code"], "CQ-EIC");
            (
                entry["act"].as_str().unwrap(),
                entry["announcement"]["documentNumber"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        acts,
        [
            ("GRANT", "渝经信发〔2026〕12号"),
            ("RENEW", "渝经信发〔2026〕30号")
        ]
    );

    let body = app
        .query_with(
            r#"{ announcements(filter: {documentNumber: "渝经信发〔2026〕30号"}) { totalCount nodes {
                all: credentials { totalCount } granted: credentials(act: GRANT) { nodes { id } }
                renewed: credentials(act: RENEW) { nodes { id } } } } }"#,
            json!({}),
        )
        .await;
    let listed = &body["data"]["announcements"];
    assert_eq!(listed["totalCount"], 1, "{body}");
    assert_eq!(listed["nodes"][0]["all"]["totalCount"], 2);
    assert_eq!(listed["nodes"][0]["granted"]["nodes"], json!([{ "id": second }]));
    assert_eq!(listed["nodes"][0]["renewed"]["nodes"], json!([{ "id": first }]));
    let body = app
        .query_with(
            "query($a: ID!) { littleGiants(filter: {announcementId: $a}) { nodes { id } } }",
            json!({ "a": batch_six }),
        )
        .await;
    assert_eq!(
        body["data"]["littleGiants"]["nodes"],
        json!([{ "id": first }]),
        "{body}"
    );

    // Exports take the same filter and name each credential's announcements.
    let exported = app
        .client
        .get(format!("{}/export/littleGiants", app.address))
        .query(&[
            ("filter", json!({ "announcementId": batch_seven }).to_string()),
            ("format", "jsonl".to_owned()),
        ])
        .bearer_auth(&reviewer)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows: Vec<Value> = exported
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let announced: Vec<(&Value, &Value)> = rows
        .iter()
        .map(|row| (&row["id"], &row["announcements"]))
        .collect();
    let first_announced = json!(["渝经信发〔2026〕12号", "渝经信发〔2026〕30号"]);
    let second_announced = json!(["渝经信发〔2026〕30号"]);
    assert_eq!(announced.len(), 2, "{exported}");
    assert!(announced.contains(&(&first, &first_announced)), "{exported}");
    assert!(announced.contains(&(&second, &second_announced)), "{exported}");
}

#[tokio::test]
async fn an_announcement_is_numbered_once_by_its_bureau_and_announces_only_its_own_grants() {
    let app = spawn_app().await;
    let reviewer = app.login("cq-eic-reviewer").await;
    announcement(&app, &reviewer, "渝经信发〔2026〕12号").await;
    let again = record(
        &app,
        &reviewer,
        json!({ "documentNumber": " 渝经信发〔2026〕12号 ", "title": "重复", "publishedOn": app.day(0) }),
    )
    .await;
    assert_eq!(
        again["userErrors"],
        json!([{ "field": ["input", "documentNumber"], "code": "CONFLICT" }])
    );
    let bad = record(
        &app,
        &reviewer,
        json!({ "documentNumber": "渝经信发〔2026〕13号", "title": "明日", "publishedOn": app.day(1), "url": "ftp://example" }),
    )
    .await;
    assert_eq!(
        bad["userErrors"],
        json!([
            { "field": ["input", "url"], "code": "INVALID" },
            { "field": ["input", "publishedOn"], "code": "INVALID" }
        ])
    );

    // Sichuan's market regulator may record its own announcements, not announce Chongqing's grants.
    let sichuan = announcement(&app, &app.login("sc-amr-registrar").await, "川市监发〔2026〕5号").await;
    let id = past_notice(&app, 63).await;
    let refused = mutate(
        &app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id, "announcementId": sichuan }),
    )
    .await;
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "announcementId"]),
        "{refused}"
    );
    let body = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on Credential { status announcements { act } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body["data"]["node"],
        json!({ "status": "PUBLIC_NOTICE", "announcements": [] }),
        "nothing of the refused grant was written"
    );
}

#[tokio::test]
async fn an_import_carries_its_announcement() {
    let app = spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let published = announcement(&app, &app.login("cq-eic-reviewer").await, "渝经信发〔2026〕40号").await;
    let mut text = "uscc,tier\n".to_owned();
    for n in 0..3 {
        let holder = register_enterprise(&app, "500112", 70 + n).await;
        let body = app
            .query_with(
                "query($id: ID!) { node(id: $id) { ... on Enterprise { uscc } } }",
                json!({ "id": holder }),
            )
            .await;
        text.push_str(&format!(
            "{},SPECIALIZED_SME\n",
            body["data"]["node"]["uscc"].as_str().unwrap()
        ));
    }
    let body = app
        .upload(
            Some(&registrar),
            "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) { report { imported errors { line } } } }",
            json!({ "kind": "LITTLE_GIANT", "batch": 8, "announcementId": published }),
            text.into_bytes(),
        )
        .await;
    assert_eq!(
        body["data"]["importCredentials"]["report"],
        json!({ "imported": 3, "errors": [] }),
        "{body}"
    );
    let body = app
        .query_as(
            &registrar,
            "query($id: ID!) { node(id: $id) { ... on Announcement { credentials(act: GRANT) { totalCount } } } }",
            json!({ "id": published }),
        )
        .await
        .1;
    assert_eq!(body["data"]["node"]["credentials"]["totalCount"], 3, "{body}");
}
