//! Browsing the demo registry through the public API.

use registry_tests::{error_code, spawn_app};
use serde_json::json;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn the_demo_registry_reproduces_the_published_chongqing_counts() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            national: littleGiants(filter: {tier: LITTLE_GIANT, region: {code: "500000"}, asOf: "2026-11-01"}) { totalCount }
            municipal: littleGiants(filter: {tier: SPECIALIZED_SME, region: {code: "500000"}, level: PROVINCIAL}) { totalCount }
            factories: greenDesignations(filter: {greenKind: FACTORY, level: NATIONAL, status: GRANTED, region: {code: "500000"}}) { totalCount }
            parks: greenDesignations(filter: {greenKind: INDUSTRIAL_PARK, level: NATIONAL}) { totalCount }
            products: greenDesignations(filter: {greenKind: DESIGN_PRODUCT, level: NATIONAL}) { totalCount }
            chains: greenDesignations(filter: {greenKind: SUPPLY_CHAIN, level: NATIONAL}) { totalCount }
            cityFactories: greenDesignations(filter: {greenKind: FACTORY, level: PROVINCIAL}) { totalCount }
            cityParks: greenDesignations(filter: {greenKind: INDUSTRIAL_PARK, level: PROVINCIAL}) { totalCount }
            gis: geographicIndications(filter: {protectionType: AGRICULTURAL_PRODUCT, region: {code: "500000"}}) { totalCount }
            awards: qualityAwards(filter: {level: PROVINCIAL, region: {code: "500000"}}) { totalCount }
        }"#,
        )
        .await;
    let counts: Vec<i64> = [
        "national",
        "municipal",
        "factories",
        "parks",
        "products",
        "chains",
        "cityFactories",
        "cityParks",
        "gis",
    ]
    .iter()
    .map(|key| data[key]["totalCount"].as_i64().unwrap())
    .collect();
    assert_eq!(counts, vec![255, 3_850, 81, 8, 60, 8, 250, 20, 70]);
    // 40 mayor's awards and 10 巴渝杯 awards are provincial-level awards in Chongqing.
    assert_eq!(data["awards"]["totalCount"], 50);
}

#[tokio::test]
async fn a_regional_public_brand_lists_its_licensees() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ brands(filter: {nameContains: "巴味渝珍"}) { nodes { name kind holderOrganisation holderEnterprise { name } recognitions { __typename } } } }"#)
        .await;
    let brand = &data["brands"]["nodes"][0];
    assert_eq!(brand["kind"], "REGIONAL_PUBLIC");
    assert_eq!(brand["holderEnterprise"], serde_json::Value::Null);
    assert_eq!(brand["recognitions"].as_array().unwrap().len(), 292);
}

#[tokio::test]
async fn an_enterprise_is_found_by_its_uscc_in_any_case_with_spaces() {
    let app = spawn_app().await;
    let first = app
        .data("{ enterprises(first: 1, orderBy: {field: USCC}) { nodes { uscc name } } }")
        .await;
    let uscc = first["enterprises"]["nodes"][0]["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    let sloppy = format!("  {} ", uscc.to_lowercase());
    let body = app
        .query_with(
            "query($u: String!) { enterprise(uscc: $u) { uscc name } }",
            json!({ "u": sloppy }),
        )
        .await;
    assert_eq!(body["data"]["enterprise"]["uscc"], uscc.as_str());
}

#[tokio::test]
async fn an_invalid_uscc_is_refused_naming_the_field_and_the_reason() {
    let app = spawn_app().await;
    let body = app
        .query(r#"{ enterprise(uscc: "914403001922038217") { name } }"#)
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "uscc");
    assert_eq!(body["errors"][0]["message"], "uscc: check character should be 6");
    let body = app
        .query(r#"{ enterprise(uscc: "91440300192203821") { name } }"#)
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("wrong length")
    );
}

#[tokio::test]
async fn region_filters_include_sub_regions_unless_told_not_to() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            city: enterprises(filter: {region: {code: "500000"}}) { totalCount }
            cityOnly: enterprises(filter: {region: {code: "500000", includeSubRegions: false}}) { totalCount }
            district: enterprises(filter: {region: {code: "500112"}}) { totalCount }
            sichuan: enterprises(filter: {region: {code: "510000"}}) { totalCount }
            chengdu: enterprises(filter: {region: {code: "510100"}}) { totalCount }
        }"#,
        )
        .await;
    // 4,400 generated in the districts above, and the 48 GI-mark users in their products' areas.
    assert_eq!(data["city"]["totalCount"], 4_448);
    assert_eq!(data["cityOnly"]["totalCount"], 0);
    assert_eq!(data["district"]["totalCount"], 220);
    assert_eq!(data["sichuan"]["totalCount"], 260);
    // Four of Sichuan's eight generated places are Chengdu districts.
    assert_eq!(data["chengdu"]["totalCount"], 132);
}

#[tokio::test]
async fn an_unknown_region_is_a_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let body = app
        .query(r#"{ enterprises(filter: {region: {code: "999999"}}) { totalCount } }"#)
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.region.code");
}

#[tokio::test]
async fn name_search_folds_case_and_full_width_forms() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            halfWidth: brands(filter: {nameContains: "pro 2"}) { totalCount }
            fullWidth: brands(filter: {nameContains: "ＰＲＯ　２"}) { totalCount }
            chinese: enterprises(filter: {nameContains: "渝北宏达"}) { totalCount nodes { name } }
        }"#,
        )
        .await;
    assert_eq!(data["halfWidth"]["totalCount"], 2);
    assert_eq!(data["fullWidth"]["totalCount"], 2);
    assert!(data["chinese"]["totalCount"].as_i64().unwrap() > 0);
    for node in data["chinese"]["nodes"].as_array().unwrap() {
        assert!(node["name"].as_str().unwrap().contains("渝北宏达"));
    }
}

#[tokio::test]
async fn regions_form_a_tree_and_abolished_codes_point_to_their_successor() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            chongqing: regions(parentCode: "500000") { code }
            old: region(code: "510124") { name abolishedOn successor { code name } parent { name } }
        }"#,
        )
        .await;
    let districts = data["chongqing"].as_array().unwrap();
    assert_eq!(districts.len(), 38, "26 districts and 12 counties in force");
    assert_eq!(data["old"]["successor"]["name"], "郫都区");
    assert_eq!(data["old"]["parent"]["name"], "成都市");
}

#[tokio::test]
async fn the_public_never_sees_personal_identity_numbers_or_phones() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ chiefQualityOfficers(first: 50) { nodes { holder { ... on Person { name identityNumber phone } } } } }"#)
        .await;
    let nodes = data["chiefQualityOfficers"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 50);
    for node in nodes {
        assert!(node["holder"]["name"].is_string());
        assert!(node["holder"]["identityNumber"].is_null());
        assert!(node["holder"]["phone"].is_null());
    }
}

#[tokio::test]
async fn the_recognition_agreement_lists_its_parties_and_scope() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ recognitionAgreements(filter: {status: ACTIVE}) { nodes { title mode scope parties { bureau { code } confirmedAt } } } }"#)
        .await;
    let agreement = &data["recognitionAgreements"]["nodes"][0];
    assert_eq!(agreement["mode"], "LISTED");
    let mut scope: Vec<&str> = agreement["scope"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    scope.sort_unstable();
    assert_eq!(scope, vec!["CHIEF_QUALITY_OFFICER", "QUALITY_AWARD"]);
    let mut parties: Vec<&str> = agreement["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["bureau"]["code"].as_str().unwrap())
        .collect();
    parties.sort_unstable();
    assert_eq!(parties, vec!["CQ-AMR", "SC-AMR"]);
}
