//! Tests that disturb the shared control plane (they restart the API server), in a test binary of
//! their own: cargo runs test binaries one after another, so no other test sees the outage.

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../e2e/rollout_support.rs"]
mod rollout_support;

use std::path::Path;
use std::process::Command;

use harness::{require_cluster, Namespace};
use rollout_support::{
    agent, agent_pods, named, newest_hash, ondelete_args, ready_agent, EventRun,
};

/// `scripts/testenv restart-apiserver` on the control plane the tests use (scripts/test exports
/// its KDS_TESTENV_DIR and KDS_TESTENV_PORT_BASE).
fn restart_api_server(down_seconds: u32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(root.join("scripts/testenv"))
        .args(["restart-apiserver", "--down", &down_seconds.to_string()])
        .status()
        .expect("run scripts/testenv restart-apiserver");
    assert!(status.success(), "scripts/testenv restart-apiserver failed");
}

#[test]
fn an_ondelete_rollout_reconnects_after_an_api_server_restart_and_completes() {
    require_cluster!();
    let ns = Namespace::new("dis-restart");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let nodes = agent_pods(ns).len();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").yaml()).unwrap();
    let mut run = EventRun::start(&ondelete_args(
        file.to_str().unwrap(),
        ns,
        &["--canary", "1", "--min-ready", "2", "-o", "json"],
    ));
    // In the middle of wave 2: its old pod deleted, its new pod not Ready yet.
    assert!(
        run.until(|e| e["event"] == "deleting" && e["wave"] == 2),
        "{:?}",
        run.events
    );
    restart_api_server(5);
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 0, "{stderr}\n{events:?}");
    let warnings = named(&events, "warning");
    assert!(
        !warnings.is_empty(),
        "the outage was noticed and retried: {events:?}"
    );
    assert_eq!(named(&events, "complete").len(), 1, "{events:?}");
    let deleted: Vec<&str> = named(&events, "deleting")
        .iter()
        .map(|e| e["uid"].as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&str> = deleted.iter().copied().collect();
    assert_eq!(
        unique.len(),
        deleted.len(),
        "a pod deleted twice: {deleted:?}"
    );
    assert_eq!(deleted.len(), nodes);
    let hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes, "{pods:?}");
    assert!(
        pods.iter().all(|(_, _, h, ready)| *h == hash && *ready),
        "{pods:?}"
    );
}
