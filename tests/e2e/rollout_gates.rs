//! Analysis gates end to end, against the test bed's real Prometheus (fed through its
//! Pushgateway, one series per node and test) and real shell checks: a metric that rises on the
//! canary fails the gate after the canary (and `--auto-rollback` puts the canary back), a healthy
//! series passes every wave, a failing check stops the rollout at its wave, `--approve` stops
//! after every wave until `rollout resume`, kill -9 during a gate makes `rollout resume` run it
//! again, and bad gate input is refused before anything is applied.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, agent_pods, get_json, named, newest_hash, ondelete_args, ready_agent, EventRun,
};

const STATE: &str = "rollout.kubectl-ds.io/state";

/// The metric every gated test judges: the errors of the wave's nodes, per node, must stay
/// below 1. Series are pushed with `job` = the test's namespace.
const ERRORS: &str =
    r#"errors: max by (node) (kds_agent_errors{job="{{namespace}}", node=~"{{nodes}}"}) < 1"#;

fn write_file(dir: &tempfile::TempDir, file: &str, text: &str) -> String {
    let path = dir.path().join(file);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The `-o json` events a run printed, one object per line.
fn events_of(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON event ({e}): {l}")))
        .collect()
}

fn nodes_of(ns: &str) -> BTreeSet<String> {
    agent_pods(ns).into_iter().map(|(node, ..)| node).collect()
}

fn state(ns: &str) -> Value {
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    serde_json::from_str(
        ds["metadata"]["annotations"][STATE]
            .as_str()
            .expect("state"),
    )
    .unwrap()
}

/// Pushes `errors` for `node` and waits until Prometheus returns that value.
fn push_errors(ns: &str, node: &str, errors: u32) {
    env().push_series(
        ns,
        &[("node", node)],
        &format!("# TYPE kds_agent_errors gauge\nkds_agent_errors {errors}\n"),
    );
    let query = format!(r#"kds_agent_errors{{job="{ns}", node="{node}"}}"#);
    env().wait_for_query(&query, &format!("{node} at {errors}"), |result| {
        result
            .as_array()
            .and_then(|r| r.first())
            .and_then(|s| s["value"][1].as_str())
            == Some(&errors.to_string())
    });
}

/// A namespace whose `agent` runs busybox:1.36 on every node, each node's error series at 0, and
/// a manifest moving it to 1.37.
fn gated_agent(test: &str) -> (Namespace, tempfile::TempDir, String, BTreeSet<String>) {
    let ns = Namespace::new(test);
    ready_agent(&ns.name, "busybox:1.36");
    let nodes = nodes_of(&ns.name);
    assert!(
        nodes.len() >= 3,
        "at least 3 nodes run the agent: {nodes:?}"
    );
    for node in &nodes {
        push_errors(&ns.name, node, 0);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "new.yaml", &agent("busybox:1.37").yaml());
    (ns, dir, file, nodes)
}

/// The metric gate's flags: every second for `duration`, no bad sample allowed.
fn metric_flags(duration: &'static str) -> Vec<String> {
    [
        "--prometheus",
        &env().prometheus_url(),
        "--metric",
        ERRORS,
        "--analysis-interval",
        "1s",
        "--analysis-duration",
        duration,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn args_with<'a>(base: Vec<&'a str>, extra: &'a [String]) -> Vec<&'a str> {
    base.into_iter()
        .chain(extra.iter().map(String::as_str))
        .collect()
}

#[test]
fn a_rising_error_series_on_the_canary_fails_the_gate_and_auto_rollback_restores_it() {
    require_cluster!();
    let (ns, _dir, file, nodes) = gated_agent("gate-metric");
    let ns = ns.name.as_str();
    let old_hash = newest_hash(ns);
    let before: BTreeSet<String> = agent_pods(ns).into_iter().map(|(_, uid, ..)| uid).collect();
    let flags = metric_flags("4s");
    let base = ondelete_args(
        &file,
        ns,
        &[
            "--canary",
            "1",
            "--min-ready",
            "2",
            "--auto-rollback",
            "-o",
            "json",
        ],
    );
    let mut run = EventRun::start(&args_with(base, &flags));
    assert!(
        run.until(|e| e["event"] == "deleting"),
        "the canary started: {:?}",
        run.events
    );
    let canary = run.events.last().unwrap()["node"]
        .as_str()
        .unwrap()
        .to_string();
    // The new version on the canary node starts reporting errors.
    push_errors(ns, &canary, 5);
    let (code, stderr, events) = run.finish();
    assert_eq!(code, 1, "{stderr}\n{events:#?}");

    let failed = named(&events, "gate-failed");
    assert_eq!(failed.len(), 1, "{events:#?}");
    assert_eq!(failed[0]["wave"], 1);
    let reason = failed[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("metric errors") && reason.contains(&canary),
        "{reason}"
    );
    let bad: Vec<&Value> = named(&events, "gate-sample")
        .into_iter()
        .filter(|s| s["passed"] == false)
        .collect();
    assert!(!bad.is_empty(), "a bad sample was reported: {events:#?}");
    assert!(bad
        .iter()
        .all(|s| s["kind"] == "metric" && s["name"] == "errors"));

    // Nothing beyond the canary was deleted on the way forward; the rollback put it back.
    let rolling_back = events
        .iter()
        .position(|e| e["event"] == "rolling-back")
        .expect("rolling back");
    let forward: Vec<&Value> = events[..rolling_back]
        .iter()
        .filter(|e| e["event"] == "deleting")
        .collect();
    assert_eq!(forward.len(), 1, "only the canary: {forward:#?}");
    assert_eq!(forward[0]["node"], canary.as_str());
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes.len(), "{pods:?}");
    assert!(
        pods.iter()
            .all(|(_, _, hash, ready)| *hash == old_hash && *ready),
        "every node back on {old_hash}: {pods:?}"
    );
    let untouched: BTreeSet<String> = pods
        .iter()
        .filter(|(node, ..)| *node != canary)
        .map(|(_, uid, ..)| uid.clone())
        .collect();
    assert!(
        untouched.is_subset(&before),
        "the other nodes kept their pods"
    );
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    assert_eq!(
        ds["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );
}

#[test]
fn a_healthy_series_passes_every_wave() {
    require_cluster!();
    let (ns, _dir, file, nodes) = gated_agent("gate-healthy");
    let ns = ns.name.as_str();
    let flags = metric_flags("2s");
    let base = ondelete_args(
        &file,
        ns,
        &["--canary", "1", "--max-unavailable", "2", "-o", "json"],
    );
    let run = env().ds(&args_with(base, &flags));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = events_of(&run.stdout);
    let waves = named(&events, "planned")[0]["waves"]
        .as_array()
        .unwrap()
        .len();
    let passed: Vec<u64> = named(&events, "gate-passed")
        .iter()
        .map(|e| e["wave"].as_u64().unwrap())
        .collect();
    assert_eq!(
        passed,
        (1..=waves as u64).collect::<Vec<_>>(),
        "{events:#?}"
    );
    let started = named(&events, "gate-started");
    assert_eq!(started.len(), waves);
    assert_eq!(started[0]["canary"], true);
    assert_eq!(started[0]["samples"], 2);
    let samples = named(&events, "gate-sample");
    assert_eq!(samples.len(), 2 * waves, "{samples:#?}");
    assert!(samples.iter().all(|s| s["passed"] == true));
    // Each gate comes after its wave's nodes are ready and before the next wave deletes.
    for (i, event) in events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["event"] == "gate-passed")
    {
        let wave = event["wave"].as_u64().unwrap();
        let later_delete_of_this_wave = events[i..]
            .iter()
            .any(|e| e["event"] == "deleting" && e["wave"].as_u64() == Some(wave));
        assert!(
            !later_delete_of_this_wave,
            "wave {wave} gated before it was done"
        );
    }
    let new_hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes.len());
    assert!(pods.iter().all(|(_, _, h, _)| *h == new_hash), "{pods:?}");
    assert_eq!(state(ns)["gates"].as_object().unwrap().len(), waves);
}

#[test]
fn a_failing_check_stops_the_rollout_at_its_wave_and_sees_the_wave_in_its_environment() {
    require_cluster!();
    let (ns, dir, file, _nodes) = gated_agent("gate-check");
    let ns = ns.name.as_str();
    let record = dir.path().join("env");
    let record_check = format!(
        "env | grep -E '^(KDS_|KUBECONFIG=)' | sort > {}-$KDS_WAVE",
        record.display()
    );
    let base = ondelete_args(
        &file,
        ns,
        &[
            "--canary",
            "1",
            "--max-unavailable",
            "1",
            "--check",
            &record_check,
            "--check",
            "echo checking wave $KDS_WAVE; test \"$KDS_WAVE\" != 2 || { echo the network probe failed >&2; exit 3; }",
            "-o",
            "json",
        ],
    );
    let run = env().ds(&base);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let events = events_of(&run.stdout);
    let failed = named(&events, "gate-failed");
    assert_eq!(failed.len(), 1, "{events:#?}");
    assert_eq!(failed[0]["wave"], 2);
    let bad = named(&events, "gate-sample")
        .into_iter()
        .find(|s| s["passed"] == false)
        .expect("the failing check");
    assert_eq!(bad["kind"], "check");
    assert_eq!(bad["detail"], "exit 3");
    let output: Vec<&str> = bad["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(output.contains(&"the network probe failed"), "{output:?}");
    // Stopped at wave 2: nothing of wave 3 was deleted.
    let deleted_waves: BTreeSet<u64> = named(&events, "deleting")
        .iter()
        .map(|e| e["wave"].as_u64().unwrap())
        .collect();
    assert_eq!(deleted_waves, BTreeSet::from([1, 2]));
    let recorded = state(ns);
    assert_eq!(recorded["phase"], "failed");
    assert_eq!(recorded["gates"]["1"]["result"], "failed");

    let wave1 = std::fs::read_to_string(format!("{}-1", record.display())).unwrap();
    let canary = named(&events, "deleting")[0]["node"]
        .as_str()
        .unwrap()
        .to_string();
    let hash = newest_hash(ns);
    for want in [
        format!("KDS_NAMESPACE={ns}"),
        "KDS_DAEMONSET=agent".to_string(),
        "KDS_WAVE=1".to_string(),
        format!("KDS_WAVE_NODES={canary}"),
        format!("KDS_UPDATED_NODES={canary}"),
        format!("KDS_REVISION={hash}"),
        format!("KUBECONFIG={}", env().kubeconfig.display()),
    ] {
        assert!(wave1.lines().any(|l| l == want), "{want} in:\n{wave1}");
    }
    let pods_line = wave1.lines().find(|l| l.starts_with("KDS_PODS=")).unwrap();
    assert!(pods_line.starts_with("KDS_PODS=agent-"), "{pods_line}");
}

#[test]
fn approve_stops_after_every_wave_until_resume() {
    require_cluster!();
    let (ns, _dir, file, nodes) = gated_agent("gate-approve");
    let ns = ns.name.as_str();
    let base = ondelete_args(
        &file,
        ns,
        &[
            "--canary",
            "1",
            "--max-unavailable",
            "2",
            "--approve",
            "-o",
            "json",
        ],
    );
    let run = env().ds(&base);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = events_of(&run.stdout);
    let waves = named(&events, "planned")[0]["waves"]
        .as_array()
        .unwrap()
        .len();
    assert!(waves >= 2, "{events:#?}");
    let paused = named(&events, "paused");
    assert_eq!(paused.len(), 1, "{events:#?}");
    assert!(paused[0]["message"]
        .as_str()
        .unwrap()
        .contains("awaits approval"));
    let mut stops = 1;
    loop {
        let recorded = state(ns);
        assert_eq!(recorded["phase"], "awaiting-approval", "{recorded}");
        // Nothing beyond the approved waves was touched while it waited.
        let updated = agent_pods(ns)
            .iter()
            .filter(|(_, _, h, _)| *h == newest_hash(ns))
            .count();
        let first_waves: usize = recorded["waves"].as_array().unwrap()[..stops]
            .iter()
            .map(|w| w["nodes"].as_array().unwrap().len())
            .sum();
        assert_eq!(updated, first_waves, "stop {stops}");
        let resumed = env().ds(&["rollout", "resume", "agent", "-n", ns, "-o", "json"]);
        assert_eq!(resumed.code, 0, "{}\n{}", resumed.stdout, resumed.stderr);
        if resumed.stdout.contains("\"event\":\"complete\"") {
            break;
        }
        stops += 1;
        assert!(stops < waves, "more stops than waves: {}", resumed.stdout);
    }
    assert_eq!(stops, waves - 1, "one stop after each wave but the last");
    let new_hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes.len());
    assert!(pods.iter().all(|(_, _, h, _)| *h == new_hash), "{pods:?}");
    assert_eq!(state(ns)["phase"], "complete");
}

#[test]
fn kill_9_during_a_gate_then_resume_runs_the_gate_again() {
    require_cluster!();
    let (ns, _dir, file, nodes) = gated_agent("gate-kill");
    let ns = ns.name.as_str();
    let flags = metric_flags("5s");
    let base = ondelete_args(&file, ns, &["--canary", "1", "-o", "json"]);
    let mut first = EventRun::start(&args_with(base, &flags));
    assert!(
        first.until(|e| e["event"] == "gate-sample"),
        "the canary's gate sampled: {:?}",
        first.events
    );
    let first_events = first.kill_9();
    assert!(named(&first_events, "gate-passed").is_empty());
    let recorded = state(ns);
    assert_eq!(recorded["phase"], "running");
    assert_eq!(recorded["gates"]["0"]["result"], "running", "{recorded}");

    let (code, stderr, events) =
        EventRun::start(&["rollout", "resume", "agent", "-n", ns, "-o", "json"]).finish();
    assert_eq!(code, 0, "{stderr}\n{events:#?}");
    let started: Vec<u64> = named(&events, "gate-started")
        .iter()
        .map(|e| e["wave"].as_u64().unwrap())
        .collect();
    assert_eq!(
        started.first(),
        Some(&1),
        "the canary's gate ran again: {events:#?}"
    );
    let canary_samples = named(&events, "gate-sample")
        .iter()
        .filter(|s| s["wave"] == 1)
        .count();
    assert_eq!(canary_samples, 5, "all its samples, from the start");
    let notes: Vec<&str> = named(&events, "note")
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|m| m.contains("did not finish in an earlier run")),
        "{notes:?}"
    );
    assert!(!named(&events, "complete").is_empty());
    let new_hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes.len());
    assert!(pods.iter().all(|(_, _, h, _)| *h == new_hash), "{pods:?}");
    let recorded = state(ns);
    assert!(
        recorded["gates"]
            .as_object()
            .unwrap()
            .values()
            .all(|g| g["result"] == "passed"),
        "{recorded}"
    );
}

#[test]
fn bad_gate_input_is_refused_before_anything_is_applied() {
    require_cluster!();
    let ns = Namespace::new("gate-input");
    let ns = ns.name.as_str();
    ready_agent(ns, "busybox:1.36");
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "new.yaml", &agent("busybox:1.37").yaml());
    let prometheus = env().prometheus_url();
    let analysis = write_file(&dir, "gates.yaml", "checks: [\"true\"]\nfailurelimit: 2\n");
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        (
            "a metric without operator and threshold",
            vec!["--prometheus", &prometheus, "--metric", "errors: sum(up)"],
            2,
            "invalid metric",
        ),
        (
            "a query Prometheus rejects",
            vec![
                "--prometheus",
                &prometheus,
                "--metric",
                "errors: sum(up{) < 1",
            ],
            2,
            "rejects the query",
        ),
        (
            "a Prometheus nobody answers at",
            vec![
                "--prometheus",
                "http://127.0.0.1:1",
                "--metric",
                "errors: sum(up) < 1",
            ],
            3,
            "cannot reach Prometheus",
        ),
        (
            "a check command that does not exist",
            vec!["--check", "kds-no-such-probe --all"],
            2,
            "not found",
        ),
        (
            "an analysis file with a misspelt key",
            vec!["--analysis", &analysis],
            2,
            "failurelimit",
        ),
    ];
    for (what, flags, code, says) in cases {
        let args: Vec<&str> = ondelete_args(&file, ns, &["--canary", "1"])
            .into_iter()
            .chain(flags)
            .collect();
        let run = env().ds(&args);
        assert_eq!(run.code, code, "{what}: {}\n{}", run.stdout, run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: one line: {}", run.stderr);
        assert!(lines[0].contains(says), "{what}: {}", run.stderr);
        let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
        assert_eq!(ds["metadata"]["generation"], 1, "{what}: nothing applied");
        assert!(ds["metadata"]["annotations"].get(STATE).is_none(), "{what}");
    }
}

fn rolling_args<'a>(file: &'a str, ns: &'a str, extra: &'a [String]) -> Vec<&'a str> {
    let base = vec![
        "rollout", "apply", "-f", file, "-n", ns, "--mode", "rolling", "-o", "json",
    ];
    args_with(base, extra)
}

#[test]
fn rolling_mode_checks_the_gate_while_the_controller_rolls_and_halts_on_a_bad_series() {
    require_cluster!();
    let (ns, dir, file, nodes) = gated_agent("gate-rolling");
    let ns = ns.name.as_str();
    // One node reports errors from the start: the gate sees it once that node is updated (or
    // in its last run over every node at the latest).
    let sick = nodes.iter().next_back().unwrap().clone();
    push_errors(ns, &sick, 3);
    let flags = metric_flags("2s");
    let run = env().ds(&rolling_args(&file, ns, &flags));
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let events = events_of(&run.stdout);
    let failed = named(&events, "gate-failed");
    assert_eq!(failed.len(), 1, "{events:#?}");
    assert_eq!(failed[0]["wave"], 0);
    assert!(
        failed[0]["reason"].as_str().unwrap().contains(&sick),
        "{failed:?}"
    );
    let message = named(&events, "failed")[0]["message"].as_str().unwrap();
    assert!(message.contains("analysis gate"), "{message}");
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    assert_eq!(ds["spec"]["updateStrategy"]["type"], "OnDelete", "halted");
    assert!(ds["metadata"]["annotations"]
        .get("rollout.kubectl-ds.io/paused-strategy")
        .is_some());

    // The same series healthy: the gate passes and the rollout completes.
    push_errors(ns, &sick, 0);
    let resumed = env().ds(&["rollout", "resume", "agent", "-n", ns]);
    assert_eq!(resumed.code, 0, "{}\n{}", resumed.stdout, resumed.stderr);
    env().wait_rollout(ns, "agent");
    let file2 = write_file(&dir, "v3.yaml", &agent("busybox:1.36").yaml());
    let run = env().ds(&rolling_args(&file2, ns, &flags));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let events = events_of(&run.stdout);
    assert_eq!(named(&events, "gate-passed").len(), 1, "{events:#?}");
    assert!(named(&events, "gate-sample")
        .iter()
        .all(|s| s["passed"] == true));
    assert!(!named(&events, "complete").is_empty());
}

/// A command run in a terminal of its own (tmux), its screen read as it changes.
struct Screen {
    socket: String,
}

impl Screen {
    fn start(test: &str, command: &str) -> Self {
        let screen = Screen {
            socket: format!("kds-{test}-{}", std::process::id()),
        };
        screen.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            command,
        ]);
        screen
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = std::process::Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("tmux (scripts/testenv install installs it)");
        assert!(output.status.success(), "tmux {args:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen shows `text`; returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let mut screen = String::new();
        env().eventually(&format!("the screen to show {text:?}"), || {
            screen = self.tmux(&["capture-pane", "-p", "-J", "-S", "-200"]);
            screen.contains(text)
        });
        screen
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", key]);
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn on_a_terminal_approve_asks_after_each_wave_and_the_answer_is_kept() {
    require_cluster!();
    let (ns, _dir, file, _nodes) = gated_agent("gate-prompt");
    let ns = ns.name.as_str();
    let command = format!(
        "env TERM=xterm PATH={path} KUBECONFIG={kubeconfig} kubectl ds rollout apply -f {file} -n {ns} --mode ondelete --canary 1 --max-unavailable 1 --approve --check true; echo EXIT=$?; sleep 600",
        path = env().plugin_path().to_str().unwrap(),
        kubeconfig = env().kubeconfig.display(),
    );
    let screen = Screen::start("approve", &command);
    let first = screen.wait_for("passed its gate; go on?");
    assert!(first.contains("wave 1/"), "{first}");
    assert!(first.contains("> continue with the next wave"), "{first}");
    screen.keys(&["Enter"]);
    // The second wave's question (the first one's answer stays on the screen): pause.
    let mut second = String::new();
    env().eventually("the second question", || {
        second = screen.tmux(&["capture-pane", "-p", "-J", "-S", "-200"]);
        second.matches("passed its gate; go on?").count() >= 2
    });
    assert!(
        second.contains("go on?: continue with the next wave"),
        "{second}"
    );
    assert!(second.contains("wave 2/"), "{second}");
    screen.keys(&["Down", "Enter"]);
    let end = screen.wait_for("EXIT=");
    assert!(end.contains("EXIT=0"), "{end}");
    assert!(end.contains("awaits approval"), "{end}");
    let recorded = state(ns);
    assert_eq!(recorded["phase"], "awaiting-approval", "{recorded}");
    assert_eq!(recorded["gates"]["0"]["approved"], true, "{recorded}");
    assert_eq!(recorded["gates"]["1"]["approved"], false, "{recorded}");
}
