//! `kubectl ds rollout apply --mode rolling`: the DaemonSet's own RollingUpdate controller moves
//! the pods (never more than maxUnavailable nodes without a Ready pod, checked by an independent
//! watch) while the plugin follows it to completion; a new version whose pods never become
//! Ready is halted after the progress deadline (paused: OnDelete, the strategy recorded) having
//! touched one node, or with --auto-rollback rolled back to the previous revision; -o json is a
//! stream of events; a rollout paused by `rollout pause` waits and finishes after `rollout resume`.

use std::collections::BTreeSet;
use std::process::Stdio;

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, Namespace};
use crate::rollout_support::{agent_pods, get_json, newest_hash, PodWatcher, NEVER_READY};

const PAUSED: &str = "rollout.kubectl-ds.io/paused-strategy";

/// (node, Ready and not terminating, revision hash) of agent's pods.
fn pods(ns: &str) -> Vec<(String, bool, String)> {
    agent_pods(ns)
        .into_iter()
        .map(|(node, _, hash, ready)| (node, ready, hash))
        .collect()
}

fn daemonset(ns: &str) -> Value {
    get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"])
}

/// A manifest whose new pods run but never become Ready: a readiness gate nobody sets.
fn never_ready_yaml(image: &str) -> String {
    daemonset_yaml("agent", image).pod(NEVER_READY).yaml()
}

fn write(dir: &tempfile::TempDir, file: &str, yaml: &str) -> String {
    let path = dir.path().join(file);
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_string()
}

fn rolling<'a>(file: &'a str, ns: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "rollout", "apply", "-f", file, "-n", ns, "--mode", "rolling",
    ];
    args.extend_from_slice(extra);
    args
}

fn eligible_nodes(ns: &str) -> BTreeSet<String> {
    let eligible: BTreeSet<String> = pods(ns).into_iter().map(|(node, ..)| node).collect();
    assert_eq!(eligible.len(), env().untainted_node_count(), "{eligible:?}");
    eligible
}

#[test]
fn rolling_mode_follows_the_controller_to_completion() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rr-complete");
    let ns = ns.name.clone();
    let eligible = eligible_nodes(&ns);
    let old_hash = newest_hash(&ns);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "new.yaml",
        &daemonset_yaml("agent", "busybox:1.37").yaml(),
    );

    // The dry run says what changes and which nodes the controller replaces, and changes nothing.
    let dry = env().ds(&rolling(&file, &ns, &["--dry-run"]));
    let out = &dry.success().stdout;
    assert!(
        out.contains("image main: busybox:1.36 → busybox:1.37"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "would replace the pods on {} nodes (RollingUpdate, maxUnavailable 1, maxSurge 0",
            eligible.len()
        )),
        "{out}"
    );
    assert_eq!(
        daemonset(&ns)["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );

    // The wave flags belong to ondelete mode.
    let wrong = env().ds(&rolling(&file, &ns, &["--max-unavailable", "2"]));
    assert_eq!(wrong.code, 2, "{}\n{}", wrong.stdout, wrong.stderr);
    assert!(
        wrong
            .errors()
            .contains("--max-unavailable needs --mode ondelete"),
        "{}",
        wrong.stderr
    );

    let watcher = PodWatcher::start(&ns, eligible.clone());
    let run = env().ds(&rolling(&file, &ns, &[]));
    let down = watcher.stop().worst;
    let out = run.success().stdout.clone();
    let new_hash = newest_hash(&ns);
    assert_ne!(new_hash, old_hash);
    assert!(
        out.contains(&format!(
            "target revision: controller-revision-hash {new_hash}"
        )),
        "{out}"
    );
    assert!(out.contains(": new pod ready ("), "{out}");
    assert!(
        out.contains(&format!(
            "rollout of daemonset {ns}/agent complete: {} nodes updated to {new_hash}",
            eligible.len()
        )),
        "{out}"
    );
    assert!(
        down <= 1,
        "{down} nodes were without a Ready pod at once\n{out}"
    );

    let now = pods(&ns);
    assert_eq!(now.len(), eligible.len(), "{now:?}");
    assert!(
        now.iter().all(|(_, ready, h)| *h == new_hash && *ready),
        "{now:?} vs {new_hash}"
    );
    let ds = daemonset(&ns);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "RollingUpdate");
    assert!(ds["metadata"]["annotations"].get(PAUSED).is_none(), "{ds}");

    let status = env().ds(&["rollout", "status", "agent", "-n", &ns]);
    assert!(
        status.success().stdout.contains(": complete"),
        "{}",
        status.stdout
    );
}

#[test]
fn a_version_that_never_gets_ready_is_halted_after_the_deadline() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rr-halt");
    let ns = ns.name.clone();
    let eligible = eligible_nodes(&ns);
    let old_hash = newest_hash(&ns);
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "bad.yaml", &never_ready_yaml("busybox:1.37"));

    let original: BTreeSet<String> = agent_pods(&ns).into_iter().map(|p| p.1).collect();
    let watcher = PodWatcher::start(&ns, eligible.clone());
    let run = env().ds(&rolling(&file, &ns, &["--progress-deadline", "20s"]));
    let down = watcher.stop().worst;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("failed: no node got an available new pod within 20s"),
        "{out}"
    );
    assert!(out.contains("ReadinessGatesNotReady"), "{out}");
    assert!(out.contains("kubectl ds rollout undo agent"), "{out}");
    assert!(out.contains("kubectl ds rollout resume agent"), "{out}");

    // One node touched (maxUnavailable 1): every other node still runs the very pod it had (same
    // uid), and the touched node is the one named as failing.
    let still: Vec<(String, String, String, bool)> = agent_pods(&ns)
        .into_iter()
        .filter(|(_, uid, ..)| original.contains(uid))
        .collect();
    assert_eq!(still.len(), eligible.len() - 1, "{still:?}\n{out}");
    assert!(
        down <= 1,
        "{down} nodes were without a Ready pod at once\n{out}"
    );
    let new_hash = newest_hash(&ns);
    let now = pods(&ns);
    let updated: Vec<&String> = now
        .iter()
        .filter(|(_, _, h)| *h == new_hash)
        .map(|(node, ..)| node)
        .collect();
    assert_eq!(updated.len(), 1, "{now:?}");
    assert!(
        out.contains(&format!("  {}: pod agent-", updated[0])),
        "{out}"
    );
    assert_eq!(
        now.iter().filter(|(_, _, h)| *h == old_hash).count(),
        eligible.len() - 1,
        "{now:?}"
    );

    // Halted the way `rollout pause` does it: OnDelete, the RollingUpdate strategy recorded.
    let ds = daemonset(&ns);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "OnDelete", "{ds}");
    let recorded: Value =
        serde_json::from_str(ds["metadata"]["annotations"][PAUSED].as_str().unwrap()).unwrap();
    assert_eq!(recorded["type"], "RollingUpdate", "{recorded}");
}

#[test]
fn auto_rollback_restores_the_previous_revision_on_every_node() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rr-rollback");
    let ns = ns.name.clone();
    let eligible = eligible_nodes(&ns);
    let old_hash = newest_hash(&ns);
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "bad.yaml", &never_ready_yaml("busybox:1.37"));

    // The rollback runs under the same deadline and must complete within it: 30s, so that a
    // pod slow to start on a loaded machine does not fail the rollback too.
    let run = env().ds(&rolling(
        &file,
        &ns,
        &["--progress-deadline", "30s", "--auto-rollback"],
    ));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(out.contains("--auto-rollback restores revision 1"), "{out}");
    assert!(
        out.contains(&format!("rolling back to {old_hash}")),
        "{out}"
    );
    assert!(
        out.contains("failed and was rolled back to revision 1"),
        "{out}"
    );

    let ds = daemonset(&ns);
    let spec = &ds["spec"]["template"]["spec"];
    assert_eq!(spec["containers"][0]["image"], "busybox:1.36", "{ds}");
    assert!(spec.get("readinessGates").is_none(), "{ds}");
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "RollingUpdate");
    assert!(ds["metadata"]["annotations"].get(PAUSED).is_none(), "{ds}");
    assert_eq!(newest_hash(&ns), old_hash);
    env().eventually("every pod back on the previous revision", || {
        let now = pods(&ns);
        now.len() == eligible.len() && now.iter().all(|(_, ready, h)| *h == old_hash && *ready)
    });
}

#[test]
fn json_output_is_one_event_per_line_ending_with_complete() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rr-json");
    let ns = ns.name.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "new.yaml",
        &daemonset_yaml("agent", "busybox:1.37").yaml(),
    );
    let run = env().ds(&rolling(&file, &ns, &["-o", "json"]));
    let events: Vec<Value> = run
        .success()
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    for event in &events {
        assert!(event["time"].is_string(), "{event}");
        assert!(event["event"].is_string(), "{event}");
    }
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"applied"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"complete"), "{kinds:?}");
    for kind in ["target", "progress", "node-ready"] {
        assert!(kinds.contains(&kind), "{kind} missing in {kinds:?}");
    }
    assert_eq!(events[0]["mode"], "rolling");
    let last = events.last().unwrap();
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .contains(&newest_hash(&ns)),
        "{last}"
    );
}

#[test]
fn a_rolling_rollout_paused_by_rollout_pause_waits_and_finishes_after_resume() {
    require_cluster!();
    let ns = Namespace::new("rr-pause");
    let ns = ns.name.clone();
    // minReadySeconds 10: the controller waits 10 s on each node, time enough to pause it.
    let slow = |image: &str| daemonset_yaml("agent", image).min_ready_seconds(10).yaml();
    env().apply(&ns, &slow("busybox:1.36"));
    env().wait_rollout(&ns, "agent");
    let eligible = eligible_nodes(&ns);
    let old_hash = newest_hash(&ns);
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "new.yaml", &slow("busybox:1.37"));

    let child = env()
        .plugin_command(&rolling(&file, &ns, &[]))
        .env("KUBECONFIG", &env().kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the rollout");
    env().eventually("a node gets a new pod", || {
        pods(&ns).iter().any(|(_, _, h)| *h != old_hash)
    });
    // The controller is writing the status for the new pod meanwhile; the pause's conditional
    // write can race it and the command then retries it itself.
    env()
        .ds(&["rollout", "pause", "agent", "-n", &ns])
        .success();
    assert_eq!(daemonset(&ns)["spec"]["updateStrategy"]["type"], "OnDelete");

    // Paused past the 10 s the controller would wait before the next node: nothing moves, and
    // the rollout run is still waiting.
    std::thread::sleep(std::time::Duration::from_secs(14));
    let now = pods(&ns);
    let updated = now.iter().filter(|(_, _, h)| *h != old_hash).count();
    assert_eq!(updated, 1, "{now:?}");
    let mut child = child;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the rollout run ended while paused"
    );

    env()
        .ds(&["rollout", "resume", "agent", "-n", &ns])
        .success();
    let output = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.contains("was paused (kubectl ds rollout pause)"),
        "{out}"
    );
    assert!(out.contains("was resumed"), "{out}");
    let new_hash = newest_hash(&ns);
    assert!(
        out.contains(&format!(
            "complete: {} nodes updated to {new_hash}",
            eligible.len()
        )),
        "{out}"
    );
    let now = pods(&ns);
    assert_eq!(now.len(), eligible.len(), "{now:?}");
    assert!(
        now.iter().all(|(_, ready, h)| *h == new_hash && *ready),
        "{now:?}"
    );
    assert_eq!(
        daemonset(&ns)["spec"]["updateStrategy"]["type"],
        "RollingUpdate"
    );
}
