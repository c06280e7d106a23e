//! maxSurge on a current server: a RollingUpdate with `maxSurge: 1, maxUnavailable: 0` starts
//! the new pod beside the old one, and the old one goes only once its replacement is available.
//! `rollout apply --mode rolling` and `rollout set-image --mode rolling` follow it (an independent
//! watch shows every node kept a Ready pod and at most one node surged at once); `diff` and `plan`
//! say the update surges; `rollout status` marks the surge pods; and lint's DS202 claim is shown
//! for real: a host port held by the old pod keeps the surge pod Pending, `rollout status --watch
//! --timeout` names the node and the scheduler's reason, and the old pods keep running.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, DaemonSetYaml, Namespace};
use crate::rollout_support::{agent_pods, get_json, newest_hash, node_of, PodWatcher, NEVER_READY};

/// The `agent` DaemonSet (label app=agent, on the untainted nodes) with a surging RollingUpdate.
fn surging(image: &str) -> DaemonSetYaml {
    daemonset_yaml("agent", image).max_surge(1)
}

/// A host port on the main container, for [`DaemonSetYaml::container`].
fn host_port(port: u16) -> String {
    format!("ports: [{{containerPort: 80, hostPort: {port}}}]")
}

fn write(dir: &tempfile::TempDir, file: &str, yaml: &str) -> String {
    let path = dir.path().join(file);
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_string()
}

/// The namespace's `agent`, applied with kubectl and fully rolled out; its nodes.
fn ready_surging_agent(ns: &str, agent: DaemonSetYaml) -> BTreeSet<String> {
    env().apply(ns, &agent.yaml());
    env().wait_rollout(ns, "agent");
    let nodes: BTreeSet<String> = agent_pods(ns).into_iter().map(|(node, ..)| node).collect();
    assert_eq!(nodes.len(), env().untainted_node_count(), "{nodes:?}");
    nodes
}

/// Every pod of the namespace's agent, as JSON.
fn pods_json(ns: &str) -> Vec<Value> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[track_caller]
fn assert_served_and_surged_one_at_a_time(
    what: &str,
    watched: &crate::rollout_support::Watched,
    nodes: &BTreeSet<String>,
) {
    assert_eq!(
        watched.worst, 0,
        "{what}: a node was without a Ready pod during a maxUnavailable 0 rollout: {watched:?}"
    );
    assert_eq!(
        watched.max_surging, 1,
        "{what}: more or fewer than maxSurge (1) nodes surged at once: {watched:?}"
    );
    assert_eq!(
        &watched.surged, nodes,
        "{what}: every node surges once (its new pod beside the old): {watched:?}"
    );
}

#[test]
fn rolling_mode_and_set_image_follow_a_surging_update_node_by_node() {
    require_cluster!();
    let ns = Namespace::new("surge-rolling");
    let ns = ns.name.clone();
    let nodes = ready_surging_agent(&ns, surging("busybox:1.36"));
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "new.yaml", &surging("busybox:1.37").yaml());

    // diff and plan say the update surges, and how many nodes at once.
    let surges =
        "maxSurge 1: surges, the new pod starting beside the old one on up to 1 node at once";
    let diff = env().ds(&["diff", "-f", &file, "-n", &ns]);
    assert!(
        diff.stdout.contains(surges),
        "{}\n{}",
        diff.stdout,
        diff.stderr
    );
    let plan = env().ds(&["plan", "-f", &file, "-n", &ns]);
    assert!(
        plan.success().stdout.contains(&format!(
            "Update: RollingUpdate replaces the pods on {} nodes, {surges}.",
            nodes.len()
        )),
        "{}",
        plan.stdout
    );
    let dry = env().ds(&[
        "rollout",
        "apply",
        "-f",
        &file,
        "-n",
        &ns,
        "--mode",
        "rolling",
        "--dry-run",
    ]);
    assert!(
        dry.success().stdout.contains("maxUnavailable 0, maxSurge 1: surges, the new pod starting beside the old one on up to 1 node at once"),
        "{}",
        dry.stdout
    );

    let watcher = PodWatcher::start(&ns, nodes.clone());
    let run = env().ds(&[
        "rollout", "apply", "-f", &file, "-n", &ns, "--mode", "rolling",
    ]);
    let watched = watcher.stop();
    let out = run.success().stdout.clone();
    let hash = newest_hash(&ns);
    assert!(
        out.contains(&format!(
            "rollout of daemonset {ns}/agent complete: {} nodes updated to {hash}",
            nodes.len()
        )),
        "{out}"
    );
    assert_served_and_surged_one_at_a_time("rollout apply", &watched, &nodes);
    let now = agent_pods(&ns);
    assert_eq!(now.len(), nodes.len(), "one pod per node again: {now:?}");
    assert!(
        now.iter().all(|(_, _, h, ready)| *h == hash && *ready),
        "{now:?}"
    );

    let watcher = PodWatcher::start(&ns, nodes.clone());
    let run = env().ds(&[
        "rollout",
        "set-image",
        "agent",
        "main=busybox:1.38",
        "-n",
        &ns,
        "--mode",
        "rolling",
    ]);
    let watched = watcher.stop();
    run.success();
    assert_served_and_surged_one_at_a_time("rollout set-image", &watched, &nodes);
    let images: Vec<Value> = pods_json(&ns)
        .iter()
        .map(|p| p["spec"]["containers"][0]["image"].clone())
        .collect();
    assert_eq!(images.len(), nodes.len(), "{images:?}");
    assert!(images.iter().all(|i| i == "busybox:1.38"), "{images:?}");
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["updateStrategy"]["rollingUpdate"]["maxSurge"], 1,
        "{ds}"
    );
}

#[test]
fn rollout_status_marks_the_surge_pod_beside_the_old_one() {
    require_cluster!();
    let ns = Namespace::new("surge-status");
    let ns = ns.name.clone();
    ready_surging_agent(&ns, surging("busybox:1.36"));
    // New pods that never become Ready: the controller starts one surge pod and waits on it.
    env().apply(&ns, &surging("busybox:1.37").pod(NEVER_READY).yaml());
    let hash = {
        let mut hash = String::new();
        env().eventually(
            "a running surge pod of the new revision beside an old pod",
            || {
                hash = newest_hash(&ns);
                let pods = pods_json(&ns);
                pods.iter().any(|p| {
                    p["metadata"]["labels"]["controller-revision-hash"] == hash.as_str()
                        && p["status"]["phase"] == "Running"
                }) && pods.len() == env().untainted_node_count() + 1
            },
        );
        hash
    };
    let pods = pods_json(&ns);
    let surge = pods
        .iter()
        .find(|p| p["metadata"]["labels"]["controller-revision-hash"] == hash.as_str())
        .unwrap();
    let surge_name = surge["metadata"]["name"].as_str().unwrap().to_string();
    let surge_node = node_of(surge);

    let status = env().ds(&["rollout", "status", "agent", "-n", &ns]);
    let out = status.success().stdout.clone();
    assert!(out.contains("1 node surging"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains(&surge_name))
        .unwrap_or_else(|| panic!("no row for {surge_name}\n{out}"));
    assert!(row.starts_with(&surge_node), "{row}");
    assert!(row.contains(&format!("{surge_name} (surge)")), "{row}");
    assert!(
        row.contains("example.com/never") || row.contains("ReadinessGatesNotReady"),
        "{row}"
    );
    let rows_on_node = out
        .lines()
        .filter(|l| l.starts_with(&format!("{surge_node} ")))
        .count();
    assert_eq!(
        rows_on_node, 2,
        "the old pod and the surge pod on {surge_node}\n{out}"
    );

    let json = env().ds(&["rollout", "status", "agent", "-n", &ns, "-o", "json"]);
    let view: Value = serde_json::from_str(&json.success().stdout).unwrap();
    assert_eq!(view["surging"], 1, "{view}");
    let surged: Vec<&Value> = view["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["surge"] == true)
        .collect();
    assert_eq!(surged.len(), 1, "{view}");
    assert_eq!(surged[0]["node"], surge_node.as_str());
}

#[test]
fn a_host_port_blocks_the_surge_pod_and_status_names_the_node_and_the_reason() {
    require_cluster!();
    let ns = Namespace::new("surge-hostport");
    let ns = ns.name.clone();
    // A port no other test holds: host ports are per node, and the tests share the nodes.
    let port = host_port(29_417);
    let nodes = ready_surging_agent(&ns, surging("busybox:1.36").container(&port));
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "new.yaml",
        &surging("busybox:1.37").container(&port).yaml(),
    );

    // What lint says will happen...
    let lint = env().ds(&["lint", "-f", &file]);
    assert!(
        lint.stdout.contains("DS202"),
        "{}\n{}",
        lint.stdout,
        lint.stderr
    );
    assert!(
        lint.stdout
            .contains("the surge pod can never bind the port"),
        "{}",
        lint.stdout
    );

    // ...happens: the old pods stay (watched from before the change), the surge pod stays Pending.
    let old: BTreeSet<String> = agent_pods(&ns)
        .into_iter()
        .map(|(_, uid, ..)| uid)
        .collect();
    let watcher = PodWatcher::start(&ns, nodes.clone());
    env().kubectl(&["apply", "-n", &ns, "-f", &file]).success();
    let mut reason = String::new();
    env().eventually("the surge pod unschedulable for its host port", || {
        pods_json(&ns).iter().any(|p| {
            let scheduled = p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "PodScheduled" && c["status"] == "False");
            if let Some(c) = scheduled {
                reason = c["message"].as_str().unwrap_or("").to_string();
            }
            reason.contains("free ports")
        })
    });
    let status = env().ds(&[
        "rollout",
        "status",
        "agent",
        "-n",
        &ns,
        "--watch",
        "--timeout",
        "5s",
    ]);
    let watched = watcher.stop();
    assert_eq!(status.code, 1, "{}\n{}", status.stdout, status.stderr);
    // The watch's progress line counts the surge pod (it exists before the watch starts).
    assert!(
        status.stdout.contains("1 node surging"),
        "{}",
        status.stdout
    );
    let surge = pods_json(&ns)
        .into_iter()
        .find(|p| !old.contains(p["metadata"]["uid"].as_str().unwrap_or("")))
        .expect("the surge pod");
    let surge_node = node_of(&surge);
    let surge_name = surge["metadata"]["name"].as_str().unwrap();
    let errors = status.errors();
    assert!(
        errors.contains(&format!(
            "timed out after 5s waiting for daemonset {ns}/agent to finish its rollout"
        )),
        "{errors}"
    );
    assert!(
        errors.contains(&format!(
            "node {surge_node}: surge pod {surge_name} not scheduled: Unschedulable: "
        )),
        "{errors}"
    );
    assert!(
        errors.contains("didn't have free ports for the requested pod ports"),
        "{errors}"
    );

    // The old pods were never touched: no deletion seen, every node kept its Ready pod.
    assert!(watched.deleted.is_empty(), "old pods deleted: {watched:?}");
    assert_eq!(watched.worst, 0, "{watched:?}");
    let still: BTreeSet<String> = agent_pods(&ns)
        .into_iter()
        .filter(|(_, _, _, ready)| *ready)
        .map(|(_, uid, ..)| uid)
        .collect();
    assert_eq!(still, old, "the old pods keep running");
}
