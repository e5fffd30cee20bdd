//! `/metrics`: what an operator's Prometheus reads, checked with a Prometheus text parser.

use std::num::NonZeroU32;

use prometheus_parse::{Sample, Scrape, Value};
use registry::config::Limits;
use registry::rate_limit::RateLimits;
use registry_tests::{AppOptions, TestApp, spawn_app_with};
use serde_json::json;

/// The app's metrics, parsed.
async fn scrape(app: &TestApp) -> Scrape {
    let response = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("valid Prometheus text")
}

/// The value of the counter or gauge `name` with these labels.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|sample| sample.metric == name && has_labels(sample, labels))
        .and_then(|sample| match sample.value {
            Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => Some(value),
            _ => None,
        })
}

fn has_labels(sample: &Sample, labels: &[(&str, &str)]) -> bool {
    labels
        .iter()
        .all(|(name, value)| sample.labels.get(name) == Some(*value))
}

#[tokio::test]
async fn metrics_count_operations_outcomes_latency_pool_sign_ins_and_refusals() {
    let per_minute = |count| NonZeroU32::new(count).unwrap();
    let app = spawn_app_with(AppOptions {
        limits: Limits {
            rate_limits: RateLimits {
                public_requests: per_minute(4),
                account_requests: per_minute(1_000),
                public_cost: per_minute(1_000_000),
                account_cost: per_minute(1_000_000),
            },
            ..Limits::default()
        },
        ..AppOptions::default()
    })
    .await;
    let named = app
        .query("query MetricsBrowse { enterprises(first: 2) { totalCount } }")
        .await;
    assert!(named.get("errors").is_none(), "{named}");
    let refused_login = app
        .query_with(
            "mutation MetricsLogin($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
            json!({ "u": "cq-amr-admin", "p": "not the password" }),
        )
        .await;
    assert!(refused_login.get("errors").is_some(), "{refused_login}");
    // Spend the public allowance, so that the next request is refused.
    let mut refused = 0;
    for _ in 0..4 {
        let response = app.request(None, "{ __typename }").send().await.unwrap();
        refused += usize::from(response.status() == 429);
    }
    assert!(refused >= 1, "the allowance of 4 a minute was spent");

    let metrics = scrape(&app).await;
    let browse = value(
        &metrics,
        "registry_graphql_requests_total",
        &[("operation", "MetricsBrowse"), ("outcome", "OK")],
    );
    assert!(browse >= Some(1.0), "{browse:?}");
    let login = value(
        &metrics,
        "registry_graphql_requests_total",
        &[("operation", "MetricsLogin"), ("outcome", "UNAUTHENTICATED")],
    );
    assert!(login >= Some(1.0), "{login:?}");
    assert!(value(&metrics, "registry_login_failures_total", &[]) >= Some(1.0));
    assert!(
        value(
            &metrics,
            "registry_rate_limit_refusals_total",
            &[("meter", "requests")]
        ) >= Some(1.0)
    );
    assert!(
        value(
            &metrics,
            "registry_graphql_requests_total",
            &[("operation", "-"), ("outcome", "RATE_LIMITED")]
        ) >= Some(1.0)
    );
    for state in ["in_use", "idle"] {
        assert!(
            value(&metrics, "registry_db_pool_connections", &[("state", state)]).is_some(),
            "the pool's {state} connections are reported"
        );
    }
    assert!(value(&metrics, "registry_db_pool_max_connections", &[]) >= Some(1.0));
    let latency = metrics
        .samples
        .iter()
        .find(|sample| {
            sample.metric == "registry_http_request_duration_seconds"
                && sample.labels.get("route") == Some("/graphql")
        })
        .map(|sample| sample.value.clone());
    let Some(Value::Histogram(buckets)) = latency else {
        panic!("request latency is a histogram: {latency:?}");
    };
    assert!(buckets.len() > 5, "{buckets:?}");
    assert!(buckets.iter().any(|bucket| bucket.count >= 1.0), "{buckets:?}");
    assert!(
        metrics.docs.contains_key("registry_graphql_requests_total"),
        "every metric says what it counts"
    );
}
