//! Traces over OTLP: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, the real binary sends its request spans to
//! the collector there (OTLP over HTTP), the operation name among their attributes. The collector is a
//! stand-in on loopback that records what it is sent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed unwrap is a failed test"
)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::server::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// One request the collector received: its request line and its body.
struct Received {
    request_line: String,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (headers, then `Content-Length` bytes) and answers `200`.
async fn receive(mut stream: TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < header_end + length.min(16 << 20) {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
        .await
        .ok()?;
    Some(Received {
        request_line: head.lines().next().unwrap_or_default().to_owned(),
        body: buffer[header_end..].to_vec(),
    })
}

#[tokio::test]
async fn with_an_otlp_endpoint_request_spans_go_to_the_collector() {
    let collector = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    let (sender, mut received) = mpsc::channel(64);
    tokio::spawn(async move {
        while let Ok((stream, _)) = collector.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                if let Some(request) = receive(stream).await {
                    let _gone = sender.send(request).await;
                }
            });
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("traced.db").display());
    let server = Server::start(
        &url,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    )
    .await;
    let answer = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": "query TracedLookup { __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);

    // Bounded: the batch goes out within a tenth of a second; give it 30 s on a loaded machine.
    let traced = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(request) = received.recv().await {
            let body = String::from_utf8_lossy(&request.body).to_string();
            if request.request_line.starts_with("POST /v1/traces") && body.contains("TracedLookup") {
                return Some(body);
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    let body = traced.expect("a trace with the operation's span reached the collector");
    assert!(body.contains("registry"), "the service is named");
    assert!(body.contains("HTTP request"), "the request span is in it");
}
