//! `statistics` on the demo data reproduces the figures of DESIGN §1, rolls regions up, and counts
//! recognition the way the lists do.

use registry_tests::spawn_app;
use serde_json::{Value, json};

/// (key, count) of each group, the key being the grouped values joined by '/'.
fn groups(body: &Value, keys: &[&str]) -> Vec<(String, u64)> {
    body["statistics"]["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|group| {
            let key: Vec<String> = keys
                .iter()
                .map(|key| match &group[*key] {
                    Value::String(text) => text.clone(),
                    Value::Object(region) => region["code"].as_str().unwrap_or_default().to_owned(),
                    other => other.to_string(),
                })
                .collect();
            (key.join("/"), group["count"].as_u64().unwrap())
        })
        .collect()
}

/// Checks that `statistics` on `app`'s demo data gives DESIGN §1's Chongqing figures.
async fn assert_chongqing_figures(app: &registry_tests::TestApp) {
    let body = app
        .data(
            r#"{ statistics(filter: {region: {code: "500000"}, status: GRANTED, kinds: [LITTLE_GIANT, GREEN]},
                 groupBy: [KIND, LEVEL, TIER, GREEN_KIND]) { total groups { count kind level tier greenKind } } }"#,
        )
        .await;
    let found = groups(&body, &["kind", "level", "tier", "greenKind"]);
    for expected in [
        ("LITTLE_GIANT/NATIONAL/LITTLE_GIANT/null", 255),
        ("LITTLE_GIANT/PROVINCIAL/SPECIALIZED_SME/null", 3_850),
        ("GREEN/NATIONAL/null/FACTORY", 81),
        ("GREEN/NATIONAL/null/INDUSTRIAL_PARK", 8),
        ("GREEN/NATIONAL/null/DESIGN_PRODUCT", 60),
        ("GREEN/NATIONAL/null/SUPPLY_CHAIN", 8),
        ("GREEN/PROVINCIAL/null/FACTORY", 250),
        ("GREEN/PROVINCIAL/null/INDUSTRIAL_PARK", 20),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} in {found:?}"
        );
    }
    let total: u64 = found.iter().map(|(_, count)| count).sum();
    assert_eq!(body["statistics"]["total"], total);
}

#[tokio::test]
async fn the_demo_statistics_reproduce_the_chongqing_figures() {
    let app = spawn_app().await;
    assert_chongqing_figures(&app).await;

    // The Chongqing–Sichuan agreement's lists: 75 quality-award winners and 220 chief quality officers.
    let agreement = app
        .data(r#"{ recognitionAgreements(first: 1, filter: {status: ACTIVE, covers: QUALITY_AWARD}) { nodes { id } } }"#)
        .await["recognitionAgreements"]["nodes"][0]["id"]
        .clone();
    let listed = app
        .query_with(
            "query($a: ID!) { statistics(filter: {listedUnder: $a}, groupBy: [KIND]) { groups { count kind } } }",
            json!({ "a": agreement }),
        )
        .await;
    let listed = groups(&listed["data"], &["kind"]);
    assert_eq!(
        listed,
        [
            ("CHIEF_QUALITY_OFFICER".to_owned(), 220),
            ("QUALITY_AWARD".to_owned(), 75)
        ]
    );

    // Shanghai: 150+ chief quality officers.
    let shanghai = app
        .data(
            r#"{ statistics(filter: {region: {code: "310000"}, kinds: [CHIEF_QUALITY_OFFICER]}) { total } }"#,
        )
        .await;
    assert!(
        shanghai["statistics"]["total"].as_u64().unwrap() >= 150,
        "{shanghai}"
    );
}

#[tokio::test]
async fn regions_roll_up_to_the_level_asked_for() {
    let app = spawn_app().await;
    let by_province = app
        .data(r#"{ statistics(filter: {kinds: [LITTLE_GIANT], status: GRANTED}, groupBy: [REGION]) { total groups { count region { code } } } }"#)
        .await;
    let provinces = groups(&by_province, &["region"]);
    let codes: Vec<&str> = provinces.iter().map(|(code, _)| code.as_str()).collect();
    assert!(codes.iter().all(|code| code.ends_with("0000")), "{codes:?}");
    assert!(
        codes.contains(&"500000") && codes.contains(&"510000"),
        "{codes:?}"
    );

    // National green listings per district: Chongqing's districts hang under the municipality, so at
    // the prefectural level each district is its own group; together they are every listing.
    let per_district = app
        .data(
            r#"{ statistics(filter: {region: {code: "500000"}, kinds: [GREEN], level: NATIONAL, status: GRANTED},
                 groupBy: [REGION], regionLevel: PREFECTURAL) { total groups { count region { code level } } } }"#,
        )
        .await;
    let districts = per_district["statistics"]["groups"].as_array().unwrap();
    assert!(districts.len() > 1, "{per_district}");
    assert!(
        districts
            .iter()
            .all(|g| g["region"]["level"] == "COUNTY" && g["region"]["code"] != "500000"),
        "{per_district}"
    );
    assert_eq!(per_district["statistics"]["total"], 81 + 8 + 60 + 8);
}

#[tokio::test]
async fn statistics_count_what_is_valid_in_a_region_on_a_date() {
    let app = spawn_app().await;
    // Sichuan's 35 listed 天府质量奖 winners count in Chongqing by the agreement; Sichuan's other
    // awards (none in the demo) would not.
    let body = app
        .data(
            r#"{ statistics(filter: {kinds: [QUALITY_AWARD], validIn: "500000", asOf: "2026-06-30"}, groupBy: [REGION]) {
                 groups { count region { code } } } }"#,
        )
        .await;
    let found = groups(&body, &["region"]);
    assert!(found.contains(&("510000".to_owned(), 35)), "{found:?}");
    // Before the agreement was signed, none did.
    let before = app
        .data(
            r#"{ statistics(filter: {kinds: [QUALITY_AWARD], validIn: "500000", asOf: "2021-01-01", region: {code: "510000"}}) { total } }"#,
        )
        .await;
    assert_eq!(before["statistics"]["total"], 0, "{before}");
    // And by state: expired officers are not granted ones.
    let states = app
        .data(r#"{ statistics(filter: {kinds: [CHIEF_QUALITY_OFFICER], region: {code: "500000"}}, groupBy: [STATUS]) { groups { count status } } }"#)
        .await;
    let states = groups(&states, &["status"]);
    assert!(states.iter().any(|(state, _)| state == "EXPIRED"), "{states:?}");
    assert!(states.iter().any(|(state, _)| state == "GRANTED"), "{states:?}");
}

/// What the seed documents describe as current, counted on the app's today.
async fn current_figures(app: &registry_tests::TestApp) -> Value {
    app.data(
        r#"{
        nationalLittleGiants: littleGiants(filter: {tier: LITTLE_GIANT, region: {code: "500000"}, status: GRANTED}) { totalCount }
        nationalFactories: greenDesignations(filter: {greenKind: FACTORY, level: NATIONAL, region: {code: "500000"}, status: GRANTED}) { totalCount }
        shanghaiBrands: statistics(filter: {kinds: [BRAND_RECOGNITION], region: {code: "310000"}, status: GRANTED}) { total }
        licences: brands(filter: {nameContains: "巴味渝珍"}) { nodes { recognitions(validIn: "500000") { id } } }
        sichuanAwards: qualityAwards(filter: {region: {code: "510000"}, validIn: "500000"}) { totalCount }
        sichuanOfficers: chiefQualityOfficers(filter: {region: {code: "510000"}, validIn: "500000"}) { totalCount }
        chongqingOfficers: chiefQualityOfficers(filter: {region: {code: "500000"}, validIn: "510000"}) { totalCount }
        agreements: recognitionAgreements(filter: {status: ACTIVE, covers: CHIEF_QUALITY_OFFICER}) { nodes { isActive } }
    }"#,
    )
    .await
}

#[tokio::test]
async fn the_demo_is_current_on_whatever_day_it_is_loaded() {
    let days = [
        Some(chrono::NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()),
        Some(chrono::NaiveDate::from_ymd_opt(2031, 6, 1).unwrap()),
        // The wall clock, as a server without REGISTRY_TODAY runs (moved by faketime in CI).
        None,
    ];
    for today in days {
        let app = registry_tests::spawn_app_with(registry_tests::AppOptions {
            today,
            ..Default::default()
        })
        .await;
        assert_chongqing_figures(&app).await;
        let figures = current_figures(&app).await;
        let day = app.clock.today();
        assert_eq!(
            figures["nationalLittleGiants"]["totalCount"], 255,
            "{day}: {figures}"
        );
        assert_eq!(figures["nationalFactories"]["totalCount"], 81, "{day}");
        assert_eq!(figures["shanghaiBrands"]["total"], 72, "{day}: 上海品牌");
        assert_eq!(
            figures["licences"]["nodes"][0]["recognitions"]
                .as_array()
                .map(Vec::len),
            Some(292),
            "{day}: 巴味渝珍"
        );
        assert_eq!(figures["sichuanAwards"]["totalCount"], 35, "{day}");
        assert_eq!(figures["sichuanOfficers"]["totalCount"], 100, "{day}");
        assert_eq!(figures["chongqingOfficers"]["totalCount"], 120, "{day}");
        assert_eq!(
            figures["agreements"]["nodes"],
            json!([{ "isActive": true }]),
            "{day}"
        );
    }
}

/// What `token` (the public when `None`) counts in Chongqing: `littleGiants { totalCount }`, and the
/// little giants of each district grouped by region and kind (read from the tallies) and by region,
/// kind and level (counted row by row) folded over the level, which must agree.
async fn chongqing_little_giants(
    app: &registry_tests::TestApp,
    token: Option<&str>,
) -> (u64, Vec<(String, u64)>) {
    let ask = async |query: &str| {
        let (status, body) = match token {
            Some(token) => app.query_as(token, query, json!({})).await,
            None => (200, app.query(query).await),
        };
        assert_eq!(status, 200, "{body}");
        body["data"].clone()
    };
    let listed = ask(r#"{ littleGiants(filter: {region: {code: "500000"}}) { totalCount } }"#).await;
    let counted = |groups_of: &str| {
        format!(
            r#"{{ statistics(filter: {{region: {{code: "500000"}}, kinds: [LITTLE_GIANT]}}, regionLevel: COUNTY,
                 groupBy: [{groups_of}]) {{ groups {{ count kind level region {{ code }} }} }} }}"#
        )
    };
    let tallied = groups(&ask(&counted("REGION, KIND")).await, &["region", "kind"]);
    let mut by_level = std::collections::BTreeMap::<String, u64>::new();
    for (key, count) in groups(&ask(&counted("REGION, KIND, LEVEL")).await, &["region", "kind"]) {
        *by_level.entry(key).or_default() += count;
    }
    let mut tallied_sorted = tallied.clone();
    tallied_sorted.sort();
    assert_eq!(tallied_sorted, by_level.into_iter().collect::<Vec<_>>());
    (listed["littleGiants"]["totalCount"].as_u64().unwrap(), tallied)
}

#[tokio::test]
async fn counts_by_region_and_kind_follow_each_credential_through_its_states() {
    use crate::lifecycle::{let_notice_end, mutate, ok, on_notice, register_enterprise};
    let app = spawn_app().await;
    let staff = app.login("cq-eic-reviewer").await;
    let total = |counts: &(u64, Vec<(String, u64)>)| counts.1.iter().map(|(_, n)| n).sum::<u64>();
    let yubei = |counts: &(u64, Vec<(String, u64)>)| {
        counts
            .1
            .iter()
            .find(|(key, _)| key == "500112/LITTLE_GIANT")
            .map_or(0, |(_, n)| *n)
    };
    let public_before = chongqing_little_giants(&app, None).await;
    let staff_before = chongqing_little_giants(&app, Some(&staff)).await;
    assert_eq!(
        public_before.0,
        total(&public_before),
        "the list's count is the statistics' total"
    );

    let enterprise = register_enterprise(&app, "500112", 7).await;
    let input = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 });
    let registrar = app.login("cq-eic-registrar").await;
    let id = on_notice(
        &app,
        &registrar,
        &staff,
        ("proposeLittleGiant", "ProposeLittleGiantInput", input),
    )
    .await;
    // On notice: the public sees one more in Yubei; staff saw it from the draft on.
    let public_noticed = chongqing_little_giants(&app, None).await;
    assert_eq!(public_noticed.0, public_before.0 + 1);
    assert_eq!(yubei(&public_noticed), yubei(&public_before) + 1);
    let staff_noticed = chongqing_little_giants(&app, Some(&staff)).await;
    assert_eq!(staff_noticed.0, staff_before.0 + 1);

    let_notice_end(&app, &id).await;
    let today = app.clock.today();
    let granted = mutate(
        &app,
        &staff,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id, "validFrom": today.to_string(), "validUntil": (today + chrono::Days::new(1_000)).to_string() }),
    )
    .await;
    assert_eq!(ok(&granted)["status"], "GRANTED");
    let revoked = mutate(
        &app,
        &staff,
        "revokeCredential",
        "RevokeCredentialInput",
        json!({ "id": id, "reason": "复核未通过", "effectiveOn": today.to_string() }),
    )
    .await;
    assert_eq!(ok(&revoked)["status"], "REVOKED");
    // Granted, then revoked: still one more, in the same district, for both.
    let public_after = chongqing_little_giants(&app, None).await;
    assert_eq!(public_after.0, public_before.0 + 1);
    assert_eq!(yubei(&public_after), yubei(&public_before) + 1);
    assert_eq!(total(&public_after), public_after.0);
    let staff_after = chongqing_little_giants(&app, Some(&staff)).await;
    assert_eq!(staff_after.0, staff_before.0 + 1);
    assert_eq!(total(&staff_after), staff_after.0);
}
