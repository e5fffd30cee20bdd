//! Registrars register and edit enterprises: validated, audited, and safe against concurrent edits.

use entity::{audit_event, enterprise};
use registry_tests::{error_code, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const CREATE: &str = "mutation($input: CreateEnterpriseInput!) {
    createEnterprise(input: $input) { enterprise { id uscc name version region { name } } userErrors { field message code } } }";
const UPDATE: &str = "mutation($input: UpdateEnterpriseInput!) {
    updateEnterprise(input: $input) { enterprise { name version } userErrors { field code } } }";

#[tokio::test]
async fn a_registrar_registers_an_enterprise_that_is_then_found_by_its_code() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": " 914403001922038216 ".to_lowercase(),
        "fields": { "name": "重庆示例登记有限公司", "regionCode": "500103", "registeredCapitalCny": "5000000" } } });
    let (_, body) = app.query_as(&registrar, CREATE, input.clone()).await;
    let created = &body["data"]["createEnterprise"];
    assert_eq!(created["userErrors"], json!([]), "{body}");
    assert_eq!(created["enterprise"]["uscc"], "914403001922038216");
    assert_eq!(created["enterprise"]["version"], 1);
    let found = app
        .data(r#"{ enterprise(uscc: "914403001922038216") { name region { name } } }"#)
        .await;
    assert_eq!(found["enterprise"]["region"]["name"], "渝中区");
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("CREATE_ENTERPRISE"))
        .count(&app.db);
    assert_eq!(events.await.unwrap(), 1);

    let (_, again) = app.query_as(&registrar, CREATE, input).await;
    assert_eq!(
        again["data"]["createEnterprise"]["userErrors"][0]["code"],
        "TAKEN"
    );
}

#[tokio::test]
async fn bad_fields_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": "914403001922038217",
        "fields": { "name": "重庆示例", "regionCode": "500103" } } });
    let (_, body) = app.query_as(&registrar, CREATE, input).await;
    let error = &body["data"]["createEnterprise"]["userErrors"][0];
    assert_eq!(error["field"], json!(["input", "uscc"]));
    assert_eq!(error["message"], "check character should be 6");
    let input = json!({ "input": { "uscc": "914403001922038216",
        "fields": { "name": " ", "regionCode": "999999", "registeredCapitalCny": "-1" } } });
    let (_, body) = app.query_as(&registrar, CREATE, input).await;
    let fields: Vec<&str> = body["data"]["createEnterprise"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"][1].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "regionCode", "registeredCapitalCny"]);
    // Sound fields outside the registrar's jurisdiction are refused outright; the attempt is recorded
    // as refused, and nothing else is.
    let input = json!({ "input": { "uscc": "914403001922038216", "fields": { "name": "成都示例", "regionCode": "510107" } } });
    assert_eq!(
        error_code(&app.query_as(&registrar, CREATE, input).await.1),
        "FORBIDDEN"
    );
    let events = audit_event::Entity::find().all(&app.db).await.unwrap();
    let recorded: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(recorded, [("CREATE_ENTERPRISE", "REFUSED")]);
    assert_eq!(
        enterprise::Entity::find()
            .filter(enterprise::Column::Uscc.eq("914403001922038216"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_edit_of_a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let first = app
        .data(
            r#"{ enterprises(first: 1, filter: {region: {code: "500112"}}) { nodes { id name version } } }"#,
        )
        .await;
    let enterprise = &first["enterprises"]["nodes"][0];
    let edit = |name: &str, version: i64| {
        json!({ "input": { "id": enterprise["id"], "expectedVersion": version,
            "fields": { "name": name, "regionCode": "500112" } } })
    };
    // Two registrars edit the same version at once: exactly one wins.
    let (a, b) = tokio::join!(
        app.query_as(&registrar, UPDATE, edit("甲改名有限公司", 1)),
        app.query_as(&registrar, UPDATE, edit("乙改名有限公司", 1))
    );
    let outcomes = [&a.1, &b.1];
    let winners = outcomes
        .iter()
        .filter(|body| body["data"]["updateEnterprise"]["enterprise"]["version"] == 2)
        .count();
    let conflicts: Vec<_> = outcomes
        .iter()
        .filter(|body| error_code(body) == "CONFLICT")
        .collect();
    assert_eq!((winners, conflicts.len()), (1, 1), "{a:?} {b:?}");
    assert_eq!(conflicts[0]["errors"][0]["extensions"]["currentVersion"], 2);

    let (_, stale) = app.query_as(&registrar, UPDATE, edit("丙改名有限公司", 1)).await;
    assert_eq!(error_code(&stale), "CONFLICT");
    let now = app
        .data(r#"{ enterprises(first: 1, filter: {region: {code: "500112"}}) { nodes { name version } } }"#)
        .await;
    assert_eq!(now["enterprises"]["nodes"][0]["version"], 2);
    assert_ne!(now["enterprises"]["nodes"][0]["name"], "丙改名有限公司");
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("UPDATE_ENTERPRISE"))
        .count(&app.db);
    assert_eq!(events.await.unwrap(), 1, "only the committed edit is audited");
}

const CREATE_BRAND: &str = "mutation($input: CreateBrandInput!) {
    createBrand(input: $input) { brand { id name kind niceClasses holderOrganisation } userErrors { field message code } } }";
const CREATE_GI: &str = "mutation($input: CreateGeographicIndicationInput!) {
    createGeographicIndication(input: $input) { geographicIndication { id name protectedAreas { code } registeringBureau { code } }
    userErrors { field message code } } }";

#[tokio::test]
async fn a_registrar_registers_a_regional_public_brand_with_its_holder_and_classes() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "name": "渝东南山货", "kind": "REGIONAL_PUBLIC", "holderOrganisation": "重庆市某县农产品协会",
        "regionCode": "500241", "niceClasses": [29, 31] } });
    let (_, body) = app.query_as(&registrar, CREATE_BRAND, input).await;
    let brand = &body["data"]["createBrand"]["brand"];
    assert_eq!(brand["niceClasses"], json!([29, 31]), "{body}");
    let found = app
        .data(r#"{ brands(filter: {nameContains: "渝东南山货"}) { totalCount } }"#)
        .await;
    assert_eq!(found["brands"]["totalCount"], 1);

    // A regional public brand held by an enterprise, with a class that does not exist: both named.
    let enterprise = app
        .data(r#"{ enterprises(first: 1, filter: {region: {code: "500103"}}) { nodes { id } } }"#)
        .await["enterprises"]["nodes"][0]["id"]
        .clone();
    let input = json!({ "input": { "name": "错误品牌", "kind": "REGIONAL_PUBLIC", "holderEnterpriseId": enterprise,
        "regionCode": "500103", "niceClasses": [46] } });
    let (_, body) = app.query_as(&registrar, CREATE_BRAND, input).await;
    let fields: Vec<&str> = body["data"]["createBrand"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"][1].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["holderOrganisation", "niceClasses"]);
    // Sichuan's brands are Sichuan's registrars' to register.
    let input = json!({ "input": { "name": "川味", "kind": "REGIONAL_PUBLIC", "holderOrganisation": "协会", "regionCode": "510104" } });
    assert_eq!(
        error_code(&app.query_as(&registrar, CREATE_BRAND, input).await.1),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_competent_registrar_registers_a_geographic_indication_with_its_protected_areas() {
    let app = spawn_app().await;
    let input = json!({ "input": { "name": "示例脐橙", "protectionType": "GI_PRODUCT", "registrationNumber": "GI-TEST-0001",
        "holderOrganisation": "示例县脐橙协会", "regionCode": "500236", "protectedAreaCodes": ["500236", "500237"] } });
    // Industry and IT bureaus do not deal with geographic indications.
    let industry = app.login("cq-eic-registrar").await;
    assert_eq!(
        error_code(&app.query_as(&industry, CREATE_GI, input.clone()).await.1),
        "FORBIDDEN"
    );
    let registrar = app.login("cq-amr-registrar").await;
    let (_, body) = app.query_as(&registrar, CREATE_GI, input.clone()).await;
    let created = &body["data"]["createGeographicIndication"]["geographicIndication"];
    assert_eq!(
        created["protectedAreas"],
        json!([{ "code": "500236" }, { "code": "500237" }]),
        "{body}"
    );
    assert_eq!(created["registeringBureau"]["code"], "CQ-AMR");
    let (_, again) = app.query_as(&registrar, CREATE_GI, input).await;
    assert_eq!(
        again["data"]["createGeographicIndication"]["userErrors"][0]["code"],
        "TAKEN"
    );
}

#[tokio::test]
async fn free_text_over_its_limit_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let uscc = registry::domain::Uscc::with_check_character("91500103MA7LM0001").unwrap();
    let long_name = "长".repeat(201);
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } } }",
            json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": long_name, "regionCode": "500103" } } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.fields.name");
    assert_eq!(
        body["errors"][0]["message"],
        "input.fields.name: at most 200 characters, got 201"
    );
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } } }",
            json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": "地址过长企业", "regionCode": "500103",
                "address": "路".repeat(2_001) } } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.fields.address",
        "{body}"
    );
    // At the limit, it is accepted.
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { name } } }",
            json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": "长".repeat(200), "regionCode": "500103" } } }),
        )
        .await;
    assert_eq!(
        body["data"]["createEnterprise"]["enterprise"]["name"],
        "长".repeat(200),
        "{body}"
    );
}
