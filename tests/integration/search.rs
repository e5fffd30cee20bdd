//! `search`: one box across the registries, by name in either script, former name, pinyin or USCC,
//! ranked exact, prefix, infix, and saying what matched.

use registry_tests::{error_code, spawn_app};
use serde_json::{Value, json};

const CREATE_ENTERPRISE: &str = "mutation($input: CreateEnterpriseInput!) {
    createEnterprise(input: $input) { enterprise { name } userErrors { field message } } }";

const SEARCH: &str = "query($query: String!, $kinds: [SearchKind!], $first: Int, $after: String) {
    search(query: $query, kinds: $kinds, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { kind matchedField matchClass matchedText
                item { ... on Enterprise { name uscc } ... on Brand { name } ... on GeographicIndication { name }
                       ... on Person { name } } } } }";

async fn search(app: &registry_tests::TestApp, variables: Value) -> Value {
    let body = app.query_with(SEARCH, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["search"].clone()
}

/// A valid USCC, different for each `n`.
fn uscc(n: u32) -> String {
    registry::domain::Uscc::with_check_character(&format!("91440300192203{n:03}"))
        .unwrap()
        .to_string()
}

async fn register(app: &registry_tests::TestApp, uscc: &str, name: &str) {
    let registrar = app.login("cq-amr-registrar").await;
    let input = json!({ "input": { "uscc": uscc, "fields": { "name": name, "regionCode": "500103" } } });
    let (_, body) = app.query_as(&registrar, CREATE_ENTERPRISE, input).await;
    assert_eq!(
        body["data"]["createEnterprise"]["userErrors"],
        json!([]),
        "{body}"
    );
}

fn hit_named<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|hit| hit["item"]["name"] == name))
        .unwrap_or_else(|| panic!("no hit for {name}: {page}"))
}

#[tokio::test]
async fn a_pinyin_query_finds_the_enterprise_in_full_or_by_initials() {
    let app = spawn_app().await;
    register(&app, "914403001922038216", "重庆长寿青鸟示例科技有限公司").await;

    // 重 and 长 each have two readings; the spelling people type is one of them.
    let full = search(
        &app,
        json!({ "query": "chongqingchangshouqingniao", "kinds": ["ENTERPRISE"] }),
    )
    .await;
    let hit = hit_named(&full, "重庆长寿青鸟示例科技有限公司");
    assert_eq!(hit["matchedField"], "PINYIN");
    assert_eq!(hit["matchClass"], "PREFIX");
    assert!(
        hit["matchedText"]
            .as_str()
            .unwrap()
            .starts_with("chongqingchangshouqingniao"),
        "{hit}"
    );

    let initials = search(&app, json!({ "query": "CQ CSQN", "kinds": ["ENTERPRISE"] })).await;
    let hit = hit_named(&initials, "重庆长寿青鸟示例科技有限公司");
    assert_eq!(hit["matchedField"], "PINYIN");
    assert!(
        hit["matchedText"].as_str().unwrap().starts_with("cqcsqn"),
        "{hit}"
    );
}

#[tokio::test]
async fn a_renamed_enterprise_is_found_by_its_old_name_marked_as_a_former_name() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    register(&app, "914403001922038216", "重庆旧名示例科技有限公司").await;
    app.update_enterprise(
        &registrar,
        "914403001922038216",
        json!({ "name": "重庆新名示例智能科技有限公司", "regionCode": "500103" }),
    )
    .await;

    let page = search(&app, json!({ "query": "重慶舊名示例" })).await;
    assert_eq!(page["totalCount"], 1, "{page}");
    let hit = &page["nodes"][0];
    assert_eq!(hit["item"]["name"], "重庆新名示例智能科技有限公司");
    assert_eq!(hit["matchedField"], "FORMER_NAME");
    assert_eq!(hit["matchedText"], "重庆旧名示例科技有限公司");
    assert_eq!(hit["matchClass"], "PREFIX");
}

#[tokio::test]
async fn exact_matches_rank_above_prefix_matches_above_infix_matches() {
    let app = spawn_app().await;
    // Longest first, so that creation order cannot explain the ranking.
    register(&app, &uscc(1), "长名称青鸟示例科技有限公司").await;
    register(&app, &uscc(2), "青鸟示例").await;
    register(&app, &uscc(3), "青鸟示例科技").await;

    let page = search(&app, json!({ "query": "青鸟示例", "kinds": ["ENTERPRISE"] })).await;
    let ranked: Vec<(&str, &str)> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["item"]["name"].as_str().unwrap(),
                hit["matchClass"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            ("青鸟示例", "EXACT"),
            ("青鸟示例科技", "PREFIX"),
            ("长名称青鸟示例科技有限公司", "INFIX")
        ],
        "{page}"
    );
}

#[tokio::test]
async fn terms_of_one_or_two_characters_find_names_and_former_names_in_rank_order() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    register(&app, &uscc(1), "重庆鹦鹉示例有限公司").await;
    register(&app, &uscc(2), "鹦鹉螺示例科技有限公司").await;
    register(&app, &uscc(3), "鹦鹉").await;
    register(&app, &uscc(4), "重庆白鹦示例有限公司").await;
    app.update_enterprise(
        &registrar,
        &uscc(4),
        json!({ "name": "重庆白鸽示例有限公司", "regionCode": "500103" }),
    )
    .await;

    // Traditional script, folded to the simplified grams.
    let page = search(&app, json!({ "query": "鸚鵡", "kinds": ["ENTERPRISE"] })).await;
    let ranked: Vec<(&str, &str)> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["item"]["name"].as_str().unwrap(),
                hit["matchClass"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            ("鹦鹉", "EXACT"),
            ("鹦鹉螺示例科技有限公司", "PREFIX"),
            ("重庆鹦鹉示例有限公司", "INFIX")
        ],
        "{page}"
    );

    let page = search(&app, json!({ "query": "白鹦", "kinds": ["ENTERPRISE"] })).await;
    assert_eq!(page["totalCount"], 1, "{page}");
    assert_eq!(page["nodes"][0]["item"]["name"], "重庆白鸽示例有限公司");
    assert_eq!(page["nodes"][0]["matchedField"], "FORMER_NAME");

    let page = search(&app, json!({ "query": "鹦", "kinds": ["ENTERPRISE"] })).await;
    assert_eq!(page["totalCount"], 4, "{page}");

    // `nameContains` takes the same index: the name, or a name the enterprise had before.
    for (term, expected) in [("鹦鹉", 3), ("白鹦", 1), ("鹉", 3), ("鸽示", 1)] {
        let body = app
            .query_with(
                "query($q: String!) { enterprises(filter: {nameContains: $q}) { totalCount nodes { name } } }",
                json!({ "q": term }),
            )
            .await;
        assert_eq!(
            body["data"]["enterprises"]["totalCount"], expected,
            "{term}: {body}"
        );
    }

    // Names starting with the term and names containing it further on, merged in name order, page
    // after page.
    let mut names = Vec::new();
    let mut after = Value::Null;
    for _ in 0..4 {
        let body = app
            .query_with(
                "query($q: String!, $after: String) { enterprises(filter: {nameContains: $q}, first: 1, \
                 after: $after) { nodes { name } pageInfo { endCursor hasNextPage } } }",
                json!({ "q": "鹦鹉", "after": after }),
            )
            .await;
        let page = &body["data"]["enterprises"];
        names.extend(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["name"].clone()),
        );
        after = page["pageInfo"]["endCursor"].clone();
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
    }
    assert_eq!(
        names,
        [
            json!("重庆鹦鹉示例有限公司"),
            json!("鹦鹉"),
            json!("鹦鹉螺示例科技有限公司")
        ]
    );
}

#[tokio::test]
async fn the_start_of_a_uscc_finds_its_enterprise_and_pages_do_not_repeat_hits() {
    let app = spawn_app().await;
    let page = search(
        &app,
        json!({ "query": "91500101ma000014", "kinds": ["ENTERPRISE"] }),
    )
    .await;
    let hit = hit_named(&page, "重庆万州三峡新材料科技有限公司");
    assert_eq!(hit["matchedField"], "USCC");
    assert_eq!(hit["matchedText"], "91500101MA000014XF");

    let first = search(&app, json!({ "query": "万州", "first": 2 })).await;
    assert_eq!(first["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let next = search(
        &app,
        json!({ "query": "万州", "first": 2, "after": first["pageInfo"]["endCursor"] }),
    )
    .await;
    let names = |page: &Value| -> Vec<String> {
        page["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["item"].to_string())
            .collect()
    };
    assert!(
        names(&next).iter().all(|name| !names(&first).contains(name)),
        "{first} {next}"
    );
    assert!(first["totalCount"].as_u64().unwrap() > 4, "{first}");
}

#[tokio::test]
async fn a_blank_query_or_a_page_too_deep_is_refused_naming_the_argument() {
    let app = spawn_app().await;
    let blank = app.query_with(SEARCH, json!({ "query": "  " })).await;
    assert_eq!(error_code(&blank), "BAD_USER_INPUT", "{blank}");
    assert_eq!(blank["errors"][0]["extensions"]["field"], "query", "{blank}");

    let deep_cursor = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("offset:5000")
    };
    let deep = app
        .query_with(SEARCH, json!({ "query": "重庆", "after": deep_cursor }))
        .await;
    assert_eq!(error_code(&deep), "BAD_USER_INPUT", "{deep}");
    assert_eq!(deep["errors"][0]["extensions"]["field"], "after", "{deep}");
}

#[tokio::test]
async fn a_person_with_no_visible_credential_is_found_only_by_staff_of_their_region() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { userErrors { field message } } }",
            json!({ "input": { "fields": { "name": "欧阳示例", "regionCode": "500103" } } }),
        )
        .await;
    assert_eq!(body["data"]["createPerson"]["userErrors"], json!([]), "{body}");
    let variables = json!({ "query": "ouyangshili", "kinds": ["PERSON"] });

    let public = search(&app, variables.clone()).await;
    assert_eq!(
        public["nodes"],
        json!([]),
        "the public sees persons only through credentials: {public}"
    );
    for (user, found) in [("cq-amr-viewer", 1), ("sc-amr-registrar", 0)] {
        let token = app.login(user).await;
        let (_, body) = app.query_as(&token, SEARCH, variables.clone()).await;
        let nodes = body["data"]["search"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), found, "{user}: {body}");
    }
}

#[tokio::test]
async fn hits_of_every_kind_rank_together_and_a_repeated_term_is_not_weighed_again() {
    let app = spawn_app().await;
    register(&app, &uscc(1), "青鸟示例乙科技有限公司").await;
    register(&app, &uscc(3), "青鸟示例丁科技有限公司").await;
    let registrar = app.login("cq-amr-registrar").await;
    let brand = json!({ "input": { "name": "青鸟示例丙", "kind": "REGIONAL_PUBLIC",
        "holderOrganisation": "重庆市某县农产品协会", "regionCode": "500241", "niceClasses": [29] } });
    let (_, body) = app
        .query_as(
            &registrar,
            "mutation($input: CreateBrandInput!) { createBrand(input: $input) { userErrors { field message } } }",
            brand,
        )
        .await;
    assert_eq!(body["data"]["createBrand"]["userErrors"], json!([]), "{body}");

    let variables = json!({ "query": "青鸟示例", "first": 2 });
    let (first_statements, _) = app.count_statements(search(&app, variables.clone())).await;
    let (statements, page) = app.count_statements(search(&app, variables)).await;
    let ranked: Vec<(&str, &str)> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            (
                hit["kind"].as_str().unwrap(),
                hit["item"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    // By name (code points) across kinds: the brand (丙) between the two enterprises (丁, 乙), the page
    // cut after it.
    assert_eq!(
        ranked,
        [("ENTERPRISE", "青鸟示例丁科技有限公司"), ("BRAND", "青鸟示例丙")],
        "{page}"
    );
    assert_eq!(page["totalCount"], 3, "{page}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true, "{page}");
    // Enterprises, the kinds searched by name together, the page's brand row, and the count of each
    // of the four kinds; the first search also weighed the term's two key pairs (鸟示, 示例), in one
    // statement: a count on SQLite, the read of the grams' statistics (kept for every term) on
    // PostgreSQL.
    assert_eq!(statements, 7, "statements of the repeated search");
    assert_eq!(first_statements, statements + 1, "statements of the first search");
}

/// The first hits holding a pair are read in name order from an index of the names' pairs (on
/// PostgreSQL), which must follow a rename: an enterprise renamed to a name holding the pair, at the
/// front of the order, leads the hits at once.
#[tokio::test]
async fn a_renamed_enterprise_takes_its_new_place_among_the_hits() {
    let app = spawn_app().await;
    let registrar = app.login("cq-amr-registrar").await;
    for (n, letter) in (1..).zip(["甲", "乙", "丙", "戊"]) {
        register(&app, &uscc(n), &format!("重庆乙鹦鹉{letter}示例有限公司")).await;
    }
    let renamed = uscc(5);
    register(&app, &renamed, "重庆乙白鸽示例有限公司").await;
    app.update_enterprise(
        &registrar,
        &renamed,
        json!({ "name": "重庆丁鹦鹉示例有限公司", "regionCode": "500103" }),
    )
    .await;
    let page = search(
        &app,
        json!({ "query": "鹦鹉", "kinds": ["ENTERPRISE"], "first": 1 }),
    )
    .await;
    assert_eq!(page["nodes"][0]["item"]["uscc"], renamed, "{page}");
    assert_eq!(page["nodes"][0]["matchClass"], "INFIX", "{page}");
    assert_eq!(page["totalCount"], 5, "{page}");
}
