//! Acceptance: `kubectl ds plan -f NEW` says what a template change does on each node, and the
//! real DaemonSet controller (with the scheduler) does that.
//!
//! Seeded random scenarios (KDS_AGREEMENT_SEED, printed first; KDS_AGREEMENT_SCENARIOS for how
//! many; KDS_AGREEMENT_ONLY=3,7 replays some; KDS_AGREEMENT_TRACE prints why each wait goes on), each with API nodes of its own (labels; taints of
//! every effect, cordons and NotReady conditions set before or after the old pods started; pods
//! that hold cpu, pod slots or the host port), sometimes the hollow nodes as well (left unchanged:
//! their pods really run, so old pods are available and the rollout paces itself), an old and a
//! new template (placement, tolerations, requests, a host port) and RollingUpdate with
//! maxUnavailable or maxSurge, or OnDelete. Each scenario applies the old DaemonSet, waits until
//! the controller has settled, applies the after-changes, settles again, plans the new manifest,
//! applies it, settles, and compares per node the plan's `action` (and `fit` for a new pod) with
//! what the pod UIDs say the controller did. Every disagreement is printed before the assertion.
//!
//! Settled is decided from state (update_settle.rs), re-checked on every watch event; the
//! per-scenario deadline only turns a hang into a failure.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::{env, require_cluster, Namespace};
use crate::update_scenarios::{ready_condition, scenario, Scenario, When, HOLLOW, RUN_LABEL};
use crate::update_settle::{unsettled, State};

const DEFAULT_SEED: u64 = 20_370_502;
const DEFAULT_SCENARIOS: usize = 32;
const WORKERS: usize = 4;
/// A failure guard per wait, not a measure of anything: a settled scenario takes seconds.
const SETTLE_DEADLINE: Duration = Duration::from_secs(180);

/// Scenarios that use the hollow nodes run one at a time: their pods share those nodes' room.
static HOLLOW_NODES: Mutex<()> = Mutex::new(());

fn env_number(var: &str) -> Option<u64> {
    let text = std::env::var(var).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{var}={text} is not a number")))
}

fn selected(count: usize) -> Vec<usize> {
    match std::env::var("KDS_AGREEMENT_ONLY") {
        Ok(list) => list
            .split(',')
            .map(|i| i.trim().parse().expect("KDS_AGREEMENT_ONLY: indexes"))
            .collect(),
        Err(_) => (0..count).collect(),
    }
}

/// `kubectl get -w` on the scenario's pods, DaemonSet and nodes: each line it prints is a change,
/// after which the state is read again.
struct Watch {
    children: Vec<Child>,
    changes: Receiver<()>,
}

impl Watch {
    fn start(namespace: &str, sc: &Scenario) -> Self {
        let (tx, changes) = channel();
        let scope = format!("kds-upd/scenario={}", sc.id);
        let mut children = Vec::new();
        for args in [
            vec!["get", "pods", "-n", namespace],
            vec!["get", "daemonsets", "-n", namespace],
            vec!["get", "nodes", "-l", &scope],
        ] {
            let mut child = Command::new("kubectl")
                .args(&args)
                .args(["--watch", "--output-watch-events", "-o", "name"])
                .env("KUBECONFIG", &env().kubeconfig)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("run kubectl get --watch");
            let stdout = child.stdout.take().expect("watch stdout");
            let tx = tx.clone();
            std::thread::spawn(move || {
                for _ in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if tx.send(()).is_err() {
                        break;
                    }
                }
            });
            children.push(child);
        }
        Watch { children, changes }
    }

    /// Waits for the next change (and takes the ones queued behind it); false at the deadline.
    fn next_change(&self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.changes.recv_timeout(left) {
            Ok(()) => {
                while self.changes.try_recv().is_ok() {}
                true
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => false,
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn json_of(args: &[&str]) -> Result<Value, String> {
    let run = env().kubectl(args);
    if run.code != 0 {
        return Err(format!(
            "kubectl {}: {}",
            args.join(" "),
            run.errors().trim()
        ));
    }
    serde_json::from_str(&run.stdout).map_err(|e| format!("kubectl {}: {e}", args.join(" ")))
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().cloned().unwrap_or_default()
}

/// The node a pod is on, or for a DaemonSet pod not yet scheduled, the one its
/// `matchFields metadata.name` term pins it to.
fn target_node(pod: &Value) -> Option<String> {
    if let Some(node) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
        return Some(node.to_string());
    }
    let terms = pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")?;
    terms.as_array()?.iter().find_map(|term| {
        let field = term["matchFields"].as_array()?.first()?;
        (field["key"] == "metadata.name")
            .then(|| field["values"][0].as_str().map(str::to_string))?
    })
}

fn read_state(namespace: &str, sc: &Scenario) -> Result<State, String> {
    let objects = json_of(&[
        "get",
        "daemonsets,controllerrevisions",
        "-n",
        namespace,
        "-o",
        "json",
    ])?;
    let ds = items(&objects)
        .into_iter()
        .find(|o| o["kind"] == "DaemonSet")
        .ok_or("no DaemonSet")?;
    let uid = ds["metadata"]["uid"].clone();
    let owned_by_ds = |o: &Value| {
        o["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["uid"] == uid && r["controller"] == true)
    };
    let hash = items(&objects)
        .into_iter()
        .filter(|o| o["kind"] == "ControllerRevision" && owned_by_ds(o))
        .max_by_key(|r| r["revision"].as_i64())
        .and_then(|r| {
            r["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .map(str::to_string)
        });
    let names = sc.node_names();
    let mut args = vec!["get", "nodes", "-o", "json"];
    args.extend(names.iter().map(String::as_str));
    let nodes = items(&json_of(&args)?);
    // Only this scenario's pods are on its API nodes; on the hollow nodes anyone's may be.
    let pods = if sc.hollow {
        json_of(&["get", "pods", "-A", "-o", "json"])?
    } else {
        json_of(&["get", "pods", "-n", namespace, "-o", "json"])?
    };
    let mut state = State {
        ds,
        hash,
        owned: BTreeMap::new(),
        nodes,
        bound: BTreeMap::new(),
    };
    for pod in items(&pods) {
        let node = target_node(&pod).unwrap_or_default();
        let finished = matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        );
        if !names.contains(&node) {
            continue;
        }
        if pod["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
            && !finished
        {
            state
                .bound
                .entry(node.clone())
                .or_default()
                .push(pod.clone());
        }
        if pod["metadata"]["namespace"] == namespace && owned_by_ds(&pod) {
            state.owned.entry(node).or_default().push(pod);
        }
    }
    Ok(state)
}

/// Waits until the controller and the scheduler have nothing left to do; the state then.
fn settle(namespace: &str, sc: &Scenario, what: &str) -> Result<State, String> {
    let watch = Watch::start(namespace, sc);
    let started = Instant::now();
    let deadline = started + SETTLE_DEADLINE;
    loop {
        let state = read_state(namespace, sc);
        let why = match &state {
            Ok(state) => unsettled(state),
            Err(e) => Some(e.clone()),
        };
        if std::env::var_os("KDS_AGREEMENT_TRACE").is_some() {
            eprintln!("  {} {what} {:.1?}: {why:?}", sc.id, started.elapsed());
        }
        match why {
            None => return state,
            Some(why) if !watch.next_change(deadline) => {
                return Err(format!(
                    "{what}: not settled after {SETTLE_DEADLINE:?}: {why}"
                ))
            }
            Some(_) => {}
        }
    }
}

fn apply_json(value: &Value) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("objects.json");
    std::fs::write(&path, value.to_string()).map_err(|e| e.to_string())?;
    kubectl(&["apply", "-f", path.to_str().expect("utf-8 path")])
}

fn kubectl(args: &[&str]) -> Result<(), String> {
    let run = env().kubectl(args);
    match run.code {
        0 => Ok(()),
        _ => Err(format!(
            "kubectl {}: {}",
            args.join(" "),
            run.errors().trim()
        )),
    }
}

/// Objects of the scenario that exist before the old DaemonSet: nodes and the `Before` pods.
fn set_up_before(namespace: &str, sc: &Scenario, run: &str) -> Result<(), String> {
    let mut objects = sc.node_objects(run);
    for (i, filler) in sc.fillers.iter().enumerate() {
        if filler.when == When::Before {
            objects.push(sc.filler_object(namespace, i));
        }
    }
    // JSON, which is YAML too, so that no value is read as a YAML 1.1 boolean.
    apply_json(&json!({"apiVersion": "v1", "kind": "List", "items": objects}))
}

/// Taints, cordons, NotReady conditions and pods that come after the old pods started.
fn change_after(namespace: &str, sc: &Scenario) -> Result<(), String> {
    for (k, def) in sc.nodes.iter().enumerate() {
        let node = sc.node_name(k);
        for taint in def.taints.iter().filter(|t| t.when == When::After) {
            kubectl(&[
                "taint",
                "node",
                &node,
                &format!("{}=x:{}", taint.key, taint.effect),
            ])?;
        }
        if def.cordon == When::After {
            kubectl(&["cordon", &node])?;
        }
        if def.not_ready == When::After {
            let patch = json!({"status": {"conditions": [ready_condition("False")]}}).to_string();
            kubectl(&["patch", "node", &node, "--subresource=status", "-p", &patch])?;
        }
    }
    let after: Vec<Value> = (0..sc.fillers.len())
        .filter(|&i| sc.fillers[i].when == When::After)
        .map(|i| sc.filler_object(namespace, i))
        .collect();
    if after.is_empty() {
        return Ok(());
    }
    apply_json(&json!({"apiVersion": "v1", "kind": "List", "items": after}))
}

/// What plan says for one node: its action, and whether a new pod there would fit.
#[derive(Debug, Clone, PartialEq)]
struct Said {
    action: String,
    fit: Option<bool>,
    /// plan: the update may stop before it reaches the node (then the controller may keep).
    may_stall: bool,
}

fn planned(path: &str) -> Result<BTreeMap<String, Said>, String> {
    let run = env().ds(&["plan", "-f", path, "-o", "json"]);
    if run.code != 0 {
        return Err(format!("plan exited {}: {}", run.code, run.errors().trim()));
    }
    let doc: Value = serde_json::from_str(&run.stdout).map_err(|e| format!("plan JSON: {e}"))?;
    let nodes = doc["items"][0]["nodes"]
        .as_array()
        .ok_or("plan JSON has no nodes")?;
    Ok(nodes
        .iter()
        .map(|n| {
            let said = Said {
                action: n["action"].as_str().unwrap_or("?").to_string(),
                fit: n["fit"]["fits"].as_bool(),
                may_stall: n["mayStall"].as_bool().unwrap_or(false),
            };
            (n["node"].as_str().unwrap_or("").to_string(), said)
        })
        .collect())
}

/// What the controller did on a node, from the pod UIDs before and after: the action, and for
/// a new pod whether the scheduler bound it.
fn did(before: &[Value], after: &[Value]) -> Said {
    let uid = |p: &Value| p["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let old: Vec<String> = before.iter().map(uid).collect();
    let new: Vec<&Value> = after.iter().filter(|p| !old.contains(&uid(p))).collect();
    let bound = (!new.is_empty()).then(|| {
        new.iter().all(|p| {
            p["spec"]["nodeName"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
        })
    });
    let action = match (before.is_empty(), after.is_empty(), new.is_empty()) {
        (true, true, _) => "none",
        (true, false, _) => "create",
        (false, true, _) => "delete",
        (false, false, true) if after.len() == before.len() => "keep",
        (false, false, true) => "delete",
        (false, false, false) => "replace",
    };
    Said {
        action: action.to_string(),
        fit: bound,
        may_stall: false,
    }
}

/// Plan and controller agree: the same action, and for a new pod the same fit.
fn agrees(plan: &Said, controller: &Said) -> bool {
    let same = plan.action == controller.action
        && (!matches!(controller.action.as_str(), "create" | "replace")
            || plan.fit == controller.fit);
    // Which nodes a stalled update reaches first is the controller's (random) choice.
    same || (plan.may_stall && controller.action == "keep")
}

struct NodeResult {
    node: String,
    setup: String,
    plan: Said,
    controller: Said,
}

struct Outcome {
    scenario: Scenario,
    result: Result<Vec<NodeResult>, String>,
    took: Duration,
}

fn write_manifest(dir: &std::path::Path, file: &str, ds: &Value) -> String {
    let path = dir.join(file);
    std::fs::write(&path, serde_json::to_string_pretty(ds).expect("JSON")).expect("write manifest");
    path.to_str().expect("utf-8 path").to_string()
}

fn run_scenario(
    sc: &Scenario,
    run: &str,
    dir: &std::path::Path,
) -> Result<Vec<NodeResult>, String> {
    let ns = Namespace::new("upd-agree");
    set_up_before(&ns.name, sc, run)?;
    let old = write_manifest(
        dir,
        &format!("{}-old.json", sc.id),
        &sc.daemonset(&ns.name, &sc.old),
    );
    kubectl(&["apply", "-f", &old])?;
    settle(&ns.name, sc, "old DaemonSet")?;
    change_after(&ns.name, sc)?;
    let before = settle(&ns.name, sc, "after-changes")?;
    let new = write_manifest(
        dir,
        &format!("{}-new.json", sc.id),
        &sc.daemonset(&ns.name, &sc.new),
    );
    let plan = planned(&new)?;
    kubectl(&["apply", "-f", &new])?;
    let after = settle(&ns.name, sc, "new DaemonSet")?;
    let results = sc
        .node_names()
        .into_iter()
        .enumerate()
        .map(|(k, node)| {
            let none = Vec::new();
            let controller = did(
                before.owned.get(&node).unwrap_or(&none),
                after.owned.get(&node).unwrap_or(&none),
            );
            let plan = plan.get(&node).cloned().unwrap_or(Said {
                action: "(missing)".into(),
                fit: None,
                may_stall: false,
            });
            let setup = if k < sc.nodes.len() {
                sc.node_setup(k)
            } else {
                "hollow node".to_string()
            };
            NodeResult {
                node,
                setup,
                plan,
                controller,
            }
        })
        .collect();
    clean_up(&ns.name, sc)?;
    Ok(results)
}

/// Deletes the scenario's DaemonSet, pods and nodes, and waits until they are gone, so the
/// hollow nodes are free for the next scenario.
fn clean_up(namespace: &str, sc: &Scenario) -> Result<(), String> {
    kubectl(&[
        "delete",
        "daemonsets,pods",
        "--all",
        "-n",
        namespace,
        "--wait=true",
    ])?;
    let scope = format!("kds-upd/scenario={}", sc.id);
    kubectl(&["delete", "nodes", "-l", &scope, "--wait=true"])
}

/// The API nodes of this run, deleted when the test ends whatever happened.
struct RunNodes(String);

impl Drop for RunNodes {
    fn drop(&mut self) {
        env().kubectl(&[
            "delete",
            "nodes",
            "-l",
            &format!("{RUN_LABEL}={}", self.0),
            "--wait=true",
        ]);
    }
}

/// Pods of other tests on the hollow nodes (a namespace being deleted) would take room that
/// plan and the scheduler see and that then goes away under the scenario.
fn wait_hollow_nodes_free() {
    env().eventually("no pods left on the hollow nodes", || {
        let Ok(pods) = json_of(&["get", "pods", "-A", "-o", "json"]) else {
            return false;
        };
        items(&pods)
            .iter()
            .all(|p| !HOLLOW.iter().any(|h| p["spec"]["nodeName"] == *h))
    });
}

fn run_one(sc: &Scenario, run: &str, dir: &std::path::Path) -> Outcome {
    let hollow = sc.hollow.then(|| {
        let guard = HOLLOW_NODES.lock().unwrap_or_else(|e| e.into_inner());
        wait_hollow_nodes_free();
        guard
    });
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| run_scenario(sc, run, dir)))
        .unwrap_or_else(|_| Err("the scenario panicked".to_string()));
    if result.is_err() {
        // Leave nothing behind on the hollow nodes for the next one.
        let _ = kubectl(&[
            "delete",
            "nodes",
            "-l",
            &format!("kds-upd/scenario={}", sc.id),
        ]);
    }
    drop(hollow);
    let took = started.elapsed();
    let verdict = match &result {
        Ok(nodes) => {
            let bad = nodes
                .iter()
                .filter(|r| !agrees(&r.plan, &r.controller))
                .count();
            format!("{} nodes, {bad} disagreements", nodes.len())
        }
        Err(_) => "failed".to_string(),
    };
    eprintln!("scenario {:2} ({}): {verdict}, {took:.1?}", sc.index, sc.id);
    Outcome {
        scenario: sc.clone(),
        result,
        took,
    }
}

fn shown(said: &Said) -> String {
    match said.fit {
        Some(fit) => format!("{} ({})", said.action, if fit { "fits" } else { "pending" }),
        None => said.action.clone(),
    }
}

fn report(seed: u64, outcomes: &[Outcome]) -> (usize, usize, Vec<String>) {
    let (mut compared, mut agreed, mut problems) = (0, 0, Vec::new());
    for outcome in outcomes {
        let sc = &outcome.scenario;
        match &outcome.result {
            Err(e) => problems.push(format!(
                "seed {seed} scenario {}: failed: {e}\n{}",
                sc.index,
                sc.describe()
            )),
            Ok(results) => {
                for r in results {
                    compared += 1;
                    if agrees(&r.plan, &r.controller) {
                        agreed += 1;
                        continue;
                    }
                    problems.push(format!(
                        "seed {seed} scenario {} node {} ({}): plan said {}, controller did {}\n{}",
                        sc.index,
                        r.node,
                        r.setup,
                        shown(&r.plan),
                        shown(&r.controller),
                        sc.describe()
                    ));
                }
            }
        }
    }
    (compared, agreed, problems)
}

#[test]
fn plan_agrees_with_the_controller_on_template_changes() {
    require_cluster!();
    let _nodes_lock = crate::API_NODES.lock().unwrap_or_else(|e| e.into_inner());
    let seed = env_number("KDS_AGREEMENT_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("KDS_AGREEMENT_SCENARIOS").map_or(DEFAULT_SCENARIOS, |n| n as usize);
    eprintln!(
        "update agreement: seed {seed} (KDS_AGREEMENT_SEED={seed} replays it), {count} scenarios"
    );
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() % 100_000)
        .unwrap_or(0);
    let run = format!("upd-{}-{stamp}", std::process::id());
    let _run_nodes = RunNodes(run.clone());
    let scenarios: Vec<Scenario> = selected(count)
        .into_iter()
        .map(|i| scenario(seed, &run, i))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();

    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                while let Some(sc) = scenarios.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = run_one(sc, &run, dir.path());
                    outcomes.lock().unwrap().push(outcome);
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|o| o.scenario.index);

    let (compared, agreed, problems) = report(seed, &outcomes);
    // What the controller did, so a run that never exercised a case shows it.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .flatten()
    {
        *seen.entry(shown(&r.controller)).or_default() += 1;
    }
    eprintln!("controller did: {seen:?}");
    for problem in &problems {
        eprintln!("{problem}\n");
    }
    let slowest = outcomes.iter().map(|o| o.took).max().unwrap_or_default();
    eprintln!(
        "update agreement: seed {seed}, {} scenarios, {agreed} of {compared} nodes agree, {} problems, {:.1?} (slowest scenario {slowest:.1?})",
        outcomes.len(),
        problems.len(),
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "{} disagreements or failed scenarios (seed {seed})",
        problems.len()
    );
}
