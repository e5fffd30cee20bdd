//! Mutual recognition through the HTTP API: the Chongqing–Sichuan case end to end (DESIGN §6), the
//! recognition-aware lists, and what staff of the recognising region may and may not do.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

use super::lifecycle::{mutate, ok, past_notice, program, register_enterprise_as};

/// A 天府质量奖 granted by Sichuan's market regulator to a fresh Sichuan enterprise a month ago;
/// returns the credential's ID and the enterprise's USCC.
async fn sichuan_award(app: &TestApp, n: u32) -> (Value, String) {
    let registrar = app.login("sc-amr-registrar").await;
    let reviewer = app.login("sc-amr-reviewer").await;
    let holder = register_enterprise_as(app, "sc-amr-registrar", "510104", n).await;
    let input =
        json!({ "holderId": holder, "programId": program(app, "TIANFU_QUALITY").await, "year": 2026 });
    let id = past_notice(
        app,
        &registrar,
        &reviewer,
        ("proposeQualityAward", "ProposeQualityAwardInput", input),
    )
    .await;
    let granted = mutate(
        app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id, "validFrom": app.day(-30) }),
    )
    .await;
    ok(&granted);
    let uscc = app
        .data(&format!(
            r#"{{ node(id: "{}") {{ ... on Enterprise {{ uscc }} }} }}"#,
            holder
        ))
        .await["node"]["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, uscc)
}

/// The verdict on `credential` in `region` on `as_of`: (outcome, reason, agreement title).
async fn verdict(app: &TestApp, credential: &Value, region: &str, as_of: &str) -> (String, String, Value) {
    let body = app
        .query_with(
            "query($id: ID!, $region: String!, $asOf: Date) { recognitionVerdict(credentialId: $id, regionCode: $region, asOf: $asOf) { outcome reason agreement { title } } }",
            json!({ "id": credential, "region": region, "asOf": as_of }),
        )
        .await;
    let found = &body["data"]["recognitionVerdict"];
    assert!(found.is_object(), "{body}");
    (
        found["outcome"].as_str().unwrap().to_owned(),
        found["reason"].as_str().unwrap().to_owned(),
        found["agreement"]["title"].clone(),
    )
}

/// Runs an agreement mutation as `token`; returns its payload.
async fn agreement_step(app: &TestApp, token: &str, mutation: &str, input_type: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ agreement {{ id status activatedOn isActive }} userErrors {{ field message code }} }} }}"
    );
    let (_, body) = app.query_as(token, &query, json!({ "input": input })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"][mutation].clone()
}

/// Lists or unlists as `token`; returns the payload.
async fn listing(app: &TestApp, token: &str, mutation: &str, agreement: &Value, credential: &Value) -> Value {
    let query = format!(
        "mutation($input: ListingInput!) {{ {mutation}(input: $input) {{ listing {{ listedOn listedBy unlistedOn }} userErrors {{ field message code }} }} }}"
    );
    let input = json!({ "agreementId": agreement, "credentialId": credential });
    app.query_as(token, &query, json!({ "input": input })).await.1
}

async fn bureau_id(app: &TestApp, code: &str) -> Value {
    app.data(&format!(r#"{{ bureau(code: "{code}") {{ id }} }}"#))
        .await["bureau"]["id"]
        .clone()
}

#[tokio::test]
async fn a_sichuan_award_counts_in_chongqing_only_as_the_agreement_says() {
    let app = spawn_app().await;
    let (award, uscc) = sichuan_award(&app, 1).await;
    let (unlisted_award, _) = sichuan_award(&app, 2).await;
    let cq_admin = app.login("cq-amr-admin").await;
    let sc_admin = app.login("sc-amr-admin").await;

    // The demo's agreement lists its own 75 winners, not this one.
    let (outcome, reason, _) = verdict(&app, &award, "500000", &app.day(15)).await;
    assert_eq!(outcome, "NOT_RECOGNISED");
    assert!(reason.contains("not listed"), "{reason}");
    assert_eq!(verdict(&app, &award, "510000", &app.day(15)).await.0, "LOCAL");

    // Chongqing proposes an agreement from day 10 on; it is pending until Sichuan confirms.
    let input = json!({
        "title": "川渝质量奖互认（测试）", "signedOn": app.day(0), "effectiveFrom": app.day(10), "mode": "LISTED",
        "partyBureauIds": [bureau_id(&app, "CQ-AMR").await, bureau_id(&app, "SC-AMR").await],
        "scope": ["QUALITY_AWARD"],
    });
    let created = agreement_step(&app, &cq_admin, "createAgreement", "CreateAgreementInput", input).await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    assert_eq!(created["agreement"]["status"], "PENDING");
    let agreement = created["agreement"]["id"].clone();

    // Sichuan lists its award (the list may be drawn up before confirming); Chongqing may not list a
    // credential granted outside its jurisdiction.
    let listed = listing(&app, &sc_admin, "listCredential", &agreement, &award).await;
    assert_eq!(
        listed["data"]["listCredential"]["listing"]["listedOn"],
        app.day(0),
        "{listed}"
    );
    assert_eq!(
        listed["data"]["listCredential"]["listing"]["listedBy"],
        "sc-amr-admin"
    );
    let foreign = listing(&app, &cq_admin, "listCredential", &agreement, &unlisted_award).await;
    assert_eq!(error_code(&foreign), "FORBIDDEN", "{foreign}");
    assert_eq!(
        verdict(&app, &award, "500000", &app.day(15)).await.0,
        "NOT_RECOGNISED",
        "pending"
    );

    let confirm = json!({ "agreementId": agreement });
    let confirmed = agreement_step(
        &app,
        &sc_admin,
        "confirmAgreement",
        "ConfirmAgreementInput",
        confirm.clone(),
    )
    .await;
    assert_eq!(confirmed["agreement"]["status"], "ACTIVE", "{confirmed}");
    assert_eq!(confirmed["agreement"]["activatedOn"], app.day(0));
    let again = agreement_step(
        &app,
        &cq_admin,
        "confirmAgreement",
        "ConfirmAgreementInput",
        confirm,
    )
    .await;
    assert_eq!(again["userErrors"][0]["code"], "CONFLICT", "{again}");

    // Valid in Chongqing from the effective date, through the agreement; not before it.
    let (outcome, reason, title) = verdict(&app, &award, "500000", &app.day(15)).await;
    assert_eq!(outcome, "AGREEMENT", "{reason}");
    assert_eq!(title, "川渝质量奖互认（测试）");
    assert_eq!(
        verdict(&app, &award, "500103", &app.day(15)).await.0,
        "AGREEMENT",
        "a district too"
    );
    assert_eq!(
        verdict(&app, &award, "500000", &app.day(5)).await.0,
        "NOT_RECOGNISED"
    );
    // Only if listed; never in Shanghai; a kind outside the scope never counts.
    let (outcome, reason, _) = verdict(&app, &unlisted_award, "500000", &app.day(15)).await;
    assert_eq!(outcome, "NOT_RECOGNISED");
    assert!(reason.contains("not listed"), "{reason}");
    assert_eq!(
        verdict(&app, &award, "310000", &app.day(15)).await.0,
        "NOT_RECOGNISED"
    );
    let sichuan_sme = app
        .data(r#"{ littleGiants(first: 1, filter: {region: {code: "510000"}, level: PROVINCIAL, status: GRANTED}) { nodes { id } } }"#)
        .await["littleGiants"]["nodes"][0]["id"]
        .clone();
    let (outcome, reason, _) = verdict(&app, &sichuan_sme, "500000", &app.day(15)).await;
    assert_eq!(outcome, "NOT_RECOGNISED");
    assert!(reason.contains("does not cover LITTLE_GIANT"), "{reason}");
    let out_of_scope = listing(&app, &sc_admin, "listCredential", &agreement, &sichuan_sme).await;
    assert_eq!(
        out_of_scope["data"]["listCredential"]["userErrors"][0]["code"], "INVALID",
        "{out_of_scope}"
    );

    // The lists and the enterprise profile agree with the verdicts.
    let counted = |as_of: String| {
        let app = &app;
        let uscc = uscc.clone();
        async move {
            let body = app
                .query_with(
                    "query($u: String!, $d: Date) { enterprise(uscc: $u) { credentials(validIn: \"500000\", asOf: $d) { id } }
                      qualityAwards(filter: {validIn: \"500000\", asOf: $d, nameContains: \"生命周期测试企业1\"}) { nodes { id } } }",
                    json!({ "u": uscc, "d": as_of }),
                )
                .await;
            let profile = body["data"]["enterprise"]["credentials"]
                .as_array()
                .unwrap()
                .len();
            let listed = body["data"]["qualityAwards"]["nodes"].as_array().unwrap().clone();
            (profile, listed)
        }
    };
    let (profile, listed) = counted(app.day(15)).await;
    assert_eq!(profile, 1);
    assert_eq!(listed, vec![json!({ "id": award })]);
    assert_eq!(counted(app.day(5)).await, (0, vec![]));

    // Chongqing's staff read the recognised award but cannot change it.
    let cq_reviewer = app.login("cq-amr-reviewer").await;
    let revoke = json!({ "id": award, "reason": "重庆无权撤销" });
    let refused = mutate(
        &app,
        &cq_reviewer,
        "revokeCredential",
        "RevokeCredentialInput",
        revoke,
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");

    // Terminated from day 20: later dates say no, earlier ones still yes.
    let end = json!({ "agreementId": agreement, "effectiveOn": app.day(20) });
    let ended = agreement_step(&app, &cq_admin, "terminateAgreement", "EndAgreementInput", end).await;
    assert_eq!(ended["agreement"]["status"], "TERMINATED", "{ended}");
    assert_eq!(
        verdict(&app, &award, "500000", &app.day(25)).await.0,
        "NOT_RECOGNISED"
    );
    assert_eq!(verdict(&app, &award, "500000", &app.day(15)).await.0, "AGREEMENT");
    let in_force = |date: String| {
        let app = &app;
        async move {
            let body = app
                .query_with(
                    "query($d: Date) { recognitionAgreements(filter: {activeOn: $d, partyRegion: {code: \"500000\"}, covers: QUALITY_AWARD}) { nodes { title } } }",
                    json!({ "d": date }),
                )
                .await;
            let nodes = body["data"]["recognitionAgreements"]["nodes"].as_array().cloned();
            let titles: Vec<String> = nodes
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|node| node["title"].as_str().unwrap().to_owned())
                .collect();
            titles
        }
    };
    assert_eq!(
        in_force(app.day(15)).await,
        [
            "川渝质量奖互认（测试）",
            "川渝质量奖获奖者和首席质量官互认合作协议"
        ]
    );
    assert_eq!(
        in_force(app.day(5)).await,
        ["川渝质量奖获奖者和首席质量官互认合作协议"],
        "not yet effective"
    );
    assert_eq!(
        in_force(app.day(25)).await,
        ["川渝质量奖获奖者和首席质量官互认合作协议"],
        "terminated"
    );
    assert!(
        in_force("2021-03-24".to_owned()).await.is_empty(),
        "before the demo agreement"
    );

    // Revoked at home from day 12: never counts from then on, anywhere.
    let sc_reviewer = app.login("sc-amr-reviewer").await;
    let revoke = json!({ "id": award, "reason": "复核未通过", "effectiveOn": app.day(12) });
    ok(&mutate(
        &app,
        &sc_reviewer,
        "revokeCredential",
        "RevokeCredentialInput",
        revoke,
    )
    .await);
    let (outcome, reason, _) = verdict(&app, &award, "500000", &app.day(15)).await;
    assert_eq!(outcome, "NOT_RECOGNISED");
    assert!(reason.contains("revoked"), "{reason}");
    assert_eq!(
        verdict(&app, &award, "510000", &app.day(15)).await.0,
        "NOT_RECOGNISED"
    );
    assert_eq!(verdict(&app, &award, "500000", &app.day(11)).await.0, "AGREEMENT");

    // Every step is in the audit trail.
    let sysadmin = app.login("sysadmin").await;
    let (_, audit) = app
        .query_as(
            &sysadmin,
            "query($id: ID!) { auditEvents(first: 10, filter: {entityId: $id}) { nodes { action actor } } }",
            json!({ "id": agreement }),
        )
        .await;
    let actions: Vec<&str> = audit["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["TERMINATE_AGREEMENT", "CONFIRM_AGREEMENT", "CREATE_AGREEMENT"],
        "{audit}"
    );
}

#[tokio::test]
async fn an_agreement_is_never_ended_retroactively_and_needs_two_parties() {
    let app = spawn_app().await;
    let cq_admin = app.login("cq-amr-admin").await;
    let cq = bureau_id(&app, "CQ-AMR").await;
    let input = json!({
        "title": " ", "signedOn": app.day(0), "effectiveFrom": app.day(10), "effectiveUntil": app.day(5), "mode": "AUTOMATIC",
        "partyBureauIds": [cq], "scope": [],
    });
    let refused = agreement_step(&app, &cq_admin, "createAgreement", "CreateAgreementInput", input).await;
    let fields: Vec<&str> = refused["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"][1].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["title", "partyBureauIds", "scope", "effectiveUntil"],
        "{refused}"
    );

    let demo = app
        .data(r#"{ recognitionAgreements(first: 5, filter: {status: ACTIVE}) { nodes { id title } } }"#)
        .await;
    let active = demo["recognitionAgreements"]["nodes"][0]["id"].clone();
    let end = json!({ "agreementId": active, "effectiveOn": app.day(-1) });
    let late = agreement_step(&app, &cq_admin, "suspendAgreement", "EndAgreementInput", end).await;
    assert_eq!(late["userErrors"][0]["field"][1], "effectiveOn", "{late}");
    assert_eq!(late["userErrors"][0]["code"], "INVALID");
}

const VERIFY: &str = "query($codes: [String!]!) {
    verifyCredentials(usccs: $codes, validIn: \"500000\", asOf: \"2026-06-30\", kinds: [QUALITY_AWARD, CHIEF_QUALITY_OFFICER, LITTLE_GIANT]) {
        uscc codeValid codeProblem known valid
        enterprise { name }
        credentials { credential { id kind status } verdict { outcome reason agreement { title } } }
    }
}";

#[tokio::test]
async fn verifying_a_thousand_codes_costs_as_many_statements_as_ten() {
    use entity::enterprise;
    use sea_orm::{EntityTrait, QueryOrder};
    // A wide batch window, so a busy test machine does not split a level into two batches.
    let options = registry_tests::AppOptions {
        batch_window: std::time::Duration::from_millis(60),
        ..registry_tests::AppOptions::default()
    };
    let app = registry_tests::spawn_app_with(options).await;
    // Enterprises whose listed Sichuan awards count in Chongqing by the demo agreement first, so
    // every sample needs every kind of statement; then Sichuan's and Chongqing's others.
    let recognised = app
        .data(r#"{ qualityAwards(first: 20, filter: {region: {code: "510000"}, validIn: "500000", asOf: "2026-06-30"}) {
            nodes { holder { ... on Enterprise { uscc } } } } }"#)
        .await;
    let mut known: Vec<String> = recognised["qualityAwards"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|node| node["holder"]["uscc"].as_str().map(str::to_owned))
        .collect();
    assert!(!known.is_empty(), "{recognised}");
    let others = enterprise::Entity::find()
        .order_by_desc(enterprise::Column::RegionCode)
        .order_by_asc(enterprise::Column::Uscc)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.uscc);
    for uscc in others {
        if known.len() == 998 {
            break;
        }
        if !known.contains(&uscc) {
            known.push(uscc);
        }
    }
    let unknown = registry::domain::Uscc::with_check_character("91500000MA0000000")
        .unwrap()
        .to_string();
    let mut counts = Vec::new();
    for n in [10, 1_000] {
        let mut codes = vec!["91500000MA00000000".to_owned(), unknown.clone()];
        codes.extend(known.iter().take(n - 2).cloned());
        let (statements, body) = app
            .count_statements(app.query_with(VERIFY, json!({ "codes": codes })))
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let items = body["data"]["verifyCredentials"].as_array().unwrap();
        assert_eq!(items.len(), n);
        // A malformed code and an unknown one are answered in their own items.
        assert_eq!(items[0]["codeValid"], false);
        assert!(
            items[0]["codeProblem"]
                .as_str()
                .unwrap()
                .contains("check character")
        );
        assert_eq!(
            (items[1]["codeValid"].clone(), items[1]["known"].clone()),
            (json!(true), json!(false))
        );
        assert!(items[2..].iter().all(|item| item["known"] == true));
        let by_agreement = items
            .iter()
            .flat_map(|item| item["credentials"].as_array().unwrap())
            .filter(|found| found["verdict"]["outcome"] == "AGREEMENT")
            .count();
        assert!(by_agreement > 0, "Sichuan's listed winners count in Chongqing");
        counts.push(statements);
    }
    eprintln!("SQL statements for 10 / 1,000 codes: {counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
}

#[tokio::test]
async fn more_than_a_thousand_codes_are_refused_naming_the_argument() {
    let app = spawn_app().await;
    let codes = vec!["91500000MA00000000"; 1_001];
    let body = app.query_with(VERIFY, json!({ "codes": codes })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"].as_str().unwrap().contains("usccs"),
        "{body}"
    );
}

#[tokio::test]
async fn chongqing_staff_read_recognised_sichuan_officers_as_an_agency_would() {
    let app = spawn_app().await;
    let query = r#"{ chiefQualityOfficers(first: 3, filter: {region: {code: "510000"}, validIn: "500000"}) {
        totalCount nodes { certificateNumber proposedBy holder { ... on Person { name identityNumber } } } } }"#;
    let public = app.data(query).await;
    let (_, staff) = app
        .query_as(&app.login("cq-amr-viewer").await, query, json!({}))
        .await;
    let staff = &staff["data"];
    assert!(
        staff["chiefQualityOfficers"]["totalCount"].as_u64().unwrap() > 0,
        "{staff}"
    );
    assert_eq!(
        staff["chiefQualityOfficers"]["totalCount"], public["chiefQualityOfficers"]["totalCount"],
        "recognised officers are public records"
    );
    for (seen, anonymous) in staff["chiefQualityOfficers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(public["chiefQualityOfficers"]["nodes"].as_array().unwrap())
    {
        let masked = seen["holder"]["identityNumber"].as_str().unwrap();
        assert!(masked.contains("**********"), "{seen}");
        assert!(anonymous["holder"]["identityNumber"].is_null(), "{anonymous}");
        // Who proposed and reviewed it stays Sichuan's internal matter.
        assert!(seen["proposedBy"].is_null(), "{seen}");
    }
}

#[tokio::test]
async fn a_sichuan_officer_counts_in_chongqing_through_the_persons_own_list() {
    let app = spawn_app().await;
    let found = app
        .data(
            r#"{ chiefQualityOfficers(first: 1, filter: {region: {code: "510000"}, validIn: "500000", asOf: "2025-06-30"}) {
                nodes { id holder { ... on Person { id } } } } }"#,
        )
        .await;
    let officer = &found["chiefQualityOfficers"]["nodes"][0];
    let person = &officer["holder"]["id"];
    assert!(person.is_string(), "{found}");
    let held = |valid_in: Option<&str>, as_of: &str, kinds: Option<Value>| {
        let variables = json!({ "id": person, "validIn": valid_in, "asOf": as_of, "kinds": kinds });
        let app = &app;
        async move {
            let body = app
                .query_with(
                    "query($id: ID!, $validIn: String, $asOf: Date, $kinds: [CredentialKind!]) {
                       node(id: $id) { ... on Person { credentials(validIn: $validIn, asOf: $asOf, kinds: $kinds) { id } } } }",
                    variables,
                )
                .await;
            let list = body["data"]["node"]["credentials"].as_array().cloned();
            let ids: Vec<Value> = list
                .unwrap_or_else(|| panic!("{body}"))
                .into_iter()
                .map(|c| c["id"].clone())
                .collect();
            ids
        }
    };
    let just_the_officer = vec![officer["id"].clone()];
    assert_eq!(
        held(Some("500000"), "2025-06-30", None).await,
        just_the_officer,
        "listed under the agreement"
    );
    assert_eq!(
        held(Some("510104"), "2025-06-30", None).await,
        just_the_officer,
        "local in Sichuan"
    );
    assert_eq!(
        held(None, "2025-06-30", None).await,
        just_the_officer,
        "in force on the date"
    );
    assert!(
        held(Some("310000"), "2025-06-30", None).await.is_empty(),
        "Shanghai recognises nothing"
    );
    assert!(
        held(Some("500000"), "2021-03-24", None).await.is_empty(),
        "before the agreement"
    );
    assert!(
        held(None, "2021-03-24", None).await.is_empty(),
        "not yet certified"
    );
    let awards_only = Some(json!(["QUALITY_AWARD"]));
    assert!(
        held(Some("500000"), "2025-06-30", awards_only).await.is_empty(),
        "only the kinds asked for"
    );
}

#[tokio::test]
async fn brand_and_indication_lists_count_where_their_granting_bureau_reaches() {
    let app = spawn_app().await;
    let found = app
        .data(
            r#"{ giAuthorizations(first: 1, filter: {region: {code: "500000"}, level: NATIONAL}) { nodes { geographicIndication { id } } }
                 brandRecognitions(first: 1, filter: {region: {code: "500000"}, level: PROVINCIAL}) { nodes { brand { id } } } }"#,
        )
        .await;
    let indication = &found["giAuthorizations"]["nodes"][0]["geographicIndication"]["id"];
    let brand = &found["brandRecognitions"]["nodes"][0]["brand"]["id"];
    let lists = |node: &Value, field: &str| {
        let query = format!(
            r#"query($id: ID!) {{ node(id: $id) {{ {field}(asOf: "2026-06-30") {{ id }} }} }}
               chongqing: node(id: $id) {{ {field}(validIn: "500000", asOf: "2026-06-30") {{ id }} }} }}
               sichuan: node(id: $id) {{ {field}(validIn: "510000", asOf: "2026-06-30") {{ id }} }} }} }}"#
        );
        let variables = json!({ "id": node });
        let app = &app;
        async move {
            let body = app.query_with(&query, variables).await;
            let in_force = body["data"]["node"]["list"].clone();
            assert!(
                !in_force.as_array().unwrap_or_else(|| panic!("{body}")).is_empty(),
                "{body}"
            );
            (
                in_force,
                body["data"]["chongqing"]["list"].clone(),
                body["data"]["sichuan"]["list"].clone(),
            )
        }
    };

    // Special-mark authorisations are granted nationally (CNIPA): local everywhere.
    let (in_force, chongqing, sichuan) =
        lists(indication, "... on GeographicIndication { list: authorizations").await;
    assert_eq!(chongqing, in_force);
    assert_eq!(sichuan, in_force, "a national grant counts in every region");

    // A Chongqing licence counts at home, and in Sichuan no agreement covers brand recognitions.
    let (in_force, chongqing, sichuan) = lists(brand, "... on Brand { list: recognitions").await;
    assert_eq!(chongqing, in_force);
    assert_eq!(sichuan, json!([]), "outside the agreement's scope");
}

/// How many Sichuan quality awards counted in Chongqing in mid-2024.
const COUNTED_IN_2024: &str = r#"{ qualityAwards(filter: {region: {code: "510000"}, validIn: "500000", asOf: "2024-06-30"}) { totalCount } }"#;

#[tokio::test]
async fn listing_again_keeps_the_earlier_listing_period() {
    let app = spawn_app().await;
    let sc_admin = app.login("sc-amr-admin").await;
    let found = app
        .data(
            r#"{ qualityAwards(first: 1, filter: {region: {code: "510000"}, validIn: "500000", asOf: "2024-06-30"}) { nodes { id } }
                 recognitionAgreements(first: 1, filter: {status: ACTIVE, partyRegion: {code: "510000"}}) { nodes { id } } }"#,
        )
        .await;
    let award = found["qualityAwards"]["nodes"][0]["id"].clone();
    let agreement = found["recognitionAgreements"]["nodes"][0]["id"].clone();
    assert_eq!(
        verdict(&app, &award, "500000", "2024-06-30").await.0,
        "AGREEMENT",
        "{found}"
    );
    let counted_before = app.data(COUNTED_IN_2024).await;
    assert!(
        counted_before["qualityAwards"]["totalCount"].as_u64() > Some(0),
        "{counted_before}"
    );

    // Sichuan takes the award off the demo agreement's list and puts it back the same day.
    let unlisted = listing(&app, &sc_admin, "unlistCredential", &agreement, &award).await;
    let closed = &unlisted["data"]["unlistCredential"]["listing"];
    assert_eq!(closed["listedOn"], "2021-03-25", "{unlisted}");
    assert_eq!(closed["unlistedOn"], app.day(0), "{unlisted}");
    let relisted = listing(&app, &sc_admin, "listCredential", &agreement, &award).await;
    let open = &relisted["data"]["listCredential"]["listing"];
    assert_eq!(open["listedOn"], app.day(0), "{relisted}");
    assert!(open["unlistedOn"].is_null(), "{relisted}");

    // The earlier period still answers for its dates, and the new one from today.
    let (outcome, reason, _) = verdict(&app, &award, "500000", "2024-06-30").await;
    assert_eq!(outcome, "AGREEMENT", "{reason}");
    let (outcome, reason, _) = verdict(&app, &award, "500000", &app.day(0)).await;
    assert_eq!(outcome, "AGREEMENT", "{reason}");
    assert_eq!(
        app.data(COUNTED_IN_2024).await,
        counted_before,
        "the list for 2024 is as it was"
    );

    // Listing twice while listed is refused.
    let twice = listing(&app, &sc_admin, "listCredential", &agreement, &award).await;
    assert_eq!(
        twice["data"]["listCredential"]["userErrors"][0]["code"], "CONFLICT",
        "{twice}"
    );
}

#[tokio::test]
async fn a_suspended_agreement_is_resumed_by_a_party_and_each_period_keeps_answering() {
    let app = spawn_app().await;
    let cq_admin = app.login("cq-amr-admin").await;
    let sc_admin = app.login("sc-amr-admin").await;
    let found = app
        .data(r#"{ qualityAwards(first: 1, filter: {region: {code: "510000"}, validIn: "500000"}) { nodes { id } }
                   recognitionAgreements(filter: {status: ACTIVE, covers: QUALITY_AWARD}) { nodes { id title } } }"#)
        .await;
    let award = found["qualityAwards"]["nodes"][0]["id"].clone();
    let agreement = found["recognitionAgreements"]["nodes"][0]["id"].clone();
    let on = |offset: i64| app.day(offset);

    let suspend = json!({ "agreementId": agreement, "effectiveOn": on(5) });
    let suspended = agreement_step(&app, &sc_admin, "suspendAgreement", "EndAgreementInput", suspend).await;
    assert_eq!(suspended["agreement"]["status"], "SUSPENDED", "{suspended}");

    let too_early = json!({ "agreementId": agreement, "effectiveOn": on(3) });
    let refused = agreement_step(&app, &cq_admin, "resumeAgreement", "EndAgreementInput", too_early).await;
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "effectiveOn"]),
        "{refused}"
    );
    let back_dated = json!({ "agreementId": agreement, "effectiveOn": on(-1) });
    let refused = agreement_step(
        &app,
        &cq_admin,
        "resumeAgreement",
        "EndAgreementInput",
        back_dated,
    )
    .await;
    assert_eq!(refused["userErrors"][0]["code"], "INVALID", "{refused}");

    let resume = json!({ "agreementId": agreement, "effectiveOn": on(12) });
    let resumed = agreement_step(
        &app,
        &cq_admin,
        "resumeAgreement",
        "EndAgreementInput",
        resume.clone(),
    )
    .await;
    assert_eq!(resumed["agreement"]["status"], "ACTIVE", "{resumed}");
    let twice = agreement_step(&app, &cq_admin, "resumeAgreement", "EndAgreementInput", resume).await;
    assert_eq!(twice["userErrors"][0]["code"], "CONFLICT", "{twice}");

    // Suspended again later: each period answers for its own dates.
    let again = json!({ "agreementId": agreement, "effectiveOn": on(20) });
    agreement_step(&app, &sc_admin, "suspendAgreement", "EndAgreementInput", again).await;
    for (offset, expected) in [
        (3, "AGREEMENT"),
        (8, "NOT_RECOGNISED"),
        (15, "AGREEMENT"),
        (25, "NOT_RECOGNISED"),
    ] {
        assert_eq!(
            verdict(&app, &award, "500000", &on(offset)).await.0,
            expected,
            "day {offset}"
        );
    }
    let periods = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on RecognitionAgreement { suspensions { suspendedFrom resumedFrom } } } }",
            json!({ "id": agreement }),
        )
        .await;
    assert_eq!(
        periods["data"]["node"]["suspensions"],
        json!([
            { "suspendedFrom": on(5), "resumedFrom": on(12) },
            { "suspendedFrom": on(20), "resumedFrom": null },
        ]),
        "{periods}"
    );
    let (_, audited) = app
        .query_as(
            &cq_admin,
            r#"{ auditEvents(filter: {action: "RESUME_AGREEMENT"}) { totalCount nodes { actor } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(audited["data"]["auditEvents"]["totalCount"], 1, "{audited}");
}
