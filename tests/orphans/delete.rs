//! `kubectl ds delete`: twenty orphan deletes that keep every pod (and re-adoption by a
//! re-created DaemonSet), a DaemonSet replaced between preview and delete (caught by the
//! preconditions while the confirmation prompt waits under a pseudo terminal), the refusal
//! without a terminal and "no" at the prompt, and bad input and permissions.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, require_cluster, Namespace, Run};
use crate::rollout_support::{agent, agent_pods, get_json, ready_agent, EVERY_TAINT};

fn ds_uid(ns: &str) -> String {
    get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"])["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string()
}

fn pod_uids(ns: &str) -> BTreeSet<String> {
    agent_pods(ns).into_iter().map(|(_, uid, ..)| uid).collect()
}

/// The agent's pods as (uid, uids of their owners).
fn owners(ns: &str) -> Vec<(String, Vec<String>)> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["metadata"]["uid"].as_str().unwrap().to_string(),
                p["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| r["uid"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[track_caller]
fn assert_one_line(run: &Run, code: i32, fragments: &[&str]) {
    let errors = run.errors();
    assert_eq!(
        run.code, code,
        "exit code\nstdout:\n{}\nstderr:\n{errors}",
        run.stdout
    );
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {errors:?}");
    assert!(lines[0].starts_with("error: "), "{errors}");
    for fragment in fragments {
        assert!(
            errors.contains(fragment),
            "{errors:?} should mention {fragment:?}"
        );
    }
}

/// `kubectl ds ARGS` under a pseudo terminal (`script`), as the admin. When the confirmation
/// prompt shows, `at_prompt` runs, then `answer` is typed. The exit code and everything the
/// terminal showed.
fn under_terminal(args: &[&str], at_prompt: impl FnOnce(), answer: &str) -> (i32, String) {
    let line = format!("kubectl ds {}", args.join(" "));
    let mut child = Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .env("KUBECONFIG", &env().kubeconfig)
        .env("PATH", env().plugin_path())
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script");
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    env().eventually("the confirmation prompt", || {
        seen.lock().unwrap().contains("[y/N]")
    });
    at_prompt();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answer.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let status = child.wait().expect("wait for script");
    drop(stdin);
    reader.join().unwrap();
    let text = seen.lock().unwrap().clone();
    (status.code().unwrap_or(-1), text)
}

#[test]
fn twenty_orphan_deletes_keep_every_pod_and_a_recreated_daemonset_readopts_them() {
    require_cluster!();
    let ns = Namespace::new("del-orphan");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let before = pod_uids(ns);
    assert!(
        before.len() >= 4,
        "the agent runs on every node: {before:?}"
    );
    for round in 1..=20 {
        let uid = ds_uid(ns);
        let run = env().ds(&[
            "delete", "agent", "-n", ns, "--orphan", "--yes", "-o", "json",
        ]);
        run.success();
        let result: Value = serde_json::from_str(&run.stdout).expect("JSON result");
        let item = &result["items"][0];
        assert_eq!(item["uid"], uid.as_str(), "round {round}");
        assert_eq!(item["verified"], true, "round {round}: {item}");
        let fates: Vec<&str> = item["verification"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["fate"].as_str().unwrap())
            .collect();
        assert_eq!(fates, vec!["kept"; before.len()], "round {round}");
        // Checked independently: the same pods, and none names the deleted DaemonSet.
        assert!(env()
            .kubectl(&["get", "ds", "agent", "-n", ns])
            .stderr
            .contains("NotFound"));
        assert_eq!(pod_uids(ns), before, "round {round}: same pod UIDs");
        for (pod, refs) in owners(ns) {
            assert!(!refs.contains(&uid), "round {round}: pod {pod} still owned");
        }
        // Re-created with the same selector, the DaemonSet adopts the same pods.
        env().apply(ns, &agent("busybox:1.36").yaml());
        let new_uid = ds_uid(ns);
        assert_ne!(new_uid, uid);
        env().eventually("the pods re-adopted", || {
            let owned = owners(ns);
            owned.len() == before.len()
                && owned
                    .iter()
                    .all(|(_, refs)| refs == std::slice::from_ref(&new_uid))
        });
        env().wait_rollout(ns, "agent");
        assert_eq!(
            pod_uids(ns),
            before,
            "round {round}: re-adopted, not replaced"
        );
        if round == 1 {
            eprintln!("round 1: deleted {uid}, pods kept {before:?}, re-adopted by {new_uid}");
        }
    }
}

#[test]
fn a_daemonset_replaced_while_the_prompt_waits_is_not_deleted() {
    require_cluster!();
    let ns = Namespace::new("del-precondition");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let shown = ds_uid(ns);
    let pods = pod_uids(ns);
    let mut replacement = String::new();
    let (code, screen) = under_terminal(
        &["delete", "agent", "-n", ns, "--orphan"],
        || {
            // Between preview and delete: deleted (pods kept) and re-created.
            env()
                .kubectl(&["delete", "ds", "agent", "-n", ns, "--cascade=orphan"])
                .success();
            env().apply(ns, &agent("busybox:1.36").yaml());
            replacement = ds_uid(ns);
        },
        "y",
    );
    assert!(
        screen.contains(&shown),
        "the preview showed the uid: {screen}"
    );
    assert_eq!(code, 4, "{screen}");
    assert!(
        screen.contains("was replaced or changed after it was shown")
            && screen.contains("nothing was deleted"),
        "{screen}"
    );
    assert_ne!(replacement, shown);
    assert_eq!(ds_uid(ns), replacement, "the replacement was not deleted");
    assert_eq!(pod_uids(ns), pods);
}

#[test]
fn without_a_terminal_it_refuses_and_no_at_the_prompt_deletes_nothing() {
    require_cluster!();
    let ns = Namespace::new("del-confirm");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let uid = ds_uid(ns);
    let pods = pod_uids(ns);
    for cascade in [&["--orphan"][..], &[][..], &["--cascade", "foreground"][..]] {
        let mut args = vec!["delete", "agent", "-n", ns];
        args.extend_from_slice(cascade);
        let run = env().ds(&args);
        assert_one_line(
            &run,
            2,
            &["refusing to delete without confirmation", "--yes"],
        );
        assert_eq!(ds_uid(ns), uid);
    }
    let (code, screen) = under_terminal(&["delete", "agent", "-n", ns, "--orphan"], || {}, "n");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Delete daemonset"), "{screen}");
    assert!(screen.contains("Nothing was deleted."), "{screen}");
    assert_eq!(ds_uid(ns), uid);
    assert_eq!(pod_uids(ns), pods);
    // migrate asks the same way before it relabels or deletes anything.
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("agent-v2.yaml");
    std::fs::write(
        &v2,
        agent("busybox:1.36").selector_label("tier", "node").yaml(),
    )
    .unwrap();
    let v2 = v2.to_str().unwrap();
    let run = env().ds(&["migrate", "agent", "-f", v2, "-n", ns]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.errors()
            .contains("refusing to migrate without confirmation"),
        "{}",
        run.stderr
    );
    let (code, screen) = under_terminal(&["migrate", "agent", "-f", v2, "-n", ns], || {}, "n");
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Migrate daemonset") && screen.contains("Nothing was changed."),
        "{screen}"
    );
    let relabelled = get_json(&["get", "pods", "-n", ns, "-l", "tier=node", "-o", "json"]);
    assert!(
        relabelled["items"].as_array().unwrap().is_empty(),
        "no pod relabelled"
    );
    assert_eq!(ds_uid(ns), uid);

    // The server-side dry run deletes nothing either, and needs no confirmation.
    let run = env().ds(&["delete", "agent", "-n", ns, "--dry-run"]);
    run.success();
    assert!(run.stderr.contains("dry run"), "{}", run.stderr);
    assert_eq!(ds_uid(ns), uid);
}

#[test]
fn unknown_forbidden_and_a_namespace_mismatch_are_one_line_and_delete_nothing() {
    require_cluster!();
    let ns = Namespace::new("del-bad");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let uid = ds_uid(ns);

    let run = env().ds(&["delete", "nosuch", "-n", ns, "--orphan", "--yes"]);
    let not_found = format!("daemonset {ns}/nosuch not found; check the name and -n");
    assert_one_line(&run, 2, &[&not_found]);
    let dir = tempfile::tempdir().unwrap();
    let ghost = dir.path().join("ghost.yaml");
    std::fs::write(
        &ghost,
        daemonset_yaml("ghost", "busybox:1.36")
            .tolerations(EVERY_TAINT)
            .yaml(),
    )
    .unwrap();
    let run = env().ds(&["migrate", "-f", ghost.to_str().unwrap(), "-n", ns, "--yes"]);
    let not_found = format!("daemonset {ns}/ghost not found; check the name and -n");
    assert_one_line(&run, 2, &[&not_found]);

    // The limited user may read DaemonSets in kds-limited, not delete them.
    let name = format!("del-limited-{}", std::process::id());
    let yaml = daemonset_yaml(&name, "busybox:1.36")
        .app("agent")
        .tolerations(EVERY_TAINT)
        .yaml();
    env().apply("kds-limited", &yaml);
    let limited_uid = get_json(&["get", "ds", &name, "-n", "kds-limited", "-o", "json"])
        ["metadata"]["uid"]
        .clone();
    let run = env().ds(&[
        "delete",
        &name,
        "--orphan",
        "--yes",
        "--context",
        "kds-limited",
        "-n",
        "kds-limited",
    ]);
    let still = get_json(&["get", "ds", &name, "-n", "kds-limited", "-o", "json"])["metadata"]
        ["uid"]
        .clone();
    env().kubectl(&["delete", "ds", &name, "-n", "kds-limited", "--wait=false"]);
    assert_one_line(&run, 4, &["forbidden", "delete", "daemonsets"]);
    assert_eq!(still, limited_uid, "nothing deleted");

    let manifest = dir.path().join("agent.yaml");
    std::fs::write(&manifest, agent("busybox:1.36").namespace(ns).yaml()).unwrap();
    let path = manifest.to_str().unwrap();
    let run = env().ds(&["delete", "-f", path, "-n", "default", "--orphan", "--yes"]);
    assert_one_line(&run, 2, &["does not match -n \"default\""]);
    let run = env().ds(&["migrate", "-f", path, "-n", "default", "--yes"]);
    assert_one_line(&run, 2, &["does not match -n \"default\""]);
    assert_eq!(ds_uid(ns), uid, "nothing deleted");
}

/// A DaemonSet `name` with label tier=`tier` on the object, running on every node.
fn labelled_agent(name: &str, tier: &str) -> String {
    daemonset_yaml(name, "busybox:1.36")
        .label("tier", tier)
        .tolerations(EVERY_TAINT)
        .yaml()
}

#[test]
fn a_label_selector_deletes_every_match_with_cascade_and_leaves_the_rest() {
    require_cluster!();
    let ns = Namespace::new("del-selector");
    let ns = ns.name.as_str();
    for (name, tier) in [("one", "edge"), ("two", "edge"), ("keep", "core")] {
        env().apply(ns, &labelled_agent(name, tier));
    }
    for name in ["one", "two", "keep"] {
        env().wait_rollout(ns, name);
    }
    let pods = |app: &str| {
        get_json(&[
            "get",
            "pods",
            "-n",
            ns,
            "-l",
            &format!("app={app}"),
            "-o",
            "json",
        ])["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(pods("one") >= 4);

    // A server-side dry run first: nothing goes.
    let dry = env().ds(&[
        "delete",
        "-l",
        "tier=edge",
        "-n",
        ns,
        "--dry-run",
        "-o",
        "json",
    ]);
    dry.success();
    let names = |run: &Run| -> BTreeSet<String> {
        let result: Value = serde_json::from_str(&run.stdout).expect("JSON result");
        result["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&dry), BTreeSet::from(["one".into(), "two".into()]));
    assert_eq!(pods("one"), pods("keep"));

    // Background cascade (the default): both DaemonSets and their pods go, `keep` stays.
    let run = env().ds(&["delete", "-l", "tier=edge", "-n", ns, "--yes", "-o", "json"]);
    run.success();
    assert_eq!(names(&run), BTreeSet::from(["one".into(), "two".into()]));
    env().eventually("the pods of one and two are gone", || {
        pods("one") == 0 && pods("two") == 0
    });
    assert!(pods("keep") >= 4);
    let left = get_json(&["get", "ds", "-n", ns, "-o", "json"]);
    let left: Vec<&str> = left["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["keep"]);

    // Foreground: the command returns when the DaemonSet is gone, its pods first.
    let run = env().ds(&[
        "delete",
        "keep",
        "-n",
        ns,
        "--yes",
        "--cascade",
        "foreground",
    ]);
    run.success();
    assert_eq!(pods("keep"), 0, "{}", run.stdout);
    assert!(env()
        .kubectl(&["get", "ds", "keep", "-n", ns])
        .stderr
        .contains("NotFound"));
}
