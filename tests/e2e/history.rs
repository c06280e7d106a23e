//! `kubectl ds history`: an OnDelete DaemonSet in three revisions (image, then env and resources
//! changed), one node moved to the newest revision, the rest left behind; pod counts per
//! revision, the table, revision diffs, one revision's template, and bad input.

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, Namespace, Run};

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// An OnDelete DaemonSet `agent` with the given image, env value and memory request.
fn agent(image: &str, mode: &str, memory: &str) -> String {
    daemonset_yaml("agent", image)
        .strategy("OnDelete")
        .node_selector(None)
        .container("command: [sleep, \"3600\"]")
        .container(&format!("env:\n- {{name: MODE, value: {mode}}}"))
        .container(&format!("resources:\n  requests: {{memory: {memory}}}"))
        .yaml()
}

fn apply(ns: &str, manifest: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("agent.yaml");
    std::fs::write(&path, manifest).expect("write manifest");
    env()
        .kubectl(&[
            "apply",
            "--server-side",
            "--field-manager=kubectl-ds",
            "-n",
            ns,
            "-f",
            path.to_str().unwrap(),
        ])
        .success();
}

/// Revision numbers the controller has recorded for `agent`, oldest first.
fn revisions(ns: &str) -> Vec<i64> {
    let run = env().ds(&["history", "agent", "-n", ns, "-o", "json"]);
    if run.code != 0 {
        return vec![];
    }
    json(&run)["revisions"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["revision"].as_i64()).collect())
        .unwrap_or_default()
}

/// Applies `manifest` and waits until the controller has recorded it as revision `number`.
fn apply_revision(ns: &str, manifest: &str, number: i64) {
    apply(ns, manifest);
    env().eventually(&format!("revision {number} recorded"), || {
        revisions(ns).last() == Some(&number)
    });
}

/// `agent`'s pods as (name, node, revision hash, being deleted).
fn pods(ns: &str) -> Vec<(String, String, String, bool)> {
    let run = env().kubectl(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"]);
    json(run.success())["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap_or("").to_string(),
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
                p["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                !p["metadata"]["deletionTimestamp"].is_null(),
            )
        })
        .collect()
}

/// (paths of `changes`, image changes as container:old→new, other changed aspects) of a
/// `history --diff A B -o json`.
fn revision_diff(ns: &str, a: &str, b: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let run = env().ds(&["history", "agent", "-n", ns, "--diff", a, b, "-o", "json"]);
    let diff = json(run.success());
    assert_eq!(diff["kind"], "RevisionDiff", "{diff}");
    let strings = |v: &Value, f: &dyn Fn(&Value) -> String| -> Vec<String> {
        v.as_array().expect("array").iter().map(f).collect()
    };
    (
        strings(&diff["changes"], &|c| {
            c["path"].as_str().unwrap().to_string()
        }),
        strings(&diff["templateChanges"]["images"], &|i| {
            format!(
                "{}:{}→{}",
                i["container"].as_str().unwrap(),
                i["old"].as_str().unwrap(),
                i["new"].as_str().unwrap()
            )
        }),
        strings(&diff["templateChanges"]["changed"], &|c| {
            c.as_str().unwrap().to_string()
        }),
    )
}

#[test]
fn history_of_three_revisions_with_pods_split_between_two() {
    require_cluster!();
    let ns = Namespace::new("history");
    let ns = ns.name.as_str();
    // The suite's topology has three schedulable nodes (kds-node-1, -2 and -4); one moves to
    // revision 3, the others stay on revision 1.
    let nodes = env().untainted_node_count();
    assert!(
        nodes >= 2,
        "the test needs two schedulable nodes or more, not {nodes}"
    );
    let left_behind = nodes - 1;

    apply_revision(ns, &agent("busybox:1.36", "slow", "16Mi"), 1);
    env().wait_rollout(ns, "agent");
    apply_revision(ns, &agent("busybox:1.37", "slow", "16Mi"), 2);
    apply_revision(ns, &agent("busybox:1.37", "fast", "32Mi"), 3);

    // OnDelete: nothing moves until a pod is deleted. Delete the pod on kds-node-1 only.
    let before = pods(ns);
    assert_eq!(before.len(), nodes, "{before:?}");
    let (victim, _, old_hash, _) = before
        .iter()
        .find(|p| p.1 == "kds-node-1")
        .cloned()
        .unwrap_or_else(|| panic!("a pod on kds-node-1: {before:?}"));
    env()
        .kubectl(&["delete", "pod", &victim, "-n", ns, "--wait=false"])
        .success();
    env().eventually("the deleted pod replaced, one pod per node", || {
        let now = pods(ns);
        now.len() == nodes
            && now.iter().all(|p| !p.3 && p.0 != victim)
            && now.iter().any(|p| p.2 != old_hash)
    });

    // Pod counts per revision: the untouched nodes (kds-node-2, kds-node-4) on revision 1, one on
    // revision 3.
    let history = json(
        env()
            .ds(&["history", "agent", "-n", ns, "-o", "json"])
            .success(),
    );
    assert_eq!(history["kind"], "DaemonSetHistory");
    let rows: Vec<(i64, u64, bool)> = history["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["pods"].as_u64().unwrap(),
                r["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(1, left_behind as u64, false), (2, 0, false), (3, 1, true)],
        "{history}"
    );
    let hashes: Vec<&str> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hash"].as_str().unwrap())
        .collect();
    let mut on_pods: Vec<String> = pods(ns).into_iter().map(|p| p.2).collect();
    on_pods.sort();
    let mut want = vec![hashes[0].to_string(); left_behind];
    want.push(hashes[2].to_string());
    want.sort();
    assert_eq!(on_pods, want, "pods carry the hashes of revisions 1 and 3");

    // The table: a header and three rows, the newest marked current.
    let table = env().ds(&["history", "agent", "-n", ns, "--color", "never"]);
    let table = crate::harness::parse_table(&table.success().stdout);
    assert_eq!(table.len(), 3, "{table:?}");
    assert_eq!(table[2]["REVISION"], "3 (current)");
    assert_eq!(
        table.iter().map(|r| r["PODS"].as_str()).collect::<Vec<_>>(),
        [left_behind.to_string().as_str(), "0", "1"]
    );
    assert_eq!(table[0]["IMAGES"], "busybox:1.36");
    // `rollout history` is the same command. AGE is left out: a second may pass between the calls.
    let alias = env().ds(&["rollout", "history", "agent", "-n", ns, "--color", "never"]);
    let without_age = |rows: Vec<std::collections::HashMap<String, String>>| {
        rows.into_iter()
            .map(|mut row| {
                row.remove("AGE");
                row
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_age(crate::harness::parse_table(&alias.success().stdout)),
        without_age(table),
        "rollout history"
    );
    let bare = env().ds(&[
        "history",
        "agent",
        "-n",
        ns,
        "--no-headers",
        "--color",
        "never",
    ]);
    assert_eq!(bare.success().stdout.lines().count(), 3, "{}", bare.stdout);

    // Revision diffs name exactly what changed.
    let image = "main:busybox:1.36→busybox:1.37";
    let (paths, images, changed) = revision_diff(ns, "1", "2");
    assert_eq!(paths, ["spec.containers[0].image"]);
    assert_eq!(images, [image]);
    assert!(changed.is_empty(), "{changed:?}");
    let (paths, images, changed) = revision_diff(ns, "2", "3");
    assert_eq!(
        paths,
        [
            "spec.containers[0].env[0].value",
            "spec.containers[0].resources.requests.memory"
        ]
    );
    assert!(images.is_empty(), "{images:?}");
    assert_eq!(changed, ["env", "resources"]);
    let (paths, images, changed) = revision_diff(ns, "1", "3");
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(images, [image]);
    assert_eq!(changed, ["env", "resources"]);

    // The text form: the summary, then the unified diff of the templates.
    let text = env().ds(&[
        "history", "agent", "-n", ns, "--diff", "1", "2", "--color", "never",
    ]);
    let text = &text.success().stdout;
    assert!(text.starts_with(
        "Template of revision 1 against revision 2:\n  image main: busybox:1.36 → busybox:1.37\n--- revision 1\n+++ revision 2\n"
    ), "{text}");
    assert!(!text.contains("changed:"), "{text}");
    assert!(!text.contains('\x1b'), "{text}");
    let text = env().ds(&[
        "history", "agent", "-n", ns, "--diff", "2", "3", "--color", "never",
    ]);
    let text = &text.success().stdout;
    assert!(text.contains("\n  changed: env, resources\n"), "{text}");
    assert!(!text.contains("image main:"), "{text}");
    let colored = env().ds(&[
        "history", "agent", "-n", ns, "--diff", "1", "2", "--color", "always",
    ]);
    assert!(
        colored
            .success()
            .stdout
            .contains("\x1b[32m+    image: busybox:1.37\x1b[0m"),
        "{}",
        colored.stdout
    );

    // One revision's template.
    let run = env().ds(&[
        "history",
        "agent",
        "-n",
        ns,
        "--revision",
        "2",
        "-o",
        "yaml",
    ]);
    let template: Value = serde_yaml::from_str(&run.success().stdout)
        .unwrap_or_else(|e| panic!("YAML ({e}): {}", run.stdout));
    assert_eq!(template["spec"]["containers"][0]["image"], "busybox:1.37");
    assert_eq!(template["spec"]["containers"][0]["env"][0]["value"], "slow");
    assert!(template.get("$patch").is_none(), "{template}");
}

#[test]
fn history_bad_input_exits_2() {
    require_cluster!();
    let ns = Namespace::new("history-bad");
    let ns = ns.name.as_str();
    apply_revision(ns, &agent("busybox:1.36", "slow", "16Mi"), 1);
    apply_revision(ns, &agent("busybox:1.37", "slow", "16Mi"), 2);

    let run = env().ds(&["history", "agent", "-n", ns, "--revision", "9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.errors(),
        "error: revision 9 does not exist; the revisions are 1, 2"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let run = env().ds(&[
        "history", "agent", "-n", ns, "--diff", "1", "9", "-o", "json",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.errors().lines().count(), 1, "{}", run.stderr);
    assert!(
        run.errors().contains("the revisions are 1, 2"),
        "{}",
        run.stderr
    );

    let run = env().ds(&["history", "no-such-ds", "-n", ns]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.errors().lines().count(), 1, "{}", run.stderr);
    assert!(
        run.errors().contains(&format!(
            "daemonset {ns}/no-such-ds not found; check the name and -n"
        )),
        "{}",
        run.stderr
    );
}
