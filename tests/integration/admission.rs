//! Who gets in, and how much: rate limits per client address and per account (`429` with
//! `Retry-After` and the `RateLimit-*` headers), query cost, the client address behind a trusted proxy,
//! and a bound on the connections one address may hold open.

use std::num::NonZeroU32;

use registry::config::Limits;
use registry::rate_limit::RateLimits;
use registry_tests::{AppOptions, TestApp, error_code, spawn_app_with};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn per_minute(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// An app whose public allowance is `public_requests` requests and `public_cost` cost a minute.
async fn limited_app(
    public_requests: u32,
    public_cost: u32,
    trusted_proxies: Vec<std::net::IpAddr>,
) -> TestApp {
    spawn_app_with(AppOptions {
        limits: Limits {
            rate_limits: RateLimits {
                public_requests: per_minute(public_requests),
                account_requests: per_minute(1_000),
                public_cost: per_minute(public_cost),
                account_cost: per_minute(1_000_000),
            },
            ..Limits::default()
        },
        trusted_proxies,
        ..AppOptions::default()
    })
    .await
}

/// What a response says about the caller's allowance.
struct Answer {
    status: u16,
    limit: Option<u64>,
    remaining: Option<u64>,
    reset: Option<u64>,
    retry_after: Option<u64>,
    body: Value,
}

async fn ask(app: &TestApp, token: Option<&str>, forwarded_for: Option<&str>, query: &str) -> Answer {
    let mut request = app.request(token, query);
    if let Some(forwarded_for) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded_for);
    }
    let response = request.send().await.unwrap();
    let number = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().parse::<u64>().unwrap())
    };
    Answer {
        status: response.status().as_u16(),
        limit: number("ratelimit-limit"),
        remaining: number("ratelimit-remaining"),
        reset: number("ratelimit-reset"),
        retry_after: number("retry-after"),
        body: response.json().await.unwrap(),
    }
}

#[tokio::test]
async fn the_public_is_limited_per_address_and_an_account_by_its_own_allowance() {
    let app = limited_app(3, 1_000_000, Vec::new()).await;
    // Signing in is a public request: the first of three.
    let token = app.login("cq-amr-viewer").await;
    let mut remaining = Vec::new();
    for _ in 0..2 {
        let answer = ask(&app, None, None, "{ __typename }").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.limit, Some(3));
        assert!(answer.reset.unwrap() <= 60);
        remaining.push(answer.remaining.unwrap());
    }
    assert_eq!(remaining, [1, 0]);

    let refused = ask(&app, None, None, "{ __typename }").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(error_code(&refused.body), "RATE_LIMITED");
    assert!(
        (1..=20).contains(&refused.retry_after.unwrap()),
        "one request back every 20 s"
    );
    assert_eq!((refused.limit, refused.remaining), (Some(3), Some(0)));

    // The signed-in caller is counted by account, not by the address it shares with the public.
    let signed_in = ask(&app, Some(&token), None, "{ viewer { username } }").await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    assert_eq!(signed_in.body["data"]["viewer"]["username"], "cq-amr-viewer");
    assert_eq!((signed_in.limit, signed_in.remaining), (Some(1_000), Some(999)));
}

#[tokio::test]
async fn a_document_costing_more_than_is_left_is_refused_before_it_runs() {
    let app = limited_app(1_000, 20, Vec::new()).await;
    let expensive =
        "{ enterprises(first: 50) { nodes { name credentials { kind grantingBureau { name } } } } }";
    let refused = ask(&app, None, None, expensive).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(error_code(&refused.body), "RATE_LIMITED");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("query cost"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.get("data").is_none(),
        "nothing ran: {}",
        refused.body
    );
    assert!(refused.retry_after.unwrap() >= 1);
    // The refused document was not charged: a cheap one still passes.
    let cheap = ask(&app, None, None, "{ __typename }").await;
    assert_eq!(cheap.status, 200, "{}", cheap.body);
}

#[tokio::test]
async fn forwarded_for_tells_clients_apart_only_behind_a_trusted_proxy() {
    let loopback: std::net::IpAddr = [127, 0, 0, 1].into();
    let proxied = limited_app(2, 1_000_000, vec![loopback]).await;
    for _ in 0..2 {
        assert_eq!(
            ask(&proxied, None, Some("203.0.113.1"), "{ __typename }")
                .await
                .status,
            200
        );
    }
    assert_eq!(
        ask(&proxied, None, Some("203.0.113.1"), "{ __typename }")
            .await
            .status,
        429
    );
    assert_eq!(
        ask(&proxied, None, Some("203.0.113.2"), "{ __typename }")
            .await
            .status,
        200,
        "another client behind the same proxy has its own allowance"
    );

    // Without a trusted proxy the header is the client's own word, and changing it does not help.
    let direct = limited_app(2, 1_000_000, Vec::new()).await;
    for n in 0..2 {
        let forwarded = format!("203.0.113.{n}");
        assert_eq!(
            ask(&direct, None, Some(&forwarded), "{ __typename }")
                .await
                .status,
            200
        );
    }
    assert_eq!(
        ask(&direct, None, Some("203.0.113.9"), "{ __typename }")
            .await
            .status,
        429
    );
}

/// A TCP connection to the app from the loopback address `source` (all of 127.0.0.0/8 is this host).
async fn connect_from(app: &TestApp, source: [u8; 4]) -> tokio::net::TcpStream {
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind((std::net::Ipv4Addr::from(source), 0).into()).unwrap();
    socket.connect(([127, 0, 0, 1], port).into()).await.unwrap()
}

/// Sends `{ __typename }` over `stream` and returns what the server wrote back before closing (empty
/// when it closed without answering).
async fn typename_over(mut stream: tokio::net::TcpStream) -> String {
    let body = r#"{"query":"{ __typename }"}"#;
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // A closed socket may refuse the write; what it answered (nothing) is the point.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), read).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    let app = spawn_app_with(AppOptions {
        demo_data: false,
        limits: Limits {
            max_connections_per_address: 4,
            ..Limits::default()
        },
        ..AppOptions::default()
    })
    .await;
    let crowd = [127, 0, 0, 2];
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(&app, crowd).await);
    }
    // A fifth connection from the same address is closed without an answer …
    let fifth = typename_over(connect_from(&app, crowd).await).await;
    assert!(fifth.is_empty(), "closed unanswered, got: {fifth}");
    // … while another address is served as usual.
    let other = typename_over(connect_from(&app, [127, 0, 0, 3]).await).await;
    assert!(other.starts_with("HTTP/1.1 200"), "{other}");

    // Closed connections give their slots back.
    drop(held);
    let mut answered = String::new();
    for _ in 0..100 {
        answered = typename_over(connect_from(&app, crowd).await).await;
        if !answered.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
}
