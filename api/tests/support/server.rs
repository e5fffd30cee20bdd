//! The real `registry` binary as a server on loopback, and a throwaway PostgreSQL cluster it can be
//! served from: for the reliability suite and the soak benchmark.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free loopback port (bound and released; the server binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// The `registry` binary of this build.
pub fn registry_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_registry"));
    command
        .env_remove("REGISTRY_LOG_FORMAT")
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

/// A running `registry serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub base: String,
}

impl Server {
    /// Starts `registry serve` on `url` with the extra environment `env`, and waits (at most 60 s)
    /// until it answers `/healthz`.
    pub async fn start(url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = registry_command();
        command
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("REGISTRY_BIND", format!("127.0.0.1:{port}"))
            .env("REGISTRY_JWT_SECRET", "reliability-secret-reliability-secret!")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("the server starts");
        let server = Self {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let healthy = client
                .get(format!("{}/healthz", server.base))
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            if healthy {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not come up within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server's resident memory in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|line| line.starts_with("VmRSS:"))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or_default()
    }

    /// The server's resident memory by kind, in MiB: anonymous (heaps), file-backed (the binary,
    /// mapped files) and shared (SQLite's WAL index).
    pub fn rss_parts(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        ["RssAnon:", "RssFile:", "RssShmem:"]
            .iter()
            .map(|field| {
                let kib: f64 = status
                    .lines()
                    .find(|line| line.starts_with(field))
                    .and_then(|line| line.split_whitespace().nth(1))
                    .and_then(|kib| kib.parse().ok())
                    .unwrap_or_default();
                format!("{} {:.1}", field.trim_end_matches(':'), kib / 1024.0)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Loads the demo data into `url` with `registry seed --demo`.
pub fn seed_demo(url: &str) {
    let output = registry_command()
        .args(["seed", "--demo"])
        .env("DATABASE_URL", url)
        .output()
        .expect("registry seed runs");
    assert!(
        output.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A PostgreSQL cluster of its own, made with `initdb` and run with `pg_ctl` as the `postgres` user,
/// listening on loopback only; stopped and removed when dropped.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    /// Makes and starts a cluster, or says why it cannot here (no PostgreSQL binaries, not root).
    pub fn create() -> Result<Self, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|_| "PostgreSQL's server binaries are not installed (/usr/lib/postgresql)".to_owned())?
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .find(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
            .ok_or("no initdb and pg_ctl under /usr/lib/postgresql/*/bin")?;
        if Command::new("id")
            .arg("postgres")
            .output()
            .map_or(true, |out| !out.status.success())
        {
            return Err("there is no postgres user to run the cluster as".to_owned());
        }
        let dir = tempfile::Builder::new()
            .prefix("registry-cluster-")
            .tempdir_in("/tmp")
            .map_err(|err| err.to_string())?;
        let chown = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status()
            .map_err(|err| format!("chown: {err}"))?;
        if !chown.success() {
            return Err("cannot hand the cluster's directory to the postgres user (not root?)".to_owned());
        }
        let cluster = Self {
            bin,
            dir,
            port: free_port(),
        };
        let data = cluster.data();
        cluster.as_postgres("initdb", &["-A", "trust", "-U", "postgres", "-D", &data])?;
        cluster.start()?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs one of the cluster's programs as the postgres user.
    fn as_postgres(&self, program: &str, args: &[&str]) -> Result<(), String> {
        // The database is the outside world: it keeps real time even when the suite runs under
        // faketime (its timers, the statement timeout among them, misbehave under a faked clock).
        let output = Command::new("runuser")
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("{program}: {err}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    /// Starts the cluster and waits until it accepts connections.
    pub fn start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.as_postgres(
            "pg_ctl",
            &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"],
        )
    }

    /// Stops the cluster at once, as a crash or a pulled cable would.
    pub fn stop(&self) -> Result<(), String> {
        self.as_postgres("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"])
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Rate limits set out of the way, for benchmarks that measure something else.
pub const UNLIMITED: &str = "100000000,100000000,1000000000,1000000000";

/// A server on a fresh SQLite file in `dir` with the demo data and the rate limits out of the way.
pub async fn unlimited_demo_server(dir: &std::path::Path) -> Server {
    let url = format!("sqlite://{}?mode=rwc", dir.join("registry.db").display());
    seed_demo(&url);
    Server::start(&url, &[("REGISTRY_RATE_LIMITS", UNLIMITED)]).await
}

/// A bearer token of the demo account `username` (password `registry-demo`), from `base`'s `login`.
pub async fn demo_token(base: &str, username: &str) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&serde_json::json!({
            "query": "mutation($u: String!) { login(input: {username: $u, password: \"registry-demo\"}) { accessToken } }",
            "variables": { "u": username },
        }))
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON answer");
    answer["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {answer}"))
        .to_owned()
}

/// How many requests [`typename_latencies`] sends.
pub const SAMPLES: usize = 500;

/// Latencies in milliseconds, sorted, of `SAMPLES` sequential `{ __typename }` requests to `base`.
pub async fn typename_latencies(base: &str) -> Vec<f64> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let asked = Instant::now();
        let response = client
            .post(format!("{base}/graphql"))
            .json(&serde_json::json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("the request is answered");
        assert!(response.status().is_success());
        response.bytes().await.expect("the body arrives");
        latencies.push(asked.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// The `p` quantile (0 to 1) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
