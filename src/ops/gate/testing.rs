//! Test helpers for the gate runner: a canned Prometheus that records what it was asked, a real
//! Prometheus on a free port when one is installed, and the live processes of a process group.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::PrometheusClient;

/// One request as the server read it: the request line and the `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub line: String,
    pub authorization: Option<String>,
}

/// A server answering each request with the next canned response (the last one again once they
/// run out), one connection per request.
pub struct FakePrometheus {
    pub url: String,
    pub seen: UnboundedReceiver<Seen>,
}

impl FakePrometheus {
    pub async fn start(responses: Vec<(u16, &'static str)>) -> FakePrometheus {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (sender, seen) = unbounded_channel();
        tokio::spawn(async move {
            for index in 0.. {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let head = read_head(&mut stream).await;
                let _ = sender.send(seen_in(&head));
                let (status, body) = responses[index.min(responses.len() - 1)];
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        });
        FakePrometheus { url, seen }
    }

    pub async fn next(&mut self) -> Seen {
        self.seen.recv().await.unwrap()
    }
}

async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn seen_in(head: &str) -> Seen {
    let mut lines = head.lines();
    let line = lines.next().unwrap_or_default().to_string();
    let authorization = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("authorization")
            .then(|| value.trim().to_string())
    });
    Seen {
        line,
        authorization,
    }
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A real Prometheus (the installed binary) on a free port, stopped when dropped.
pub struct RealPrometheus {
    pub url: String,
    _dir: tempfile::TempDir,
    child: std::process::Child,
}

const PROMETHEUS: &str = "/usr/bin/prometheus";

impl RealPrometheus {
    /// `None` (with a note) when Prometheus is not installed. `web_config` is the text of a
    /// `--web.config.file` (TLS), written into the temporary directory; `https` says which scheme
    /// the URL gets.
    pub async fn start(web_config: Option<&str>, https: bool) -> Option<RealPrometheus> {
        if !Path::new(PROMETHEUS).exists() {
            eprintln!("skipping: {PROMETHEUS} is not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("prometheus.yml"), "global: {}\n").unwrap();
        let port = free_port();
        let mut command = std::process::Command::new(PROMETHEUS);
        command
            .arg(format!("--config.file={}", path_in(&dir, "prometheus.yml")))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg(format!("--storage.tsdb.path={}", path_in(&dir, "data")))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(web_config) = web_config {
            std::fs::write(dir.path().join("web.yml"), web_config).unwrap();
            command.arg(format!("--web.config.file={}", path_in(&dir, "web.yml")));
        }
        let child = command.spawn().unwrap();
        let scheme = if https { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{port}");
        let prometheus = RealPrometheus {
            url,
            _dir: dir,
            child,
        };
        prometheus.wait_listening(port).await;
        Some(prometheus)
    }

    async fn wait_listening(&self, port: u16) {
        for _ in 0..400 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("Prometheus did not listen on port {port}");
    }

    /// Waits until Prometheus answers queries (it answers 503 while it starts).
    pub async fn ready(client: &PrometheusClient) {
        let mut last = None;
        for _ in 0..400 {
            match client.ping().await {
                Ok(()) => return,
                Err(failure) => last = Some(failure),
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("Prometheus is not ready: {last:?}");
    }
}

fn path_in(dir: &tempfile::TempDir, name: &str) -> String {
    let path: PathBuf = dir.path().join(name);
    path.to_string_lossy().into_owned()
}

impl Drop for RealPrometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The processes of group `pgid` that still run (zombies, dead but not yet reaped by whoever
/// adopted them, do not count).
#[cfg(target_os = "linux")]
fn live_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
            matches!(fields.as_slice(), [state, _, pgrp, ..]
                if pgrp.parse() == Ok(pgid) && !matches!(*state, "Z" | "X"))
        })
        .collect()
}

/// The processes of group `pgid` still running after up to 3 s: a process sent SIGKILL dies when
/// it is next scheduled, which on a loaded machine is not at once. That is well under the tests'
/// `sleep`s, so a group nobody killed is still found.
#[cfg(target_os = "linux")]
pub async fn members_left(pgid: i32) -> Vec<i32> {
    for _ in 0..300 {
        if live_members(pgid).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    live_members(pgid)
}
