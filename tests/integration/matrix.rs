//! The access matrix (`tests/access-matrix.tsv`) drives one call of every operation per role and
//! target, and the test fails when the schema has an operation the matrix does not decide.

use std::collections::{BTreeSet, HashMap};

use entity::{
    agreement_party, agreement_scope, app_user, award_program, brand, bureau, credential, enterprise,
    enums::{AgreementMode, AgreementStatus, CredentialKind, CredentialStatus, Level},
    gi_protected_area, person, quality_award, recognition_agreement, recognition_listing,
};
use registry::services::credential::Blank;
use registry_tests::{TestApp, spawn_app};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const ROLES: [(&str, Option<&str>); 7] = [
    ("PUBLIC", None),
    ("ENTERPRISE", Some("enterprise-user")),
    ("AGENCY_VIEWER", Some("cq-amr-viewer")),
    ("REGISTRAR", Some("cq-amr-registrar")),
    ("REVIEWER", Some("cq-amr-reviewer")),
    ("BUREAU_ADMIN", Some("cq-amr-admin")),
    ("SYSTEM_ADMIN", Some("sysadmin")),
];

struct Row {
    operation: String,
    target: String,
    expected: Vec<String>,
}

fn matrix() -> Vec<Row> {
    let text = include_str!("../access-matrix.tsv");
    let mut lines = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let roles: Vec<&str> = ROLES.iter().map(|(role, _)| *role).collect();
    assert_eq!(header[2..], roles[..], "the matrix's role columns");
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 2 + ROLES.len(), "{line}");
            Row {
                operation: cells[0].to_owned(),
                target: cells[1].to_owned(),
                expected: cells[2..].iter().map(|cell| (*cell).to_owned()).collect(),
            }
        })
        .collect()
}

/// Ids the calls need.
struct Targets {
    uscc: String,
    inside_enterprise: String,
    outside_enterprise: String,
    inside_proposal: String,
    outside_proposal: String,
    inside_bureau: String,
    outside_bureau: String,
    inside_user: String,
    outside_user: String,
    /// Fresh enterprises to propose for, in Chongqing and in Sichuan (the GI's protected area inside).
    inside_holder: String,
    outside_holder: String,
    gi_holder: String,
    /// Fresh persons in Chongqing and in Sichuan.
    inside_person: String,
    outside_person: String,
    inside_program: String,
    outside_program: String,
    brand: String,
    indication: String,
    /// Quality-award credentials in the state each transition starts from, one per (transition,
    /// target, role), so every call finds its own.
    fixtures: HashMap<(String, String, String), String>,
    /// Agreements (and the credential to list or unlist) in the state each agreement step starts
    /// from, one per (operation, target, role).
    agreements: HashMap<(String, String, String), (String, String)>,
    /// Party bureaus for `createAgreement`: Chongqing's and Sichuan's market regulators (inside), or
    /// Sichuan's and Shanghai's (outside).
    inside_parties: [String; 2],
    outside_parties: [String; 2],
    /// A granted Sichuan award, for verdicts.
    granted_award: String,
    /// The registry's business date.
    today: String,
}

/// A stored state a transition starts from, for the fixtures.
fn start_state(operation: &str) -> Option<CredentialStatus> {
    Some(match operation {
        "submitCredential" => CredentialStatus::Draft,
        "approveCredential" | "rejectCredential" | "withdrawCredential" => CredentialStatus::Submitted,
        "grantCredential" | "raiseObjection" | "decideObjection" => CredentialStatus::PublicNotice,
        "renewCredential" | "revokeCredential" => CredentialStatus::Granted,
        _ => return None,
    })
}

/// An enterprise registered in `region`, for fixtures.
async fn fresh_enterprise(app: &TestApp, region: &str, n: u32) -> Uuid {
    let now = chrono::Utc::now();
    let uscc = registry::domain::Uscc::with_check_character(&format!("91{region}MA7{n:06}")).unwrap();
    enterprise::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        uscc: uscc.to_string(),
        name: format!("矩阵夹具企业{n}"),
        name_normalized: format!("矩阵夹具企业{n}"),
        name_pinyin: None,
        name_grams: None,
        former_names_normalized: None,
        region_code: region.to_owned(),
        industry_code: None,
        scale: None,
        status: entity::enums::EnterpriseStatus::Active,
        established_on: None,
        registered_capital_cny: None,
        legal_representative: None,
        address: None,
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// A person registered in `region`, for fixtures.
async fn fresh_person(app: &TestApp, region: &str, employer: Uuid) -> Uuid {
    let now = chrono::Utc::now();
    person::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        name: "矩阵夹具".into(),
        name_normalized: "矩阵夹具".into(),
        name_pinyin: None,
        name_grams: None,
        identity_number: None,
        phone: None,
        employer_id: Some(employer),
        region_code: region.to_owned(),
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

/// A provincial quality award of `program` for `holder` in `status`, proposed by someone else.
async fn award_in(
    app: &TestApp,
    holder: Uuid,
    program: &award_program::Model,
    status: CredentialStatus,
    proposer: Uuid,
) -> String {
    let now = chrono::Utc::now();
    let date = |s: &str| s.parse::<chrono::NaiveDate>().ok();
    let published = !matches!(status, CredentialStatus::Draft | CredentialStatus::Submitted);
    let granted = status == CredentialStatus::Granted;
    let blank = Blank {
        kind: CredentialKind::QualityAward,
        level: Level::Provincial,
        granting_bureau_id: program.awarding_bureau_id.unwrap(),
        region_code: program.region_code.clone(),
        status,
        now,
    };
    let model = credential::Model {
        holder_enterprise_id: Some(holder),
        year: Some(2025),
        notice_starts_on: if published { date("2025-01-05") } else { None },
        notice_ends_on: if published { date("2025-01-12") } else { None },
        granted_on: if granted { date("2025-02-01") } else { None },
        valid_from: if granted { date("2025-02-01") } else { None },
        valid_until: if granted { date("2028-02-01") } else { None },
        proposed_by: Some(proposer),
        ..blank.row()
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap();
    quality_award::Model {
        credential_id: model.id,
        program_id: program.id,
        edition: None,
        citation: None,
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap();
    registry::ids::encode(registry::ids::NodeType::Credential, model.id)
}

/// Puts the award `id` on a notice running today and, for `decideObjection`, has `raiser` object to
/// it; returns the ID the operation takes (the credential's or the objection's).
async fn objection_target(app: &TestApp, operation: &str, id: &str, raiser: Uuid) -> String {
    let credential_id = registry::ids::decode("id", id).unwrap().1;
    let row = credential::Entity::find_by_id(credential_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let today = app.clock.today();
    let mut change = row.into_active_model();
    change.notice_starts_on = Set(Some(today - chrono::Days::new(1)));
    change.notice_ends_on = Set(Some(today + chrono::Days::new(10)));
    change.update(&app.db).await.unwrap();
    if operation == "raiseObjection" {
        return id.to_owned();
    }
    let now = chrono::Utc::now();
    let objection = entity::objection::Model {
        id: Uuid::now_v7(),
        credential_id,
        raised_by: raiser,
        grounds: "矩阵异议".into(),
        raised_on: today,
        status: entity::enums::ObjectionStatus::Open,
        decided_by: None,
        decided_on: None,
        decision_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap();
    registry::ids::encode(registry::ids::NodeType::Objection, objection.id)
}

/// An agreement on quality awards between `parties` (bureau id, whether it confirmed), `ACTIVE` when
/// every party confirmed, with `listed` on its list.
/// Suspends an active agreement from the day it started, as its parties could have.
async fn suspend(app: &TestApp, agreement: Uuid) {
    let row = recognition_agreement::Entity::find_by_id(agreement)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let from = row.effective_from;
    let mut change = row.into_active_model();
    change.status = Set(AgreementStatus::Suspended);
    change.suspended_from = Set(Some(from));
    change.update(&app.db).await.unwrap();
    entity::agreement_suspension::Model {
        id: Uuid::now_v7(),
        agreement_id: agreement,
        suspended_from: from,
        resumed_from: None,
        suspended_by: None,
        resumed_by: None,
        created_at: chrono::Utc::now(),
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap();
}

async fn agreement_between(
    app: &TestApp,
    parties: &[(Uuid, bool)],
    mode: AgreementMode,
    listed: Option<Uuid>,
) -> Uuid {
    let now = chrono::Utc::now();
    let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let active = parties.iter().all(|(_, confirmed)| *confirmed);
    let id = recognition_agreement::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        title: "矩阵互认协议".into(),
        signed_on: day,
        effective_from: day,
        effective_until: None,
        status: if active {
            AgreementStatus::Active
        } else {
            AgreementStatus::Pending
        },
        mode,
        activated_on: active.then_some(day),
        suspended_from: None,
        terminated_from: None,
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap()
    .id;
    for (bureau_id, confirmed) in parties {
        agreement_party::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            agreement_id: id,
            bureau_id: *bureau_id,
            confirmed_by: None,
            confirmed_at: confirmed.then_some(now),
        }
        .into_active_model()
        .insert(&app.db)
        .await
        .unwrap();
    }
    agreement_scope::Model {
        id: Uuid::now_v7(),
        created_at: now,
        updated_at: now,
        version: 1,
        agreement_id: id,
        credential_kind: CredentialKind::QualityAward,
    }
    .into_active_model()
    .insert(&app.db)
    .await
    .unwrap();
    if let Some(credential_id) = listed {
        recognition_listing::Model {
            id: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
            agreement_id: id,
            credential_id,
            listed_on: Some(day),
            listed_by: None,
            unlisted_on: None,
            unlisted_by: None,
        }
        .into_active_model()
        .insert(&app.db)
        .await
        .unwrap();
    }
    id
}

async fn targets(app: &TestApp) -> Targets {
    let bureau_id = |code: &'static str| async move {
        let row = bureau::Entity::find()
            .filter(bureau::Column::Code.eq(code))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        registry::ids::encode(registry::ids::NodeType::Bureau, row.id)
    };
    let user_id = |name: &'static str| async move {
        let row = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(name))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        registry::ids::encode(registry::ids::NodeType::User, row.id)
    };
    let proposal = |region: &'static str| async move {
        let row = credential::Entity::find()
            .filter(credential::Column::Status.eq(CredentialStatus::Submitted))
            .filter(credential::Column::RegionCode.starts_with(region))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        registry::ids::encode(registry::ids::NodeType::Credential, row.id)
    };
    let enterprise_in = |prefix: &'static str| async move {
        let row = enterprise::Entity::find()
            .filter(enterprise::Column::RegionCode.starts_with(prefix))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        registry::ids::encode(registry::ids::NodeType::Enterprise, row.id)
    };
    let program = |code: &'static str| async move {
        award_program::Entity::find()
            .filter(award_program::Column::Code.eq(code))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
    };
    let (cq_program, sc_program) = (program("CQ_MAYOR_QUALITY").await, program("TIANFU_QUALITY").await);
    let proposer = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("cq-yz-registrar"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let inside_holder = fresh_enterprise(app, "500112", 1).await;
    let outside_holder = fresh_enterprise(app, "510107", 2).await;
    let area = gi_protected_area::Entity::find()
        .filter(gi_protected_area::Column::RegionCode.starts_with("50"))
        .filter(gi_protected_area::Column::RegionCode.ne("500000"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let gi_holder = fresh_enterprise(app, &area.region_code, 3).await;
    let brand = brand::Entity::find()
        .filter(brand::Column::RegionCode.starts_with("50"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut fixtures = HashMap::new();
    let mut n = 10;
    for row in matrix() {
        let Some(status) = start_state(&row.operation) else {
            continue;
        };
        for (role, _) in ROLES {
            n += 1;
            let (region, program) = if row.target == "inside" {
                ("500112", &cq_program)
            } else {
                ("510107", &sc_program)
            };
            let holder = fresh_enterprise(app, region, n).await;
            let mut id = award_in(app, holder, program, status, proposer).await;
            if row.operation.ends_with("Objection") {
                id = objection_target(app, &row.operation, &id, proposer).await;
            }
            fixtures.insert((row.operation.clone(), row.target.clone(), role.to_owned()), id);
        }
    }
    let encode = registry::ids::encode;
    use registry::ids::NodeType;
    let bureau_row = |code: &'static str| async move {
        bureau::Entity::find()
            .filter(bureau::Column::Code.eq(code))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (cq, sc, sh) = (
        bureau_row("CQ-AMR").await,
        bureau_row("SC-AMR").await,
        bureau_row("SH-AMR").await,
    );
    let mut agreements = HashMap::new();
    let agreement_steps = [
        "confirmAgreement",
        "suspendAgreement",
        "resumeAgreement",
        "terminateAgreement",
        "listCredential",
        "unlistCredential",
    ];
    for row in matrix()
        .into_iter()
        .filter(|row| agreement_steps.contains(&row.operation.as_str()))
    {
        for (role, _) in ROLES {
            n += 1;
            let inside = row.target == "inside";
            // Inside: the caller's bureau is a party (and the credential Chongqing's); outside: the
            // agreement is between others, or (listing) the credential is Sichuan's.
            let (own, other) = if inside { (cq, sc) } else { (sc, sh) };
            let (region, program) = if inside {
                ("500112", &cq_program)
            } else {
                ("510107", &sc_program)
            };
            let holder = fresh_enterprise(app, region, n).await;
            let award = award_in(app, holder, program, CredentialStatus::Granted, proposer).await;
            let award_id = registry::ids::decode("id", &award).unwrap().1;
            let (parties, mode, listed) = match row.operation.as_str() {
                "confirmAgreement" => (vec![(own, false), (other, true)], AgreementMode::Automatic, None),
                "suspendAgreement" | "resumeAgreement" | "terminateAgreement" => {
                    (vec![(own, true), (other, true)], AgreementMode::Automatic, None)
                }
                "listCredential" => (vec![(cq, true), (sc, true)], AgreementMode::Listed, None),
                _ => (
                    vec![(cq, true), (sc, true)],
                    AgreementMode::Listed,
                    Some(award_id),
                ),
            };
            let agreement = agreement_between(app, &parties, mode, listed).await;
            if row.operation == "resumeAgreement" {
                suspend(app, agreement).await;
            }
            let key = (row.operation.clone(), row.target.clone(), role.to_owned());
            agreements.insert(key, (encode(NodeType::RecognitionAgreement, agreement), award));
        }
    }
    let sichuan_holder = fresh_enterprise(app, "510107", 9_999).await;
    let granted_award = award_in(
        app,
        sichuan_holder,
        &sc_program,
        CredentialStatus::Granted,
        proposer,
    )
    .await;
    Targets {
        agreements,
        inside_parties: [encode(NodeType::Bureau, cq), encode(NodeType::Bureau, sc)],
        outside_parties: [encode(NodeType::Bureau, sc), encode(NodeType::Bureau, sh)],
        granted_award,
        inside_person: encode(NodeType::Person, fresh_person(app, "500112", inside_holder).await),
        outside_person: encode(
            NodeType::Person,
            fresh_person(app, "510107", outside_holder).await,
        ),
        inside_holder: encode(NodeType::Enterprise, inside_holder),
        outside_holder: encode(NodeType::Enterprise, outside_holder),
        gi_holder: encode(NodeType::Enterprise, gi_holder),
        inside_program: encode(NodeType::AwardProgram, cq_program.id),
        outside_program: encode(NodeType::AwardProgram, sc_program.id),
        brand: encode(NodeType::Brand, brand.id),
        indication: encode(NodeType::GeographicIndication, area.gi_id),
        fixtures,
        inside_enterprise: enterprise_in("50").await,
        outside_enterprise: enterprise_in("51").await,
        uscc: enterprise::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .uscc,
        inside_proposal: proposal("50").await,
        outside_proposal: proposal("51").await,
        inside_bureau: bureau_id("CQ-YZ-AMR").await,
        outside_bureau: bureau_id("SC-AMR").await,
        inside_user: user_id("cq-yz-registrar").await,
        outside_user: user_id("sc-amr-registrar").await,
        today: app.clock.today().to_string(),
    }
}

/// The request that exercises `operation` against `target`, and the path of its payload (for
/// `userErrors`), if it has one. `call` makes names unique between calls.
fn request(operation: &str, target: &str, role: &str, t: &Targets, call: usize) -> (String, Value) {
    let inside = target == "inside";
    let holder = if inside {
        &t.inside_holder
    } else {
        &t.outside_holder
    };
    let person = if inside {
        &t.inside_person
    } else {
        &t.outside_person
    };
    let program = if inside {
        &t.inside_program
    } else {
        &t.outside_program
    };
    let credential = |fields: Value| {
        let id = &t.fixtures[&(operation.to_owned(), target.to_owned(), role.to_owned())];
        let mut input = json!({ "id": id });
        if let (Some(input), Some(fields)) = (input.as_object_mut(), fields.as_object()) {
            input.extend(fields.clone());
        }
        input
    };
    let mutation = |input_type: &str, input: Value| {
        (
            format!(
                "mutation($input: {input_type}!) {{ {operation}(input: $input) {{ credential {{ id }} userErrors {{ code }} }} }}"
            ),
            json!({ "input": input }),
        )
    };
    let bureau = if inside {
        &t.inside_bureau
    } else {
        &t.outside_bureau
    };
    let user = if inside { &t.inside_user } else { &t.outside_user };
    let read = |query: &str| (query.to_owned(), json!({}));
    match operation {
        "viewer" => read("{ viewer { isAuthenticated operations } }"),
        "errorCodes" => read("{ errorCodes }"),
        "regions" => read("{ regions { code } }"),
        "region" => read(r#"{ region(code: "500000") { name } }"#),
        "bureaus" => read("{ bureaus { totalCount } }"),
        "bureau" => read(r#"{ bureau(code: "CQ-AMR") { name } }"#),
        "announcements" => read("{ announcements { totalCount } }"),
        "enterprise" => ("query($u: String!) { enterprise(uscc: $u) { name } }".to_owned(), json!({ "u": t.uscc })),
        "enterprises" => read("{ enterprises(first: 1) { totalCount } }"),
        "search" => read(r#"{ search(query: "重庆", first: 1) { totalCount } }"#),
        "changes" => read("{ changes(first: 1) { endCursor } }"),
        "littleGiants" => read("{ littleGiants(first: 1) { totalCount } }"),
        "greenDesignations" => read("{ greenDesignations(first: 1) { totalCount } }"),
        "brandRecognitions" => read("{ brandRecognitions(first: 1) { totalCount } }"),
        "giAuthorizations" => read("{ giAuthorizations(first: 1) { totalCount } }"),
        "qualityAwards" => read("{ qualityAwards(first: 1) { totalCount } }"),
        "chiefQualityOfficers" => read("{ chiefQualityOfficers(first: 1) { totalCount } }"),
        "brands" => read("{ brands(first: 1) { totalCount } }"),
        "geographicIndications" => read("{ geographicIndications(first: 1) { totalCount } }"),
        "awardPrograms" => read("{ awardPrograms(first: 1) { totalCount } }"),
        "recognitionAgreements" => read("{ recognitionAgreements(first: 1) { totalCount } }"),
        "node" => {
            let proposal = if inside { &t.inside_proposal } else { &t.outside_proposal };
            ("query($id: ID!) { node(id: $id) { id } }".to_owned(), json!({ "id": proposal }))
        }
        "nodes" => ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }".to_owned(), json!({ "ids": [t.inside_bureau] })),
        "users" => read("{ users(first: 5) { totalCount nodes { username roles } } }"),
        "auditEvents" => read("{ auditEvents(first: 5) { totalCount nodes { action actor } } }"),
        "login" => (
            "mutation { login(input: {username: \"samr-viewer\", password: \"registry-demo\"}) { expiresAt } }".to_owned(),
            json!({}),
        ),
        "createUser" => (
            "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "username": format!("matrix-user-{call}"), "displayName": "矩阵测试",
                "password": "a long enough password", "bureauId": bureau, "roles": ["REGISTRAR"] } }),
        ),
        "setUserStatus" => (
            "mutation($input: SetUserStatusInput!) { setUserStatus(input: $input) { user { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "userId": user, "status": "DISABLED" } }),
        ),
        "setUserRoles" => (
            "mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { user { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "userId": user, "roles": ["REVIEWER"] } }),
        ),
        "createBureau" => (
            "mutation($input: CreateBureauInput!) { createBureau(input: $input) { bureau { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "code": format!("MATRIX-{call}"), "name": "矩阵测试局", "kind": "MARKET_REGULATION",
                "level": "COUNTY", "regionCode": "500112", "parentId": t.inside_bureau } }),
        ),
        "setBureauCompetence" => (
            "mutation($input: SetBureauCompetenceInput!) { setBureauCompetence(input: $input) { credentialKinds } }".to_owned(),
            json!({ "input": { "bureauKind": "CULTURE_TOURISM", "credentialKinds": ["BRAND_RECOGNITION"] } }),
        ),
        "createEnterprise" => {
            let (region, prefix) = if inside { ("500112", "91500112") } else { ("510107", "91510107") };
            let uscc = registry::domain::Uscc::with_check_character(&format!("{prefix}MA8{call:06}")).unwrap();
            (
                "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } userErrors { code } } }"
                    .to_owned(),
                json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": format!("矩阵测试企业{call}"), "regionCode": region } } }),
            )
        }
        "updateEnterprise" => {
            let (id, region) = if inside { (&t.inside_enterprise, "500112") } else { (&t.outside_enterprise, "510107") };
            (
                "mutation($input: UpdateEnterpriseInput!) { updateEnterprise(input: $input) { enterprise { id } userErrors { code } } }"
                    .to_owned(),
                json!({ "input": { "id": id, "expectedVersion": 1, "fields": { "name": format!("矩阵改名{call}"), "regionCode": region } } }),
            )
        }
        "createPerson" => (
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "fields": { "name": format!("矩阵人员{call}"), "regionCode": if inside { "500112" } else { "510107" } } } }),
        ),
        "updatePerson" => (
            "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "id": person, "expectedVersion": 1,
                "fields": { "name": format!("矩阵改名{call}"), "regionCode": if inside { "500112" } else { "510107" } } } }),
        ),
        "createBrand" => (
            "mutation($input: CreateBrandInput!) { createBrand(input: $input) { brand { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "name": format!("矩阵品牌{call}"), "kind": "REGIONAL_PUBLIC", "holderOrganisation": "矩阵协会",
                "regionCode": if inside { "500112" } else { "510107" } } }),
        ),
        "createAnnouncement" => (
            "mutation($input: CreateAnnouncementInput!) { createAnnouncement(input: $input) { announcement { id } userErrors { code } } }"
                .to_owned(),
            json!({ "input": { "documentNumber": format!("矩阵〔2026〕{call}号"), "title": "矩阵公告", "publishedOn": t.today } }),
        ),
        "createGeographicIndication" => {
            let region = if inside { "500112" } else { "510107" };
            (
                "mutation($input: CreateGeographicIndicationInput!) { createGeographicIndication(input: $input) { geographicIndication { id } userErrors { code } } }"
                    .to_owned(),
                json!({ "input": { "name": format!("矩阵标志{call}"), "protectionType": "GI_PRODUCT",
                    "registrationNumber": format!("MATRIX-GI-{call}"), "holderOrganisation": "矩阵协会",
                    "regionCode": region, "protectedAreaCodes": [region] } }),
            )
        }
        "proposeLittleGiant" => mutation("ProposeLittleGiantInput", json!({ "holderId": holder, "tier": "SPECIALIZED_SME", "batch": 6 })),
        "proposeGreenDesignation" => mutation(
            "ProposeGreenDesignationInput",
            json!({ "holderId": holder, "level": "PROVINCIAL", "greenKind": "FACTORY" }),
        ),
        "proposeBrandRecognition" => mutation(
            "ProposeBrandRecognitionInput",
            json!({ "holderId": holder, "level": "PROVINCIAL", "brandId": t.brand, "recognitionKind": "BRAND_CULTIVATION_DEMONSTRATION" }),
        ),
        "proposeGiAuthorization" => mutation(
            "ProposeGiAuthorizationInput",
            json!({ "holderId": if inside { &t.gi_holder } else { holder }, "level": "PROVINCIAL", "geographicIndicationId": t.indication }),
        ),
        "proposeQualityAward" => mutation(
            "ProposeQualityAwardInput",
            json!({ "holderId": holder, "programId": program, "year": 2000 + call }),
        ),
        "proposeChiefQualityOfficer" => mutation(
            "ProposeChiefQualityOfficerInput",
            json!({ "holderId": person, "level": "PROVINCIAL", "certificateNumber": format!("MATRIX-{call}"), "employerId": holder }),
        ),
        "importCredentials" => (
            "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) { report { imported } } }".to_owned(),
            json!({ "input": { "kind": "LITTLE_GIANT", "batch": 50 } }),
        ),
        "submitCredential" => mutation("CredentialStepInput", credential(json!({}))),
        "approveCredential" => mutation("ApproveCredentialInput", credential(json!({}))),
        "raiseObjection" => {
            let id = &t.fixtures[&(operation.to_owned(), target.to_owned(), role.to_owned())];
            mutation("RaiseObjectionInput", json!({ "credentialId": id, "grounds": "材料造假" }))
        }
        "decideObjection" => {
            let id = &t.fixtures[&(operation.to_owned(), target.to_owned(), role.to_owned())];
            mutation(
                "DecideObjectionInput",
                json!({ "objectionId": id, "decision": "DISMISS", "reasons": "异议不成立" }),
            )
        }
        "rejectCredential" => mutation("CredentialDecisionInput", credential(json!({ "reason": "材料不全" }))),
        "withdrawCredential" => mutation("CredentialDecisionInput", credential(json!({ "reason": "申请人撤回" }))),
        "grantCredential" => mutation("GrantCredentialInput", credential(json!({}))),
        "renewCredential" => mutation("RenewCredentialInput", credential(json!({ "validUntil": "2031-02-01" }))),
        "revokeCredential" => mutation("RevokeCredentialInput", credential(json!({ "reason": "复核未通过" }))),
        "recognitionVerdict" => (
            "query($id: ID!) { recognitionVerdict(credentialId: $id, regionCode: \"500000\") { outcome } }".to_owned(),
            json!({ "id": t.granted_award }),
        ),
        "verifyCredentials" => (
            "query($u: String!) { verifyCredentials(usccs: [$u, \"bad\"], validIn: \"500000\") { known codeValid } }".to_owned(),
            json!({ "u": t.uscc }),
        ),
        "statistics" => read("{ statistics(groupBy: [KIND, STATUS]) { total } }"),
        "createAgreement" => (
            "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } userErrors { code } } }".to_owned(),
            json!({ "input": { "title": format!("矩阵协议{call}"), "signedOn": "2026-01-01", "effectiveFrom": "2026-01-01",
                "partyBureauIds": if inside { &t.inside_parties } else { &t.outside_parties },
                "scope": ["QUALITY_AWARD"], "mode": "LISTED" } }),
        ),
        "confirmAgreement" | "suspendAgreement" | "resumeAgreement" | "terminateAgreement" => {
            let (agreement, _) = &t.agreements[&(operation.to_owned(), target.to_owned(), role.to_owned())];
            let input_type = if operation == "confirmAgreement" { "ConfirmAgreementInput" } else { "EndAgreementInput" };
            (
                format!("mutation($input: {input_type}!) {{ {operation}(input: $input) {{ agreement {{ id }} userErrors {{ code }} }} }}"),
                json!({ "input": { "agreementId": agreement } }),
            )
        }
        "listCredential" | "unlistCredential" => {
            let (agreement, credential) = &t.agreements[&(operation.to_owned(), target.to_owned(), role.to_owned())];
            (
                format!("mutation($input: ListingInput!) {{ {operation}(input: $input) {{ listing {{ listedOn }} userErrors {{ code }} }} }}"),
                json!({ "input": { "agreementId": agreement, "credentialId": credential } }),
            )
        }
        other => panic!("the matrix test has no request for {other}"),
    }
}

/// What a response amounts to: OK, HIDDEN (null), a top-level error code, or the first `userErrors`
/// code.
fn outcome(body: &Value, operation: &str) -> String {
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
        return code.to_owned();
    }
    let payload = &body["data"][operation];
    if payload.is_null() {
        return "HIDDEN".to_owned();
    }
    match payload["userErrors"][0]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => "OK".to_owned(),
    }
}

#[tokio::test]
async fn every_operation_answers_every_role_as_the_matrix_says() {
    let app = spawn_app().await;
    let rows = matrix();

    let schema = app
        .data("{ __schema { queryType { fields { name } } mutationType { fields { name } } } }")
        .await;
    let mut operations = BTreeSet::new();
    for root in ["queryType", "mutationType"] {
        for field in schema["__schema"][root]["fields"].as_array().unwrap() {
            operations.insert(field["name"].as_str().unwrap().to_owned());
        }
    }
    // The policy's table of operations is the one list: the schema has exactly its operations, and
    // the matrix decides each of them.
    let table: BTreeSet<String> = registry::policy::operations::OPERATIONS
        .iter()
        .map(|operation| operation.name.to_owned())
        .collect();
    let without_rule: Vec<_> = operations.difference(&table).collect();
    assert!(
        without_rule.is_empty(),
        "operations without a rule in policy::operations: {without_rule:?}"
    );
    let stale: Vec<_> = table.difference(&operations).collect();
    assert!(
        stale.is_empty(),
        "policy rules for operations the schema lacks: {stale:?}"
    );
    let decided: BTreeSet<String> = rows.iter().map(|row| row.operation.clone()).collect();
    let undecided: Vec<_> = table.difference(&decided).collect();
    assert!(
        undecided.is_empty(),
        "operations missing from tests/access-matrix.tsv: {undecided:?}"
    );
    let unknown: Vec<_> = decided.difference(&table).collect();
    assert!(
        unknown.is_empty(),
        "matrix rows for operations the policy lacks: {unknown:?}"
    );

    let targets = targets(&app).await;
    let mut tokens: HashMap<&str, String> = HashMap::new();
    for (role, user) in ROLES {
        if let Some(user) = user {
            tokens.insert(role, app.login(user).await);
        }
    }
    let mut mismatches = Vec::new();
    let mut call = 0;
    for row in &rows {
        for ((role, _), expected) in ROLES.iter().zip(&row.expected) {
            call += 1;
            let (query, variables) = request(&row.operation, &row.target, role, &targets, call);
            let token = tokens.get(role).map(String::as_str);
            let body = if row.operation == "importCredentials" {
                // An upload: a header-only list, so nothing is imported whoever may.
                app.upload(token, &query, variables["input"].clone(), b"uscc,tier\n".to_vec())
                    .await
            } else {
                match token {
                    Some(token) => app.query_as(token, &query, variables).await.1,
                    None => app.query_with(&query, variables).await,
                }
            };
            let got = outcome(&body, &row.operation);
            if &got != expected {
                mismatches.push(format!(
                    "{} {} as {role}: expected {expected}, got {got}: {body}",
                    row.operation, row.target
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
