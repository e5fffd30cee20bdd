//! Every refusal names the rule that refused (`extensions.reason`) and says, in words a registrar
//! understands, which bureau may not do what where; what the caller may not see stays `NOT_FOUND`.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

/// Sends `query` with `input` as `username`; returns the whole body.
async fn as_user(app: &TestApp, username: &str, query: &str, input: Value) -> Value {
    let token = app.login(username).await;
    app.query_as(&token, query, json!({ "input": input })).await.1
}

/// The reason and message of the first error, which must be `FORBIDDEN`.
fn refusal(body: &Value) -> (String, String) {
    assert_eq!(error_code(body), "FORBIDDEN", "{body}");
    let error = &body["errors"][0];
    (
        error["extensions"]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

const CREATE_ENTERPRISE: &str = "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } userErrors { code } } }";

fn enterprise(region: &str, n: u32) -> Value {
    let uscc = registry::domain::Uscc::with_check_character(&format!("91{region}MA8{n:06}")).unwrap();
    json!({ "uscc": uscc.to_string(), "fields": { "name": format!("拒绝测试企业{n}"), "regionCode": region } })
}

#[tokio::test]
async fn a_role_refusal_names_the_operation_and_the_role_it_needs() {
    let app = spawn_app().await;
    let body = as_user(&app, "cq-amr-viewer", CREATE_ENTERPRISE, enterprise("500103", 1)).await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "ROLE");
    assert_eq!(
        message,
        "createEnterprise is for REGISTRAR; cq-amr-viewer does not hold that role"
    );
}

#[tokio::test]
async fn a_jurisdiction_refusal_names_the_bureau_and_the_region_outside_it() {
    let app = spawn_app().await;
    let body = as_user(
        &app,
        "cq-amr-registrar",
        CREATE_ENTERPRISE,
        enterprise("510104", 2),
    )
    .await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "JURISDICTION");
    assert_eq!(
        message,
        "重庆市市场监督管理局 may register only inside region 500000 and below; 510104 lies outside its jurisdiction"
    );
}

/// A demo Chongqing enterprise's ID.
async fn chongqing_enterprise(app: &TestApp) -> Value {
    app.data(r#"{ enterprises(first: 1, filter: {region: {code: "500103"}}) { nodes { id } } }"#)
        .await["enterprises"]["nodes"][0]["id"]
        .clone()
}

#[tokio::test]
async fn a_competence_refusal_names_the_kind_the_bureau_does_not_grant() {
    let app = spawn_app().await;
    let holder = chongqing_enterprise(&app).await;
    let body = as_user(
        &app,
        "cq-amr-registrar",
        "mutation($input: ProposeLittleGiantInput!) { proposeLittleGiant(input: $input) { credential { id } } }",
        json!({ "holderId": holder, "tier": "SPECIALIZED_SME", "batch": 6 }),
    )
    .await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "COMPETENCE");
    assert_eq!(
        message,
        "重庆市市场监督管理局 (MARKET_REGULATION) does not grant LITTLE_GIANT credentials"
    );
}

#[tokio::test]
async fn a_level_refusal_says_which_levels_the_bureau_acts_at() {
    let app = spawn_app().await;
    let officer = app
        .data(r#"{ chiefQualityOfficers(first: 1, filter: {region: {code: "500000"}}) { nodes { holder { ... on Person { id } } ... on ChiefQualityOfficer { employer { id } } } } }"#)
        .await;
    let officer = &officer["chiefQualityOfficers"]["nodes"][0];
    let body = as_user(
        &app,
        "cq-amr-registrar",
        "mutation($input: ProposeChiefQualityOfficerInput!) { proposeChiefQualityOfficer(input: $input) { credential { id } } }",
        json!({ "holderId": officer["holder"]["id"], "employerId": officer["employer"]["id"],
                "level": "COUNTY", "certificateNumber": "CQO-LEVEL-0001" }),
    )
    .await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "LEVEL");
    assert_eq!(
        message,
        "重庆市市场监督管理局 proposes credentials of its own level or nominates higher ones; COUNTY is below it"
    );
}

#[tokio::test]
async fn a_party_refusal_names_the_bureau_that_is_not_a_party() {
    let app = spawn_app().await;
    let agreement = app
        .data(
            r#"{ recognitionAgreements(filter: {status: ACTIVE, covers: QUALITY_AWARD}) { nodes { id } } }"#,
        )
        .await["recognitionAgreements"]["nodes"][0]["id"]
        .clone();
    let body = as_user(
        &app,
        "cq-eic-admin",
        "mutation($input: EndAgreementInput!) { suspendAgreement(input: $input) { agreement { id } } }",
        json!({ "agreementId": agreement }),
    )
    .await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "NOT_A_PARTY");
    assert_eq!(
        message,
        "重庆市经济和信息化委员会 is not a party to this agreement"
    );
}

#[tokio::test]
async fn an_administration_refusal_says_whose_accounts_the_admin_manages() {
    let app = spawn_app().await;
    let sichuan = app.data(r#"{ bureau(code: "SC-AMR") { id } }"#).await["bureau"]["id"].clone();
    let body = as_user(
        &app,
        "cq-amr-admin",
        "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }",
        json!({ "username": "sc-intruder", "displayName": "越权账号", "password": "a long enough password",
                "bureauId": sichuan, "roles": ["REGISTRAR"] }),
    )
    .await;
    let (reason, message) = refusal(&body);
    assert_eq!(reason, "ADMINISTRATION");
    assert!(
        message.starts_with("重庆市市场监督管理局 manages the accounts of its own bureau"),
        "{message}"
    );
}

#[tokio::test]
async fn a_hidden_record_answers_not_found_exactly_like_a_missing_one() {
    let app = spawn_app().await;
    // A Sichuan nomination still in review: Chongqing's reviewer may not see it.
    let sysadmin = app.login("sysadmin").await;
    let (_, hidden) = app
        .query_as(
            &sysadmin,
            r#"{ littleGiants(first: 1, filter: {region: {code: "510000"}, status: SUBMITTED}) { nodes { id } } }"#,
            json!({}),
        )
        .await;
    let hidden = hidden["data"]["littleGiants"]["nodes"][0]["id"].clone();
    let missing = registry::ids::encode(registry::ids::NodeType::Credential, uuid::Uuid::now_v7());
    let approve = "mutation($input: ApproveCredentialInput!) { approveCredential(input: $input) { credential { id } userErrors { field message code } } }";
    let reviewer = "cq-eic-reviewer";
    let of_hidden = as_user(&app, reviewer, approve, json!({ "id": hidden })).await;
    let of_missing = as_user(&app, reviewer, approve, json!({ "id": missing })).await;
    assert_eq!(
        of_hidden["data"]["approveCredential"]["userErrors"][0]["code"], "NOT_FOUND",
        "{of_hidden}"
    );
    assert_eq!(of_hidden, of_missing, "nothing tells the two apart");
}
