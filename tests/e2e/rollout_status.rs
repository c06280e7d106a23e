//! `kubectl ds rollout status`: a RollingUpdate DaemonSet complete, then watched through an image
//! change; an OnDelete DaemonSet waiting for pod deletions (table, timeout, then watched to the
//! end once the pods are deleted); unknown names and the JSON document.

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, parse_table, require_cluster, Namespace, Run};

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// Rows of the per-node table (the block that starts with the NODE header).
fn node_rows(stdout: &str) -> Vec<std::collections::HashMap<String, String>> {
    let start = stdout.find("NODE ").expect("per-node table");
    let block: String = stdout[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    parse_table(&block)
}

/// Waits until the controller has recorded revision `number` for `agent` and observed the
/// generation that made it: the controller creates the revision first and writes
/// observedGeneration and the counts at the end of the same sync, and until then status says
/// "pending", not what the template change did.
fn wait_revision(ns: &str, number: i64) {
    env().eventually(&format!("revision {number} of agent, observed"), || {
        let run = env().ds(&["rollout", "status", "agent", "-n", ns, "-o", "json"]);
        if run.code != 0 {
            return false;
        }
        let doc = json(&run);
        doc["currentRevision"] == number && doc["observedGeneration"] == doc["generation"]
    });
}

#[test]
fn rolling_update_complete_then_watched_through_an_image_change() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rs-rolling");
    let run = env().ds(&["rollout", "status", "agent", "-n", &ns.name]);
    run.success();
    let header = run.stdout.lines().next().unwrap_or_default();
    assert!(header.contains("RollingUpdate"), "{}", run.stdout);
    assert!(header.ends_with(": complete"), "{}", run.stdout);
    assert!(node_rows(&run.stdout)
        .iter()
        .all(|r| r["UP-TO-DATE"] == "true" && r["READY"] == "true"));

    env()
        .kubectl(&[
            "set",
            "image",
            "ds/agent",
            "main=busybox:1.37",
            "-n",
            &ns.name,
        ])
        .success();
    let run = env().ds(&[
        "rollout",
        "status",
        "agent",
        "-n",
        &ns.name,
        "--watch",
        "--timeout",
        "2m",
    ]);
    run.success();
    assert!(
        run.stdout.lines().all(|l| l.starts_with("progress: ")
            || l == format!("daemonset {}/agent successfully rolled out", ns.name)),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("successfully rolled out\n"),
        "{}",
        run.stdout
    );
    let after = json(&env().ds(&["rollout", "status", "agent", "-n", &ns.name, "-o", "json"]));
    assert_eq!(after["state"], "complete", "{after}");
    assert_eq!(after["currentRevision"], 2, "{after}");
}

#[test]
fn on_delete_waits_for_deletions_times_out_then_completes() {
    require_cluster!();
    let ns = Namespace::new("rs-ondelete");
    env().apply(
        &ns.name,
        &daemonset_yaml("agent", "busybox:1.36")
            .strategy("OnDelete")
            .yaml(),
    );
    env().wait_rollout(&ns.name, "agent");
    env()
        .kubectl(&[
            "set",
            "image",
            "ds/agent",
            "main=busybox:1.37",
            "-n",
            &ns.name,
        ])
        .success();
    wait_revision(&ns.name, 2);

    let run = env().ds(&["rollout", "status", "agent", "-n", &ns.name]);
    run.success();
    let header = run.stdout.lines().next().unwrap_or_default();
    assert!(header.contains("(OnDelete)"), "{}", run.stdout);
    assert!(
        header.contains("waiting for pod deletions"),
        "{}",
        run.stdout
    );
    let nodes = node_rows(&run.stdout);
    assert_eq!(nodes.len(), env().untainted_node_count(), "{}", run.stdout);
    assert!(
        nodes
            .iter()
            .all(|r| r["UP-TO-DATE"] == "false" && r["REVISION"] == "1"),
        "{}",
        run.stdout
    );

    let run = env().ds(&[
        "rollout",
        "status",
        "agent",
        "-n",
        &ns.name,
        "--watch",
        "--timeout",
        "5s",
    ]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let errors = run.errors();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(errors.contains("timed out after 5s"), "{errors}");

    let watch = env()
        .plugin_command(&[
            "rollout",
            "status",
            "agent",
            "-n",
            &ns.name,
            "--watch",
            "--timeout",
            "3m",
        ])
        .env("KUBECONFIG", &env().kubeconfig)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the watch");
    env()
        .kubectl(&[
            "delete",
            "pods",
            "-l",
            "app=agent",
            "-n",
            &ns.name,
            "--wait=false",
        ])
        .success();
    let output = watch.wait_with_output().expect("watch ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.ends_with("successfully rolled out\n"), "{stdout}");
}

#[test]
fn unknown_name_and_json_document() {
    require_cluster!();
    let ns = Namespace::with_ready_agent("rs-json");
    let run = env().ds(&["rollout", "status", "nope", "-n", &ns.name]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.errors().lines().count(), 1, "{}", run.stderr);
    assert!(
        run.errors().contains(&format!(
            "daemonset {}/nope not found; check the name and -n",
            ns.name
        )),
        "{}",
        run.stderr
    );
    let run = env().ds(&["rollout", "status", "nope", "-n", &ns.name, "--watch"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    let doc = json(
        env()
            .ds(&["rollout", "status", "agent", "-n", &ns.name, "-o", "json"])
            .success(),
    );
    let nodes = env().untainted_node_count() as u64;
    assert_eq!(doc["kind"], "DaemonSetRolloutStatus");
    assert_eq!(doc["strategy"], "RollingUpdate");
    assert_eq!(doc["state"], "complete");
    let revisions = doc["revisions"].as_array().expect("revisions");
    assert_eq!(revisions.len(), 1, "{doc}");
    assert_eq!(revisions[0]["revision"], 1);
    assert_eq!(revisions[0]["pods"].as_u64(), Some(nodes), "{doc}");
    assert_eq!(revisions[0]["ready"].as_u64(), Some(nodes), "{doc}");
    assert_eq!(revisions[0]["current"], true);
    assert_eq!(doc["nodes"].as_array().expect("nodes").len() as u64, nodes);
    assert!(doc.get("recorded").is_none(), "{doc}");
}
