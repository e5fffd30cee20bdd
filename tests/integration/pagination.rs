//! Cursor connections: page sizes, walking forwards and backwards, totals.

use registry_tests::{error_code, spawn_app};
use serde_json::{Value, json};

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
    greenDesignations(first: $first, after: $after, last: $last, before: $before, filter: {greenKind: SUPPLY_CHAIN}) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id } }
    }
}";

fn ids(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pages_walk_forwards_and_backwards_without_gaps_or_overlap() {
    let app = spawn_app().await;
    let all = app.query_with(PAGE, json!({ "first": 100 })).await["data"]["greenDesignations"].clone();
    let all_ids = ids(&all);
    assert_eq!(all["totalCount"], 8);
    assert_eq!(all_ids.len(), 8);

    let first = app.query_with(PAGE, json!({ "first": 3 })).await["data"]["greenDesignations"].clone();
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let second = app
        .query_with(
            PAGE,
            json!({ "first": 3, "after": first["pageInfo"]["endCursor"] }),
        )
        .await["data"]["greenDesignations"]
        .clone();
    let third = app
        .query_with(
            PAGE,
            json!({ "first": 3, "after": second["pageInfo"]["endCursor"] }),
        )
        .await["data"]["greenDesignations"]
        .clone();
    assert_eq!(third["pageInfo"]["hasNextPage"], false);
    let walked: Vec<String> = [ids(&first), ids(&second), ids(&third)].concat();
    assert_eq!(walked, all_ids);

    let last = app.query_with(PAGE, json!({ "last": 2 })).await["data"]["greenDesignations"].clone();
    assert_eq!(ids(&last), all_ids[6..].to_vec());
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    let before = app
        .query_with(
            PAGE,
            json!({ "last": 2, "before": last["pageInfo"]["startCursor"] }),
        )
        .await["data"]["greenDesignations"]
        .clone();
    assert_eq!(ids(&before), all_ids[4..6].to_vec());
}

#[tokio::test]
async fn the_default_page_has_twenty_items() {
    let app = spawn_app().await;
    let data = app
        .data("{ enterprises { nodes { id } pageInfo { hasNextPage } } }")
        .await;
    assert_eq!(data["enterprises"]["nodes"].as_array().unwrap().len(), 20);
    assert_eq!(data["enterprises"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn page_sizes_outside_zero_to_a_hundred_are_refused() {
    let app = spawn_app().await;
    for (args, field) in [
        (json!({ "first": 101 }), "first"),
        (json!({ "last": -1 }), "last"),
        (json!({ "first": 1, "last": 1 }), "last"),
    ] {
        let body = app.query_with(PAGE, args.clone()).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{args}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{args}");
    }
    let body = app
        .query_with(PAGE, json!({ "first": 1, "after": "garbage" }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
}

#[tokio::test]
async fn lists_can_be_ordered() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{
            asc: enterprises(first: 5, orderBy: {field: USCC, direction: ASC}) { nodes { uscc } }
            desc: enterprises(first: 5, orderBy: {field: USCC, direction: DESC}) { nodes { uscc } }
            newest: littleGiants(first: 3, orderBy: {field: DATE, direction: DESC}, filter: {tier: LITTLE_GIANT}) { nodes { validFrom } }
        }"#,
        )
        .await;
    let codes = |key: &str| -> Vec<String> {
        data[key]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["uscc"].as_str().unwrap().to_owned())
            .collect()
    };
    let asc = codes("asc");
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    assert!(codes("desc")[0] > asc[0]);
    assert_eq!(data["newest"]["nodes"][0]["validFrom"], "2025-07-01");
}

#[tokio::test]
async fn credentials_without_a_date_come_last_in_either_direction_on_every_backend() {
    let app = spawn_app().await;
    // A Chongqing registrar also sees the national nominations still in review, which have no dates.
    let registrar = app.login("cq-eic-registrar").await;
    let order = |direction: &str| {
        format!(
            r#"{{ littleGiants(last: 3, orderBy: {{field: DATE, direction: {direction}}}, filter: {{level: NATIONAL, region: {{code: "500000"}}}}) {{
                nodes {{ validFrom status }} }} }}"#
        )
    };
    for direction in ["ASC", "DESC"] {
        let (_, body) = app.query_as(&registrar, &order(direction), json!({})).await;
        let nodes = body["data"]["littleGiants"]["nodes"].as_array().unwrap().clone();
        assert_eq!(nodes.len(), 3, "{body}");
        for node in nodes {
            assert!(node["validFrom"].is_null(), "{direction}: {node}");
        }
    }
}
