//! `kubectl ds migrate`: selector {app: agent} to {app: agent, tier: node} on every node, watched
//! by an independent `kubectl get -w` (never more nodes without a Ready pod than the limit; every
//! pod ends owned by the new DaemonSet, on its current revision); --dry-run changes nothing; an
//! interrupted migration (after the orphan delete, and kill -9 during the waves) is finished by
//! running the same command again.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, agent_pods, get_json, named, ready_agent, EventRun, PodWatcher,
};

fn v2_yaml() -> String {
    agent("busybox:1.36").selector_label("tier", "node").yaml()
}

fn write_v2(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("agent-v2.yaml");
    std::fs::write(&path, v2_yaml()).unwrap();
    path.to_str().unwrap().to_string()
}

fn daemonset(ns: &str) -> Value {
    get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"])
}

/// Every agent pod is owned by the DaemonSet now there and on its (only) revision; the uids.
#[track_caller]
fn assert_all_on_new_daemonset(ns: &str, nodes: &BTreeSet<String>) -> BTreeSet<String> {
    let ds = daemonset(ns);
    let uid = ds["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        ds["spec"]["selector"]["matchLabels"],
        serde_json::json!({"app": "agent", "tier": "node"})
    );
    let revisions = get_json(&["get", "controllerrevisions", "-n", ns, "-o", "json"]);
    let owned: Vec<&Value> = revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["metadata"]["ownerReferences"][0]["uid"] == uid)
        .collect();
    assert_eq!(owned.len(), 1, "one revision of the new DaemonSet");
    let hash = owned[0]["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap();
    let pods = get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"]);
    let pods = pods["items"].as_array().unwrap();
    let mut on = BTreeSet::new();
    let mut uids = BTreeSet::new();
    for pod in pods {
        let name = pod["metadata"]["name"].as_str().unwrap();
        assert_eq!(
            pod["metadata"]["ownerReferences"][0]["uid"], uid,
            "{name} owner"
        );
        assert_eq!(pod["metadata"]["ownerReferences"][0]["controller"], true);
        assert_eq!(
            pod["metadata"]["labels"]["controller-revision-hash"], hash,
            "{name}"
        );
        assert!(pod["metadata"]["deletionTimestamp"].is_null(), "{name}");
        on.insert(pod["spec"]["nodeName"].as_str().unwrap().to_string());
        uids.insert(pod["metadata"]["uid"].as_str().unwrap().to_string());
    }
    assert_eq!(&on, nodes, "one pod per node");
    assert_eq!(uids.len(), nodes.len());
    uids
}

#[test]
fn migrating_the_selector_keeps_nodes_within_the_limit_and_ends_on_the_new_daemonset() {
    require_cluster!();
    let ns = Namespace::new("mig-selector");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let before = agent_pods(ns);
    let nodes: BTreeSet<String> = before.iter().map(|(n, ..)| n.clone()).collect();
    let old_uids: BTreeSet<String> = before.iter().map(|(_, u, ..)| u.clone()).collect();
    assert!(nodes.len() >= 4, "{nodes:?}");
    let old_ds = daemonset(ns)["metadata"]["uid"].clone();
    let dir = tempfile::tempdir().unwrap();
    let v2 = write_v2(&dir);

    // --dry-run shows every step and changes nothing.
    let run = env().ds(&["migrate", "agent", "-f", &v2, "-n", ns, "--dry-run"]);
    run.success();
    for step in [
        "step 1",
        "tier=node",
        "step 2",
        "step 3",
        "step 4",
        "step 5",
        "wave 1/4",
    ] {
        assert!(run.stdout.contains(step), "{step}: {}", run.stdout);
    }
    assert_eq!(daemonset(ns)["metadata"]["uid"], old_ds);
    assert!(
        get_json(&["get", "pods", "-n", ns, "-l", "tier=node", "-o", "json"])["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let watcher = PodWatcher::start(ns, nodes.clone());
    let run = env().ds(&[
        "migrate",
        "agent",
        "-f",
        &v2,
        "-n",
        ns,
        "--yes",
        "--max-unavailable",
        "1",
        "-o",
        "json",
    ]);
    let seen = watcher.stop();
    run.success();
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(named(&events, "complete").len(), 1, "{}", run.stdout);
    assert!(seen.armed, "the watcher saw every node Ready first");
    assert!(
        seen.worst <= 1,
        "at most 1 node without a Ready pod, saw {}",
        seen.worst
    );
    assert_eq!(
        seen.deleted.len(),
        nodes.len(),
        "each old pod replaced once"
    );
    assert_ne!(daemonset(ns)["metadata"]["uid"], old_ds);
    let uids = assert_all_on_new_daemonset(ns, &nodes);
    assert!(
        uids.is_disjoint(&old_uids),
        "every adopted pod was replaced"
    );
    eprintln!(
        "migrated: worst {} of {} nodes without a Ready pod, {} pods replaced",
        seen.worst,
        nodes.len(),
        seen.deleted.len()
    );
}

#[test]
fn an_interrupted_migration_is_finished_by_running_it_again() {
    require_cluster!();
    let ns = Namespace::new("mig-resume");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let nodes: BTreeSet<String> = agent_pods(ns).into_iter().map(|(n, ..)| n).collect();
    let dir = tempfile::tempdir().unwrap();
    let v2 = write_v2(&dir);

    // Stopped after step 3: pods relabelled, the old DaemonSet orphan-deleted, nothing created.
    env()
        .kubectl(&["label", "pods", "-n", ns, "-l", "app=agent", "tier=node"])
        .success();
    env()
        .kubectl(&["delete", "ds", "agent", "-n", ns, "--cascade=orphan"])
        .success();
    // kill -9 during the waves of the run that picks it up.
    let mut first = EventRun::start(&[
        "migrate", "agent", "-f", &v2, "-n", ns, "--yes", "-o", "json",
    ]);
    assert!(first.until(|e| e["event"] == "deleting"), "a wave started");
    let events = first.kill_9();
    assert!(
        events.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("already deleted"))),
        "{events:?}"
    );
    let run = env().ds(&["migrate", "agent", "-f", &v2, "-n", ns, "--yes"]);
    run.success();
    assert!(
        run.stdout.contains("steps 1-4 already done"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("complete"), "{}", run.stdout);
    assert_all_on_new_daemonset(ns, &nodes);
}
