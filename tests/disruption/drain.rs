//! `--drain`: each node cordoned, its other pods evicted through the Eviction API (a
//! Deployment's PodDisruptionBudget watched, never violated), the agent replaced, the node
//! uncordoned; kill -9 while a node is cordoned, `rollout resume` finishes and uncordons; a node
//! cordoned beforehand stays cordoned. And the chaos run behind the reliability figure.

use std::collections::BTreeSet;
use std::io::BufReader;
use std::process::Child;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::harness::{env, require_cluster, Namespace};
use crate::rollout_support::{
    agent, assert_all_updated, get_json, named, resume_agent, watch_pods, EventRun,
};

const NODES: [&str; 4] = ["kds-node-1", "kds-node-2", "kds-node-3", "kds-node-4"];

/// A Deployment of 3 spread over the untainted nodes, and its budget: at least 2 available.
fn web(ns: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {ns}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      terminationGracePeriodSeconds: 1
      topologySpreadConstraints:
        - {{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {{matchLabels: {{app: web}}}}}}
      containers: [{{name: web, image: nginx:1.27}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web, namespace: {ns}}}
spec:
  minAvailable: 2
  selector: {{matchLabels: {{app: web}}}}
"#
    )
}

/// The fewest Ready `app=web` pods seen after any one change, from `kubectl get -w` (counted
/// from the moment all 3 were first Ready).
struct ReadyWatch {
    child: Child,
    fewest: Arc<Mutex<Option<usize>>>,
}

impl ReadyWatch {
    fn start(ns: &str) -> Self {
        let mut child = watch_pods(ns, Some("app=web"));
        let stdout = child.stdout.take().expect("stdout");
        let fewest = Arc::new(Mutex::new(None));
        let seen = fewest.clone();
        std::thread::spawn(move || {
            let mut ready = std::collections::BTreeMap::new();
            let stream =
                serde_json::Deserializer::from_reader(BufReader::new(stdout)).into_iter::<Value>();
            for event in stream {
                let Ok(event) = event else { break };
                let pod = &event["object"];
                let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
                let up = event["type"] != "DELETED"
                    && pod["metadata"]["deletionTimestamp"].is_null()
                    && pod["status"]["conditions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True");
                ready.insert(uid, up);
                let count = ready.values().filter(|up| **up).count();
                let mut fewest = seen.lock().unwrap();
                *fewest = match *fewest {
                    None if count >= 3 => Some(count),
                    None => None,
                    Some(f) => Some(f.min(count)),
                };
            }
        });
        let watch = Self { child, fewest };
        env().eventually("the web pods watched, all 3 Ready", || {
            watch.fewest.lock().unwrap().is_some()
        });
        watch
    }

    fn stop(mut self) -> usize {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.fewest.lock().unwrap().expect("armed")
    }
}

impl Drop for ReadyWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Uncordons the test's own cordon when the test ends, passed or not.
struct CordonedByTest(&'static str);

impl Drop for CordonedByTest {
    fn drop(&mut self) {
        env().kubectl(&["uncordon", self.0]);
    }
}

fn unschedulable() -> BTreeSet<String> {
    get_json(&["get", "nodes", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["spec"]["unschedulable"] == true)
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn cordoned_by_annotation() -> BTreeSet<String> {
    get_json(&["get", "nodes", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| !n["metadata"]["annotations"]["rollout.kubectl-ds.io/cordoned-by"].is_null())
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn drain_args<'a>(file: &'a str, ns: &'a str) -> Vec<&'a str> {
    vec![
        "rollout",
        "apply",
        "-f",
        file,
        "-n",
        ns,
        "--mode",
        "ondelete",
        "--drain",
        // An eviction a kill cuts short can hold the web budget for the disruption
        // controller's two minutes (see the README): time enough for that.
        "--drain-timeout",
        "5m",
        "--max-unavailable",
        "1",
        "-o",
        "json",
    ]
}

/// The namespace with the agent (grace 1s) on every node, the Deployment and its budget.
fn agent_beside_web(test: &str) -> Namespace {
    let ns = Namespace::new(test);
    env().apply(&ns.name, &agent("busybox:1.36").grace_period(1).yaml());
    env().apply(&ns.name, &web(&ns.name));
    env().wait_rollout(&ns.name, "agent");
    env()
        .kubectl(&[
            "rollout",
            "status",
            "deployment/web",
            "-n",
            &ns.name,
            "--timeout",
            "2m",
        ])
        .success();
    ns
}

#[test]
fn drain_keeps_the_budget_survives_kill_9_and_leaves_a_foreign_cordon() {
    require_cluster!();
    let _alone = crate::disruption();
    let ns = agent_beside_web("dis-drain");
    let ns = ns.name.as_str();
    env().kubectl(&["cordon", "kds-node-3"]).success();
    let _foreign = CordonedByTest("kds-node-3");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.yaml");
    std::fs::write(&file, agent("busybox:1.37").grace_period(1).yaml()).unwrap();
    let file = file.to_str().unwrap();
    let watch = ReadyWatch::start(ns);

    let mut first = EventRun::start(&drain_args(file, ns));
    // kill -9 while a node (the second the run cordons) is cordoned.
    let cordons = std::cell::Cell::new(0);
    assert!(
        first.until(|e| {
            let hit = e["event"] == "node" && e["action"] == "cordoned";
            hit && {
                cordons.set(cordons.get() + 1);
                cordons.get() == 2
            }
        }),
        "{:#?}",
        first.events
    );
    let first_events = first.kill_9();
    let cordoned_at_kill = cordoned_by_annotation();
    assert_eq!(cordoned_at_kill.len(), 1, "{first_events:#?}");
    assert!(unschedulable().is_superset(&cordoned_at_kill));

    let events = resume_agent(ns);
    let fewest = watch.stop();
    assert!(
        fewest >= 2,
        "the budget (minAvailable 2) was violated: {fewest} Ready"
    );
    assert_eq!(named(&events, "complete").len(), 1, "{events:#?}");
    let all: Vec<&Value> = first_events.iter().chain(&events).collect();
    let news = |action: &str| -> BTreeSet<String> {
        all.iter()
            .filter(|e| e["event"] == "node" && e["action"] == action)
            .map(|e| e["node"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(news("evicted").len() >= 2, "{all:#?}");
    assert_eq!(
        news("already-cordoned"),
        BTreeSet::from(["kds-node-3".to_string()])
    );
    let ours: BTreeSet<String> = NODES
        .iter()
        .filter(|n| **n != "kds-node-3")
        .map(|n| n.to_string())
        .collect();
    assert_eq!(news("uncordoned"), ours, "{all:#?}");
    // Every node uncordoned but the one the test cordoned; no mark of ours left.
    assert_eq!(unschedulable(), BTreeSet::from(["kds-node-3".to_string()]));
    assert!(cordoned_by_annotation().is_empty());
    assert_all_updated(ns, NODES.len());
}

/// The chaos run behind the reliability figure (not part of the suite: it takes minutes): drain
/// rollouts killed with SIGKILL at random moments and resumed, again and again, while watches
/// check that the agent's budget (max unavailable 1) and the web budget (minAvailable 2) hold;
/// at the end no node is left cordoned. `KDS_CHAOS_KILLS` (default 20) kills; `KDS_CHAOS_SEED`
/// replays a run. Run: `scripts/test --test disruption -- --ignored chaos --nocapture`.
#[test]
#[ignore]
fn chaos_drain_rollouts_killed_at_random_keep_every_budget() {
    require_cluster!();
    let _alone = crate::disruption();
    let ns = agent_beside_web("dis-chaos");
    let ns = ns.name.as_str();
    let kills: usize = std::env::var("KDS_CHAOS_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(20);
    let mut seed: u64 = std::env::var("KDS_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as u64
        });
    println!("chaos seed {seed} (KDS_CHAOS_SEED replays it), {kills} kills");
    let mut random_ms = move |below: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % below
    };
    let eligible: BTreeSet<String> = NODES.iter().map(|n| n.to_string()).collect();
    let agents = crate::rollout_support::PodWatcher::start(ns, eligible);
    let web = ReadyWatch::start(ns);
    let dir = tempfile::tempdir().unwrap();
    let (mut killed, mut version, mut rollouts, mut while_cordoned) = (0, 0, 0, 0);
    let mut finished_evictions = 0;
    let mut resume = false;
    while killed < kills {
        let args: Vec<String> = if resume {
            ["rollout", "resume", "agent", "-n", ns, "-o", "json"]
                .map(String::from)
                .to_vec()
        } else {
            version += 1;
            let file = dir.path().join(format!("v{version}.yaml"));
            let image = format!("busybox:1.{}", 30 + version);
            std::fs::write(&file, agent(&image).grace_period(1).yaml()).unwrap();
            rollouts += 1;
            drain_args(file.to_str().unwrap(), ns)
                .into_iter()
                .map(String::from)
                .collect()
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut run = EventRun::start(&args);
        let wait = std::time::Duration::from_millis(300 + random_ms(6_000));
        std::thread::sleep(wait);
        match run.child.try_wait().expect("try_wait") {
            Some(status) => {
                // It finished before the kill: the next rollout starts from a new version.
                let (_, stderr, events) = run.finish();
                assert_eq!(status.code(), Some(0), "{stderr}\n{events:#?}");
                finished_evictions += granted_evictions_finished(&events);
                resume = false;
            }
            None => {
                run.child.kill().expect("kill");
                let (_, _, events) = run.finish();
                finished_evictions += granted_evictions_finished(&events);
                killed += 1;
                let last = events.last().map(|e| e.to_string()).unwrap_or_default();
                println!("  the killed run's last event: {last}");
                resume = true;
                let cordoned = cordoned_by_annotation();
                while_cordoned += usize::from(!cordoned.is_empty());
                println!("kill {killed} after {wait:?} (rollout {rollouts}), cordoned by the rollout: {cordoned:?}");
            }
        }
    }
    finished_evictions += granted_evictions_finished(&resume_agent(ns));
    let seen = agents.stop();
    let fewest = web.stop();
    println!(
        "chaos: {killed} kills over {rollouts} rollouts ({while_cordoned} with a node cordoned, {finished_evictions} evictions granted to a killed run finished by the next); most agent nodes without a Ready pod at once: {}; fewest Ready web pods: {fewest}; nodes left cordoned: {:?}",
        seen.worst,
        unschedulable()
    );
    assert!(seen.worst <= 1, "{seen:?}");
    assert!(fewest >= 2, "the web budget was violated: {fewest} Ready");
    assert!(unschedulable().is_empty());
    assert!(cordoned_by_annotation().is_empty());
}

/// How many pods granted an eviction by a killed run this run deleted.
fn granted_evictions_finished(events: &[Value]) -> usize {
    named(events, "note")
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("granted its eviction"))
        })
        .count()
}
