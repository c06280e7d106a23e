//! What the rollout tests share: an `agent` DaemonSet that runs on every node, an independent
//! watcher of its pods (`kubectl get pods -w`, so it sees every change, not samples), and a
//! `kubectl ds rollout ... -o json` run whose event stream is read as it comes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::harness::{daemonset_yaml, env, DaemonSetYaml};

/// Tolerations of every taint.
pub const EVERY_TAINT: &str = "[{operator: Exists}]";

/// A RollingUpdate DaemonSet `agent` that tolerates every taint, so it runs on all hollow nodes
/// (API-only nodes of the agreement test have no kubernetes.io/os label).
pub fn agent(image: &str) -> DaemonSetYaml {
    daemonset_yaml("agent", image).tolerations(EVERY_TAINT)
}

/// A readiness gate nobody sets, for [`DaemonSetYaml::pod`]: pods of this template never become
/// Ready.
pub const NEVER_READY: &str = "readinessGates: [{conditionType: example.com/never}]";

pub fn get_json(args: &[&str]) -> Value {
    let run = env().kubectl(args);
    serde_json::from_str(&run.success().stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", run.stdout))
}

/// The image of the first container of the namespace's `agent`.
pub fn agent_image(ns: &str) -> String {
    let ds = get_json(&["get", "ds", "agent", "-n", ns, "-o", "json"]);
    let image = &ds["spec"]["template"]["spec"]["containers"][0]["image"];
    image.as_str().expect("an image").to_string()
}

/// The namespace's `agent` applied with kubectl and fully rolled out.
pub fn ready_agent(ns: &str, image: &str) {
    env().apply(ns, &agent(image).yaml());
    env().wait_rollout(ns, "agent");
}

/// (node, uid, revision hash, ready and not terminating) of the agent's pods, leaving out, as the
/// DaemonSet controller does, pods that have finished and are being deleted: the controller has
/// already replaced them, and the kubelet removes them in its own time.
pub fn agent_pods(ns: &str) -> Vec<(String, String, String, bool)> {
    get_json(&["get", "pods", "-n", ns, "-l", "app=agent", "-o", "json"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !deleted_and_finished(p))
        .map(|p| {
            (
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
                p["metadata"]["uid"].as_str().unwrap_or("").to_string(),
                p["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                available(p),
            )
        })
        .collect()
}

/// The node a DaemonSet pod is for: its nodeName, or before the scheduler has bound it, the node
/// its affinity names (the controller's `matchFields metadata.name In [node]`).
pub fn node_of(pod: &Value) -> String {
    if let Some(node) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
        return node.to_string();
    }
    pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|term| term["matchFields"].as_array().cloned().unwrap_or_default())
        .find(|field| field["key"] == "metadata.name")
        .and_then(|field| field["values"][0].as_str().map(String::from))
        .unwrap_or_default()
}

/// The controller's "deleted terminal" pod: a deletion timestamp and phase Succeeded or Failed.
fn deleted_and_finished(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
        && matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        )
}

fn available(pod: &Value) -> bool {
    pod["metadata"]["deletionTimestamp"].is_null()
        && pod["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// The hash of the newest ControllerRevision in the namespace.
pub fn newest_hash(ns: &str) -> String {
    let revisions = get_json(&["get", "controllerrevisions", "-n", ns, "-o", "json"]);
    revisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|r| r["revision"].as_i64().unwrap())
        .unwrap()["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[derive(Default, Debug)]
pub struct Watched {
    /// uid -> (node, Ready and not terminating, terminating).
    pods: BTreeMap<String, (String, bool, bool)>,
    /// The most nodes with two pods not terminating (an old one and its surge) after any change.
    pub max_surging: usize,
    /// Every node seen with two pods not terminating.
    pub surged: BTreeSet<String>,
    /// The most eligible nodes without a Ready pod after any one change.
    pub worst: usize,
    /// Pods that got a deletion timestamp or were deleted, in order.
    pub deleted: Vec<String>,
    pub changes: usize,
    pub armed: bool,
}

/// Watches the agent's pods in `ns` from a separate `kubectl get -w`; `eligible` are the nodes
/// that must keep a Ready pod.
pub struct PodWatcher {
    child: Child,
    seen: Arc<Mutex<Watched>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl PodWatcher {
    /// Returns once the watch has shown every eligible node with a Ready pod (its initial list),
    /// so that whatever the test starts next is seen from its first change: `kubectl get -w`
    /// lists a moment after it is spawned, and a pod deleted before that would go unseen.
    pub fn start(ns: &str, eligible: BTreeSet<String>) -> Self {
        let mut child = watch_pods(ns, Some("app=agent"));
        let stdout = child.stdout.take().expect("stdout");
        let seen = Arc::new(Mutex::new(Watched::default()));
        let reader = {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let stream = serde_json::Deserializer::from_reader(BufReader::new(stdout))
                    .into_iter::<Value>();
                for event in stream {
                    let Ok(event) = event else { break };
                    let pod = &event["object"];
                    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
                    let node = node_of(pod);
                    let mut seen = seen.lock().unwrap();
                    seen.changes += 1;
                    if event["type"] == "DELETED" {
                        // With a grace period of 0 a pod can go without ever showing a
                        // deletion timestamp.
                        if !seen.deleted.contains(&uid) {
                            seen.deleted.push(uid.clone());
                        }
                        seen.pods.remove(&uid);
                    } else {
                        let terminating = !pod["metadata"]["deletionTimestamp"].is_null();
                        if terminating && !seen.deleted.contains(&uid) {
                            seen.deleted.push(uid.clone());
                        }
                        seen.pods.insert(uid, (node, available(pod), terminating));
                    }
                    let up: BTreeSet<&String> = seen
                        .pods
                        .values()
                        .filter(|(_, ready, _)| *ready)
                        .map(|(node, ..)| node)
                        .collect();
                    let mut live: BTreeMap<&String, usize> = BTreeMap::new();
                    for (node, _, terminating) in seen.pods.values() {
                        if !terminating {
                            *live.entry(node).or_default() += 1;
                        }
                    }
                    let surging: Vec<String> = live
                        .into_iter()
                        .filter(|(_, count)| *count > 1)
                        .map(|(node, _)| node.clone())
                        .collect();
                    let down = eligible.iter().filter(|n| !up.contains(n)).count();
                    seen.max_surging = seen.max_surging.max(surging.len());
                    seen.surged.extend(surging);
                    // The initial list arrives one pod at a time: count from the first moment
                    // every eligible node shows its Ready pod.
                    seen.armed |= down == 0;
                    if seen.armed {
                        seen.worst = seen.worst.max(down);
                    }
                }
            })
        };
        let watcher = Self {
            child,
            seen,
            reader: Some(reader),
        };
        env().eventually(
            &format!("the pod watch in {ns} showing every eligible node Ready"),
            || watcher.seen.lock().unwrap().armed,
        );
        watcher
    }

    /// Stops watching; what was seen.
    pub fn stop(mut self) -> Watched {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let seen = std::mem::take(&mut *self.seen.lock().unwrap());
        seen
    }
}

impl Drop for PodWatcher {
    /// A test that fails before `stop` (or a watch that never lists) leaves no `kubectl get -w`
    /// running behind it.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `kubectl ds` run whose stdout (`-o json` events) is read line by line as it comes.
pub struct EventRun {
    pub child: Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    pub events: Vec<Value>,
}

impl EventRun {
    pub fn start(args: &[&str]) -> Self {
        let mut child = env()
            .plugin_command(args)
            .env("KUBECONFIG", &env().kubeconfig)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kubectl ds");
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        Self {
            child,
            lines,
            events: Vec::new(),
        }
    }

    /// Reads events until one matches; false when the stream ended first.
    pub fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> bool {
        for line in self.lines.by_ref() {
            let Ok(line) = line else { return false };
            let event: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON event ({e}): {line}"));
            let hit = wanted(&event);
            self.events.push(event);
            if hit {
                return true;
            }
        }
        false
    }

    /// Reads to the end; the exit code and stderr.
    pub fn finish(mut self) -> (i32, String, Vec<Value>) {
        self.until(|_| false);
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            use std::io::Read;
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = self.child.wait().expect("wait");
        (status.code().unwrap_or(-1), stderr, self.events)
    }

    /// SIGKILL, the way a crash or `kill -9` ends it.
    pub fn kill_9(mut self) -> Vec<Value> {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
        self.events
    }
}

/// `rollout apply -f FILE -n NS --mode ondelete EXTRA...`.
pub fn ondelete_args<'a>(file: &'a str, ns: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "rollout", "apply", "-f", file, "-n", ns, "--mode", "ondelete",
    ];
    args.extend_from_slice(extra);
    args
}

/// The events of a stream with this `event` name.
pub fn named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["event"] == name).collect()
}

/// The agent's one pod on `node`.
#[allow(dead_code)] // the disruption tests use it
pub fn agent_pod_on(ns: &str, node: &str) -> Value {
    let pods = get_json(&[
        "get",
        "pods",
        "-n",
        ns,
        "-l",
        "app=agent",
        "--field-selector",
        &format!("spec.nodeName={node}"),
        "-o",
        "json",
    ]);
    let items = pods["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "one agent pod on {node}: {items:?}");
    items[0].clone()
}

/// `kubectl get pods -n NS [-l SELECTOR] -w -o json` with watch events, its stdout piped.
pub fn watch_pods(ns: &str, selector: Option<&str>) -> Child {
    let mut args = vec!["get", "pods", "-n", ns];
    if let Some(selector) = selector {
        args.extend(["-l", selector]);
    }
    args.extend(["-w", "--output-watch-events", "-o", "json"]);
    Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", &env().kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl get -w")
}

/// `kubectl ds rollout resume agent -n NS -o json`, which must succeed: its events.
pub fn resume_agent(ns: &str) -> Vec<Value> {
    let run = env().ds(&["rollout", "resume", "agent", "-n", ns, "-o", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON event ({e}): {l}")))
        .collect()
}

/// Every one of `nodes` runs an agent pod of the newest revision, Ready.
#[allow(dead_code)] // the disruption tests use it
pub fn assert_all_updated(ns: &str, nodes: usize) {
    let hash = newest_hash(ns);
    let pods = agent_pods(ns);
    assert_eq!(pods.len(), nodes, "{pods:?}");
    assert!(
        pods.iter().all(|(_, _, h, ready)| *h == hash && *ready),
        "{pods:?}"
    );
}
