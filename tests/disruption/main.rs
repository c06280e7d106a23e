//! Tests that disturb the shared control plane (they restart the API server, stop a node), in a
//! test binary of their own: cargo runs test binaries one after another, so no other test sees the
//! outage; within this binary they take [`DISRUPTION`] so that none sees another's.

#[allow(dead_code)] // shared with tests/e2e; this binary uses only part of it
#[path = "../e2e/harness.rs"]
mod harness;
#[allow(dead_code)]
#[path = "../e2e/rollout_support.rs"]
mod rollout_support;

#[allow(dead_code)] // shared with tests/e2e
#[path = "../e2e/rbac_support.rs"]
mod rbac_support;

mod drain;
mod nodes;
mod rbac_drain;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use harness::{env, require_cluster, testenv, Namespace};
use rollout_support::{
    agent, agent_pod_on, agent_pods, assert_all_updated, get_json, named, ondelete_args,
    ready_agent, EventRun,
};

/// Taken by every test here for its whole run: cargo runs the tests of a binary in parallel
/// threads, and each disturbs what the others rely on.
static DISRUPTION: Mutex<()> = Mutex::new(());

/// The [`DISRUPTION`] lock, also after a test that held it failed.
fn disruption() -> MutexGuard<'static, ()> {
    DISRUPTION.lock().unwrap_or_else(|e| e.into_inner())
}

/// `scripts/testenv restart-apiserver` on the control plane the tests use.
fn restart_api_server(down_seconds: u32) {
    testenv(&["restart-apiserver", "--down", &down_seconds.to_string()]);
}

#[test]
fn an_ondelete_rollout_reconnects_after_an_api_server_restart_and_completes() {
    require_cluster!();
    let _alone = disruption();
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
    assert_all_updated(ns, nodes);
}

/// A node stopped with `scripts/testenv stop-node`, started again when dropped unless
/// [`StoppedNode::start`] did: a failing test leaves every node running for the next.
pub(crate) struct StoppedNode {
    name: &'static str,
    started: bool,
}

impl StoppedNode {
    pub(crate) fn stop(name: &'static str) -> Self {
        // Made first, so that a stop-node failing halfway still starts the node again.
        let stopped = Self {
            name,
            started: false,
        };
        env().stop_node(name);
        stopped
    }

    fn start(mut self) {
        self.started = true;
        env().start_node(self.name);
    }
}

impl Drop for StoppedNode {
    /// Runs while the failed test unwinds: a second panic would abort, so a failure is only
    /// reported.
    fn drop(&mut self) {
        if self.started {
            return;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/testenv");
        let started = Command::new(script)
            .args(["start-node", self.name])
            .stdin(Stdio::null())
            .status();
        if !started.as_ref().is_ok_and(|s| s.success()) {
            eprintln!(
                "scripts/testenv start-node {} failed: {started:?}",
                self.name
            );
        }
    }
}

/// The condition `kind` (e.g. `Ready`) of a node or pod.
fn condition<'a>(object: &'a Value, kind: &str) -> &'a Value {
    object["status"]["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == kind))
        .unwrap_or(&Value::Null)
}

/// The keys and effects of a node's taints that the node-lifecycle controller manages.
fn lifecycle_taints(node: &Value) -> Vec<String> {
    node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let key = t["key"].as_str()?;
            key.starts_with("node.kubernetes.io/")
                .then(|| format!("{key}:{}", t["effect"].as_str().unwrap_or("")))
        })
        .collect()
}

#[test]
fn a_stopped_node_goes_unreachable_with_its_pods_not_ready_and_comes_back() {
    require_cluster!();
    let _alone = disruption();
    let ns = Namespace::new("dis-node");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let name = "kds-node-4";
    let before = agent_pod_on(ns, name);
    assert_eq!(condition(&before, "Ready")["status"], "True", "{before}");

    let stopped = StoppedNode::stop(name);
    let node = get_json(&["get", "node", name, "-o", "json"]);
    let ready = condition(&node, "Ready");
    assert_eq!(ready["status"], "Unknown", "{node}");
    assert_eq!(ready["reason"], "NodeStatusUnknown", "{node}");
    assert_eq!(
        ready["message"], "Kubelet stopped posting node status.",
        "{node}"
    );
    assert!(
        lifecycle_taints(&node).contains(&"node.kubernetes.io/unreachable:NoExecute".into()),
        "{node}"
    );
    let pod = agent_pod_on(ns, name);
    assert_eq!(pod["metadata"]["uid"], before["metadata"]["uid"], "{pod}");
    assert_eq!(condition(&pod, "Ready")["status"], "False", "{pod}");
    assert!(pod["metadata"]["deletionTimestamp"].is_null(), "{pod}");

    stopped.start();
    let node = get_json(&["get", "node", name, "-o", "json"]);
    assert_eq!(condition(&node, "Ready")["status"], "True", "{node}");
    assert_eq!(lifecycle_taints(&node), Vec::<String>::new(), "{node}");
    // The restarted kubelet runs the same pod again, in its empty fake runtime.
    env().eventually(&format!("the agent's pod on {name} Ready again"), || {
        let pod = agent_pod_on(ns, name);
        pod["metadata"]["uid"] == before["metadata"]["uid"]
            && condition(&pod, "Ready")["status"] == "True"
    });
    env().wait_rollout(ns, "agent");
}
