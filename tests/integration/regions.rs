//! The whole GB/T 2260 tree ships with the project: every division in force and the codes abolished
//! since 2000 with their successors, so an enterprise can be registered anywhere in China, and a filter by
//! an abolished code still finds what lies under its successors.

use entity::bureau;
use registry::domain::Uscc;
use registry_tests::{TestApp, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const CREATE_ENTERPRISE: &str = "mutation($input: CreateEnterpriseInput!) {
    createEnterprise(input: $input) { enterprise { uscc region { name } } userErrors { field message code } } }";

/// A valid USCC of an enterprise registered by an authority in `region` (its check character computed).
fn uscc_in(region: &str, serial: &str) -> String {
    Uscc::with_check_character(&format!("91{region}{serial}"))
        .unwrap()
        .to_string()
}

/// Registers an enterprise as the holder of `token`; returns the payload.
async fn register(app: &TestApp, token: &str, uscc: &str, name: &str, region: &str) -> Value {
    let input = json!({ "input": { "uscc": uscc, "fields": { "name": name, "regionCode": region } } });
    let (_, body) = app.query_as(token, CREATE_ENTERPRISE, input).await;
    body["data"]["createEnterprise"].clone()
}

#[tokio::test]
async fn every_province_prefecture_and_county_in_force_is_there() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            provinces: regions(level: PROVINCIAL) { code }
            counties: regions(level: COUNTY) { code }
            guangdong: regions(parentCode: "440000") { code }
            yuncheng: region(code: "445302") { name level parent { name parent { name } } abolishedOn }
        }"#,
        )
        .await;
    let count = |name: &str| data[name].as_array().map_or(0, Vec::len);
    assert_eq!(
        count("provinces"),
        34,
        "provinces, autonomous regions, municipalities, SARs"
    );
    assert_eq!(
        count("counties"),
        2846,
        "county-level divisions in force at the end of 2024"
    );
    assert_eq!(count("guangdong"), 21, "Guangdong's prefecture-level cities");
    assert_eq!(data["yuncheng"]["name"], "云城区");
    assert_eq!(data["yuncheng"]["level"], "COUNTY");
    assert_eq!(data["yuncheng"]["parent"]["name"], "云浮市");
    assert_eq!(data["yuncheng"]["parent"]["parent"]["name"], "广东省");
    assert_eq!(data["yuncheng"]["abolishedOn"], Value::Null);
}

#[tokio::test]
async fn a_national_registrar_registers_an_enterprise_in_a_guangdong_county() {
    let app = spawn_app().await;
    let samr = bureau::Entity::find()
        .filter(bureau::Column::Code.eq("SAMR"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let admin = app.login("sysadmin").await;
    let (_, created) = app
        .query_as(
            &admin,
            "mutation($input: CreateUserInput!) { createUser(input: $input) { userErrors { message } } }",
            json!({ "input": { "username": "samr-registrar", "displayName": "总局登记员",
                "password": "a long enough password", "roles": ["REGISTRAR"],
                "bureauId": registry::ids::encode(registry::ids::NodeType::Bureau, samr.id) } }),
        )
        .await;
    assert_eq!(
        created["data"]["createUser"]["userErrors"],
        json!([]),
        "{created}"
    );
    let signed_in = app
        .query_with(
            "mutation { login(input: {username: \"samr-registrar\", password: \"a long enough password\"}) { accessToken } }",
            json!({}),
        )
        .await;
    let registrar = signed_in["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let uscc = uscc_in("445302", "MA0000001");
    let payload = register(&app, &registrar, &uscc, "云浮市示例石材有限公司", "445302").await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    assert_eq!(payload["enterprise"]["region"]["name"], "云城区");
}

#[tokio::test]
async fn a_filter_by_an_abolished_chongqing_code_finds_what_lies_under_its_successor() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    // 綦江县 (500222) became 綦江区 (500110) in 2011; older licences still carry the county's code.
    let old_licence = uscc_in("500222", "MA0000001");
    let payload = register(&app, &registrar, &old_licence, "綦江示例齿轮有限公司", "500110").await;
    assert_eq!(
        payload["userErrors"],
        json!([]),
        "a USCC with an abolished code: {payload}"
    );
    let new_licence = uscc_in("500110", "MA0000002");
    let payload = register(&app, &registrar, &new_licence, "綦江示例农业有限公司", "500110").await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");

    let data = app
        .data(
            r#"{
            old: enterprises(first: 100, filter: { region: { code: "500222" } }) { totalCount nodes { uscc } }
            now: enterprises(filter: { region: { code: "500110" } }) { totalCount }
            chongqing: enterprises(filter: { region: { code: "500000" } }) { totalCount }
            county: region(code: "500222") { name abolishedOn successors { code name } }
            district: region(code: "500110") { predecessors { code name } }
        }"#,
        )
        .await;
    let found: Vec<&str> = data["old"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|node| node["uscc"].as_str())
        .collect();
    assert!(found.contains(&old_licence.as_str()), "{found:?}");
    assert!(found.contains(&new_licence.as_str()), "{found:?}");
    assert_eq!(
        data["old"]["totalCount"], data["now"]["totalCount"],
        "the old code finds what lies under 綦江区 now"
    );
    assert!(
        data["chongqing"]["totalCount"].as_u64() > data["now"]["totalCount"].as_u64(),
        "and no more: {data}"
    );
    assert_eq!(data["county"]["name"], "綦江县");
    assert_eq!(data["county"]["abolishedOn"], "2011-10-27");
    assert_eq!(
        data["county"]["successors"],
        json!([{ "code": "500110", "name": "綦江区" }])
    );
    let predecessors = data["district"]["predecessors"].as_array().unwrap();
    assert!(
        predecessors.iter().any(|region| region["code"] == "500222"),
        "{predecessors:?}"
    );
}
