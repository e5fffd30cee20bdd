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

/// The ids of a whole list walked `size` items a page, forwards (`first`/`after`) or backwards
/// (`last`/`before`, turned round), with every request's SQL.
async fn walk(
    app: &registry_tests::TestApp,
    token: &str,
    list: &str,
    args: &str,
    size: usize,
    backwards: bool,
) -> (Vec<String>, Vec<String>) {
    let (take, from, more, next) = match backwards {
        true => ("last", "before", "hasPreviousPage", "startCursor"),
        false => ("first", "after", "hasNextPage", "endCursor"),
    };
    let query = format!(
        "query($cursor: String) {{ {list}({args} {take}: {size}, {from}: $cursor) {{
            pageInfo {{ {more} {next} }} nodes {{ id }} }} }}"
    );
    let (mut ids, mut statements, mut cursor) = (Vec::new(), Vec::new(), Value::Null);
    // Bounded: a list of the demo data holds fewer than 1,000 items.
    for _ in 0..1_000 {
        let (issued, (_, body)) = app
            .statements_of(app.query_as(token, &query, json!({ "cursor": cursor })))
            .await;
        statements.extend(issued);
        let page = &body["data"][list];
        let mut nodes: Vec<String> = page["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|node| node["id"].as_str().unwrap().to_owned())
            .collect();
        if backwards {
            nodes.reverse();
        }
        ids.extend(nodes);
        if page["pageInfo"][more] != true {
            if backwards {
                ids.reverse();
            }
            return (ids, statements);
        }
        cursor = page["pageInfo"][next].clone();
    }
    panic!("{list}({args}) did not end");
}

/// Adds enterprises that tie on their name and have no founding date, in a county of their own, so
/// that the orders' ties and missing values are walked through.
async fn add_ties(app: &registry_tests::TestApp) {
    use registry::domain::Uscc;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    for i in 0..9 {
        let uscc = Uscc::with_check_character(&format!("91440303MA7{i:06}")).unwrap();
        let name = ["罗湖同名企业", "罗湖另一企业", "罗湖同名企业有限公司"][i % 3].to_owned();
        let mut row =
            registry::services::enterprise::new_row(&uscc, name, "440303".into(), chrono::Utc::now());
        row.established_on =
            (i % 2 == 0).then(|| chrono::NaiveDate::from_ymd_opt(2020, 1, 1 + i as u32).unwrap());
        row.into_active_model().insert(&app.db).await.unwrap();
    }
}

#[tokio::test]
async fn every_order_of_a_list_pages_by_position_forwards_and_backwards() {
    let app = spawn_app().await;
    add_ties(&app).await;
    let registrar = app.login("cq-eic-registrar").await;
    let lists = [
        // A county, a prefecture and a province: each region filter has indexes of its own.
        (
            "enterprises",
            r#"filter: {region: {code: "440303"}}"#,
            ["NAME", "USCC", "ESTABLISHED_ON"],
        ),
        (
            "enterprises",
            r#"filter: {region: {code: "440300"}}"#,
            ["NAME", "USCC", "ESTABLISHED_ON"],
        ),
        (
            "enterprises",
            r#"filter: {region: {code: "440000"}}"#,
            ["NAME", "USCC", "ESTABLISHED_ON"],
        ),
        // Nominations in review have no dates.
        (
            "littleGiants",
            r#"filter: {region: {code: "500118"}, level: NATIONAL}"#,
            ["HOLDER_NAME", "DATE", "USCC"],
        ),
        (
            "greenDesignations",
            r#"filter: {region: {code: "500112"}}"#,
            ["HOLDER_NAME", "DATE", "USCC"],
        ),
        // Parks: neither a holder name nor a USCC.
        (
            "greenDesignations",
            r#"filter: {region: {code: "500000"}, greenKind: INDUSTRIAL_PARK}"#,
            ["HOLDER_NAME", "DATE", "USCC"],
        ),
    ];
    for (list, filter, fields) in lists {
        for field in fields {
            for direction in ["ASC", "DESC"] {
                let args = format!("{filter} orderBy: {{field: {field}, direction: {direction}}}");
                let case = format!("{list}({args})");
                // The reference: one page, read without a cursor.
                let (whole, _) = walk(&app, &registrar, list, &args, 100, false).await;
                assert!(
                    whole.len() > 7 && whole.len() < 100,
                    "{case}: {} items",
                    whole.len()
                );
                let (forwards, statements) = walk(&app, &registrar, list, &args, 7, false).await;
                assert_eq!(forwards, whole, "{case} forwards");
                let (backwards, _) = walk(&app, &registrar, list, &args, 7, true).await;
                assert_eq!(backwards, whole, "{case} backwards");
                // A page deep in the list is found by its position, never by counting rows before it.
                assert!(
                    statements.iter().all(|sql| !sql.contains("OFFSET")),
                    "{case}: {statements:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_cursor_of_another_order_or_list_is_refused_naming_the_argument() {
    let app = spawn_app().await;
    let by_name = app
        .data("{ enterprises(first: 1) { pageInfo { endCursor } } }")
        .await["enterprises"]["pageInfo"]["endCursor"]
        .clone();
    for query in [
        "query($c: String) { enterprises(first: 1, after: $c, orderBy: {field: USCC}) { nodes { id } } }",
        "query($c: String) { enterprises(last: 1, before: $c, orderBy: {field: NAME, direction: DESC}) { nodes { id } } }",
        "query($c: String) { brands(first: 1, after: $c) { nodes { id } } }",
    ] {
        let body = app.query_with(query, json!({ "c": by_name })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        let field = body["errors"][0]["extensions"]["field"].clone();
        assert!(field == "after" || field == "before", "{query}: {body}");
    }
}

#[tokio::test]
async fn a_total_count_alone_runs_only_a_count() {
    let app = spawn_app().await;
    // Public credentials by kind and region add up their tallies (`credential_tally`); with any other
    // filter, the rows are counted.
    for (filter, counted_by) in [
        (r#"{region: {code: "510000"}}"#, "SUM(credentials)"),
        (r#"{region: {code: "510000"}, level: PROVINCIAL}"#, "COUNT(*)"),
    ] {
        let query =
            format!("{{ littleGiants(filter: {filter}, orderBy: {{field: HOLDER_NAME}}) {{ totalCount }} }}");
        let (statements, body) = app.statements_of(app.query_with(&query, json!({}))).await;
        assert!(
            body["data"]["littleGiants"]["totalCount"].as_u64().unwrap() > 0,
            "{body}"
        );
        let reading: Vec<&String> = statements
            .iter()
            .filter(|sql| sql.contains("\"credential\""))
            .collect();
        assert_eq!(reading.len(), 1, "{statements:?}");
        let count = reading[0];
        assert!(count.contains(counted_by), "{count}");
        // Neither the order nor the joins it needs, nor a page.
        for part in ["ORDER BY", "JOIN", "LIMIT"] {
            assert!(!count.contains(part), "{part} in {count}");
        }
    }
}
