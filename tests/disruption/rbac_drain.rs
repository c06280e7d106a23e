//! The roles `kubectl ds rbac --drain` adds, in use: a rollout with --drain run as a user bound
//! to exactly the viewer, operator and drain roles evicts another team's pods; without the
//! eviction verb it stops naming it, and an admin's `rollout resume` finishes it. Here, not in
//! tests/e2e: a drain cordons shared nodes and evicts every other test's pods on them.

use crate::harness::{env, require_cluster, Namespace};
use crate::rbac_support::{apply_roles, other_team_pods, pod_names, set_image_args, User};

/// The next image, one node at a time, each drained first. Also pods no controller owns: an
/// earlier test binary's orphans may still be on the nodes while their namespace goes.
fn drain_rollout(ns: &str) -> Vec<&str> {
    set_image_args(ns, &["--drain", "--drain-force"])
}

/// The nodes cordoned by the rollout of `ns`/agent (its mark on them).
fn cordoned_by(ns: &str) -> Vec<String> {
    let nodes = env()
        .kubectl(&["get", "nodes", "-o", "json"])
        .success()
        .json();
    let owner = format!("{ns}/agent");
    nodes["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            n["spec"]["unschedulable"].as_bool() == Some(true)
                && n["metadata"]["annotations"]["rollout.kubectl-ds.io/cordoned-by"]
                    == owner.as_str()
        })
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_rollout_with_drain_runs_as_a_user_bound_to_exactly_the_drain_roles() {
    require_cluster!();
    let _one_at_a_time = crate::disruption();
    let ns = Namespace::with_ready_agent("rbac-drain");
    let ns = ns.name.as_str();
    apply_roles(ns, &["--operator", "--drain"], |yaml| yaml);
    let drainer = User::bind(
        ns,
        "drainer",
        &["kubectl-ds-viewer", "kubectl-ds-drain"],
        &["kubectl-ds-operator"],
    );
    drainer.wait_for("patch", "nodes", None);
    drainer.wait_for("delete", "pods", Some(ns));
    // Another team's pods on the nodes, which the drain must evict from their namespace.
    let other = Namespace::new("rbac-other");
    let evicted = other_team_pods(&other.name);
    drainer.ds_ok(&drain_rollout(ns));
    let left = pod_names(&other.name);
    assert!(
        evicted.iter().all(|pod| !left.contains(pod)),
        "not evicted: {evicted:?} {left:?}"
    );
    assert_eq!(cordoned_by(ns), Vec::<String>::new(), "nodes left cordoned");
}

#[test]
fn a_drain_without_eviction_stops_naming_it_and_an_admin_resume_finishes_it() {
    require_cluster!();
    let _one_at_a_time = crate::disruption();
    let ns = Namespace::with_ready_agent("rbac-no-evict");
    let ns = ns.name.as_str();
    // A drain role of its own, as printed less the evictions.
    let role = format!("{ns}-drain");
    apply_roles(ns, &["--operator", "--drain"], |yaml| {
        let less = yaml
            .replace("name: kubectl-ds-drain", &format!("name: {role}"))
            .replace(
                "- apiGroups: [\"\"]\n  resources: [\"pods/eviction\"]\n  verbs: [\"create\"]\n",
                "",
            );
        assert!(
            less.contains(&role) && !less.contains("[\"pods/eviction\"]"),
            "{less}"
        );
        less
    });
    let user = User::bind(
        ns,
        "no-evict",
        &["kubectl-ds-viewer", &role],
        &["kubectl-ds-operator"],
    );
    user.wait_for("patch", "nodes", None);
    let other = Namespace::new("rbac-no-evict-other");
    other_team_pods(&other.name);

    let stopped = user.ds(&drain_rollout(ns));
    // A drain that cannot finish pauses the rollout (exit 1, as a PodDisruptionBudget that never
    // allows does), with the node left cordoned and one line saying why and what to do.
    assert_eq!(stopped.code, 1, "{}", stopped.stderr);
    let output = format!("{}{}", stopped.stdout, stopped.stderr);
    let lines: Vec<&str> = output.lines().filter(|l| l.contains("forbidden")).collect();
    assert_eq!(lines.len(), 1, "{output}");
    for part in [
        "cannot create resource \"pods/eviction\"",
        "ask a cluster admin to grant \"create\" on pods/eviction",
        "kubectl ds rollout resume agent",
    ] {
        assert!(lines[0].contains(part), "{part}: {}", lines[0]);
    }

    let resumed = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert_eq!(resumed.code, 0, "the admin's resume: {}", resumed.stderr);
    env().wait_rollout(ns, "agent");
    assert_eq!(cordoned_by(ns), Vec::<String>::new(), "nodes left cordoned");
}
