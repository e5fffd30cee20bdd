//! Batch import of an announcement list through the GraphQL multipart upload: all rows or none, every
//! bad row reported, dry runs, idempotency keys, GB18030 files, and the same policy as proposals; every
//! kind of list from its served template to the export.

use std::collections::BTreeMap;

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

use crate::export::csv_records;

const IMPORT: &str = "mutation($input: ImportCredentialsInput!) { importCredentials(input: $input) {
    report { batch dryRun replayed rows imported errors { line column reason } } } }";

/// Registers `count` enterprises in `region` through the API and returns their codes.
async fn registered(app: &TestApp, region: &str, count: u32) -> Vec<String> {
    let registrar = app.login("cq-amr-registrar").await;
    let mut codes = Vec::new();
    for n in 0..count {
        let uscc = registry::domain::Uscc::with_check_character(&format!("91{region}MA6{n:06}")).unwrap();
        let (_, body) = app
            .query_as(
                &registrar,
                "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { enterprise { id } } }",
                json!({ "input": { "uscc": uscc.to_string(), "fields": { "name": format!("导入测试企业{n}"), "regionCode": region } } }),
            )
            .await;
        assert!(
            body["data"]["createEnterprise"]["enterprise"]["id"].is_string(),
            "{body}"
        );
        codes.push(uscc.to_string());
    }
    codes
}

/// Sends `file` as the upload of `importCredentials` with `input`.
async fn upload(app: &TestApp, token: &str, input: Value, file: Vec<u8>) -> Value {
    app.upload(Some(token), IMPORT, input, file).await
}

/// How many 专精特新 designations of `batch` a Chongqing industry registrar sees.
async fn in_batch(app: &TestApp, token: &str, batch: i32) -> i64 {
    let (_, body) = app
        .query_as(
            token,
            "query($b: Int!) { littleGiants(filter: {batch: $b}) { totalCount } }",
            json!({ "b": batch }),
        )
        .await;
    body["data"]["littleGiants"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn a_gb18030_list_is_imported_whole_as_submitted_proposals() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 3).await;
    let registrar = app.login("cq-eic-registrar").await;
    let mut text = "统一社会信用代码,企业名称,梯度,序号\n".to_owned();
    for (n, code) in codes.iter().enumerate() {
        text.push_str(&format!("{code},导入测试企业{n},专精特新中小企业,{n}\n"));
    }
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&text);
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "LITTLE_GIANT", "batch": 42 }),
        gb18030.into_owned(),
    )
    .await;
    let report = &body["data"]["importCredentials"]["report"];
    assert_eq!(
        report,
        &json!({ "batch": 42, "dryRun": false, "replayed": false, "rows": 3, "imported": 3, "errors": [] }),
        "{body}"
    );
    assert_eq!(in_batch(&app, &registrar, 42).await, 3);
    let listed = app
        .query_as(
            &registrar,
            "{ littleGiants(filter: {batch: 42}) { nodes { status proposedBy tier level } } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(
        listed["data"]["littleGiants"]["nodes"][0],
        json!({ "status": "SUBMITTED", "proposedBy": "cq-eic-registrar", "tier": "SPECIALIZED_SME", "level": "PROVINCIAL" })
    );
    assert_eq!(
        in_batch(&app, &app.login("cq-amr-viewer").await, 42).await,
        3,
        "staff in the jurisdiction see them"
    );
    assert_eq!(
        app.query("{ littleGiants(filter: {batch: 42}) { totalCount } }")
            .await["data"]["littleGiants"]["totalCount"],
        0,
        "the public does not see proposals"
    );
}

#[tokio::test]
async fn one_bad_row_and_nothing_is_imported_with_every_bad_row_reported() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 2).await;
    let sichuan = app
        .data(r#"{ enterprises(first: 1, filter: {region: {code: "510000"}}) { nodes { uscc } } }"#)
        .await["enterprises"]["nodes"][0]["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    let registrar = app.login("cq-eic-registrar").await;
    let text = format!(
        "uscc,tier,year\n{a},SPECIALIZED_SME,2026\n{bad},SPECIALIZED_SME,2026\n{b},巨人,2026\n{a},SPECIALIZED_SME,2026\n\
         91500112MA5U7R2X3U,SPECIALIZED_SME,2026\n{sichuan},SPECIALIZED_SME,2026\n{b},LITTLE_GIANT,20x6\n",
        a = codes[0],
        b = codes[1],
        bad = codes[1].replace('9', "8"),
    );
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "LITTLE_GIANT", "batch": 43 }),
        text.into_bytes(),
    )
    .await;
    let report = &body["data"]["importCredentials"]["report"];
    assert_eq!(report["rows"], 7, "{body}");
    assert_eq!(report["imported"], 0);
    let errors: Vec<(i64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "uscc"),
            (4, "tier"),
            (5, "uscc"),
            (6, "uscc"),
            (7, "uscc"),
            (8, "year")
        ],
        "{report}"
    );
    assert_eq!(in_batch(&app, &registrar, 43).await, 0, "all rows or none");
}

#[tokio::test]
async fn a_dry_run_checks_everything_and_writes_nothing() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 2).await;
    let registrar = app.login("cq-eic-registrar").await;
    let text = format!(
        "uscc,tier\n{},SPECIALIZED_SME\n{},SPECIALIZED_SME\n",
        codes[0], codes[1]
    );
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "LITTLE_GIANT", "batch": 44, "dryRun": true }),
        text.into_bytes(),
    )
    .await;
    let report = &body["data"]["importCredentials"]["report"];
    assert_eq!(
        (report["rows"].as_i64(), report["errors"].as_array().map(Vec::len)),
        (Some(2), Some(0)),
        "{body}"
    );
    assert_eq!(report["imported"], 0);
    assert_eq!(in_batch(&app, &registrar, 44).await, 0);
}

#[tokio::test]
async fn the_same_idempotency_key_imports_once_and_answers_the_first_report() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 2).await;
    let registrar = app.login("cq-eic-registrar").await;
    let text = format!(
        "uscc,tier\n{},SPECIALIZED_SME\n{},SPECIALIZED_SME\n",
        codes[0], codes[1]
    );
    let input = json!({ "kind": "LITTLE_GIANT", "batch": 45, "idempotencyKey": "cq-eic-2026-batch-45" });
    let first = upload(&app, &registrar, input.clone(), text.clone().into_bytes()).await;
    assert_eq!(
        first["data"]["importCredentials"]["report"]["imported"], 2,
        "{first}"
    );
    let again = upload(&app, &registrar, input, text.into_bytes()).await;
    let report = &again["data"]["importCredentials"]["report"];
    assert_eq!(
        (report["replayed"].as_bool(), report["imported"].as_i64()),
        (Some(true), Some(2)),
        "{again}"
    );
    assert_eq!(in_batch(&app, &registrar, 45).await, 2, "nothing imported twice");
    let events = app
        .query_as(
            &app.login("sysadmin").await,
            "{ auditEvents(filter: {action: \"IMPORT_CREDENTIALS\"}) { totalCount } }",
            json!({}),
        )
        .await
        .1;
    assert_eq!(events["data"]["auditEvents"]["totalCount"], 1);
}

#[tokio::test]
async fn only_registrars_of_a_competent_bureau_may_import() {
    let app = spawn_app().await;
    let text = b"uscc,tier\n".to_vec();
    let input = json!({ "kind": "LITTLE_GIANT", "batch": 46 });
    let market = app.login("cq-amr-registrar").await;
    assert_eq!(
        error_code(&upload(&app, &market, input.clone(), text.clone()).await),
        "FORBIDDEN"
    );
    let reviewer = app.login("cq-eic-reviewer").await;
    assert_eq!(
        error_code(&upload(&app, &reviewer, input, text).await),
        "FORBIDDEN"
    );
}

/// Each kind of list: its template's name, its `ImportListKind`, the demo registrar who imports it,
/// and the export list its credentials land in.
const KINDS: [(&str, &str, &str, &str); 6] = [
    ("little-giant", "LITTLE_GIANT", "cq-eic-registrar", "littleGiants"),
    ("green", "GREEN", "cq-eic-registrar", "greenDesignations"),
    (
        "gi-authorization",
        "GI_AUTHORIZATION",
        "cq-amr-registrar",
        "giAuthorizations",
    ),
    (
        "quality-award",
        "QUALITY_AWARD",
        "cq-amr-registrar",
        "qualityAwards",
    ),
    (
        "chief-quality-officer",
        "CHIEF_QUALITY_OFFICER",
        "cq-amr-registrar",
        "chiefQualityOfficers",
    ),
    (
        "public-brand-license",
        "PUBLIC_BRAND_LICENSE",
        "cq-eic-registrar",
        "brandRecognitions",
    ),
];

/// The export column that gives back a template column of a `template` list's `row`; `None` for
/// personal data, which exports never carry, and for a winning person's employer.
fn exported_as(template: &str, column: &str, row: &BTreeMap<String, String>) -> Option<&'static str> {
    let person = row
        .get("identity_number")
        .is_some_and(|number| !number.is_empty());
    Some(match column {
        "identity_number" | "phone" => return None,
        "uscc" if template == "chief-quality-officer" => "employerUscc",
        "name" if template == "chief-quality-officer" => "employerName",
        "uscc" | "name" if person => return None,
        "uscc" => "holderUscc",
        "name" | "person_name" => "holderName",
        "tier" => "tier",
        "level" => "level",
        "year" => "year",
        "green_kind" => "greenKind",
        "subject_name" => "subjectName",
        "region" => "regionCode",
        "indication" => "geographicIndicationRegistrationNumber",
        "programme" => "programName",
        "edition" => "edition",
        "citation" => "citation",
        "certificate_number" => "certificateNumber",
        "brand" => "brandName",
        other => panic!("template column {other} has no export column"),
    })
}

#[tokio::test]
async fn every_kind_of_list_round_trips_from_its_served_template_to_the_export() {
    let app = spawn_app().await;
    for (n, (template, kind, registrar, list)) in KINDS.into_iter().enumerate() {
        let response = app
            .client
            .get(format!("{}/templates/{template}.csv", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{template}");
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let text = response.text().await.unwrap();
        let rows = csv_records(&text);
        assert!(!rows.is_empty(), "{template} has example rows");
        let token = app.login(registrar).await;
        let batch = 60 + n as i32;
        let dry_run = upload(
            &app,
            &token,
            json!({ "kind": kind, "batch": batch, "dryRun": true }),
            text.clone().into_bytes(),
        )
        .await;
        let report = &dry_run["data"]["importCredentials"]["report"];
        assert_eq!(report["errors"], json!([]), "{template}: {dry_run}");
        assert_eq!(report["rows"], rows.len(), "{template}");
        let body = upload(
            &app,
            &token,
            json!({ "kind": kind, "batch": batch }),
            text.clone().into_bytes(),
        )
        .await;
        assert_eq!(
            body["data"]["importCredentials"]["report"]["imported"],
            rows.len(),
            "{template}: {body}"
        );

        // Each row again is a credential held, reported on the column naming its holder (or its
        // certificate).
        let again = upload(
            &app,
            &token,
            json!({ "kind": kind, "batch": batch, "dryRun": true }),
            text.into_bytes(),
        )
        .await;
        let columns: Vec<&str> = again["data"]["importCredentials"]["report"]["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{again}"))
            .iter()
            .map(|error| error["column"].as_str().unwrap())
            .collect();
        let holders: Vec<&str> = rows
            .iter()
            .map(|row| {
                let filled = |column: &str| row.get(column).is_some_and(|value| !value.is_empty());
                // An officer's certificate number is taken before the holder's key is.
                match (
                    filled("certificate_number"),
                    filled("identity_number"),
                    filled("uscc"),
                ) {
                    (true, _, _) => "certificate_number",
                    (false, true, _) => "identity_number",
                    (false, false, true) => "uscc",
                    (false, false, false) => "region",
                }
            })
            .collect();
        assert_eq!(columns, holders, "{template}: {again}");

        let filter = json!({ "batch": batch }).to_string();
        let export = app
            .client
            .get(format!("{}/export/{list}", app.address))
            .query(&[("filter", filter.as_str())])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(export.status(), 200, "{template}");
        let exported_text = export.text().await.unwrap();
        let exported = csv_records(&exported_text);
        assert_eq!(exported.len(), rows.len(), "{template}: {exported_text}");
        for row in &rows {
            let found = exported.iter().any(|record| {
                // An empty cell gives nothing to compare.
                row.iter()
                    .filter(|(_, value)| !value.is_empty())
                    .all(|(column, value)| match exported_as(template, column, row) {
                        Some(name) => record.get(name) == Some(value),
                        None => !exported_text.contains(value.as_str()),
                    })
            });
            assert!(
                found,
                "{template}: {row:?} is not in the export:\n{exported_text}"
            );
        }
    }
    let missing = app
        .client
        .get(format!("{}/templates/unknown.csv", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn an_officer_list_registers_its_new_persons_with_audited_personal_data() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 1).await;
    let registrar = app.login("cq-amr-registrar").await;
    let text = format!(
        "身份证号,姓名,联系电话,统一社会信用代码,证书编号,级别\n\
         11010519491231002X,导入测试官,13800000000,{code},CQO-IMPORT-1,省级\n\
         11010519491231002X,导入测试官,13800000000,{code},CQO-IMPORT-2,省级\n\
         110105194912310021,导入测试官乙,,{code},CQO-IMPORT-1,区级\n\
         11010519491231002X,另一个名字,,{code},CQO-IMPORT-3,省级\n",
        code = codes[0]
    );
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "CHIEF_QUALITY_OFFICER", "batch": 70 }),
        text.into_bytes(),
    )
    .await;
    let errors: Vec<(i64, &str)> = body["data"]["importCredentials"]["report"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    // The same person twice, a bad identity number and level, another name for a listed person.
    assert_eq!(
        errors,
        [
            (3, "identity_number"),
            (4, "level"),
            (4, "identity_number"),
            (5, "person_name")
        ],
        "{body}"
    );

    let good = format!(
        "identity_number,person_name,phone,uscc,certificate_number,level\n\
         11010519491231002X,导入测试官,13800000000,{},CQO-IMPORT-1,PROVINCIAL\n",
        codes[0]
    );
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "CHIEF_QUALITY_OFFICER", "batch": 70 }),
        good.into_bytes(),
    )
    .await;
    assert_eq!(
        body["data"]["importCredentials"]["report"]["imported"], 1,
        "{body}"
    );
    let (_, events) = app
        .query_as(
            &registrar,
            "{ auditEvents(filter: {action: \"CREATE_PERSON\"}) { totalCount nodes { entityType after } } }",
            json!({}),
        )
        .await;
    let events = &events["data"]["auditEvents"];
    assert_eq!(events["totalCount"], 1, "{events}");
    let after = &events["nodes"][0]["after"];
    assert_eq!(after["hasIdentityNumber"], true, "{after}");
    assert_eq!(after["hasPhone"], true);
    assert!(!after.to_string().contains("13800000000"), "{after}");
    assert!(!after.to_string().contains("11010519491231002X"), "{after}");
}

#[tokio::test]
async fn a_list_published_before_a_rename_names_the_enterprise_as_it_was() {
    let app = spawn_app().await;
    let codes = registered(&app, "500112", 1).await;
    let registrar = app.login("cq-amr-registrar").await;
    app.update_enterprise(
        &registrar,
        &codes[0],
        json!({ "name": "导入测试更名企业", "regionCode": "500112" }),
    )
    .await;

    let industry = app.login("cq-eic-registrar").await;
    let list = |name: &str| {
        format!(
            "统一社会信用代码,企业名称,梯度\n{},{name},专精特新中小企业\n",
            codes[0]
        )
    };
    let dry_run = json!({ "kind": "LITTLE_GIANT", "batch": 43, "dryRun": true });
    let former = upload(
        &app,
        &industry,
        dry_run.clone(),
        list("导入测试企业0").into_bytes(),
    )
    .await;
    assert_eq!(
        former["data"]["importCredentials"]["report"]["errors"],
        json!([]),
        "the former name is the enterprise's: {former}"
    );
    let stranger = upload(&app, &industry, dry_run, list("另一家企业").into_bytes()).await;
    assert_eq!(
        stranger["data"]["importCredentials"]["report"]["errors"][0]["column"], "name",
        "a name it never had is still refused: {stranger}"
    );
}

/// An imported list reaches the change feed one change a row, in the file's order, so that an agency
/// that syncs replays the rows as the registrar listed them.
#[tokio::test]
async fn an_imported_list_reaches_the_change_feed_row_by_row_in_file_order() {
    let app = spawn_app().await;
    let mut codes = registered(&app, "500112", 4).await;
    // The file lists them in another order than they were registered in.
    codes.reverse();
    let registrar = app.login("cq-eic-registrar").await;
    let mut text = "uscc,tier\n".to_owned();
    for code in &codes {
        text.push_str(&format!("{code},SPECIALIZED_SME\n"));
    }
    let body = upload(
        &app,
        &registrar,
        json!({ "kind": "LITTLE_GIANT", "batch": 44 }),
        text.into_bytes(),
    )
    .await;
    assert_eq!(
        body["data"]["importCredentials"]["report"]["imported"], 4,
        "{body}"
    );
    let mut holders = Vec::new();
    for code in &codes {
        let (_, found) = app
            .query_as(
                &registrar,
                "query($u: String!) { enterprise(uscc: $u) { id } }",
                json!({ "u": code }),
            )
            .await;
        holders.push(found["data"]["enterprise"]["id"].clone());
    }
    let (changes, _) = crate::changes::read_on(&app, Some(&registrar), &Value::Null, 100).await;
    let imported: Vec<Value> = changes
        .iter()
        .filter(|change| change["change"] == "IMPORT_CREDENTIALS")
        .map(|change| change["payload"]["holderId"].clone())
        .collect();
    assert_eq!(imported, holders);
}
