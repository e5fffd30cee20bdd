//! Names are found whichever script they are written or asked in: simplified and traditional characters,
//! full width and half width, upper and lower case all fold to one search form; and by the names an
//! enterprise had before.

use registry_tests::spawn_app;
use serde_json::json;

const CREATE_ENTERPRISE: &str = "mutation($input: CreateEnterpriseInput!) {
    createEnterprise(input: $input) { enterprise { name } userErrors { field message } } }";

#[tokio::test]
async fn traditional_characters_find_simplified_names_and_the_other_way_round() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            simplified: enterprises(filter: {nameContains: "重庆"}) { totalCount }
            traditional: enterprises(filter: {nameContains: "重慶"}) { totalCount }
        }"#,
        )
        .await;
    let simplified = data["simplified"]["totalCount"].as_u64().unwrap();
    assert!(simplified > 1_000, "{data}");
    assert_eq!(data["traditional"]["totalCount"].as_u64(), Some(simplified));
}

#[tokio::test]
async fn a_name_registered_in_traditional_script_is_found_by_a_simplified_query() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": "914403001922038216",
        "fields": { "name": "重慶渝中示範電子科技有限公司", "regionCode": "500103" } } });
    let (_, body) = app.query_as(&registrar, CREATE_ENTERPRISE, input).await;
    assert_eq!(
        body["data"]["createEnterprise"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(
        body["data"]["createEnterprise"]["enterprise"]["name"], "重慶渝中示範電子科技有限公司",
        "the name is kept as written"
    );
    let data = app
        .data(
            r#"{
            simplified: enterprises(filter: {nameContains: "示范电子"}) { nodes { name } }
            traditional: enterprises(filter: {nameContains: "示範電子"}) { nodes { name } }
            mixed: enterprises(filter: {nameContains: "渝中示範电子"}) { nodes { name } }
        }"#,
        )
        .await;
    for query in ["simplified", "traditional", "mixed"] {
        assert_eq!(
            data[query]["nodes"],
            json!([{ "name": "重慶渝中示範電子科技有限公司" }]),
            "{query}: {data}"
        );
    }
}

#[tokio::test]
async fn a_renamed_enterprise_is_found_by_its_former_name_which_it_lists() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": "914403001922038216",
        "fields": { "name": "重庆旧名示例科技有限公司", "regionCode": "500103", "establishedOn": "2015-04-01" } } });
    let (_, body) = app.query_as(&registrar, CREATE_ENTERPRISE, input).await;
    assert_eq!(
        body["data"]["createEnterprise"]["userErrors"],
        json!([]),
        "{body}"
    );
    app.update_enterprise(
        &registrar,
        "914403001922038216",
        json!({ "name": "重庆新名示例智能科技有限公司", "regionCode": "500103", "establishedOn": "2015-04-01" }),
    )
    .await;

    let data = app
        .data(
            r#"{
            profile: enterprise(uscc: "914403001922038216") { name formerNames { name usedFrom usedUntil } }
            byFormerName: enterprises(filter: {nameContains: "旧名示例"}) { nodes { name } }
            inTraditionalScript: enterprises(filter: {nameContains: "舊名示例"}) { nodes { name } }
            byName: enterprises(filter: {nameContains: "新名示例"}) { nodes { name } }
        }"#,
        )
        .await;
    assert_eq!(data["profile"]["name"], "重庆新名示例智能科技有限公司");
    assert_eq!(
        data["profile"]["formerNames"],
        json!([{ "name": "重庆旧名示例科技有限公司", "usedFrom": "2015-04-01", "usedUntil": app.day(0) }])
    );
    let renamed = json!([{ "name": "重庆新名示例智能科技有限公司" }]);
    assert_eq!(data["byFormerName"]["nodes"], renamed, "{data}");
    assert_eq!(data["inTraditionalScript"]["nodes"], renamed, "{data}");
    assert_eq!(data["byName"]["nodes"], renamed, "{data}");
}

#[tokio::test]
async fn credential_lists_find_a_holder_by_a_name_it_had_before() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let before = app
        .data(r#"{ enterprise(uscc: "91500101MA000014XF") { name } }"#)
        .await;
    assert_eq!(before["enterprise"]["name"], "重庆万州三峡新材料科技有限公司");
    app.update_enterprise(
        &registrar,
        "91500101MA000014XF",
        json!({ "name": "重庆峡江新材料科技有限公司", "regionCode": "500101" }),
    )
    .await;

    let data = app
        .data(
            r#"{
            formerName: littleGiants(filter: {nameContains: "万州三峡新材料"}) { nodes { holder { ... on Enterprise { name } } } }
            newName: littleGiants(filter: {nameContains: "峡江新材料"}) { totalCount }
        }"#,
        )
        .await;
    assert_eq!(
        data["formerName"]["nodes"],
        json!([{ "holder": { "name": "重庆峡江新材料科技有限公司" } }]),
        "{data}"
    );
    assert_eq!(data["newName"]["totalCount"], 1);
}
