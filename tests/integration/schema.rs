//! The schema is a product: the checked-in SDL is current, and everything in it is described.

use registry_tests::{AppOptions, spawn_app_with};

#[test]
fn the_checked_in_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = registry::graphql::sdl();
    assert!(
        checked_in == generated,
        "schema.graphql is stale: run `cargo run -p registry-api -- schema > schema.graphql`"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = spawn_app_with(AppOptions {
        demo_data: false,
        ..AppOptions::default()
    })
    .await;
    let data = app
        .data(
            "{ __schema { types { name description
                fields { name description args { name description } }
                inputFields { name description }
                enumValues { name description } } } }",
        )
        .await;
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Boolean", "Float", "ID"].contains(&name) {
            continue;
        }
        let described =
            |v: &serde_json::Value| v["description"].as_str().is_some_and(|d| !d.trim().is_empty());
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(ty["inputFields"].as_array().into_iter().flatten())
        {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"]));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    missing.push(format!("{name}.{}({})", field["name"], arg["name"]));
                }
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if !described(value) {
                missing.push(format!("{name}.{}", value["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:#?}");
}

#[tokio::test]
async fn the_introspection_query_graphiql_sends_passes_the_limits() {
    let app = spawn_app_with(AppOptions {
        demo_data: false,
        ..AppOptions::default()
    })
    .await;
    let query = "query IntrospectionQuery { __schema { queryType { name } mutationType { name }
        types { ...FullType } directives { name description locations args { ...InputValue } } } }
      fragment FullType on __Type { kind name description
        fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
        inputFields { ...InputValue } interfaces { ...TypeRef }
        enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
      fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
      fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
        kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let data = app.data(query).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}
