//! The credential lifecycle through the HTTP API, for every kind: propose → submit → approve (public
//! notice) → grant → renew → revoke, each step by the user whose job it is, with the refusals along the
//! way (wrong role, wrong state, maker-checker, notice not ended).

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const FIELDS: &str =
    "id kind status version proposedBy reviewedBy noticeStartsOn noticeEndsOn validFrom validUntil
    revokedOn revocationReason isValid periods { validFrom validUntil decidedOn }";

/// Runs `mutation` (a field taking `input`) as the holder of `token`; returns its payload.
pub async fn mutate(app: &TestApp, token: &str, mutation: &str, input_type: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ credential {{ {FIELDS} }} userErrors {{ field message code }} }} }}"
    );
    let (_, body) = app.query_as(token, &query, json!({ "input": input })).await;
    if body["errors"].is_array() {
        return body;
    }
    body["data"][mutation].clone()
}

/// The credential of a payload that must have succeeded.
pub fn ok(payload: &Value) -> &Value {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    &payload["credential"]
}

/// Registers an enterprise in `region` through the API and returns its ID.
pub async fn register_enterprise(app: &TestApp, region: &str, n: u32) -> String {
    register_enterprise_as(app, "cq-amr-registrar", region, n).await
}

/// Registers an enterprise in `region` as `registrar` through the API and returns its ID.
pub async fn register_enterprise_as(app: &TestApp, registrar: &str, region: &str, n: u32) -> String {
    let registrar = app.login(registrar).await;
    let uscc = registry::domain::Uscc::with_check_character(&format!("91{region}MA9{n:06}")).unwrap();
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } userErrors { message } } }",
            json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": format!("生命周期测试企业{n}"), "regionCode": region } } }),
        )
        .await;
    body["data"]["createEnterprise"]["enterprise"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Who does what for one kind.
struct Desk {
    registrar: &'static str,
    reviewer: &'static str,
}

/// Takes a proposal through the whole lifecycle and checks each step and the refusals around it.
async fn whole_lifecycle(app: &TestApp, desk: Desk, propose: (&str, &str, Value)) {
    let registrar = app.login(desk.registrar).await;
    let reviewer = app.login(desk.reviewer).await;
    let (mutation, input_type, input) = propose;
    // Dates of the story, counted from the day it starts.
    let start = app.clock.today();
    let day = |offset: u64| (start + chrono::Days::new(offset)).to_string();

    let draft = mutate(app, &registrar, mutation, input_type, input).await;
    let draft = ok(&draft).clone();
    assert_eq!(draft["status"], "DRAFT");
    assert_eq!(draft["proposedBy"], desk.registrar);
    let id = draft["id"].clone();
    let public = app
        .query_with("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }))
        .await;
    assert_eq!(
        public["data"]["node"],
        Value::Null,
        "the public never sees a draft"
    );

    // A reviewer cannot approve a draft: the state says why.
    let early = mutate(
        app,
        &reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(early["userErrors"][0]["code"], "CONFLICT");
    assert_eq!(
        early["userErrors"][0]["message"],
        "the credential is DRAFT; approveCredential needs SUBMITTED"
    );

    let submitted = mutate(
        app,
        &registrar,
        "submitCredential",
        "CredentialStepInput",
        json!({ "id": id, "expectedVersion": 1 }),
    )
    .await;
    assert_eq!(ok(&submitted)["status"], "SUBMITTED");
    assert_eq!(ok(&submitted)["version"], 2);

    // A registrar may not approve.
    let refused = mutate(
        app,
        &registrar,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    let noticed = mutate(
        app,
        &reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id, "noticeStartsOn": day(1), "noticeEndsOn": day(10) }),
    )
    .await;
    let noticed = ok(&noticed);
    assert_eq!(noticed["status"], "PUBLIC_NOTICE");
    assert_eq!(noticed["noticeStartsOn"], day(1));
    assert_eq!(noticed["noticeEndsOn"], day(10));
    assert_eq!(noticed["reviewedBy"], desk.reviewer);
    let public = app
        .query_with("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }))
        .await;
    assert_eq!(public["data"]["node"]["id"], id, "a notice is public");
    app.clock.set(start + chrono::Days::new(11));

    let granted = mutate(
        app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id, "validFrom": day(11), "validUntil": day(1_100) }),
    )
    .await;
    let granted = ok(&granted);
    assert_eq!(granted["status"], "GRANTED");
    assert_eq!(granted["validFrom"], day(11));
    assert_eq!(granted["periods"].as_array().unwrap().len(), 1);

    let renewed = mutate(
        app,
        &reviewer,
        "renewCredential",
        "RenewCredentialInput",
        json!({ "id": id, "validUntil": day(2_200) }),
    )
    .await;
    let renewed = ok(&renewed);
    assert_eq!(renewed["status"], "GRANTED");
    assert_eq!(renewed["validFrom"], day(11), "validity runs on without a gap");
    assert_eq!(renewed["validUntil"], day(2_200));
    let periods: Vec<(&Value, &Value)> = renewed["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (&p["validFrom"], &p["validUntil"]))
        .collect();
    assert_eq!(
        periods,
        [
            (&json!(day(11)), &json!(day(1_100))),
            (&json!(day(1_100)), &json!(day(2_200)))
        ],
        "each period kept"
    );

    let revoked = mutate(
        app,
        &reviewer,
        "revokeCredential",
        "RevokeCredentialInput",
        json!({ "id": id, "reason": "复核未通过", "effectiveOn": day(40) }),
    )
    .await;
    let revoked = ok(&revoked);
    assert_eq!(revoked["status"], "REVOKED");
    assert_eq!(revoked["revokedOn"], day(40));
    let past = app
        .query_with(
            "query($id: ID!, $before: Date, $after: Date) { node(id: $id) { ... on Credential { before: isValid(asOf: $before) after: isValid(asOf: $after) } } }",
            json!({ "id": id, "before": day(39), "after": day(40) }),
        )
        .await;
    assert_eq!(past["data"]["node"], json!({ "before": true, "after": false }));

    let again = mutate(
        app,
        &reviewer,
        "revokeCredential",
        "RevokeCredentialInput",
        json!({ "id": id, "reason": "再次撤销" }),
    )
    .await;
    assert_eq!(again["userErrors"][0]["code"], "CONFLICT");

    // The trail: every committed step once, and the refused approval.
    let events = app
        .query_as(
            &app.login("sysadmin").await,
            "query($id: ID!) { auditEvents(first: 50, filter: {entityId: $id}) { nodes { action outcome } } }",
            json!({ "id": id }),
        )
        .await
        .1;
    let mut trail: Vec<String> = events["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{events}"))
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap()
            )
        })
        .collect();
    trail.reverse();
    assert_eq!(
        trail,
        [
            "PROPOSE_CREDENTIAL DONE",
            "SUBMIT_CREDENTIAL DONE",
            "APPROVE_CREDENTIAL REFUSED",
            "APPROVE_CREDENTIAL DONE",
            "GRANT_CREDENTIAL DONE",
            "RENEW_CREDENTIAL DONE",
            "REVOKE_CREDENTIAL DONE",
        ]
    );
}

#[tokio::test]
async fn a_municipal_specialized_sme_designation_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500112", 1).await;
    let desk = Desk {
        registrar: "cq-eic-registrar",
        reviewer: "cq-eic-reviewer",
    };
    let input = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 });
    whole_lifecycle(
        &app,
        desk,
        ("proposeLittleGiant", "ProposeLittleGiantInput", input),
    )
    .await;
}

#[tokio::test]
async fn a_green_factory_listing_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500112", 2).await;
    let desk = Desk {
        registrar: "cq-eic-registrar",
        reviewer: "cq-eic-reviewer",
    };
    let input = json!({ "holderId": enterprise, "level": "PROVINCIAL", "greenKind": "FACTORY", "batch": 9, "year": 2026 });
    whole_lifecycle(
        &app,
        desk,
        ("proposeGreenDesignation", "ProposeGreenDesignationInput", input),
    )
    .await;
}

#[tokio::test]
async fn a_brand_recognition_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500103", 3).await;
    let brands = app
        .data(r#"{ brands(first: 1, filter: {region: {code: "500000"}}) { nodes { id } } }"#)
        .await;
    let desk = Desk {
        registrar: "cq-amr-registrar",
        reviewer: "cq-amr-reviewer",
    };
    let input = json!({ "holderId": enterprise, "level": "PROVINCIAL", "brandId": brands["brands"]["nodes"][0]["id"],
        "recognitionKind": "BRAND_CULTIVATION_DEMONSTRATION", "year": 2026 });
    whole_lifecycle(
        &app,
        desk,
        ("proposeBrandRecognition", "ProposeBrandRecognitionInput", input),
    )
    .await;
}

#[tokio::test]
async fn a_gi_mark_authorisation_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let indications = app
        .data(r#"{ geographicIndications(first: 1, filter: {region: {code: "500000"}}) { nodes { id protectedAreas { code } } } }"#)
        .await;
    let indication = &indications["geographicIndications"]["nodes"][0];
    let area = indication["protectedAreas"][0]["code"].as_str().unwrap();
    let region = if area.ends_with("0000") { "500103" } else { area };
    let enterprise = register_enterprise(&app, region, 4).await;
    let desk = Desk {
        registrar: "cq-amr-registrar",
        reviewer: "cq-amr-reviewer",
    };
    let input = json!({ "holderId": enterprise, "level": "PROVINCIAL", "geographicIndicationId": indication["id"], "batch": 3 });
    whole_lifecycle(
        &app,
        desk,
        ("proposeGiAuthorization", "ProposeGiAuthorizationInput", input),
    )
    .await;
}

/// The ID of the award programme with this code.
pub async fn program(app: &TestApp, code: &str) -> Value {
    let programs = app
        .data("{ awardPrograms(first: 50) { nodes { id code } } }")
        .await;
    programs["awardPrograms"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .map(|p| p["id"].clone())
        .unwrap()
}

#[tokio::test]
async fn a_quality_award_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500103", 5).await;
    let desk = Desk {
        registrar: "cq-amr-registrar",
        reviewer: "cq-amr-reviewer",
    };
    let input = json!({ "holderId": enterprise, "programId": program(&app, "CQ_MAYOR_QUALITY").await, "year": 2026, "citation": "质量管理奖" });
    whole_lifecycle(
        &app,
        desk,
        ("proposeQualityAward", "ProposeQualityAwardInput", input),
    )
    .await;
}

/// Registers a person through the API and returns its ID.
pub async fn register_person(app: &TestApp, employer: &str) -> String {
    let registrar = app.login("cq-amr-registrar").await;
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id identityNumber version } userErrors { field message } } }",
            json!({ "input": { "fields": { "name": "王质量", "regionCode": "500103", "identityNumber": "11010519491231002x",
                "phone": "13800138000", "employerId": employer } } }),
        )
        .await;
    let person = &body["data"]["createPerson"]["person"];
    assert_eq!(person["identityNumber"], "11010519491231002X", "{body}");
    person["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_chief_quality_officer_certification_goes_through_its_whole_lifecycle() {
    let app = spawn_app().await;
    let employer = register_enterprise(&app, "500103", 6).await;
    let person = register_person(&app, &employer).await;
    let desk = Desk {
        registrar: "cq-amr-registrar",
        reviewer: "cq-amr-reviewer",
    };
    let input = json!({ "holderId": person, "level": "PROVINCIAL", "certificateNumber": "CQO-2026-0001", "employerId": employer });
    whole_lifecycle(
        &app,
        desk,
        (
            "proposeChiefQualityOfficer",
            "ProposeChiefQualityOfficerInput",
            input,
        ),
    )
    .await;
}

/// Proposes as `registrar` and submits for review; returns the credential's ID.
pub async fn submit(app: &TestApp, registrar: &str, propose: (&str, &str, Value)) -> Value {
    let (mutation, input_type, input) = propose;
    let draft = mutate(app, registrar, mutation, input_type, input).await;
    let id = ok(&draft)["id"].clone();
    let step = json!({ "id": id });
    ok(&mutate(app, registrar, "submitCredential", "CredentialStepInput", step).await);
    id
}

/// Proposes, submits and approves with a notice from today for the kind's minimum; returns the
/// credential's ID.
pub async fn on_notice(
    app: &TestApp,
    registrar: &str,
    reviewer: &str,
    propose: (&str, &str, Value),
) -> Value {
    let id = submit(app, registrar, propose).await;
    ok(&mutate(
        app,
        reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await);
    id
}

/// Lets the registry's clock run to the first day after the notice of credential `id`.
pub async fn let_notice_end(app: &TestApp, id: &Value) {
    let body = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on Credential { noticeEndsOn } } }",
            json!({ "id": id }),
        )
        .await;
    let ends: chrono::NaiveDate = body["data"]["node"]["noticeEndsOn"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .parse()
        .unwrap();
    app.clock.set(ends + chrono::Days::new(1));
}

/// Like [`on_notice`], then lets the notice end; returns the credential's ID.
pub async fn past_notice(
    app: &TestApp,
    registrar: &str,
    reviewer: &str,
    propose: (&str, &str, Value),
) -> Value {
    let id = on_notice(app, registrar, reviewer, propose).await;
    let_notice_end(app, &id).await;
    id
}

#[tokio::test]
async fn a_provincial_registrar_nominates_a_little_giant_that_only_the_ministry_decides() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500112", 7).await;
    let registrar = app.login("cq-eic-registrar").await;
    let municipal_reviewer = app.login("cq-eic-reviewer").await;
    let ministry = app.login("miit-reviewer").await;
    let nomination = json!({ "holderId": enterprise, "tier": "LITTLE_GIANT", "batch": 9 });

    // Without the municipal tier first, no nomination.
    let premature = mutate(
        &app,
        &registrar,
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        nomination.clone(),
    )
    .await;
    assert_eq!(premature["userErrors"][0]["field"], json!(["input", "holderId"]));

    let sme = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6 });
    let id = past_notice(
        &app,
        &registrar,
        &municipal_reviewer,
        ("proposeLittleGiant", "ProposeLittleGiantInput", sme),
    )
    .await;
    ok(&mutate(
        &app,
        &municipal_reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id }),
    )
    .await);

    let draft = mutate(
        &app,
        &registrar,
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        nomination,
    )
    .await;
    let nominated = ok(&draft);
    let id = nominated["id"].clone();
    ok(&mutate(
        &app,
        &registrar,
        "submitCredential",
        "CredentialStepInput",
        json!({ "id": id }),
    )
    .await);
    let step = json!({ "id": id });
    // The municipal reviewer decides only municipal designations.
    let refused = mutate(
        &app,
        &municipal_reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        step.clone(),
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    ok(&mutate(
        &app,
        &ministry,
        "approveCredential",
        "ApproveCredentialInput",
        step,
    )
    .await);
    let_notice_end(&app, &id).await;
    let granted = mutate(
        &app,
        &ministry,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id }),
    )
    .await;
    let granted = ok(&granted);
    assert_eq!(granted["status"], "GRANTED");
    let from: chrono::NaiveDate = granted["validFrom"].as_str().unwrap().parse().unwrap();
    let until: chrono::NaiveDate = granted["validUntil"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        until,
        from.checked_add_months(chrono::Months::new(36)).unwrap(),
        "three years by default"
    );
    let bureau = app
        .query_with(
            "query($id: ID!) { node(id: $id) { ... on Credential { level grantingBureau { code } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        bureau["data"]["node"],
        json!({ "level": "NATIONAL", "grantingBureau": { "code": "MIIT" } })
    );
}

#[tokio::test]
async fn nobody_approves_or_grants_their_own_proposal() {
    let app = spawn_app().await;
    let admin = app.login("cq-eic-admin").await;
    let bureau = app.data(r#"{ bureau(code: "CQ-EIC") { id } }"#).await;
    let (_, created) = app
        .query_as(
            &admin,
            "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { message } } }",
            json!({ "input": { "username": "cq-eic-both", "displayName": "既登记又审核", "password": "a long enough password",
                "bureauId": bureau["bureau"]["id"], "roles": ["REGISTRAR", "REVIEWER"] } }),
        )
        .await;
    assert!(
        created["data"]["createUser"]["user"]["id"].is_string(),
        "{created}"
    );
    let login = app
        .query_with(
            "mutation { login(input: {username: \"cq-eic-both\", password: \"a long enough password\"}) { accessToken } }",
            json!({}),
        )
        .await;
    let both = login["data"]["login"]["accessToken"].as_str().unwrap().to_owned();
    let enterprise = register_enterprise(&app, "500112", 8).await;
    let input = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6 });
    let draft = mutate(
        &app,
        &both,
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        input,
    )
    .await;
    let id = ok(&draft)["id"].clone();
    ok(&mutate(
        &app,
        &both,
        "submitCredential",
        "CredentialStepInput",
        json!({ "id": id }),
    )
    .await);
    let own = mutate(
        &app,
        &both,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&own), "FORBIDDEN");
    assert_eq!(own["errors"][0]["extensions"]["reason"], "MAKER_CHECKER", "{own}");
    assert_eq!(
        own["errors"][0]["message"],
        "you proposed this credential; another reviewer decides it"
    );
    let reviewer = app.login("cq-eic-reviewer").await;
    ok(&mutate(
        &app,
        &reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await);
    let own = mutate(
        &app,
        &both,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&own), "FORBIDDEN", "nor grant it");
}

/// A municipal 专精特新 proposal for a fresh Chongqing enterprise, submitted for review; returns its ID.
async fn submitted(app: &TestApp, registrar: &str, n: u32) -> Value {
    let enterprise = register_enterprise(app, "500112", n).await;
    let input = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6 });
    submit(
        app,
        registrar,
        ("proposeLittleGiant", "ProposeLittleGiantInput", input),
    )
    .await
}

#[tokio::test]
async fn a_public_notice_starts_today_or_later_and_runs_its_minimum() {
    let app = spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let reviewer = app.login("cq-eic-reviewer").await;
    let id = submitted(&app, &registrar, 9).await;
    let approve = |input: Value| {
        mutate(
            &app,
            &reviewer,
            "approveCredential",
            "ApproveCredentialInput",
            input,
        )
    };

    let back_dated =
        approve(json!({ "id": id, "noticeStartsOn": app.day(-7), "noticeEndsOn": app.day(-1) })).await;
    assert_eq!(
        back_dated["userErrors"][0]["field"],
        json!(["input", "noticeStartsOn"]),
        "{back_dated}"
    );
    assert!(
        back_dated["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&app.day(0)),
        "names today: {back_dated}"
    );
    let short = approve(json!({ "id": id, "noticeEndsOn": app.day(2) })).await;
    assert_eq!(
        short["userErrors"][0]["field"],
        json!(["input", "noticeEndsOn"]),
        "{short}"
    );
    assert_eq!(
        short["userErrors"][0]["message"],
        format!(
            "a public notice of a LITTLE_GIANT runs at least 5 days: from {} until {} or later",
            app.day(0),
            app.day(4)
        )
    );

    let noticed = approve(json!({ "id": id })).await;
    let noticed = ok(&noticed);
    assert_eq!(noticed["noticeStartsOn"], app.day(0), "today by default");
    assert_eq!(noticed["noticeEndsOn"], app.day(4), "the minimum by default");
}

#[tokio::test]
async fn a_credential_is_granted_only_after_its_public_notice_has_ended() {
    let app = spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let reviewer = app.login("cq-eic-reviewer").await;
    let id = submitted(&app, &registrar, 9).await;
    let ends = app.day(4);
    ok(&mutate(
        &app,
        &reviewer,
        "approveCredential",
        "ApproveCredentialInput",
        json!({ "id": id }),
    )
    .await);
    let grant = || {
        mutate(
            &app,
            &reviewer,
            "grantCredential",
            "GrantCredentialInput",
            json!({ "id": id }),
        )
    };

    // On the notice's last day it still runs.
    app.clock.set(ends.parse().unwrap());
    let early = grant().await;
    assert_eq!(early["userErrors"][0]["code"], "NOTICE_NOT_ENDED");
    assert_eq!(
        early["userErrors"][0]["message"],
        format!(
            "the public notice runs until {ends}; grant from {} on (today is {ends})",
            app.day(1)
        )
    );
    app.clock.set(app.clock.today() + chrono::Days::new(1));
    assert_eq!(ok(&grant().await)["status"], "GRANTED");
}

/// Raises an objection to credential `id` as the holder of `token`; returns the payload.
async fn object(app: &TestApp, token: &str, id: &Value, grounds: &str) -> Value {
    let (_, body) = app
        .query_as(
            token,
            "mutation($input: RaiseObjectionInput!) { raiseObjection(input: $input) {
                objection { id status grounds raisedOn raisedBy } userErrors { field message code } } }",
            json!({ "input": { "credentialId": id, "grounds": grounds } }),
        )
        .await;
    body["data"]["raiseObjection"].clone()
}

/// Decides objection `id` as the holder of `token`; returns the payload.
async fn decide(app: &TestApp, token: &str, id: &Value, decision: &str, reasons: &str) -> Value {
    let (_, body) = app
        .query_as(
            token,
            "mutation($input: DecideObjectionInput!) { decideObjection(input: $input) {
                objection { status decidedBy decisionReason } credential { status decisionReason }
                userErrors { field message code } } }",
            json!({ "input": { "objectionId": id, "decision": decision, "reasons": reasons } }),
        )
        .await;
    if body["errors"].is_array() {
        return body;
    }
    body["data"]["decideObjection"].clone()
}

#[tokio::test]
async fn an_objection_during_the_notice_holds_up_the_grant_until_a_reviewer_decides_it() {
    let app = spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let reviewer = app.login("cq-eic-reviewer").await;
    let citizen = app.login("enterprise-user").await;
    let dismissed = submitted(&app, &registrar, 31).await;
    let upheld = submitted(&app, &registrar, 32).await;
    for id in [&dismissed, &upheld] {
        let approve = json!({ "id": id, "noticeStartsOn": app.day(1) });
        ok(&mutate(
            &app,
            &reviewer,
            "approveCredential",
            "ApproveCredentialInput",
            approve,
        )
        .await);
    }

    // Not before the notice starts, not without grounds, not anonymously.
    let early = object(&app, &citizen, &dismissed, "虚报研发投入").await;
    assert_eq!(early["userErrors"][0]["code"], "CONFLICT", "{early}");
    app.clock.set(app.clock.today() + chrono::Days::new(1));
    let blank = object(&app, &citizen, &dismissed, "  ").await;
    assert_eq!(
        blank["userErrors"][0]["field"],
        json!(["input", "grounds"]),
        "{blank}"
    );
    let anonymous = app
        .query_with(
            "mutation($input: RaiseObjectionInput!) { raiseObjection(input: $input) { objection { id } } }",
            json!({ "input": { "credentialId": dismissed, "grounds": "匿名" } }),
        )
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    let raised = object(&app, &citizen, &dismissed, "虚报研发投入").await;
    assert_eq!(raised["objection"]["status"], "OPEN", "{raised}");
    assert_eq!(raised["objection"]["raisedOn"], app.day(0));
    let objection = raised["objection"]["id"].clone();
    let second = object(&app, &citizen, &upheld, "主营业务不符").await;
    let second = second["objection"]["id"].clone();

    // Staff of the deciding bureau see it; the public does not.
    let seen =
        "query($id: ID!) { node(id: $id) { ... on Credential { objections { grounds raisedBy status } } } }";
    let (_, staff) = app.query_as(&reviewer, seen, json!({ "id": dismissed })).await;
    assert_eq!(
        staff["data"]["node"]["objections"],
        json!([{ "grounds": "虚报研发投入", "raisedBy": "enterprise-user", "status": "OPEN" }])
    );
    let public = app.query_with(seen, json!({ "id": dismissed })).await;
    assert_eq!(public["data"]["node"]["objections"], json!([]), "{public}");

    // After the notice, the open objection still stops the grant.
    let_notice_end(&app, &dismissed).await;
    let grant = |id: &Value| {
        mutate(
            &app,
            &reviewer,
            "grantCredential",
            "GrantCredentialInput",
            json!({ "id": id }),
        )
    };
    let blocked = grant(&dismissed).await;
    assert_eq!(blocked["userErrors"][0]["code"], "OPEN_OBJECTION", "{blocked}");
    let not_theirs = decide(&app, &registrar, &objection, "DISMISS", "不成立").await;
    assert_eq!(error_code(&not_theirs), "FORBIDDEN", "{not_theirs}");
    let no_reason = decide(&app, &reviewer, &objection, "DISMISS", "").await;
    assert_eq!(
        no_reason["userErrors"][0]["field"],
        json!(["input", "reasons"]),
        "{no_reason}"
    );

    let decided = decide(&app, &reviewer, &objection, "DISMISS", "经核查研发投入属实").await;
    assert_eq!(decided["objection"]["status"], "DISMISSED", "{decided}");
    assert_eq!(decided["objection"]["decidedBy"], "cq-eic-reviewer");
    assert_eq!(decided["credential"]["status"], "PUBLIC_NOTICE");
    let twice = decide(&app, &reviewer, &objection, "UPHOLD", "改判").await;
    assert_eq!(twice["userErrors"][0]["code"], "CONFLICT", "{twice}");
    assert_eq!(ok(&grant(&dismissed).await)["status"], "GRANTED");

    // Upheld, the objection withdraws the credential.
    let decided = decide(&app, &reviewer, &second, "UPHOLD", "经核实主营业务不符合认定条件").await;
    assert_eq!(decided["objection"]["status"], "UPHELD", "{decided}");
    assert_eq!(decided["credential"]["status"], "WITHDRAWN");
    assert_eq!(
        decided["credential"]["decisionReason"],
        "objection upheld: 经核实主营业务不符合认定条件"
    );
    let late = object(&app, &citizen, &dismissed, "再次异议").await;
    assert_eq!(late["userErrors"][0]["code"], "CONFLICT", "granted: {late}");
    let hidden = object(&app, &citizen, &upheld, "再次异议").await;
    assert_eq!(
        hidden["userErrors"][0]["code"], "NOT_FOUND",
        "withdrawn is unpublished: {hidden}"
    );

    // Each step is in the credential's history.
    let (_, history) = app
        .query_as(
            &reviewer,
            "query($id: ID!) { auditEvents(first: 20, filter: {entityId: $id}) { nodes { action } } }",
            json!({ "id": upheld }),
        )
        .await;
    let actions: Vec<&str> = history["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    for action in ["RAISE_OBJECTION", "UPHOLD_OBJECTION", "WITHDRAW_CREDENTIAL"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn registrars_outside_their_competence_or_jurisdiction_are_refused_and_recorded() {
    let app = spawn_app().await;
    let enterprise = register_enterprise(&app, "500112", 10).await;
    // Market regulation does not designate little giants.
    let amr = app.login("cq-amr-registrar").await;
    let input = json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6 });
    let refused = mutate(
        &app,
        &amr,
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        input.clone(),
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    // Sichuan's registrar acts only in Sichuan.
    let sichuan = app.login("sc-amr-registrar").await;
    let award =
        json!({ "holderId": enterprise, "programId": program(&app, "TIANFU_QUALITY").await, "year": 2026 });
    let refused = mutate(
        &app,
        &sichuan,
        "proposeQualityAward",
        "ProposeQualityAwardInput",
        award,
    )
    .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let events = app
        .query_as(
            &app.login("sysadmin").await,
            "{ auditEvents(first: 10, filter: {action: \"PROPOSE_CREDENTIAL\"}) { nodes { outcome actor } } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(
        events["data"]["auditEvents"]["nodes"],
        json!([{ "outcome": "REFUSED", "actor": "sc-amr-registrar" }, { "outcome": "REFUSED", "actor": "cq-amr-registrar" }])
    );
}

#[tokio::test]
async fn bad_proposals_name_every_field_to_fix() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let enterprise = register_enterprise(&app, "500103", 11).await;
    // A certification of an enterprise (not a person), without a number, at an unknown employer.
    let input = json!({ "holderId": enterprise, "level": "PROVINCIAL", "certificateNumber": " ",
        "employerId": registry::ids::encode(registry::ids::NodeType::Enterprise, uuid::Uuid::now_v7()) });
    let bad = mutate(
        &app,
        &registrar,
        "proposeChiefQualityOfficer",
        "ProposeChiefQualityOfficerInput",
        input,
    )
    .await;
    let fields: Vec<&str> = bad["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("{bad}"))
        .iter()
        .map(|e| e["field"][1].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["holderId", "certificateNumber", "employerId"]);
    assert_eq!(bad["credential"], Value::Null);
}

#[tokio::test]
async fn a_bureau_lists_what_is_due_for_review() {
    let app = spawn_app().await;
    let due = app
        .data(r#"{ littleGiants(filter: {expiringBefore: "2027-08-01", region: {code: "500000"}, level: NATIONAL}) { totalCount nodes { validUntil status } } }"#)
        .await;
    let list = &due["littleGiants"];
    assert!(list["totalCount"].as_i64().unwrap() > 0);
    for node in list["nodes"].as_array().unwrap() {
        assert!(node["validUntil"].as_str().unwrap() < "2027-08-01", "{node}");
        assert!(
            ["GRANTED", "EXPIRED"].contains(&node["status"].as_str().unwrap()),
            "{node}"
        );
    }
    let later = app
        .data(r#"{ littleGiants(filter: {expiringBefore: "2028-08-01", region: {code: "500000"}, level: NATIONAL}) { totalCount } }"#)
        .await;
    assert!(later["littleGiants"]["totalCount"].as_i64() > list["totalCount"].as_i64());
}

#[tokio::test]
async fn a_programme_grants_no_more_winners_per_edition_than_its_cap() {
    let app = spawn_app().await;
    // 中国质量奖 takes at most 10 winners an edition; the demo registry holds 10 for 2021.
    // The demo's national reviewer at SAMR decides it.
    let registrar = app.login("cq-amr-registrar").await;
    let ministry = app.login("samr-reviewer").await;
    let award = program(&app, "CHINA_QUALITY_AWARD").await;

    let mut granted = Vec::new();
    for (n, year) in [(21, 2021), (22, 2026)] {
        let enterprise = register_enterprise(&app, "500103", n).await;
        let input = json!({ "holderId": enterprise, "programId": award, "year": year });
        let id = past_notice(
            &app,
            &registrar,
            &ministry,
            ("proposeQualityAward", "ProposeQualityAwardInput", input),
        )
        .await;
        granted.push(
            mutate(
                &app,
                &ministry,
                "grantCredential",
                "GrantCredentialInput",
                json!({ "id": id }),
            )
            .await,
        );
    }
    let full = &granted[0];
    assert_eq!(full["userErrors"][0]["code"], "CAP_REACHED", "{full}");
    assert_eq!(
        full["userErrors"][0]["message"],
        "the programme's 2021 edition already has its 10 winners"
    );
    assert_eq!(full["credential"], Value::Null);
    assert_eq!(ok(&granted[1])["status"], "GRANTED", "a new edition has room");
}
