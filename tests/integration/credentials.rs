//! Credential states, validity on a date, and what the public may see.

use registry_tests::spawn_app;

#[tokio::test]
async fn proposals_in_review_are_invisible_to_the_public() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            batch8: littleGiants(filter: {batch: 8}) { totalCount }
            submitted: littleGiants(filter: {status: SUBMITTED}) { totalCount }
            drafts: littleGiants(filter: {status: DRAFT}) { totalCount }
        }"#,
        )
        .await;
    assert_eq!(data["batch8"]["totalCount"], 0);
    assert_eq!(data["submitted"]["totalCount"], 0);
    assert_eq!(data["drafts"]["totalCount"], 0);
}

#[tokio::test]
async fn a_granted_credential_past_its_validity_reads_as_expired() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            expired: littleGiants(filter: {batch: 3, tier: LITTLE_GIANT}) {
                totalCount
                nodes { status validUntil isValid validThen: isValid(asOf: "2023-01-01") }
            }
            byStatus: littleGiants(filter: {status: EXPIRED}) { totalCount }
        }"#,
        )
        .await;
    assert_eq!(data["expired"]["totalCount"], 12);
    assert_eq!(data["byStatus"]["totalCount"], 12);
    for node in data["expired"]["nodes"].as_array().unwrap() {
        assert_eq!(node["status"], "EXPIRED");
        assert_eq!(node["validUntil"], "2024-07-01");
        assert_eq!(node["isValid"], false);
        assert_eq!(node["validThen"], true);
    }
}

#[tokio::test]
async fn a_revoked_credential_still_answers_for_the_dates_before_its_revocation() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            revoked: littleGiants(filter: {status: REVOKED}) { totalCount nodes { revokedOn revocationReason isValid(asOf: "2025-04-30") after: isValid(asOf: "2025-05-01") } }
            before: littleGiants(filter: {tier: LITTLE_GIANT, batch: 6, region: {code: "500000"}, asOf: "2025-04-30"}) { totalCount }
            after: littleGiants(filter: {tier: LITTLE_GIANT, batch: 6, region: {code: "500000"}, asOf: "2025-05-01"}) { totalCount }
        }"#,
        )
        .await;
    assert_eq!(data["revoked"]["totalCount"], 3);
    let revoked = &data["revoked"]["nodes"][0];
    assert_eq!(revoked["revokedOn"], "2025-05-01");
    assert_eq!(revoked["isValid"], true);
    assert_eq!(revoked["after"], false);
    assert!(revoked["revocationReason"].as_str().unwrap().contains("复核"));
    assert_eq!(data["before"]["totalCount"], 153);
    assert_eq!(data["after"]["totalCount"], 150);
}

#[tokio::test]
async fn an_enterprise_profile_shows_every_visible_credential_by_kind() {
    let app = spawn_app().await;
    // The first generated Chongqing enterprise is a municipal SME, a national and a key little giant.
    let data = app
        .data(
            r#"{ enterprises(first: 1, filter: {nameContains: "重庆渝北宏达精工"}) { nodes {
                name
                credentials { __typename kind status }
                littleGiantDesignations { ... on LittleGiantDesignation { tier grantingBureau { code } } }
                national: credentials(kinds: [LITTLE_GIANT], asOf: "2025-08-01") { level }
                greenDesignations { kind }
            } } }"#,
        )
        .await;
    let enterprise = &data["enterprises"]["nodes"][0];
    let mut tiers: Vec<&str> = enterprise["littleGiantDesignations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["tier"].as_str().unwrap())
        .collect();
    tiers.sort_unstable();
    assert_eq!(tiers, vec!["KEY_LITTLE_GIANT", "LITTLE_GIANT", "SPECIALIZED_SME"]);
    assert_eq!(enterprise["credentials"].as_array().unwrap().len(), 3);
    assert_eq!(enterprise["national"].as_array().unwrap().len(), 3);
    assert_eq!(enterprise["greenDesignations"], serde_json::json!([]));
}

#[tokio::test]
async fn green_parks_have_no_holder_but_name_the_park() {
    let app = spawn_app().await;
    let data = app
        .data(r#"{ greenDesignations(first: 8, filter: {greenKind: INDUSTRIAL_PARK, level: NATIONAL}) { nodes { holder { __typename } subjectName region { name } } } }"#)
        .await;
    for node in data["greenDesignations"]["nodes"].as_array().unwrap() {
        assert!(node["holder"].is_null());
        assert!(node["subjectName"].as_str().unwrap().starts_with("重庆"));
    }
}

#[tokio::test]
async fn award_lists_filter_by_programme() {
    let app = spawn_app().await;
    let programs = app
        .data(r#"{ awardPrograms(filter: {level: NATIONAL}) { nodes { id code maxWinnersPerEdition } } }"#)
        .await;
    let cqa = programs["awardPrograms"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "CHINA_QUALITY_AWARD")
        .unwrap()
        .clone();
    assert_eq!(cqa["maxWinnersPerEdition"], 10);
    let body = app
        .query_with(
            "query($p: ID!) { qualityAwards(filter: {programId: $p}) { totalCount nodes { program { code } edition } } }",
            serde_json::json!({ "p": cqa["id"] }),
        )
        .await;
    assert_eq!(body["data"]["qualityAwards"]["totalCount"], 10);
    assert_eq!(
        body["data"]["qualityAwards"]["nodes"][0]["program"]["code"],
        "CHINA_QUALITY_AWARD"
    );
}
