//! `kubectl ds rollout pause|resume|undo`: a paused RollingUpdate DaemonSet keeps its pods on the
//! old revision through a template change and rolls them on resume; undo puts an older template
//! back (default, explicit, missing revision, dry run); repeated and unknown-name cases.

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace, Run};
use crate::rollout_support::agent_image;

const PAUSED: &str = "rollout.kubectl-ds.io/paused-strategy";

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

fn daemonset(ns: &str) -> Value {
    json(
        env()
            .kubectl(&["get", "ds", "agent", "-n", ns, "-o", "json"])
            .success(),
    )
}

fn set_image(ns: &str, image: &str) {
    env()
        .kubectl(&[
            "set",
            "image",
            "ds/agent",
            &format!("main={image}"),
            "-n",
            ns,
        ])
        .success();
}

/// (revision, hash) of agent's ControllerRevisions, oldest first.
fn revisions(ns: &str) -> Vec<(i64, String)> {
    let run = env().kubectl(&["get", "controllerrevisions", "-n", ns, "-o", "json"]);
    let mut all: Vec<(i64, String)> = json(run.success())["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

fn wait_revisions(ns: &str, count: usize) {
    env().eventually(&format!("{count} revisions"), || {
        revisions(ns).len() == count
    });
}

/// The controller has seen the newest generation.
fn wait_observed(ns: &str) {
    env().eventually("generation observed", || {
        let ds = daemonset(ns);
        ds["metadata"]["generation"] == ds["status"]["observedGeneration"]
    });
}

fn pod_hashes(ns: &str) -> Vec<String> {
    let run = env().kubectl(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"]);
    json(run.success())["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| {
            p["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn pause_holds_pods_on_the_old_revision_and_resume_rolls_them() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rc-pause");
    let ns = ns.name.as_str();
    let before = daemonset(ns)["spec"]["updateStrategy"].clone();
    assert_eq!(before["type"], "RollingUpdate", "{before}");

    let run = env().ds(&["rollout", "pause", "agent", "-n", ns]);
    assert!(run.success().stdout.contains("paused"), "{}", run.stdout);
    let paused = daemonset(ns);
    assert_eq!(paused["spec"]["updateStrategy"]["type"], "OnDelete");
    let recorded: Value =
        serde_json::from_str(paused["metadata"]["annotations"][PAUSED].as_str().unwrap()).unwrap();
    assert_eq!(recorded, before);

    let old_hash = revisions(ns).last().unwrap().1.clone();
    set_image(ns, "busybox:1.37");
    wait_revisions(ns, 2);
    wait_observed(ns);
    let new_hash = revisions(ns).last().unwrap().1.clone();
    assert_ne!(old_hash, new_hash);
    // Give the controller time to (not) act on the new template.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let hashes = pod_hashes(ns);
    assert_eq!(hashes.len(), env().untainted_node_count(), "{hashes:?}");
    assert!(
        hashes.iter().all(|h| *h == old_hash),
        "{hashes:?} vs {old_hash}"
    );

    let run = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert!(run.success().stdout.contains("resumed"), "{}", run.stdout);
    let resumed = daemonset(ns);
    assert_eq!(resumed["spec"]["updateStrategy"], before);
    assert_eq!(
        resumed["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"],
        before["rollingUpdate"]["maxUnavailable"]
    );
    assert!(resumed["metadata"]["annotations"].get(PAUSED).is_none());
    env().wait_rollout(ns, "agent");
    env().eventually("pods on the new revision", || {
        let hashes = pod_hashes(ns);
        !hashes.is_empty() && hashes.iter().all(|h| *h == new_hash)
    });
}

#[test]
fn undo_restores_an_older_template() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rc-undo");
    let ns = ns.name.as_str();
    set_image(ns, "busybox:1.37");
    wait_revisions(ns, 2);

    // The undos below run while the controller rolls the pods (and writes the status): their
    // write, conditional on the resourceVersion read, is planned anew and retried by the command
    // itself when it races one.
    // Dry run: says what would change, changes nothing.
    let run = env().ds(&["rollout", "undo", "agent", "-n", ns, "--dry-run"]);
    assert!(
        run.success().stdout.contains("busybox:1.37 → busybox:1.36"),
        "{}",
        run.stdout
    );
    assert_eq!(agent_image(ns), "busybox:1.37");
    assert_eq!(revisions(ns).len(), 2);

    // A revision that does not exist: exit 2, listing those that do.
    let run = env().ds(&["rollout", "undo", "agent", "-n", ns, "--to-revision", "9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.errors().contains("1, 2"), "{}", run.stderr);
    assert_eq!(agent_image(ns), "busybox:1.37");

    // Default: the revision before the current one.
    let run = env().ds(&["rollout", "undo", "agent", "-n", ns]);
    let out = &run.success().stdout;
    assert!(out.contains("rolled back to revision 1"), "{out}");
    assert!(out.contains("busybox:1.37 → busybox:1.36"), "{out}");
    assert_eq!(agent_image(ns), "busybox:1.36");
    // The controller records the old template as a new revision (1 becomes 3).
    env().eventually("revision 3", || {
        revisions(ns).iter().map(|r| r.0).collect::<Vec<_>>() == [2, 3]
    });

    // Explicit: back to revision 2's image.
    let run = env().ds(&["rollout", "undo", "agent", "-n", ns, "--to-revision", "2"]);
    assert!(
        run.success().stdout.contains("rolled back to revision 2"),
        "{}",
        run.stdout
    );
    assert_eq!(agent_image(ns), "busybox:1.37");
    env().wait_rollout(ns, "agent");
}

#[test]
fn repeated_and_unknown() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rc-repeat");
    let ns = ns.name.as_str();
    let run = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert!(
        run.success().stdout.contains("is not paused"),
        "{}",
        run.stdout
    );
    env().ds(&["rollout", "pause", "agent", "-n", ns]).success();
    // The pause changed the spec: the controller records the new observedGeneration in the
    // status, which moves the resourceVersion too. Read it once the controller is done.
    wait_observed(ns);
    let version = daemonset(ns)["metadata"]["resourceVersion"].clone();
    let run = env().ds(&["rollout", "pause", "agent", "-n", ns]);
    assert!(
        run.success().stdout.contains("already paused"),
        "{}",
        run.stdout
    );
    assert_eq!(daemonset(ns)["metadata"]["resourceVersion"], version);

    let run = env().ds(&["rollout", "undo", "agent", "-n", ns]);
    assert_eq!(run.code, 2, "only one revision: {}", run.stderr);
    assert!(run.errors().contains("only revision 1"), "{}", run.stderr);

    for command in ["pause", "resume", "undo"] {
        let run = env().ds(&["rollout", command, "nope", "-n", ns]);
        assert_eq!(run.code, 2, "{command}: {}", run.stderr);
        assert_eq!(run.errors().lines().count(), 1, "{}", run.stderr);
        assert!(run.errors().contains("not found"), "{}", run.stderr);
    }
}
