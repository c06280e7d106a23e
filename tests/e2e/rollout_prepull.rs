//! `--prepull`: before each wave's first deletion, helper pods on exactly that wave's nodes
//! (seen Running by a watch of every pod in the namespace, in the API's own order), gone before
//! the wave's agents are deleted and at the end; kill -9 during a pre-pull, then `rollout
//! resume` removes what the killed run left and completes. The hollow kubelet's pulls are
//! instant, so this shows the mechanics, not the time saved.

use std::collections::BTreeSet;
use std::io::BufReader;
use std::process::Child;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, get_json, named, node_of, ondelete_args, ready_agent, resume_agent, watch_pods, EventRun,
};

const HELPER_LABEL: &str = "rollout.kubectl-ds.io/prepull-for";

/// What the namespace's pod watch showed, in order.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// A helper pod on this node, its containers reported by the kubelet.
    HelperRunning(String),
    HelperGone(String),
    /// An agent pod got its deletion timestamp (or went) on this node.
    AgentDeleted(String),
}

struct NamespaceWatch {
    child: Child,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl NamespaceWatch {
    fn start(ns: &str) -> Self {
        let mut child = watch_pods(ns, None);
        let stdout = child.stdout.take().expect("stdout");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            let mut deleted = BTreeSet::new();
            let stream =
                serde_json::Deserializer::from_reader(BufReader::new(stdout)).into_iter::<Value>();
            for event in stream {
                let Ok(event) = event else { break };
                let pod = &event["object"];
                let node = node_of(pod);
                let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
                let gone =
                    event["type"] == "DELETED" || !pod["metadata"]["deletionTimestamp"].is_null();
                let helper = !pod["metadata"]["labels"][HELPER_LABEL].is_null();
                let seen = match (helper, gone) {
                    (true, true) => Some(Seen::HelperGone(node)),
                    // On its node: the kubelet reports its containers.
                    (true, false) if pod["status"]["containerStatuses"].is_array() => {
                        Some(Seen::HelperRunning(node))
                    }
                    (false, true) if deleted.insert(uid) => Some(Seen::AgentDeleted(node)),
                    _ => None,
                };
                log.lock().unwrap().extend(seen);
            }
        });
        Self { child, seen }
    }

    fn stop(mut self) -> Vec<Seen> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for NamespaceWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn helpers(ns: &str) -> Vec<Value> {
    let label = format!("{HELPER_LABEL}=agent");
    get_json(&["get", "pods", "-n", ns, "-l", &label, "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// The waves of the `planned` (or `resumed`) event.
fn waves(events: &[Value]) -> Vec<BTreeSet<String>> {
    let plan = events
        .iter()
        .find(|e| e["event"] == "planned" || e["event"] == "resumed")
        .expect("a plan");
    plan["waves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            w["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Every wave's helpers ran on exactly its nodes before its first agent was deleted.
fn assert_prepulled_before_each_wave(seen: &[Seen], waves: &[BTreeSet<String>]) {
    for wave in waves {
        let first_delete = seen
            .iter()
            .position(|s| matches!(s, Seen::AgentDeleted(n) if wave.contains(n)))
            .unwrap_or_else(|| panic!("no agent of wave {wave:?} deleted: {seen:?}"));
        let wave_start = seen[..first_delete]
            .iter()
            .rposition(|s| matches!(s, Seen::AgentDeleted(n) if !wave.contains(n)))
            .map_or(0, |i| i + 1);
        let running: BTreeSet<String> = seen[wave_start..first_delete]
            .iter()
            .filter_map(|s| match s {
                Seen::HelperRunning(node) => Some(node.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(&running, wave, "helpers before wave {wave:?}: {seen:?}");
    }
}

#[test]
fn prepull_runs_on_each_waves_nodes_before_its_deletes_and_leaves_nothing() {
    require_cluster!();
    let ns = Namespace::new("prepull");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").yaml()).unwrap();
    let watch = NamespaceWatch::start(ns);
    let args = ondelete_args(
        file.to_str().unwrap(),
        ns,
        &[
            "--canary",
            "1",
            "--max-unavailable",
            "2",
            "--prepull",
            "-o",
            "json",
        ],
    );
    let (code, stderr, events) = EventRun::start(&args).finish();
    assert_eq!(code, 0, "{stderr}\n{events:#?}");
    let seen = watch.stop();
    assert_prepulled_before_each_wave(&seen, &waves(&events));
    let prepulled: BTreeSet<&str> = named(&events, "node")
        .iter()
        .filter(|e| e["action"] == "prepulled")
        .map(|e| e["node"].as_str().unwrap())
        .collect();
    assert_eq!(prepulled.len(), 4, "{events:#?}");
    assert!(helpers(ns).is_empty(), "{:#?}", helpers(ns));
}

#[test]
fn kill_9_during_a_prepull_then_resume_removes_the_leftovers_and_completes() {
    require_cluster!();
    let ns = Namespace::new("prepull-kill");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").yaml()).unwrap();
    let args = ondelete_args(
        file.to_str().unwrap(),
        ns,
        &[
            "--canary",
            "1",
            "--max-unavailable",
            "2",
            "--prepull",
            "-o",
            "json",
        ],
    );
    let mut first = EventRun::start(&args);
    // The second wave's pre-pull has started: its helper pods are being created.
    let starts = std::cell::Cell::new(0);
    assert!(
        first.until(|e| {
            let hit = e["event"] == "node" && e["action"] == "prepulling";
            hit && {
                starts.set(starts.get() + 1);
                starts.get() == 2
            }
        }),
        "{:#?}",
        first.events
    );
    let first_events = first.kill_9();
    let planted = match helpers(ns).is_empty() {
        // The run was killed after it had removed its helpers (the hollow kubelet's pulls
        // take well under a second): plant the leftover a moment earlier kill would leave.
        true => {
            let planted = format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: agent-prepull-leftover, namespace: {ns}, labels: {{{HELPER_LABEL}: agent}}}}\nspec: {{nodeName: kds-node-2, containers: [{{name: c, image: busybox:1.37}}]}}\n"
            );
            env().apply(ns, &planted);
            true
        }
        false => false,
    };
    let events = resume_agent(ns);
    let removed = named(&events, "note").iter().any(|e| {
        e["message"]
            .as_str()
            .unwrap()
            .contains("left behind by an interrupted run")
    });
    assert!(removed, "planted {planted}: {events:#?}\n{first_events:#?}");
    assert_eq!(named(&events, "complete").len(), 1, "{events:#?}");
    assert!(helpers(ns).is_empty(), "{:#?}", helpers(ns));
}

#[test]
fn a_dry_run_shows_each_waves_prepull_and_drain_from_the_analysis_file_and_flags() {
    require_cluster!();
    let ns = Namespace::new("prepull-dry");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").yaml()).unwrap();
    let analysis = dir.path().join("analysis.yaml");
    std::fs::write(
        &analysis,
        "nodes:\n  prepull: {timeout: 1m}\n  forceDeleteStuck: 10m\n",
    )
    .unwrap();
    let run = env().ds(&[
        "rollout",
        "apply",
        "-f",
        file.to_str().unwrap(),
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--canary",
        "1",
        "--max-unavailable",
        "3",
        "--analysis",
        analysis.to_str().unwrap(),
        "--drain",
        "--dry-run",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for wanted in [
        "pre-pull: the new images onto each wave's nodes before its first deletion (a helper pod per node, timeout 1m)",
        "pods stuck terminating: deleted with grace period 0 once their node has been NotReady for 10m",
        "wave 1/2: pre-pull busybox:1.37 on kds-node-1; then drain kds-node-1 (cordon, evict, replace the agent; uncordon after the gate)",
        "wave 2/2: pre-pull busybox:1.37 on kds-node-2, kds-node-3, kds-node-4; then drain kds-node-2, kds-node-3, kds-node-4",
    ] {
        assert!(run.stdout.contains(wanted), "{wanted}\n{}", run.stdout);
    }
    assert!(helpers(ns).is_empty());
    // A drain setting without --drain is refused before anything changes.
    let refused = env().ds(&[
        "rollout",
        "apply",
        "-f",
        file.to_str().unwrap(),
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--drain-timeout",
        "1m",
    ]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("--drain-timeout applies to a drain: add --drain"),
        "{}",
        refused.stderr
    );
}
