//! `kubectl ds rbac`: its roles applied as printed, each command run as a user bound to exactly
//! the roles it names (impersonated with --as, so nothing else is granted) succeeds, and a
//! rollout whose user lacks one verb stops with a one-line error naming it and leaves a state an
//! admin's `rollout resume` completes. What --drain adds is tested in tests/disruption (a drain
//! cordons the shared nodes).

use std::fs;

use crate::harness::{daemonset_yaml, env, require_cluster, Namespace};
use crate::rbac_support::{apply_roles, error_line, set_image_args, User};
use crate::rollout_support::agent_image;

#[test]
fn each_command_runs_as_a_user_bound_to_exactly_its_roles() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rbac");
    let ns = ns.name.as_str();
    apply_roles(ns, &["--operator", "--prepull"], |yaml| yaml);
    let viewer = User::bind(ns, "viewer", &["kubectl-ds-viewer"], &[]);
    let operator = User::bind(
        ns,
        "operator",
        &["kubectl-ds-viewer"],
        &["kubectl-ds-operator"],
    );
    viewer.wait_for("list", "pods", None);
    operator.wait_for("delete", "pods", Some(ns));

    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("agent.yaml");
    let next = daemonset_yaml("agent", "busybox:1.37").namespace(ns).yaml();
    fs::write(&manifest, &next).unwrap();
    let manifest = manifest.to_str().unwrap();

    for args in [
        vec!["list", "-n", ns],
        vec!["list", "-A"],
        vec!["plan", "agent", "-n", ns],
        vec!["plan", "-f", manifest],
        vec!["history", "agent", "-n", ns],
        vec!["rollout", "status", "agent", "-n", ns],
        vec!["rollout", "history", "agent", "-n", ns],
    ] {
        viewer.ds_ok(&args);
    }
    let lint = viewer.ds(&["lint", "-f", manifest, "--cluster"]);
    assert!(
        lint.code <= 1 && !lint.stderr.contains("forbidden"),
        "{}",
        lint.stderr
    );
    let refused = viewer.ds(&["rollout", "pause", "agent", "-n", ns]);
    assert_eq!(refused.code, 4);
    assert!(error_line(&refused).contains("cannot patch resource \"daemonsets\""));

    let diff = operator.ds(&["diff", "-f", manifest]);
    assert_eq!(diff.code, 1, "diff as the operator: {}", diff.stderr);
    operator.ds_ok(&["rollout", "pause", "agent", "-n", ns]);
    operator.ds_ok(&["rollout", "resume", "agent", "-n", ns]);
    operator.ds_ok(&[
        "rollout",
        "apply",
        "-f",
        manifest,
        "--mode",
        "ondelete",
        "--max-unavailable",
        "2",
        "--prepull",
    ]);
    assert_eq!(agent_image(ns), "busybox:1.37");
    operator.ds_ok(&[
        "rollout",
        "undo",
        "agent",
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--max-unavailable",
        "2",
    ]);
    assert_eq!(agent_image(ns), "busybox:1.36");
    operator.ds_ok(&["delete", "agent", "-n", ns, "--orphan", "--yes"]);
}

#[test]
fn a_rollout_without_one_verb_stops_naming_it_and_an_admin_resume_finishes_it() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rbac-less");
    let ns = ns.name.as_str();
    // The operator role as printed, less the pods' "delete".
    apply_roles(ns, &["--operator"], |yaml| {
        let less = yaml.replace("verbs: [\"delete\", \"patch\"]", "verbs: [\"patch\"]");
        assert_ne!(less, yaml, "the operator role no longer reads as expected");
        less
    });
    let user = User::bind(
        ns,
        "no-delete",
        &["kubectl-ds-viewer"],
        &["kubectl-ds-operator"],
    );
    user.wait_for("patch", "daemonsets", Some(ns));

    let stopped = user.ds(&set_image_args(ns, &[]));
    assert_eq!(stopped.code, 4, "{}", stopped.stderr);
    let line = error_line(&stopped);
    assert!(line.contains("cannot delete resource \"pods\""), "{line}");
    assert!(
        line.contains("ask a cluster admin to grant \"delete\" on pods"),
        "{line}"
    );

    let resumed = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert_eq!(resumed.code, 0, "the admin's resume: {}", resumed.stderr);
    env().wait_rollout(ns, "agent");
    let images = env()
        .kubectl(&["get", "pods", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.deletionTimestamp}/{.spec.containers[0].image} {end}"])
        .success()
        .stdout
        .clone();
    // Terminating pods print as TIMESTAMP/IMAGE: only the others count.
    let images: Vec<&str> = images
        .split_whitespace()
        .filter_map(|pod| pod.strip_prefix('/'))
        .collect();
    assert!(!images.is_empty());
    assert!(images.iter().all(|i| *i == "busybox:1.37"), "{images:?}");
}
