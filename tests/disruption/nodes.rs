//! The ondelete engine and sick nodes: hollow kubelets killed mid-rollout (`scripts/testenv
//! stop-node`), their nodes deferred, the rest rolled within the budget, the run ending
//! incomplete; the kubelets back, `rollout resume` finishes.

use std::collections::BTreeSet;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, agent_pod_on, assert_all_updated, named, ondelete_args, resume_agent, EventRun,
    PodWatcher,
};
use crate::StoppedNode;

/// Hollow nodes every agent runs on.
const NODES: [&str; 4] = ["kds-node-1", "kds-node-2", "kds-node-3", "kds-node-4"];

#[test]
fn nodes_stopped_mid_rollout_are_deferred_and_resume_finishes_them() {
    require_cluster!();
    let _alone = crate::disruption();
    let ns = Namespace::new("dis-sick");
    let ns = ns.name.as_str();
    // Grace 1s: a pod deleted on a dead node is past its grace period (stuck) soon after.
    env().apply(ns, &agent("busybox:1.36").grace_period(1).yaml());
    env().wait_rollout(ns, "agent");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").grace_period(1).yaml()).unwrap();
    let eligible: BTreeSet<String> = NODES.iter().map(|n| n.to_string()).collect();
    let watcher = PodWatcher::start(ns, eligible);
    // Mid-rollout: the canary replaced, the rollout paused after it (deterministic, unlike a
    // kill timed against min-ready: stop-node may take 15s a node when the node-lifecycle
    // controller's taint queue is busy).
    let canary = EventRun::start(&ondelete_args(
        file.to_str().unwrap(),
        ns,
        &[
            "--canary-nodes",
            "kds-node-1",
            "--pause-after-canary",
            "--max-unavailable",
            "3",
            "--min-ready",
            "15",
            "-o",
            "json",
        ],
    ));
    let (code, stderr, canary_events) = canary.finish();
    assert_eq!(code, 0, "{stderr}\n{canary_events:#?}");
    let stopped = [
        StoppedNode::stop("kds-node-3"),
        StoppedNode::stop("kds-node-4"),
    ];
    // kds-node-3's old pod deleted while its kubelet is gone: it stays terminating, stuck once
    // 11s past its 1s grace, well before the resumed run's kds-node-2 is done (min-ready 15s).
    let stuck = agent_pod_on(ns, "kds-node-3")["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    env()
        .kubectl(&["delete", "pod", "-n", ns, &stuck, "--wait=false"])
        .success();
    let run = EventRun::start(&["rollout", "resume", "agent", "-n", ns, "-o", "json"]);
    let (code, stderr, events) = run.finish();
    let seen = watcher.stop();
    assert_eq!(code, 1, "{stderr}\n{events:#?}");
    let deferred: BTreeSet<&str> = named(&events, "node")
        .iter()
        .filter(|e| e["action"] == "deferred")
        .map(|e| e["node"].as_str().unwrap())
        .collect();
    assert_eq!(
        deferred,
        BTreeSet::from(["kds-node-3", "kds-node-4"]),
        "{events:#?}"
    );
    let stuck_reports: Vec<_> = named(&events, "node")
        .into_iter()
        .filter(|e| e["action"] == "stuck-terminating")
        .collect();
    assert_eq!(stuck_reports.len(), 1, "{events:#?}");
    assert_eq!(stuck_reports[0]["node"], "kds-node-3");
    assert_eq!(stuck_reports[0]["pod"], stuck.as_str());
    assert!(stuck_reports[0]["seconds"].as_i64().unwrap() > 0);
    let incomplete = named(&events, "incomplete");
    assert_eq!(incomplete.len(), 1, "{events:#?}");
    let message = incomplete[0]["message"].as_str().unwrap();
    assert!(
        message.contains("2 nodes deferred (kds-node-3, kds-node-4)"),
        "{message}"
    );
    let stuck_line = incomplete[0]["deferred"][0]["reason"].as_str().unwrap();
    assert!(
        stuck_line.contains(&format!("pod {stuck} stuck terminating for")),
        "{stuck_line}"
    );
    // The rest was rolled, never more than 3 nodes (two of them the sick ones) without a
    // Ready pod; the sick nodes' old pods were left alone.
    assert!(seen.worst <= 3, "{seen:?}");
    let deleted: BTreeSet<&str> = named(&canary_events, "deleting")
        .into_iter()
        .chain(named(&events, "deleting"))
        .map(|e| e["node"].as_str().unwrap())
        .collect();
    assert_eq!(deleted, BTreeSet::from(["kds-node-1", "kds-node-2"]));
    let status = env().ds(&["rollout", "status", "agent", "-n", ns, "-o", "json"]);
    assert!(status.stdout.contains("incomplete"), "{}", status.stdout);

    // The kubelets back: the stuck pod goes, the controller starts the new revision on
    // kds-node-3 (OnDelete creates on a node without a pod), resume replaces kds-node-4's.
    for node in stopped {
        node.start();
    }
    let events = resume_agent(ns);
    let deleted: Vec<&str> = named(&events, "deleting")
        .iter()
        .map(|e| e["node"].as_str().unwrap())
        .collect();
    assert!(deleted.contains(&"kds-node-4"), "{events:#?}");
    assert_eq!(named(&events, "complete").len(), 1, "{events:#?}");
    assert_all_updated(ns, NODES.len());
}

#[test]
fn force_delete_stuck_deletes_a_stuck_pod_once_its_node_was_sick_long_enough() {
    require_cluster!();
    let _alone = crate::disruption();
    let ns = Namespace::new("dis-force");
    let ns = ns.name.as_str();
    env().apply(ns, &agent("busybox:1.36").grace_period(1).yaml());
    env().wait_rollout(ns, "agent");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").grace_period(1).yaml()).unwrap();
    // Long enough for the pod to count as stuck, then for the node to be sick 15s: the canary's
    // min-ready keeps the run going meanwhile.
    let mut run = EventRun::start(&ondelete_args(
        file.to_str().unwrap(),
        ns,
        &[
            "--canary-nodes",
            "kds-node-1",
            "--max-unavailable",
            "3",
            "--min-ready",
            "20",
            "--force-delete-stuck",
            "15s",
            "-o",
            "json",
        ],
    ));
    assert!(
        run.until(|e| e["event"] == "deleting" && e["node"] == "kds-node-1"),
        "{:?}",
        run.events
    );
    // Mid-rollout: kds-node-4's kubelet dies and its old pod, deleted then, stays terminating.
    let stopped = StoppedNode::stop("kds-node-4");
    let stuck = agent_pod_on(ns, "kds-node-4")["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    env()
        .kubectl(&["delete", "pod", "-n", ns, &stuck, "--wait=false"])
        .success();
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 1, "{stderr}\n{events:#?}");
    let forced: Vec<_> = named(&events, "node")
        .into_iter()
        .filter(|e| e["action"] == "force-deleted")
        .collect();
    assert_eq!(forced.len(), 1, "{events:#?}");
    assert_eq!(forced[0]["node"], "kds-node-4");
    assert_eq!(forced[0]["pod"], stuck.as_str());
    let gone = env().kubectl(&["get", "pod", "-n", ns, &stuck]);
    assert_ne!(gone.code, 0, "the stuck pod is gone: {}", gone.stdout);
    stopped.start();
    resume_agent(ns);
    assert_all_updated(ns, NODES.len());
}
