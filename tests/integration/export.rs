//! Bulk export (`GET /export/{list}`): the same rows as the paged list under the same filter, in CSV
//! (UTF-8 with a byte-order mark, or GB18030) and JSON Lines; and snapshots with deltas, which applied
//! in turn give the later snapshot.

use std::collections::BTreeMap;

use registry::policy::Viewer;
use registry::services::changes::FeedCursor;
use registry::services::export::{self, ExportFormat, ExportList, TextEncoding, WriteSink, Writer};
use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

use crate::lifecycle::{let_notice_end, mutate, ok, on_notice, register_enterprise};

const LITTLE_GIANTS: &str = "query($filter: LittleGiantFilterInput, $after: String) {
    littleGiants(filter: $filter, first: 100, after: $after) {
        nodes { id status batch year tier validUntil holder { ... on Enterprise { id uscc name } } }
        pageInfo { hasNextPage endCursor } } }";

/// Every little giant `filter` selects, as `token`'s holder sees them, read a page at a time.
async fn paged(app: &TestApp, token: &str, filter: &Value) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut after = Value::Null;
    for _ in 0..1_000 {
        let (_, body) = app
            .query_as(token, LITTLE_GIANTS, json!({ "filter": filter, "after": after }))
            .await;
        let page = &body["data"]["littleGiants"];
        rows.extend(
            page["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .cloned(),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            return rows;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("the list did not end in 1,000 pages");
}

/// `GET /export/{list}` with these query parameters, as `token`'s holder (nobody without one).
async fn get(app: &TestApp, token: Option<&str>, list: &str, params: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/export/{list}", app.address))
        .query(params);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the export answers")
}

/// The records of a CSV file (its byte-order mark, if any, removed), header names as keys.
pub(crate) fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|record| {
            header
                .iter()
                .cloned()
                .zip(record.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn an_export_holds_the_rows_of_the_paged_list_in_every_format() {
    let app = spawn_app().await;
    let token = app.login("cq-amr-viewer").await;
    let filter = json!({ "region": { "code": "500000" }, "status": "GRANTED" });
    let listed = paged(&app, &token, &filter).await;
    assert!(listed.len() > 100, "more than one page: {}", listed.len());

    let response = get(
        &app,
        Some(&token),
        "littleGiants",
        &[("filter", &filter.to_string()), ("format", "jsonl")],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/jsonl; charset=utf-8"
    );
    assert!(response.headers().contains_key("registry-feed-cursor"));
    let text = response.text().await.unwrap();
    let exported: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(exported.len(), listed.len());
    for (row, node) in exported.iter().zip(&listed) {
        assert_eq!(row["id"], node["id"]);
        for field in ["status", "batch", "year", "tier", "validUntil"] {
            assert_eq!(row[field], node[field], "{field} of {row}");
        }
        assert_eq!(row["holderEnterpriseId"], node["holder"]["id"]);
        assert_eq!(row["holderUscc"], node["holder"]["uscc"]);
        assert_eq!(row["holderName"], node["holder"]["name"]);
    }

    // CSV: UTF-8 after a byte-order mark, the same rows; GB18030 on request, the same text.
    let response = get(
        &app,
        Some(&token),
        "littleGiants",
        &[("filter", &filter.to_string())],
    )
    .await;
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a byte-order mark")).unwrap();
    let records = csv_records(text);
    let ids: Vec<&str> = records.iter().map(|record| record["id"].as_str()).collect();
    let listed_ids: Vec<&str> = listed.iter().map(|node| node["id"].as_str().unwrap()).collect();
    assert_eq!(ids, listed_ids);
    assert_eq!(
        records[0]["holderName"],
        listed[0]["holder"]["name"].as_str().unwrap()
    );
    let gb18030 = get(
        &app,
        Some(&token),
        "littleGiants",
        &[("filter", &filter.to_string()), ("encoding", "gb18030")],
    )
    .await;
    assert_eq!(gb18030.headers()["content-type"], "text/csv; charset=gb18030");
    let gb18030 = gb18030.bytes().await.unwrap();
    let (decoded, _, malformed) = encoding_rs::GB18030.decode(&gb18030);
    assert!(!malformed);
    assert_eq!(decoded, text);
}

#[tokio::test]
async fn an_export_shows_what_the_caller_may_see_and_no_personal_data() {
    let app = spawn_app().await;
    let chongqing = app.login("cq-amr-viewer").await;
    let sichuan = app.login("sc-amr-registrar").await;
    let enterprise = register_enterprise(&app, "500112", 41).await;
    let propose = (
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 }),
    );
    let draft = crate::lifecycle::submit(&app, &app.login("cq-eic-registrar").await, propose).await;
    let filter = json!({ "status": "SUBMITTED" }).to_string();
    let params = [("filter", filter.as_str()), ("format", "jsonl")];
    let ids = |text: String| -> Vec<Value> {
        text.lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap()["id"].clone())
            .collect()
    };
    let inside = ids(get(&app, Some(&chongqing), "littleGiants", &params)
        .await
        .text()
        .await
        .unwrap());
    assert!(inside.contains(&draft), "staff of the region see the submission");
    let outside = ids(get(&app, Some(&sichuan), "littleGiants", &params)
        .await
        .text()
        .await
        .unwrap());
    assert!(!outside.contains(&draft), "staff elsewhere do not");

    let officers = get(
        &app,
        Some(&chongqing),
        "chiefQualityOfficers",
        &[("format", "jsonl")],
    )
    .await
    .text()
    .await
    .unwrap();
    let first: Value = serde_json::from_str(officers.lines().next().unwrap()).unwrap();
    assert!(
        first["holderPersonId"].is_string() && first["holderName"].is_string(),
        "{first}"
    );
    for personal in [
        "identityNumber",
        "phone",
        "proposedBy",
        "reviewedBy",
        "decisionReason",
    ] {
        assert!(first.get(personal).is_none(), "{personal} in {first}");
    }
}

#[tokio::test]
async fn an_export_needs_a_token_and_names_what_is_wrong() {
    let app = spawn_app().await;
    let response = get(&app, None, "enterprises", &[]).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(&response.json().await.unwrap()), "UNAUTHENTICATED");

    let token = app.login("cq-amr-viewer").await;
    for (list, params, field) in [
        ("companies", vec![], "list"),
        (
            "enterprises",
            vec![("filter", "{\"region\": {\"code\": \"999999\"}}")],
            "filter.region.code",
        ),
        ("littleGiants", vec![("filter", "{\"tier\": \"BIG\"}")], "filter"),
        ("littleGiants", vec![("filter", "not json")], "filter"),
        ("littleGiants", vec![("format", "xml")], "format"),
        (
            "littleGiants",
            vec![("format", "jsonl"), ("encoding", "gb18030")],
            "encoding",
        ),
        ("littleGiants", vec![("limit", "10")], "limit"),
    ] {
        let response = get(&app, Some(&token), list, &params).await;
        assert_eq!(response.status(), 400, "{list} {params:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{field}: {message}");
    }
}

/// Every list as `viewer` sees it, keyed by id, and the cursor the snapshot corresponds to.
type Snapshot = BTreeMap<&'static str, BTreeMap<String, Value>>;

fn records(bytes: &[u8]) -> BTreeMap<String, Value> {
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            (record["id"].as_str().unwrap().to_owned(), record)
        })
        .collect()
}

fn jsonl() -> Writer<WriteSink<Vec<u8>>> {
    Writer::new(ExportFormat::Jsonl, TextEncoding::Utf8, WriteSink(Vec::new()))
}

async fn snapshot(app: &TestApp) -> (Snapshot, FeedCursor) {
    let txn = export::begin_read(&app.db, None).await.unwrap();
    let cursor = export::cursor(&txn).await.unwrap();
    let mut lists = Snapshot::new();
    for list in ExportList::ALL {
        let mut writer = jsonl();
        export::export_snapshot_list(&txn, &Viewer::Public, app.clock.today(), list, &mut writer)
            .await
            .unwrap();
        lists.insert(list.name(), records(&writer.finish().await.unwrap().0));
    }
    (lists, cursor)
}

/// The delta after `since`: per list, the changed records and the ids that left it; and its cursor.
async fn delta(
    app: &TestApp,
    since: FeedCursor,
) -> (
    BTreeMap<&'static str, (BTreeMap<String, Value>, Vec<String>)>,
    FeedCursor,
) {
    let txn = export::begin_read(&app.db, None).await.unwrap();
    let changed = export::changed_since(&txn, &Viewer::Public, since).await.unwrap();
    let mut lists = BTreeMap::new();
    for list in ExportList::ALL {
        let mut writer = jsonl();
        let removed = export::export_delta(
            &txn,
            &Viewer::Public,
            app.clock.today(),
            list,
            &changed,
            &mut writer,
        )
        .await
        .unwrap();
        lists.insert(list.name(), (records(&writer.finish().await.unwrap().0), removed));
    }
    (lists, changed.cursor)
}

#[tokio::test]
async fn a_delta_applied_to_a_snapshot_gives_the_later_snapshot() {
    let app = spawn_app().await;
    let registrar = app.login("cq-eic-registrar").await;
    let reviewer = app.login("cq-eic-reviewer").await;
    let little_giant = |enterprise: &str| {
        (
            "proposeLittleGiant",
            "ProposeLittleGiantInput",
            json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 }),
        )
    };
    // On public notice when the snapshot is taken, withdrawn after it.
    let noticed_holder = register_enterprise(&app, "500112", 42).await;
    let noticed = on_notice(&app, &registrar, &reviewer, little_giant(&noticed_holder)).await;
    let (before, since) = snapshot(&app).await;
    assert!(before["littleGiants"].contains_key(noticed.as_str().unwrap()));

    ok(&mutate(
        &app,
        &reviewer,
        "withdrawCredential",
        "CredentialDecisionInput",
        json!({ "id": noticed, "reason": "异议成立" }),
    )
    .await);
    let holder = register_enterprise(&app, "500112", 43).await;
    let granted = on_notice(&app, &registrar, &reviewer, little_giant(&holder)).await;
    let_notice_end(&app, &granted).await;
    ok(&mutate(
        &app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": granted }),
    )
    .await);
    // A rename shows in the records of the credentials its enterprise already held.
    let renamed = before["littleGiants"]
        .values()
        .find(|record| {
            record["status"] == "GRANTED"
                && record["regionCode"]
                    .as_str()
                    .is_some_and(|code| code.starts_with("50"))
        })
        .expect("a granted Chongqing little giant")
        .clone();
    let enterprise = &before["enterprises"][renamed["holderEnterpriseId"].as_str().unwrap()];
    app.update_enterprise(
        &app.login("cq-amr-registrar").await,
        enterprise["uscc"].as_str().unwrap(),
        json!({ "name": "重庆更名后精工科技有限公司", "regionCode": enterprise["regionCode"] }),
    )
    .await;

    let (changes, cursor) = delta(&app, since).await;
    let (after, later) = snapshot(&app).await;
    assert_eq!(
        cursor, later,
        "the delta brings a copy to the later snapshot's cursor"
    );
    let (little_giants, removed) = &changes["littleGiants"];
    assert_eq!(
        removed,
        &[noticed.as_str().unwrap().to_owned()],
        "the withdrawal leaves the list"
    );
    assert!(little_giants.contains_key(granted.as_str().unwrap()));
    assert_eq!(
        little_giants[renamed["id"].as_str().unwrap()]["holderName"],
        "重庆更名后精工科技有限公司"
    );

    let mut applied = before;
    for (list, (changed, removed)) in changes {
        let records = applied.get_mut(list).unwrap();
        for id in removed {
            records.remove(&id);
        }
        records.extend(changed);
    }
    assert_eq!(applied, after);
}
