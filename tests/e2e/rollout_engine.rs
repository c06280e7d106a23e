//! The ondelete engine end to end, on an `agent` that runs on every node: a bad version halts after
//! the canary (and `--auto-rollback` puts it back), kill -9 in the middle of a wave and
//! `rollout resume`, pause/resume of a running rollout, another writer changing the template, the
//! rollout lock, undo driven by the engine, and the `-o json` event stream.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, agent_pods, get_json, named, newest_hash, ondelete_args, ready_agent, EventRun,
    PodWatcher, NEVER_READY,
};

const STATE: &str = "rollout.kubectl-ds.io/state";
const LOCK: &str = "rollout.kubectl-ds.io/lock";

fn write_manifest(dir: &tempfile::TempDir, file: &str, yaml: &str) -> String {
    let path = dir.path().join(file);
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_string()
}

/// A namespace whose `agent` runs busybox:1.36 everywhere, and a manifest moving it to 1.37.
fn agent_with_an_update(test: &str) -> (Namespace, tempfile::TempDir, String) {
    let ns = Namespace::new(test);
    ready_agent(&ns.name, "busybox:1.36");
    let dir = tempfile::tempdir().unwrap();
    let file = write_manifest(&dir, "new.yaml", &agent("busybox:1.37").yaml());
    (ns, dir, file)
}

fn nodes_of(ns: &str) -> BTreeSet<String> {
    agent_pods(ns).into_iter().map(|(node, ..)| node).collect()
}

fn daemonset(ns: &str) -> Value {
    get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"])
}

fn state(ns: &str) -> Value {
    let ds = daemonset(ns);
    serde_json::from_str(
        ds["metadata"]["annotations"][STATE]
            .as_str()
            .expect("state"),
    )
    .unwrap()
}

#[test]
fn a_version_that_never_gets_ready_halts_after_the_canary_and_auto_rollback_restores_it() {
    require_cluster!();
    let ns = Namespace::new("re-gate");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let nodes = nodes_of(ns);
    assert!(
        nodes.len() >= 4,
        "at least 4 nodes run the agent: {nodes:?}"
    );
    let old_hash = newest_hash(ns);
    let dir = tempfile::tempdir().unwrap();
    let bad = write_manifest(
        &dir,
        "bad.yaml",
        &agent("busybox:1.37").pod(NEVER_READY).yaml(),
    );
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "rollout",
            "apply",
            "-f",
            &bad,
            "-n",
            ns,
            "--mode",
            "ondelete",
            "--canary",
            "1",
            "--progress-deadline",
            "15s",
        ];
        args.extend_from_slice(extra);
        env().ds(&args)
    };

    // Halt: only the canary node changed, exit 1, the failing node named.
    let run = apply(&[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(out.contains("(canary): deleting pod"), "{out}");
    assert!(out.contains("new pod not available within 15s"), "{out}");
    let pods = agent_pods(ns);
    let new_hash = newest_hash(ns);
    let changed: Vec<_> = pods.iter().filter(|(_, _, h, _)| *h != old_hash).collect();
    assert_eq!(changed.len(), 1, "{pods:?}");
    assert_eq!(changed[0].2, new_hash);
    assert!(
        out.contains(&changed[0].0),
        "the failing node is named: {out}"
    );
    assert_eq!(state(ns)["phase"], "failed");
    assert!(daemonset(ns)["metadata"]["annotations"].get(LOCK).is_none());

    // --auto-rollback on a fresh start: the canary goes back, the template is restored. The
    // rollback wave runs under the same deadline and must succeed within it: 30s, so that a pod
    // slow to start on a loaded machine does not fail the rollback too.
    let ns2 = Namespace::new("re-gate-rb");
    let ns2 = ns2.name.as_str();
    ready_agent(ns2, "busybox:1.36");
    let old_hash = newest_hash(ns2);
    let mut args = vec![
        "rollout",
        "apply",
        "-f",
        &bad,
        "-n",
        ns2,
        "--mode",
        "ondelete",
        "--canary",
        "1",
        "--progress-deadline",
        "30s",
        "--auto-rollback",
    ];
    let run = env().ds(&args);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(out.contains("rolling back"), "{out}");
    assert!(out.contains("rolled back"), "{out}");
    let ds = daemonset(ns2);
    assert_eq!(
        ds["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );
    assert!(ds["spec"]["template"]["spec"]["readinessGates"].is_null());
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "RollingUpdate");
    let pods = agent_pods(ns2);
    assert_eq!(pods.len(), nodes.len(), "{pods:?}");
    assert!(
        pods.iter().all(|(_, _, h, ready)| *h == old_hash && *ready),
        "every node on {old_hash} and Ready: {pods:?}"
    );
    args.clear();
}

#[test]
fn kill_9_in_the_middle_of_a_wave_then_resume_completes_deleting_no_pod_twice() {
    require_cluster!();
    let ns = Namespace::new("re-kill");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let eligible = nodes_of(ns);
    let before: BTreeSet<String> = agent_pods(ns).into_iter().map(|(_, uid, ..)| uid).collect();
    let dir = tempfile::tempdir().unwrap();
    let file = write_manifest(&dir, "new.yaml", &agent("busybox:1.37").yaml());
    let watcher = PodWatcher::start(ns, eligible.clone());
    let mut first = EventRun::start(&ondelete_args(
        &file,
        ns,
        &[
            "--canary",
            "1",
            "--max-unavailable",
            "1",
            "--min-ready",
            "2",
            "-o",
            "json",
        ],
    ));
    assert!(
        first.until(|e| e["event"] == "deleting" && e["wave"] == 2),
        "the run reached wave 2: {:?}",
        first.events
    );
    let first_events = first.kill_9();
    let recorded = state(ns);
    assert_eq!(recorded["phase"], "running", "{recorded}");
    assert!(daemonset(ns)["metadata"]["annotations"].get(LOCK).is_some());

    // The lock of a dead process on this machine is taken over without --force.
    let resume = EventRun::start(&["rollout", "resume", "agent", "-n", ns, "-o", "json"]);
    let (code, stderr, resume_events) = resume.finish();
    let seen = watcher.stop();
    assert_eq!(code, 0, "{stderr}\n{resume_events:?}");
    assert!(
        !named(&resume_events, "resumed").is_empty(),
        "{resume_events:?}"
    );
    assert!(!named(&resume_events, "complete").is_empty());

    // Every old pod deleted exactly once, between the two runs; no new pod deleted.
    let deleted: Vec<String> = named(&first_events, "deleting")
        .into_iter()
        .chain(named(&resume_events, "deleting"))
        .map(|e| e["uid"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<String> = deleted.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        deleted.len(),
        "a pod deleted twice: {deleted:?}"
    );
    assert_eq!(unique, before, "every old pod and only those");
    let terminated: BTreeSet<String> = seen.deleted.iter().cloned().collect();
    assert_eq!(
        terminated, before,
        "the watcher saw exactly the old pods go"
    );
    assert!(seen.armed, "the watcher saw every node Ready at the start");
    assert!(
        seen.worst <= 1,
        "{} nodes without a Ready pod at once ({} changes watched)",
        seen.worst,
        seen.changes
    );
    let new_hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), eligible.len());
    assert!(pods.iter().all(|(_, _, h, _)| *h == new_hash), "{pods:?}");
    let ds = daemonset(ns);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "RollingUpdate");
    assert!(ds["metadata"]["annotations"].get(LOCK).is_none());
    assert_eq!(state(ns)["phase"], "complete");
}

#[test]
fn a_running_ondelete_rollout_pauses_shows_in_status_and_resumes() {
    require_cluster!();
    let (ns, _dir, file) = agent_with_an_update("re-pause");
    let ns = ns.name.as_str();
    let mut run = EventRun::start(&ondelete_args(
        &file,
        ns,
        &["--min-ready", "4", "-o", "json"],
    ));
    assert!(run.until(|e| e["event"] == "deleting"));
    // Mid-wave, while the controller and the run write the DaemonSet: the command retries itself
    // when its write races theirs.
    env().ds(&["rollout", "pause", "agent", "-n", ns]).success();
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 0, "{stderr}\n{events:?}");
    assert!(!named(&events, "paused").is_empty(), "{events:?}");
    assert_eq!(state(ns)["phase"], "paused");

    // status reads an OnDelete DaemonSet in a paused controlled rollout.
    let status = env().ds(&["rollout", "status", "agent", "-n", ns]);
    assert!(status.stdout.contains("OnDelete"), "{}", status.stdout);
    assert!(status.stdout.contains("paused"), "{}", status.stdout);

    let run = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    let out = &run.success().stdout;
    assert!(out.contains("continuing the recorded rollout"), "{out}");
    assert!(out.contains("complete"), "{out}");
    let new_hash = newest_hash(ns);
    assert!(agent_pods(ns).iter().all(|(_, _, h, _)| *h == new_hash));
    env()
        .ds(&["rollout", "status", "agent", "-n", ns])
        .success();
}

#[test]
fn another_writer_changing_the_template_stops_the_rollout() {
    require_cluster!();
    let (ns, _dir, file) = agent_with_an_update("re-writer");
    let ns = ns.name.as_str();
    let mut run = EventRun::start(&ondelete_args(
        &file,
        ns,
        &["--canary", "1", "--min-ready", "30", "-o", "json"],
    ));
    assert!(run.until(|e| e["event"] == "deleting"));
    env()
        .kubectl(&["set", "image", "ds/agent", "main=busybox:1.35", "-n", ns])
        .success();
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 1, "{stderr}\n{events:?}");
    let failed = named(&events, "failed");
    assert_eq!(failed.len(), 1, "{events:?}");
    let message = failed[0]["message"].as_str().unwrap();
    assert!(message.contains("changed by another writer"), "{message}");
    assert!(message.contains("kubectl"), "names the writer: {message}");
    assert_eq!(named(&events, "deleting").len(), 1, "nothing more deleted");
    assert_eq!(state(ns)["phase"], "failed");
}

#[test]
fn a_second_rollout_is_refused_while_the_first_holds_the_lock() {
    require_cluster!();
    let (ns, _dir, file) = agent_with_an_update("re-lock");
    let ns = ns.name.as_str();
    let args = [
        "rollout",
        "apply",
        "-f",
        file.as_str(),
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--min-ready",
        "3",
        "-o",
        "json",
    ];
    let mut first = EventRun::start(&args);
    assert!(first.until(|e| e["event"] == "deleting"));
    let second = env().ds(&args);
    assert_eq!(second.code, 4, "{}\n{}", second.stdout, second.stderr);
    assert!(
        second.errors().contains(&format!(
            "another rollout of daemonset {ns}/agent is running"
        )),
        "{}",
        second.stderr
    );
    let (code, stderr, _) = first.finish();
    assert_eq!(code, 0, "{stderr}");

    // A rolling run holds the lock too, and lets it go at the end.
    let mut rolling = EventRun::start(&[
        "rollout",
        "restart",
        "agent",
        "-n",
        ns,
        "--mode",
        "rolling",
        "--min-ready",
        "3",
        "-o",
        "json",
    ]);
    assert!(rolling.until(|e| e["event"] == "applied"));
    let refused = env().ds(&[
        "rollout", "restart", "agent", "-n", ns, "--mode", "ondelete",
    ]);
    assert_eq!(refused.code, 4, "{}\n{}", refused.stdout, refused.stderr);
    assert!(
        refused.errors().contains("another rollout"),
        "{}",
        refused.stderr
    );
    let (code, stderr, _) = rolling.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(daemonset(ns)["metadata"]["annotations"].get(LOCK).is_none());

    // A lock left by a run on another machine that stopped renewing it needs --force.
    let stale = serde_json::json!({
        "holder": "ops@elsewhere", "host": "elsewhere", "pid": 1, "expires": 1
    })
    .to_string();
    env()
        .kubectl(&["annotate", "ds/agent", "-n", ns, &format!("{LOCK}={stale}")])
        .success();
    let run = env().ds(&[
        "rollout", "restart", "agent", "-n", ns, "--mode", "ondelete",
    ]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.errors().contains("--force"), "{}", run.stderr);
    env()
        .ds(&[
            "rollout", "restart", "agent", "-n", ns, "--mode", "ondelete", "--force",
        ])
        .success();
}

#[test]
fn undo_with_mode_ondelete_rolls_back_wave_by_wave_to_the_previous_and_an_explicit_revision() {
    require_cluster!();
    let ns = Namespace::new("re-undo");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let first_hash = newest_hash(ns);
    // Each run starts right after the previous one restored the strategy, while the controller
    // may still be writing the status for it: the run retries its first write when that races it.
    for image in ["busybox:1.37", "busybox:1.38"] {
        env()
            .ds(&[
                "rollout",
                "set-image",
                "agent",
                &format!("main={image}"),
                "-n",
                ns,
                "--mode",
                "ondelete",
                "--max-unavailable",
                "2",
            ])
            .success();
    }
    let image =
        |ns: &str| daemonset(ns)["spec"]["template"]["spec"]["containers"][0]["image"].clone();
    assert_eq!(image(ns), "busybox:1.38");

    // To the previous revision (1.37).
    let run = env().ds(&["rollout", "undo", "agent", "-n", ns, "--mode", "ondelete"]);
    let out = &run.success().stdout;
    assert!(out.contains("deleting pod"), "{out}");
    assert!(out.contains("complete"), "{out}");
    assert_eq!(image(ns), "busybox:1.37");
    let hash = newest_hash(ns);
    assert!(agent_pods(ns).iter().all(|(_, _, h, _)| *h == hash));

    // To revision 1 (1.36), by number.
    let run = env().ds(&[
        "rollout",
        "undo",
        "agent",
        "-n",
        ns,
        "--to-revision",
        "1",
        "--mode",
        "ondelete",
    ]);
    run.success();
    assert_eq!(image(ns), "busybox:1.36");
    assert_eq!(
        newest_hash(ns),
        first_hash,
        "revision 1's template, same hash"
    );
    assert!(agent_pods(ns)
        .iter()
        .all(|(_, _, h, ready)| *h == first_hash && *ready));
    assert_eq!(
        daemonset(ns)["spec"]["updateStrategy"]["type"],
        "RollingUpdate"
    );
}

#[test]
fn json_events_and_dry_run() {
    require_cluster!();
    let ns = Namespace::new("re-json");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let nodes = nodes_of(ns);
    let dir = tempfile::tempdir().unwrap();
    let file = write_manifest(&dir, "new.yaml", &agent("busybox:1.37").yaml());
    let uids_before: Vec<_> = agent_pods(ns).into_iter().map(|(_, uid, ..)| uid).collect();
    let dry = env().ds(&ondelete_args(&file, ns, &["--canary", "1", "--dry-run"]));
    let out = &dry.success().stdout;
    assert!(
        out.contains(&format!(
            "{} of {} eligible nodes",
            nodes.len(),
            nodes.len()
        )),
        "{out}"
    );
    assert!(out.contains("wave 1/"), "{out}");
    assert!(
        out.contains("image main: busybox:1.36 → busybox:1.37") || out.contains("busybox:1.37"),
        "{out}"
    );
    let after: Vec<_> = agent_pods(ns).into_iter().map(|(_, uid, ..)| uid).collect();
    assert_eq!(after, uids_before, "a dry run changes nothing");
    assert_eq!(
        daemonset(ns)["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );

    let run = EventRun::start(&ondelete_args(&file, ns, &["-o", "json"]));
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names.first(), Some(&"applied"), "{names:?}");
    assert_eq!(names.last(), Some(&"complete"), "{names:?}");
    assert_eq!(named(&events, "deleting").len(), nodes.len(), "{names:?}");
    assert_eq!(named(&events, "node-ready").len(), nodes.len(), "{names:?}");
    for event in &events {
        let time = event["time"].as_str().expect("time");
        assert_eq!(time.len(), "2026-11-22T10:00:00.123Z".len(), "{event}");
    }
}

#[test]
fn ctrl_c_without_a_terminal_pauses_cleanly_and_resume_finishes() {
    require_cluster!();
    let (ns, _dir, file) = agent_with_an_update("re-sigint");
    let ns = ns.name.as_str();
    let mut run = EventRun::start(&ondelete_args(
        &file,
        ns,
        &["--min-ready", "5", "-o", "json"],
    ));
    assert!(run.until(|e| e["event"] == "deleting"));
    let pid = run.child.id().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 130, "{stderr}\n{events:?}");
    let paused = named(&events, "paused");
    assert_eq!(paused.len(), 1, "{events:?}");
    assert!(paused[0]["message"]
        .as_str()
        .unwrap()
        .contains("kubectl ds rollout resume agent"));
    assert_eq!(named(&events, "deleting").len(), 1, "{events:?}");
    assert_eq!(state(ns)["phase"], "paused");
    assert!(daemonset(ns)["metadata"]["annotations"].get(LOCK).is_none());

    // The pod deleted before the interrupt is still being replaced: the controller writes the
    // status meanwhile, which the resume's conditional write can race (and then retries).
    let run = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert!(run.success().stdout.contains("complete"), "{}", run.stdout);
    let hash = newest_hash(ns);
    assert!(agent_pods(ns).iter().all(|(_, _, h, _)| *h == hash));
}

#[test]
fn min_ready_defaults_to_min_ready_seconds_and_wave_interval_soaks_between_waves() {
    require_cluster!();
    let ns = Namespace::new("re-soak");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    env()
        .kubectl(&[
            "patch",
            "ds/agent",
            "-n",
            ns,
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"minReadySeconds":1}}"#,
        ])
        .success();
    env().wait_rollout(ns, "agent");
    // The interval counts from the moment the wave's last pod became Ready, and a soak is only
    // reported if the run learns of that Ready before the interval is over; 5s leaves room for a
    // pod status that reaches the run late on a loaded machine (2s left it 2-3s).
    let run = EventRun::start(&[
        "rollout",
        "restart",
        "agent",
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--max-unavailable",
        "2",
        "--wave-interval",
        "5s",
        "-o",
        "json",
    ]);
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 0, "{stderr}\n{events:?}");
    assert_eq!(state(ns)["minReadySeconds"], 1, "--min-ready not given");
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let waves = named(&events, "planned")[0]["waves"]
        .as_array()
        .unwrap()
        .len();
    assert!(waves >= 2, "{names:?}");
    let soaks = named(&events, "wave-interval");
    assert_eq!(
        soaks.len(),
        waves - 1,
        "one soak before every wave but the first: {names:?}"
    );
    // Every soak comes after the previous wave's last node was ready, and the next wave's first
    // delete comes at or after the soak's end (both compared to the second).
    for soak in soaks {
        let at = events.iter().position(|e| e == soak).unwrap();
        assert_eq!(events[at - 1]["event"], "node-ready", "{names:?}");
        let next = events[at..]
            .iter()
            .find(|e| e["event"] == "deleting")
            .expect("a delete after the soak");
        let second = |t: &Value| t.as_str().unwrap()[..19].to_string();
        assert!(
            second(&next["time"]) >= second(&soak["until"]),
            "{next} before {soak}"
        );
    }
}

#[test]
fn a_node_that_stops_running_the_daemonset_mid_rollout_is_skipped() {
    require_cluster!();
    let ns = Namespace::new("re-leave");
    let ns = ns.name.as_str();
    // A label of this test's own on every node, so no other test sees a node change.
    let key = format!("kds-test-{ns}");
    let nodes: Vec<String> = get_json(&["get", "nodes", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["metadata"]["labels"]["kubernetes.io/os"] == "linux")
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    let label = |node: &str, value: Option<&str>| {
        let arg = match value {
            Some(v) => format!("{key}={v}"),
            None => format!("{key}-"),
        };
        env()
            .kubectl(&["label", "node", node, &arg, "--overwrite"])
            .success();
    };
    for node in &nodes {
        label(node, Some("yes"));
    }
    let selector = format!("{{{key}: \"yes\"}}");
    let with_selector = |image: &str| agent(image).node_selector(selector.as_str()).yaml();
    env().apply(ns, &with_selector("busybox:1.36"));
    // The controller sees the node labels through its own watch, which may lag the DaemonSet's:
    // wait until it counts every labelled node, then for the pods, so that the plan covers them
    // all (the node leaving below must be in it).
    env().eventually("the DaemonSet selects every labelled node", || {
        daemonset(ns)["status"]["desiredNumberScheduled"].as_u64() == Some(nodes.len() as u64)
    });
    env().wait_rollout(ns, "agent");
    let dir = tempfile::tempdir().unwrap();
    let file = write_manifest(&dir, "new.yaml", &with_selector("busybox:1.37"));
    let mut run = EventRun::start(&ondelete_args(
        &file,
        ns,
        &["--canary", "1", "--min-ready", "3", "-o", "json"],
    ));
    assert!(run.until(|e| e["event"] == "deleting"));
    // The last node of the plan leaves the DaemonSet: its old pod goes, no new one comes.
    let leaving = nodes.last().unwrap().clone();
    label(&leaving, None);
    let (code, stderr, events) = run.finish();
    for node in &nodes {
        label(node, None);
    }
    assert_eq!(code, 0, "{stderr}\n{events:?}");
    let skipped = named(&events, "node-skipped");
    assert_eq!(skipped.len(), 1, "{events:?}");
    assert_eq!(skipped[0]["node"], leaving.as_str());
    assert!(named(&events, "deleting")
        .iter()
        .all(|e| e["node"] != leaving.as_str()));
    assert_eq!(named(&events, "complete").len(), 1);
}
