//! Batch import of an announcement list through the GraphQL multipart upload: all rows or none, every
//! bad row reported, dry runs, idempotency keys, GB18030 files, and the same policy as proposals.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

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

#[tokio::test]
async fn the_template_shipped_with_the_server_imports() {
    let app = spawn_app().await;
    let template = include_str!("../../api/templates/little-giant.csv");
    let uscc = template.lines().nth(1).unwrap().split(',').next().unwrap();
    let registrar = app.login("cq-amr-registrar").await;
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateEnterpriseInput!) { createEnterprise(input: $input) { userErrors { message } } }",
            json!({ "input": { "uscc": uscc, "fields": { "name": "重庆示例精密制造有限公司", "regionCode": "500112" } } }),
        )
        .await;
    assert_eq!(
        body["data"]["createEnterprise"]["userErrors"],
        json!([]),
        "{body}"
    );
    let importer = app.login("cq-eic-registrar").await;
    let body = upload(
        &app,
        &importer,
        json!({ "kind": "LITTLE_GIANT", "batch": 47 }),
        template.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        body["data"]["importCredentials"]["report"]["imported"], 1,
        "{body}"
    );
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
