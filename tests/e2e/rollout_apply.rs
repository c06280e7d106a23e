//! `kubectl ds rollout apply --mode ondelete`: a RollingUpdate DaemonSet on the eligible nodes is
//! moved to a new image wave by wave (a canary first) without ever leaving more than
//! --max-unavailable nodes without a Ready pod (checked by an independent observer), ends with
//! every pod on the newest revision, the original strategy back and the state recorded Complete;
//! a second run finds nothing to do.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, Namespace};
use crate::rollout_support::{get_json, newest_hash, ondelete_args};

const STATE: &str = "rollout.kubectl-ds.io/state";
const ORIGINAL: &str = "rollout.kubectl-ds.io/original-strategy";

/// (node, ready and not terminating) of agent's pods.
fn pods(ns: &str) -> Vec<(String, bool, String)> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ready = p["metadata"]["deletionTimestamp"].is_null()
                && p["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
            (
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
                ready,
                p["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn ondelete_rollout_replaces_pods_within_the_budget_and_restores_the_strategy() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-ondelete");
    let ns = ns.name.clone();
    let eligible: BTreeSet<String> = pods(&ns).into_iter().map(|(node, ..)| node).collect();
    assert_eq!(eligible.len(), env().untainted_node_count(), "{eligible:?}");
    let old_hash = newest_hash(&ns);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, daemonset_yaml("agent", "busybox:1.37").yaml()).unwrap();

    // An independent observer: the most eligible nodes without a Ready pod at any one time.
    let stop = Arc::new(AtomicBool::new(false));
    let worst = Arc::new(AtomicUsize::new(0));
    let observer = {
        let (stop, worst, ns, eligible) =
            (stop.clone(), worst.clone(), ns.clone(), eligible.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let ready: BTreeSet<String> = pods(&ns)
                    .into_iter()
                    .filter(|(_, ready, _)| *ready)
                    .map(|(node, ..)| node)
                    .collect();
                let down = eligible.iter().filter(|n| !ready.contains(*n)).count();
                worst.fetch_max(down, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        })
    };
    let run = env().ds(&[
        "rollout",
        "apply",
        "-f",
        file.to_str().unwrap(),
        "-n",
        &ns,
        "--mode",
        "ondelete",
        "--canary",
        "1",
        "--max-unavailable",
        "1",
    ]);
    stop.store(true, Ordering::Relaxed);
    observer.join().unwrap();
    run.success();
    let out = &run.stdout;
    let waves = eligible.len();
    assert!(
        out.contains(&format!("wave 1/{waves} (canary): deleting pod")),
        "{out}"
    );
    assert!(
        out.contains(&format!("wave {waves}/{waves}: deleting pod")),
        "{out}"
    );
    assert!(out.contains(": new pod ready"), "{out}");
    assert!(out.contains("complete"), "{out}");
    assert!(
        worst.load(Ordering::Relaxed) <= 1,
        "{} nodes were without a Ready pod at once\n{out}",
        worst.load(Ordering::Relaxed)
    );

    let new_hash = newest_hash(&ns);
    assert_ne!(new_hash, old_hash);
    let now = pods(&ns);
    assert_eq!(now.len(), eligible.len(), "{now:?}");
    assert!(
        now.iter().all(|(_, _, h)| *h == new_hash),
        "{now:?} vs {new_hash}"
    );
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["updateStrategy"]["type"], "RollingUpdate",
        "{ds}"
    );
    assert_eq!(
        ds["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.37"
    );
    let annotations = &ds["metadata"]["annotations"];
    assert!(annotations.get(ORIGINAL).is_none(), "{annotations}");
    let state: Value = serde_json::from_str(annotations[STATE].as_str().unwrap()).unwrap();
    assert_eq!(state["phase"], "complete", "{state}");
    assert_eq!(state["targetHash"], new_hash.as_str(), "{state}");

    // Again: nothing left to replace. (Right after the first run restored the strategy, while
    // the controller may still write the status for it: the command itself retries its lock write
    // when that races it.)
    let again = env().ds(&[
        "rollout",
        "apply",
        "-f",
        file.to_str().unwrap(),
        "-n",
        &ns,
        "--mode",
        "ondelete",
    ]);
    assert!(
        again
            .success()
            .stdout
            .contains(&format!("0 of {waves} eligible nodes")),
        "{}",
        again.stdout
    );
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["updateStrategy"]["type"], "RollingUpdate",
        "{ds}"
    );
}

/// `kubectl ds rollout apply -f FILE -n NS --mode ondelete --canary 1`.
fn ondelete_with_canary(file: &std::path::Path, ns: &str) -> crate::harness::Run {
    let file = file.to_str().unwrap();
    env().ds(&ondelete_args(file, ns, &["--canary", "1"]))
}

#[test]
fn a_failing_canary_stops_the_rollout_with_exit_1() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-fail");
    let ns = ns.name.clone();
    let old_hash = newest_hash(&ns);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    std::fs::write(&file, daemonset_yaml("agent", "not a valid image").yaml()).unwrap();
    let run = ondelete_with_canary(&file, &ns);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("InvalidImageName"), "{}", run.stdout);
    // Only the canary's pod was replaced; the other node keeps its old pod.
    let now = pods(&ns);
    let old: Vec<_> = now.iter().filter(|(_, _, h)| *h == old_hash).collect();
    assert_eq!(old.len(), now.len() - 1, "{now:?}");
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "OnDelete", "{ds}");
    let state: Value =
        serde_json::from_str(ds["metadata"]["annotations"][STATE].as_str().unwrap()).unwrap();
    assert_eq!(state["phase"], "failed", "{state}");
    assert!(
        state["failure"]
            .as_str()
            .unwrap()
            .contains("InvalidImageName"),
        "{state}"
    );
}

/// A native sidecar that cannot start shows only in `initContainerStatuses`; the gate reads
/// them, so the canary fails at once instead of at the progress deadline.
#[test]
fn a_canary_whose_sidecar_cannot_start_fails_the_rollout() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-sidecar");
    let ns = ns.name.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sidecar.yaml");
    let manifest = daemonset_yaml("agent", "busybox:1.37")
        .pod("initContainers:\n- name: proxy\n  image: not a valid image\n  restartPolicy: Always")
        .yaml();
    std::fs::write(&file, manifest).unwrap();
    let run = ondelete_with_canary(&file, &ns);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("InvalidImageName (sidecar container proxy)"),
        "{}",
        run.stdout
    );
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    let state: Value =
        serde_json::from_str(ds["metadata"]["annotations"][STATE].as_str().unwrap()).unwrap();
    assert_eq!(state["phase"], "failed", "{state}");
}

#[test]
fn canary_nodes_with_pause_after_canary_stop_after_the_canary_and_resume_continues() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-pause-canary");
    let ns = ns.name.clone();
    let old_hash = newest_hash(&ns);
    let before = pods(&ns);
    assert!(
        before.iter().any(|(node, ..)| node == "kds-node-2"),
        "{before:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, daemonset_yaml("agent", "busybox:1.37").yaml()).unwrap();
    let file = file.to_str().unwrap();

    let run = env().ds(&ondelete_args(
        file,
        &ns,
        &["--canary-nodes", "kds-node-2", "--pause-after-canary"],
    ));
    let out = run.success().stdout.clone();
    assert!(out.contains("wave 1/"), "{out}");
    assert!(out.contains("(canary): deleting pod"), "{out}");
    assert!(out.contains("on kds-node-2"), "{out}");
    assert!(out.contains("is paused"), "{out}");
    let new_hash = newest_hash(&ns);
    assert_ne!(new_hash, old_hash);
    let now = pods(&ns);
    for (node, _, hash) in &now {
        if node == "kds-node-2" {
            assert_eq!(*hash, new_hash, "{now:?}");
        } else {
            assert_eq!(*hash, old_hash, "{now:?}");
        }
    }
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    let state: Value =
        serde_json::from_str(ds["metadata"]["annotations"][STATE].as_str().unwrap()).unwrap();
    assert_eq!(state["phase"], "paused-after-canary", "{state}");
    assert_eq!(
        state["waves"][0]["nodes"],
        serde_json::json!(["kds-node-2"])
    );

    // resume drives the recorded rollout to the end itself.
    let run = env().ds(&["rollout", "resume", "agent", "-n", &ns]);
    let out = run.success().stdout.clone();
    assert!(out.contains("continuing the recorded rollout"), "{out}");
    assert!(out.contains("complete"), "{out}");
    assert!(!out.contains("on kds-node-2"), "{out}");
    let now = pods(&ns);
    assert_eq!(now.len(), before.len(), "{now:?}");
    assert!(now.iter().all(|(_, _, h)| *h == new_hash), "{now:?}");
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["updateStrategy"]["type"], "RollingUpdate",
        "{ds}"
    );
    let state: Value =
        serde_json::from_str(ds["metadata"]["annotations"][STATE].as_str().unwrap()).unwrap();
    assert_eq!(state["phase"], "complete", "{state}");
}

/// The images of agent's pods, by node.
fn pod_images(ns: &str) -> Vec<(String, String)> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn set_image_rolls_the_new_image_out_to_every_pod() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-set-image");
    let ns = ns.name.clone();
    let before = pods(&ns);
    let run = env().ds(&[
        "rollout",
        "set-image",
        "agent",
        "main=busybox:1.37",
        "-n",
        &ns,
        "--mode",
        "ondelete",
        "--canary",
        "1",
    ]);
    let out = run.success().stdout.clone();
    assert!(out.contains("(canary): deleting pod"), "{out}");
    assert!(out.contains("complete"), "{out}");
    let images = pod_images(&ns);
    assert_eq!(images.len(), before.len(), "{images:?}");
    assert!(
        images.iter().all(|(_, image)| image == "busybox:1.37"),
        "{images:?}"
    );
    let new_hash = newest_hash(&ns);
    assert!(pods(&ns).iter().all(|(_, _, h)| *h == new_hash));
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["updateStrategy"]["type"], "RollingUpdate",
        "{ds}"
    );
    assert_eq!(
        ds["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.37"
    );

    // Edited the way kubectl edits (a patch), not applied: the plugin took over only the
    // fields it changed, the rest stays with whoever wrote it.
    let ds = get_json(&[
        "get",
        "ds",
        "agent",
        "-n",
        &ns,
        "-o",
        "json",
        "--show-managed-fields",
    ]);
    let managers: Vec<(String, String)> = ds["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap_or("").to_string(),
                m["operation"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        !managers.contains(&("kubectl-ds".to_string(), "Apply".to_string())),
        "{managers:?}"
    );
    assert!(
        managers
            .iter()
            .any(|(m, _)| m.starts_with("kubectl-client-side-apply")),
        "the original writer keeps its fields: {managers:?}"
    );

    let unknown = env().ds(&[
        "rollout",
        "set-image",
        "agent",
        "nope=x:1",
        "-n",
        &ns,
        "--mode",
        "ondelete",
    ]);
    assert_eq!(unknown.code, 2, "{}\n{}", unknown.stdout, unknown.stderr);
}

#[test]
fn restart_replaces_every_pod_and_sets_restarted_at() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("ra-restart");
    let ns = ns.name.clone();
    let old_hash = newest_hash(&ns);
    let before = pods(&ns);
    let run = env().ds(&[
        "rollout", "restart", "agent", "-n", &ns, "--mode", "ondelete",
    ]);
    let out = run.success().stdout.clone();
    assert!(out.contains("complete"), "{out}");
    let new_hash = newest_hash(&ns);
    assert_ne!(new_hash, old_hash);
    let now = pods(&ns);
    assert_eq!(now.len(), before.len(), "{now:?}");
    assert!(now.iter().all(|(_, _, h)| *h == new_hash), "{now:?}");
    let ds = get_json(&["get", "ds", "agent", "-n", &ns, "-o", "json"]);
    assert!(
        ds["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string(),
        "{ds}"
    );
    assert_eq!(
        ds["spec"]["updateStrategy"]["type"], "RollingUpdate",
        "{ds}"
    );
}
