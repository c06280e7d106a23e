//! Acceptance: `kubectl ds plan` agrees with the real DaemonSet controller (kube-controller-manager
//! of the testenv) about which nodes get a pod.
//!
//! The test adds Node objects through the API (labels, taints of every effect, a cordoned node, a
//! NotReady node, a node whose network is unavailable, nodes with little room, integer labels for
//! Gt/Lt) beside the four hollow nodes of tests/e2e/topology.args, then for each of ~40
//! DaemonSet specs plans the manifest, applies it, waits until the controller has acted, and
//! compares the nodes where the controller created pods with the nodes plan says `run: true`,
//! and plan's `summary.desired` with `status.desiredNumberScheduled`. Every mismatch is collected
//! and printed before the final assertion.
//!
//! The DaemonSets accept every node in the cluster, so a test that adds nodes while this one runs
//! would show up in both answers (plan and controller see the same nodes) but could race. The
//! other way round, tests that count every untainted node (`untainted_node_count`) or print every
//! node see these nodes while this test runs.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::{json, Value};

use crate::harness::{env, require_cluster, Namespace};

const HOLLOW: [&str; 4] = ["kds-node-1", "kds-node-2", "kds-node-3", "kds-node-4"];
const WORKERS: usize = 6;

/// One Node made through the API.
struct NodeDef {
    suffix: &'static str,
    labels: &'static [(&'static str, &'static str)],
    /// (key, value, effect); an empty value is left out.
    taints: &'static [(&'static str, &'static str, &'static str)],
    cordoned: bool,
    ready: bool,
    network_unavailable: bool,
    cpu: &'static str,
    pods: &'static str,
}

const BASE: NodeDef = NodeDef {
    suffix: "",
    labels: &[],
    taints: &[],
    cordoned: false,
    ready: true,
    network_unavailable: false,
    cpu: "4",
    pods: "110",
};

/// The API nodes. `rank` is the integer label for Gt/Lt.
const NODES: &[NodeDef] = &[
    NodeDef {
        suffix: "plain",
        labels: &[
            ("zone", "a"),
            ("tier", "web"),
            ("rank", "5"),
            ("disktype", "hdd"),
        ],
        ..BASE
    },
    NodeDef {
        suffix: "ssd",
        labels: &[
            ("zone", "b"),
            ("disktype", "ssd"),
            ("rank", "10"),
            ("gpu", "true"),
        ],
        ..BASE
    },
    NodeDef {
        suffix: "gpu",
        labels: &[("zone", "c"), ("gpu", "true"), ("rank", "20")],
        taints: &[("gpu", "true", "NoSchedule")],
        ..BASE
    },
    NodeDef {
        suffix: "prefer",
        labels: &[("zone", "a"), ("rank", "1"), ("tier", "db")],
        taints: &[("spot", "yes", "PreferNoSchedule")],
        ..BASE
    },
    NodeDef {
        suffix: "evict",
        labels: &[("zone", "b"), ("rank", "15")],
        taints: &[("maintenance", "soon", "NoExecute")],
        ..BASE
    },
    NodeDef {
        suffix: "novalue",
        labels: &[("zone", "c")],
        taints: &[("special", "", "NoSchedule")],
        ..BASE
    },
    NodeDef {
        suffix: "quarantine",
        labels: &[("zone", "a"), ("disktype", "ssd")],
        taints: &[("quarantine", "", "NoExecute")],
        ..BASE
    },
    NodeDef {
        suffix: "multi",
        labels: &[("zone", "b"), ("tier", "web")],
        taints: &[
            ("dedicated", "infra", "NoSchedule"),
            ("maintenance", "soon", "NoExecute"),
            ("spot", "yes", "PreferNoSchedule"),
        ],
        ..BASE
    },
    NodeDef {
        suffix: "cordoned",
        labels: &[("zone", "a"), ("rank", "7")],
        cordoned: true,
        ..BASE
    },
    NodeDef {
        suffix: "notready",
        labels: &[("zone", "b"), ("rank", "8")],
        ready: false,
        ..BASE
    },
    NodeDef {
        suffix: "netdown",
        labels: &[("zone", "c"), ("tier", "web")],
        network_unavailable: true,
        ..BASE
    },
    NodeDef {
        suffix: "tiny-cpu",
        labels: &[("zone", "a"), ("rank", "007")],
        cpu: "100m",
        ..BASE
    },
    NodeDef {
        suffix: "tiny-pods",
        labels: &[("zone", "b"), ("rank", "3")],
        pods: "2",
        ..BASE
    },
    NodeDef {
        suffix: "rank-text",
        labels: &[("rank", "high"), ("tier", "web")],
        ..BASE
    },
    NodeDef {
        suffix: "bare",
        ..BASE
    },
];

/// The API nodes of this run, deleted when the test ends.
struct TestNodes {
    prefix: String,
    names: Vec<String>,
}

impl TestNodes {
    fn name(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.prefix)
    }

    fn create() -> Self {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() % 100_000)
            .unwrap_or(0);
        let prefix = format!("agree-{}-{stamp}", std::process::id());
        let mut nodes = TestNodes {
            prefix: prefix.clone(),
            names: Vec::new(),
        };
        let mut list = Vec::new();
        for def in NODES {
            let name = nodes.name(def.suffix);
            nodes.names.push(name.clone());
            list.push(node_object(&name, &prefix, def));
        }
        // JSON, which is YAML too, so that no value is read as a YAML 1.1 boolean (yes, on).
        let text = json!({"apiVersion": "v1", "kind": "List", "items": list}).to_string();
        env().apply("default", &text);
        nodes.wait_for_condition_taints();
        nodes
    }

    /// The node lifecycle controller taints nodes from their conditions and `unschedulable`;
    /// plan must see the taints the controller sees, so wait until each node carries exactly the
    /// `node.kubernetes.io/` NoSchedule taints its conditions call for: a new node, even one
    /// created Ready, carries a not-ready taint for a moment. NoExecute ones are left out: the
    /// controller adds them through a queue limited per zone (0.1 nodes a second by default, none
    /// while a small zone counts as disrupted), so after the update agreement test's nodes they
    /// may take many minutes, and every DaemonSet pod tolerates not-ready and unreachable
    /// NoExecute, so they change nothing for plan or the controller.
    fn wait_for_condition_taints(&self) {
        let expected: Vec<(String, Vec<(&str, &str)>)> = NODES
            .iter()
            .map(|def| {
                let mut taints = Vec::new();
                if def.cordoned {
                    taints.push(("node.kubernetes.io/unschedulable", "NoSchedule"));
                }
                if !def.ready {
                    taints.push(("node.kubernetes.io/not-ready", "NoSchedule"));
                }
                if def.network_unavailable {
                    taints.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
                }
                taints.sort_unstable();
                (self.name(def.suffix), taints)
            })
            .collect();
        env().eventually("condition taints on the API nodes", || {
            let run = env().kubectl(&["get", "nodes", "-o", "json"]);
            let Ok(list) = serde_json::from_str::<Value>(&run.stdout) else {
                return false;
            };
            let items = list["items"].as_array().cloned().unwrap_or_default();
            expected.iter().all(|(name, wanted)| {
                let Some(node) = items.iter().find(|n| n["metadata"]["name"] == *name) else {
                    return false;
                };
                let mut has: Vec<(&str, &str)> = node["spec"]["taints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|t| {
                        (
                            t["key"].as_str().unwrap_or(""),
                            t["effect"].as_str().unwrap_or(""),
                        )
                    })
                    .filter(|(key, effect)| {
                        key.starts_with("node.kubernetes.io/") && *effect != "NoExecute"
                    })
                    .collect();
                has.sort_unstable();
                has == *wanted
            })
        });
    }
}

impl Drop for TestNodes {
    fn drop(&mut self) {
        let mut args = vec!["delete", "node", "--ignore-not-found", "--wait=false"];
        args.extend(self.names.iter().map(String::as_str));
        env().kubectl(&args);
    }
}

fn node_object(name: &str, run: &str, def: &NodeDef) -> Value {
    // No kubernetes.io/os label: the harness's DaemonSets select kubernetes.io/os=linux, and
    // their pods would wait forever on these kubelet-less nodes if another test ran meanwhile.
    let mut labels = BTreeMap::from([
        ("kubernetes.io/hostname".to_string(), name.to_string()),
        ("kds-agree/run".to_string(), run.to_string()),
    ]);
    for (k, v) in def.labels {
        labels.insert(k.to_string(), v.to_string());
    }
    let taints: Vec<Value> = def
        .taints
        .iter()
        .map(|(key, value, effect)| match *value {
            "" => json!({"key": key, "effect": effect}),
            value => json!({"key": key, "value": value, "effect": effect}),
        })
        .collect();
    let condition = |type_: &str, status: &str| json!({"type": type_, "status": status, "reason": "KdsAgreement", "message": "set by plan_agreement"});
    let mut conditions = vec![condition("Ready", if def.ready { "True" } else { "False" })];
    if def.network_unavailable {
        conditions.push(condition("NetworkUnavailable", "True"));
    }
    let resources = json!({"cpu": def.cpu, "memory": "4Gi", "pods": def.pods});
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"unschedulable": def.cordoned, "taints": taints},
        "status": {"capacity": resources, "allocatable": resources, "conditions": conditions},
    })
}

/// One DaemonSet to compare: a name and the fields it sets in its pod spec.
struct Spec {
    name: &'static str,
    pod: Value,
}

fn expr(key: &str, operator: &str, values: &[&str]) -> Value {
    if values.is_empty() {
        json!({"key": key, "operator": operator})
    } else {
        json!({"key": key, "operator": operator, "values": values})
    }
}

fn field(operator: &str, node: &str) -> Value {
    json!({"key": "metadata.name", "operator": operator, "values": [node]})
}

/// Required node affinity with these terms.
fn required(terms: Value) -> Value {
    json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}})
}

fn tolerations(list: Value) -> Value {
    json!({ "tolerations": list })
}

fn merged(parts: &[Value]) -> Value {
    let mut out = serde_json::Map::new();
    for part in parts {
        for (k, v) in part.as_object().expect("object") {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

fn specs(nodes: &TestNodes) -> Vec<Spec> {
    let n = |suffix: &str| nodes.name(suffix);
    let spec = |name, pod| Spec { name, pod };
    vec![
        spec("all-default", json!({})),
        // nodeSelector
        spec("sel-match", json!({"nodeSelector": {"disktype": "ssd"}})),
        spec(
            "sel-two-keys",
            json!({"nodeSelector": {"zone": "a", "tier": "web"}}),
        ),
        spec(
            "sel-value-mismatch",
            json!({"nodeSelector": {"disktype": "nvme"}}),
        ),
        spec(
            "sel-missing-key",
            json!({"nodeSelector": {"no-such-key": "x"}}),
        ),
        // Only the hollow nodes carry kubernetes.io/os.
        spec(
            "sel-os",
            json!({"nodeSelector": {"kubernetes.io/os": "linux"}}),
        ),
        // required node affinity, one operator at a time
        spec(
            "aff-in",
            required(json!([{"matchExpressions": [expr("zone", "In", &["a", "b"])]}])),
        ),
        spec(
            "aff-notin",
            required(json!([{"matchExpressions": [expr("zone", "NotIn", &["a"])]}])),
        ),
        spec(
            "aff-notin-missing",
            required(json!([{"matchExpressions": [expr("disktype", "NotIn", &["ssd", "hdd"])]}])),
        ),
        spec(
            "aff-exists",
            required(json!([{"matchExpressions": [expr("gpu", "Exists", &[])]}])),
        ),
        spec(
            "aff-doesnotexist",
            required(json!([{"matchExpressions": [expr("zone", "DoesNotExist", &[])]}])),
        ),
        spec(
            "aff-gt",
            required(json!([{"matchExpressions": [expr("rank", "Gt", &["5"])]}])),
        ),
        spec(
            "aff-lt",
            required(json!([{"matchExpressions": [expr("rank", "Lt", &["8"])]}])),
        ),
        spec(
            "aff-gt-lt-and",
            required(
                json!([{"matchExpressions": [expr("rank", "Gt", &["2"]), expr("rank", "Lt", &["16"])]}]),
            ),
        ),
        // "-1" is an integer but not a valid label value: a current API server rejects the
        // DaemonSet (1.20 let it through and its controller matched no node), and plan refuses
        // the manifest.
        spec(
            "aff-gt-negative",
            required(json!([{"matchExpressions": [expr("rank", "Gt", &["-1"])]}])),
        ),
        // terms ORed, expressions ANDed
        spec(
            "aff-or-terms",
            required(json!([
                {"matchExpressions": [expr("zone", "In", &["c"])]},
                {"matchExpressions": [expr("disktype", "In", &["ssd"])]},
            ])),
        ),
        spec(
            "aff-and-exprs",
            required(json!([{"matchExpressions": [
                expr("zone", "In", &["a", "b"]),
                expr("disktype", "NotIn", &["ssd"]),
                expr("gpu", "DoesNotExist", &[]),
            ]}])),
        ),
        spec(
            "aff-empty-term-skipped",
            required(json!([{}, {"matchExpressions": [expr("zone", "In", &["b"])]}])),
        ),
        spec("aff-only-empty-term", required(json!([{}]))),
        // A value that is not a valid label value: rejected by a current API server (1.20
        // accepted it and the term never matched), refused by plan.
        spec(
            "aff-invalid-value-term",
            required(json!([
                {"matchExpressions": [expr("zone", "In", &["a b", "a"])]},
                {"matchExpressions": [expr("tier", "In", &["db"])]},
            ])),
        ),
        // Gt/Lt with a value that is not an integer: the API server accepts it and the controller
        // skips the term. plan used to refuse the manifest (exit 2, "needs exactly one integer
        // value"); fixed in src/placement/validate.rs.
        spec(
            "aff-gt-not-integer",
            required(json!([
                {"matchExpressions": [expr("rank", "Gt", &["abc"])]},
                {"matchExpressions": [expr("zone", "In", &["b"])]},
            ])),
        ),
        // matchFields
        spec(
            "aff-fields-in",
            required(json!([{"matchFields": [field("In", &n("plain"))]}])),
        ),
        spec(
            "aff-fields-notin",
            required(json!([{"matchFields": [field("NotIn", "kds-node-1")]}])),
        ),
        spec(
            "aff-fields-or",
            required(json!([
                {"matchFields": [field("In", &n("ssd"))]},
                {"matchFields": [field("In", "kds-node-2")]},
                {"matchFields": [field("In", &n("cordoned"))]},
            ])),
        ),
        spec(
            "aff-fields-and-labels",
            required(json!([{
                "matchExpressions": [expr("zone", "In", &["a"])],
                "matchFields": [field("NotIn", &n("cordoned"))],
            }])),
        ),
        spec(
            "sel-and-aff",
            merged(&[
                json!({"nodeSelector": {"zone": "a"}}),
                required(json!([{"matchExpressions": [expr("rank", "Exists", &[])]}])),
            ]),
        ),
        // tolerations
        spec(
            "tol-equal",
            tolerations(
                json!([{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]),
            ),
        ),
        spec(
            "tol-equal-wrong-value",
            tolerations(
                json!([{"key": "gpu", "operator": "Equal", "value": "false", "effect": "NoSchedule"}]),
            ),
        ),
        spec(
            "tol-no-operator",
            tolerations(json!([{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}])),
        ),
        spec(
            "tol-exists-key",
            tolerations(
                json!([{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}]),
            ),
        ),
        spec(
            "tol-exists-all",
            tolerations(json!([{"operator": "Exists"}])),
        ),
        spec(
            "tol-exists-all-noschedule",
            tolerations(json!([{"operator": "Exists", "effect": "NoSchedule"}])),
        ),
        spec(
            "tol-empty-effect",
            tolerations(json!([{"key": "maintenance", "operator": "Equal", "value": "soon"}])),
        ),
        spec(
            "tol-noexecute",
            tolerations(json!([
                {"key": "maintenance", "operator": "Equal", "value": "soon", "effect": "NoExecute", "tolerationSeconds": 3600},
                {"key": "quarantine", "operator": "Exists", "effect": "NoExecute"},
            ])),
        ),
        spec(
            "tol-wrong-effect",
            tolerations(json!([{"key": "special", "operator": "Exists", "effect": "NoExecute"}])),
        ),
        spec(
            "tol-novalue-equal",
            tolerations(json!([{"key": "special", "operator": "Equal", "effect": "NoSchedule"}])),
        ),
        spec(
            "tol-multi",
            tolerations(json!([
                {"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"},
                {"key": "maintenance", "operator": "Exists"},
            ])),
        ),
        spec(
            "tol-not-ready",
            tolerations(
                json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}]),
            ),
        ),
        spec(
            "tol-prefer-only",
            tolerations(
                json!([{"key": "spot", "operator": "Exists", "effect": "PreferNoSchedule"}]),
            ),
        ),
        // A user copy of an automatic toleration, replaced by the controller's.
        spec(
            "tol-auto-duplicate",
            tolerations(
                json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]),
            ),
        ),
        // hostNetwork adds the network-unavailable toleration
        spec("hostnet", json!({"hostNetwork": true})),
        spec(
            "hostnet-selector",
            json!({"hostNetwork": true, "nodeSelector": {"tier": "web"}}),
        ),
        // template nodeName
        spec("nodename-api-node", json!({"nodeName": n("plain")})),
        spec("nodename-tainted", json!({"nodeName": "kds-node-3"})),
        spec("nodename-cordoned", json!({"nodeName": n("cordoned")})),
        spec("nodename-missing", json!({"nodeName": n("no-such-node")})),
        // resources do not matter to the controller: Pending pods still count
        spec(
            "big-request",
            json!({"containers": [{"name": "main", "image": "busybox:1.36", "resources": {"requests": {"cpu": "500m"}}}]}),
        ),
        spec(
            "mixed",
            merged(&[
                json!({"nodeSelector": {"zone": "c"}}),
                required(json!([{"matchExpressions": [expr("tier", "DoesNotExist", &[])]}])),
                tolerations(json!([{"key": "gpu", "operator": "Exists"}])),
            ]),
        ),
    ]
}

fn manifest(namespace: &str, spec: &Spec) -> String {
    let mut pod = json!({
        "terminationGracePeriodSeconds": 0,
        "containers": [{"name": "main", "image": "busybox:1.36"}],
    });
    for (k, v) in spec.pod.as_object().expect("pod fields") {
        pod[k] = v.clone();
    }
    serde_json::to_string_pretty(&json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": spec.name, "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": spec.name}},
            "template": {"metadata": {"labels": {"app": spec.name}}, "spec": pod},
        },
    }))
    .expect("manifest JSON")
}

/// Where pods go, by the plan or by the controller.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placement {
    desired: i64,
    nodes: BTreeSet<String>,
}

struct Outcome {
    name: &'static str,
    /// The controller's answer (expected), or why it could not be read.
    expected: Result<Placement, String>,
    /// The plan's answer (got), or why it failed.
    got: Result<Placement, String>,
}

impl Outcome {
    /// The same placement, or a manifest the API server rejects and plan refuses as bad input.
    fn agrees(&self) -> bool {
        match (&self.expected, &self.got) {
            (Ok(e), Ok(g)) => e == g,
            (Err(rejected), Err(refused)) => {
                rejected.starts_with("kubectl apply: ") && refused.starts_with("plan exited 2: ")
            }
            _ => false,
        }
    }
}

fn planned(path: &str) -> Result<Placement, String> {
    let run = env().ds(&["plan", "-f", path, "-o", "json"]);
    if run.code != 0 {
        return Err(format!("plan exited {}: {}", run.code, run.errors().trim()));
    }
    let doc: Value = serde_json::from_str(&run.stdout).map_err(|e| format!("plan JSON: {e}"))?;
    let item = &doc["items"][0];
    let nodes = item["nodes"]
        .as_array()
        .ok_or("plan JSON has no nodes")?
        .iter()
        .filter(|n| n["run"] == true)
        .filter_map(|n| n["node"].as_str().map(str::to_string))
        .collect();
    Ok(Placement {
        desired: item["summary"]["desired"]
            .as_i64()
            .ok_or("no summary.desired")?,
        nodes,
    })
}

/// The node a DaemonSet pod is on, or is pinned to by the controller's matchFields term.
fn pod_node(pod: &Value) -> Option<String> {
    if let Some(name) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
        return Some(name.to_string());
    }
    let terms = pod.pointer(
        "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms",
    )?;
    terms.as_array()?.iter().find_map(|term| {
        term["matchFields"].as_array()?.iter().find_map(|f| {
            (f["key"] == "metadata.name" && f["operator"] == "In")
                .then(|| f["values"][0].as_str().map(str::to_string))
                .flatten()
        })
    })
}

/// What the controller did, once it has acted: desiredNumberScheduled for the applied generation,
/// as many live pods as that, and the same answer twice in a row.
fn controlled(namespace: &str, name: &str) -> Placement {
    let mut last: Option<Placement> = None;
    let mut settled: Option<Placement> = None;
    env().eventually(&format!("controller acted on {namespace}/{name}"), || {
        let run = env().kubectl(&["get", "ds", name, "-n", namespace, "-o", "json"]);
        let Ok(ds) = serde_json::from_str::<Value>(&run.stdout) else {
            return false;
        };
        let generation = ds["metadata"]["generation"].as_i64().unwrap_or(i64::MAX);
        let observed = ds["status"]["observedGeneration"].as_i64().unwrap_or(-1);
        if observed < generation {
            return false;
        }
        let Some(desired) = ds["status"]["desiredNumberScheduled"].as_i64() else {
            return false;
        };
        let uid = ds["metadata"]["uid"].clone();
        let selector = format!("app={name}");
        let run = env().kubectl(&[
            "get", "pods", "-n", namespace, "-l", &selector, "-o", "json",
        ]);
        let Ok(pods) = serde_json::from_str::<Value>(&run.stdout) else {
            return false;
        };
        let owned: Vec<&Value> = pods["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
            .filter(|p| {
                p["metadata"]["ownerReferences"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|o| o["uid"] == uid && o["controller"] == true)
            })
            .collect();
        if owned.len() as i64 != desired {
            return false;
        }
        let now = Placement {
            desired,
            nodes: owned.iter().filter_map(|p| pod_node(p)).collect(),
        };
        if last.as_ref() == Some(&now) {
            settled = Some(now);
            return true;
        }
        last = Some(now);
        false
    });
    settled.expect("settled")
}

fn compare(namespace: &str, dir: &std::path::Path, spec: &Spec) -> Outcome {
    let path = dir.join(format!("{}.json", spec.name));
    std::fs::write(&path, manifest(namespace, spec)).expect("write manifest");
    let path = path.to_str().expect("utf-8 path");
    let got = planned(path);
    let applied = env().kubectl(&["apply", "-f", path]);
    if applied.code != 0 {
        return Outcome {
            name: spec.name,
            expected: Err(format!("kubectl apply: {}", applied.errors().trim())),
            got,
        };
    }
    let expected = catch_unwind(AssertUnwindSafe(|| controlled(namespace, spec.name)))
        .map_err(|_| "the controller did not settle".to_string());
    Outcome {
        name: spec.name,
        expected,
        got,
    }
}

fn cluster_nodes() -> BTreeSet<String> {
    let run = env().kubectl(&["get", "nodes", "-o", "name"]);
    run.success()
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("node/"))
        .map(str::to_string)
        .collect()
}

#[test]
fn plan_agrees_with_the_daemonset_controller() {
    require_cluster!();
    let _nodes_lock = crate::API_NODES.lock().unwrap_or_else(|e| e.into_inner());
    let nodes = TestNodes::create();
    let ns = Namespace::new("plan-agree");
    let dir = tempfile::tempdir().unwrap();
    let specs = specs(&nodes);
    assert!(specs.len() >= 30, "{} specs", specs.len());

    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = specs.get(i) else { break };
                let outcome = compare(&ns.name, dir.path(), spec);
                outcomes.lock().unwrap().push((i, outcome));
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(i, _)| *i);

    // Only nodes that exist count (a template nodeName may name a node that does not).
    let existing = cluster_nodes();
    for name in nodes.names.iter().map(String::as_str).chain(HOLLOW) {
        assert!(existing.contains(name), "node {name} is missing");
    }
    let short = |set: &BTreeSet<String>| -> String {
        let names: Vec<String> = set
            .iter()
            .filter(|n| existing.contains(*n))
            .map(|n| {
                n.strip_prefix(&format!("{}-", nodes.prefix))
                    .unwrap_or(n)
                    .to_string()
            })
            .collect();
        names.join(",")
    };
    let shown = |p: &Result<Placement, String>| match p {
        Ok(p) => format!("{} [{}]", p.desired, short(&p.nodes)),
        Err(e) => format!("error: {e}"),
    };
    for (_, outcome) in outcomes.iter_mut() {
        for placement in [&mut outcome.expected, &mut outcome.got]
            .into_iter()
            .flatten()
        {
            placement.nodes.retain(|n| existing.contains(n));
        }
    }

    let mismatches: Vec<&Outcome> = outcomes
        .iter()
        .map(|(_, o)| o)
        .filter(|o| !o.agrees())
        .collect();
    let width = specs.iter().map(|s| s.name.len()).max().unwrap_or(0);
    eprintln!(
        "API nodes: {}-*; hollow nodes: {}",
        nodes.prefix,
        HOLLOW.join(", ")
    );
    eprintln!(
        "{:width$}  OK  EXPECTED (controller)  /  GOT (plan)",
        "SPEC"
    );
    for (_, outcome) in &outcomes {
        eprintln!(
            "{:width$}  {}  {}  /  {}",
            outcome.name,
            if outcome.agrees() { "ok" } else { "NO" },
            shown(&outcome.expected),
            shown(&outcome.got),
        );
    }
    for outcome in &mismatches {
        if let (Ok(e), Ok(g)) = (&outcome.expected, &outcome.got) {
            let missing: BTreeSet<String> = e.nodes.difference(&g.nodes).cloned().collect();
            let extra: BTreeSet<String> = g.nodes.difference(&e.nodes).cloned().collect();
            eprintln!(
                "mismatch {}: desired {} (controller) vs {} (plan); controller only: [{}]; plan only: [{}]",
                outcome.name,
                e.desired,
                g.desired,
                short(&missing),
                short(&extra)
            );
        }
    }
    eprintln!(
        "plan agreement: {} specs, {} mismatches",
        outcomes.len(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "plan disagrees with the controller on {} of {} specs: {}",
        mismatches.len(),
        outcomes.len(),
        mismatches
            .iter()
            .map(|o| o.name)
            .collect::<Vec<_>>()
            .join(", ")
    );
}
