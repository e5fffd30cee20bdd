//! The change feed (`changes`): every committed change in commit order, resumable from any cursor,
//! filtered by what the caller may see.

use registry_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

use crate::lifecycle::{let_notice_end, mutate, ok, on_notice, register_enterprise, register_person, submit};

const CHANGES: &str = "query($after: String, $first: Int, $kinds: [ChangeKind!], $region: RegionInput) {
    changes(after: $after, first: $first, kinds: $kinds, region: $region) {
        nodes { cursor kind change entityId regionCode payload } endCursor hasNextPage } }";

/// One page of the feed as `token`'s holder (the public without one).
async fn page(app: &TestApp, token: Option<&str>, variables: Value) -> Value {
    let body = match token {
        Some(token) => app.query_as(token, CHANGES, variables).await.1,
        None => app.query_with(CHANGES, variables).await,
    };
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["changes"].clone()
}

/// Every change after `after` as `token`'s holder, read `first` at a time, and the cursor at the end.
pub(crate) async fn read_on(
    app: &TestApp,
    token: Option<&str>,
    after: &Value,
    first: u32,
) -> (Vec<Value>, Value) {
    let mut cursor = after.clone();
    let mut changes = Vec::new();
    for _ in 0..1_000 {
        let page = page(app, token, json!({ "after": cursor, "first": first })).await;
        changes.extend(page["nodes"].as_array().unwrap().iter().cloned());
        cursor = page["endCursor"].clone();
        if page["hasNextPage"] == false {
            return (changes, cursor);
        }
    }
    panic!("the feed did not end in 1,000 pages");
}

/// What each change was, as `(change, entityId)`.
fn steps(changes: &[Value]) -> Vec<(&str, &str)> {
    changes
        .iter()
        .map(|change| {
            (
                change["change"].as_str().unwrap(),
                change["entityId"].as_str().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_grant_appears_in_the_feed_and_a_reader_resuming_from_any_cursor_misses_nothing() {
    let app = spawn_app().await;
    let (_, start) = read_on(&app, None, &Value::Null, 100).await;
    let enterprise = register_enterprise(&app, "500112", 1).await;
    let propose = (
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 }),
    );
    let reviewer = app.login("cq-eic-reviewer").await;
    let id = on_notice(&app, &app.login("cq-eic-registrar").await, &reviewer, propose).await;
    let_notice_end(&app, &id).await;
    let granted = mutate(
        &app,
        &reviewer,
        "grantCredential",
        "GrantCredentialInput",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(ok(&granted)["status"], "GRANTED");
    let id = id.as_str().unwrap();

    // Staff of the region see every step; the public sees the enterprise and what it may see of the
    // credential: from the notice on.
    let staff = app.login("cq-amr-viewer").await;
    let (seen, end) = read_on(&app, Some(&staff), &start, 100).await;
    assert_eq!(
        steps(&seen)[1..],
        [
            ("PROPOSE_CREDENTIAL", id),
            ("SUBMIT_CREDENTIAL", id),
            ("APPROVE_CREDENTIAL", id),
            ("GRANT_CREDENTIAL", id)
        ],
        "{seen:?}"
    );
    assert_eq!(seen[0]["change"], "CREATE_ENTERPRISE");
    assert_eq!(seen[0]["entityId"], enterprise);
    let (public, public_end) = read_on(&app, None, &start, 100).await;
    assert_eq!(
        steps(&public),
        [
            ("CREATE_ENTERPRISE", enterprise.as_str()),
            ("APPROVE_CREDENTIAL", id),
            ("GRANT_CREDENTIAL", id)
        ]
    );
    let grant = &public[2];
    assert_eq!(grant["kind"], "LITTLE_GIANT");
    assert_eq!(grant["regionCode"], "500112");
    assert_eq!(grant["payload"]["status"], "GRANTED");
    assert_eq!(grant["payload"]["holderId"], enterprise);

    // A reader resuming from every cursor of the feed, one change at a time, reads the same changes.
    let (one_by_one, _) = read_on(&app, Some(&staff), &start, 1).await;
    assert_eq!(one_by_one, seen);
    for (i, change) in seen.iter().enumerate() {
        let (rest, _) = read_on(&app, Some(&staff), &change["cursor"], 2).await;
        assert_eq!(rest, seen[i + 1..], "resumed after change {i}");
    }

    // At the end, an empty page at once, with the same cursor; then the next change.
    let at_end = page(&app, None, json!({ "after": public_end })).await;
    assert_eq!(at_end["nodes"], json!([]));
    assert_eq!(at_end["endCursor"], public_end);
    assert_eq!(at_end["hasNextPage"], false);
    assert_eq!(end, seen.last().unwrap()["cursor"]);
    let revoke = json!({ "id": id, "reason": "不再符合条件" });
    ok(&mutate(
        &app,
        &reviewer,
        "revokeCredential",
        "RevokeCredentialInput",
        revoke,
    )
    .await);
    let next = page(&app, None, json!({ "after": public_end })).await;
    assert_eq!(
        steps(next["nodes"].as_array().unwrap()),
        [("REVOKE_CREDENTIAL", id)]
    );
}

#[tokio::test]
async fn staff_of_another_region_and_other_kinds_are_filtered_out() {
    let app = spawn_app().await;
    let (_, start) = read_on(&app, None, &Value::Null, 100).await;
    let enterprise = register_enterprise(&app, "500112", 2).await;
    let propose = (
        "proposeLittleGiant",
        "ProposeLittleGiantInput",
        json!({ "holderId": enterprise, "tier": "SPECIALIZED_SME", "batch": 6, "year": 2026 }),
    );
    submit(&app, &app.login("cq-eic-registrar").await, propose).await;

    let sichuan = app.login("sc-amr-registrar").await;
    let (seen, _) = read_on(&app, Some(&sichuan), &start, 100).await;
    assert_eq!(
        steps(&seen),
        [("CREATE_ENTERPRISE", enterprise.as_str())],
        "a draft elsewhere stays unseen"
    );
    let staff = app.login("cq-amr-viewer").await;
    let only =
        |kinds: Value, region: &str| json!({ "after": start, "kinds": kinds, "region": { "code": region } });
    let credentials = page(&app, Some(&staff), only(json!(["LITTLE_GIANT"]), "500000")).await;
    let changes: Vec<&str> = credentials["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["PROPOSE_CREDENTIAL", "SUBMIT_CREDENTIAL"]);
    let elsewhere = page(&app, Some(&staff), only(json!(["ENTERPRISE"]), "510000")).await;
    assert_eq!(elsewhere["nodes"], json!([]));
    assert_eq!(elsewhere["endCursor"], start, "an empty page keeps the cursor");

    let (_, body) = app
        .query_as(&staff, CHANGES, json!({ "after": "bm90IGEgY3Vyc29y" }))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
}

#[tokio::test]
async fn the_public_feed_carries_no_personal_data() {
    let app = spawn_app().await;
    let (_, start) = read_on(&app, None, &Value::Null, 100).await;
    let employer = register_enterprise(&app, "500103", 3).await;
    let person = register_person(&app, &employer).await;
    let propose = (
        "proposeChiefQualityOfficer",
        "ProposeChiefQualityOfficerInput",
        json!({ "holderId": person, "level": "PROVINCIAL", "certificateNumber": "CQO-2026-0002", "employerId": employer }),
    );
    on_notice(
        &app,
        &app.login("cq-amr-registrar").await,
        &app.login("cq-amr-reviewer").await,
        propose,
    )
    .await;

    let (public, _) = read_on(&app, None, &start, 100).await;
    let notice = public
        .iter()
        .find(|change| change["kind"] == "CHIEF_QUALITY_OFFICER")
        .unwrap_or_else(|| panic!("the notice is public: {public:?}"));
    assert_eq!(notice["payload"]["holderId"], person);
    let text = serde_json::to_string(&public).unwrap();
    for personal in ["王质量", "11010519491231002", "13800138000"] {
        assert!(!text.contains(personal), "{personal} in the public feed: {text}");
    }
}

#[tokio::test]
async fn a_reader_never_passes_a_change_that_a_running_transaction_could_still_commit_below_it() {
    use registry::services::changes::{Published, publish};
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let (_, start) = read_on(&app, None, &Value::Null, 100).await;
    let row = entity::enterprise::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let id = registry::ids::encode(registry::ids::NodeType::Enterprise, row.id);

    // A first writer numbers its change and keeps its transaction open.
    let first = registry::services::changes::begin(&app.db).await.unwrap();
    publish(&first, Published::enterprise("FIRST", &row))
        .await
        .unwrap();
    // A second writer starts meanwhile and commits as soon as it can. It takes the feed's lock only as
    // it publishes, as a creation does (`audit::create_recorded`).
    let db = app.db.clone();
    let second_row = row.clone();
    let mut second = tokio::spawn(async move {
        let txn = registry::services::begin_write(&db).await.unwrap();
        publish(&txn, Published::enterprise("SECOND", &second_row))
            .await
            .unwrap();
        txn.commit().await.unwrap();
    });
    // It cannot commit a change numbered after the first's while the first is open: a reader that saw
    // it would pass the first's number, and never read the first's change.
    let bounded = std::time::Duration::from_millis(500);
    assert!(
        tokio::time::timeout(bounded, &mut second).await.is_err(),
        "the second writer committed while the first was still open"
    );
    let (seen, _) = read_on(&app, None, &start, 100).await;
    assert_eq!(seen, Vec::<Value>::new(), "nothing is committed yet");

    first.commit().await.unwrap();
    second.await.unwrap();
    let (seen, _) = read_on(&app, None, &start, 100).await;
    assert_eq!(steps(&seen), [("FIRST", id.as_str()), ("SECOND", id.as_str())]);
}
