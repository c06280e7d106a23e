//! When has the DaemonSet controller (and the scheduler) finished with a DaemonSet? Decided from
//! state, never from time: the controller has observed the generation, no pod is terminating, the
//! node-lifecycle taints match the nodes' conditions, and neither `manage` nor `rollingUpdate`
//! (pkg/controller/daemon/daemon_controller.go `podsShouldBeOnNode`, update.go `rollingUpdate`)
//! nor the scheduler has anything left to do on the scenario's nodes. The rules below are those
//! functions restated for the fields the scenarios use; they decide only when to look, and what
//! the controller did is then read from the pods themselves.

use std::collections::BTreeMap;

use serde_json::Value;

/// The DaemonSet of one scenario and everything on its nodes.
pub struct State {
    pub ds: Value,
    /// controller-revision-hash of the DaemonSet's newest ControllerRevision.
    pub hash: Option<String>,
    /// The DaemonSet's pods by the node each is on or pinned to.
    pub owned: BTreeMap<String, Vec<Value>>,
    pub nodes: Vec<Value>,
    /// Every unfinished pod bound to each node, whoever owns it.
    pub bound: BTreeMap<String, Vec<Value>>,
}

/// Why the controller or the scheduler still has work to do, or `None` once settled.
pub fn unsettled(state: &State) -> Option<String> {
    let generation = state.ds["metadata"]["generation"].as_i64();
    let observed = state.ds["status"]["observedGeneration"].as_i64();
    if generation.is_none() || observed < generation {
        return Some(format!(
            "observedGeneration {observed:?} < generation {generation:?}"
        ));
    }
    if state.hash.is_none() {
        return Some("no ControllerRevision yet".to_string());
    }
    lifecycle_taints(state)
        .or_else(|| terminating(state))
        .or_else(|| manage(state))
        .or_else(|| rolling_update(state))
        .or_else(|| scheduling(state))
}

pub fn name(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("")
}

/// The node lifecycle controller taints nodes from `unschedulable` and the Ready condition a
/// moment after they change; the DaemonSet controller decides on the NoSchedule ones. The
/// not-ready NoExecute taint is left out: every DaemonSet pod tolerates it, and the lifecycle
/// controller adds it through a queue rate-limited per zone (0.1 nodes a second), so waiting for
/// it would only serialize the scenarios.
fn lifecycle_taints(state: &State) -> Option<String> {
    for node in &state.nodes {
        let ready = node["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        let mut wanted = Vec::new();
        if node["spec"]["unschedulable"] == true {
            wanted.push("node.kubernetes.io/unschedulable:NoSchedule".to_string());
        }
        if !ready {
            wanted.push("node.kubernetes.io/not-ready:NoSchedule".to_string());
        }
        let mut has: Vec<String> = taints(node)
            .iter()
            .filter(|t| {
                t["key"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("node.kubernetes.io/")
            })
            .map(|t| {
                format!(
                    "{}:{}",
                    t["key"].as_str().unwrap_or(""),
                    t["effect"].as_str().unwrap_or("")
                )
            })
            .filter(|t| t != "node.kubernetes.io/not-ready:NoExecute")
            .collect();
        has.sort();
        wanted.sort();
        if has != wanted {
            return Some(format!(
                "node {} has lifecycle taints {has:?}, wants {wanted:?}",
                name(node)
            ));
        }
    }
    None
}

fn terminating(state: &State) -> Option<String> {
    let pods = state
        .owned
        .values()
        .flatten()
        .chain(state.bound.values().flatten());
    pods.filter(|p| !p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| format!("pod {} is terminating", name(p)))
        .next()
}

fn taints(node: &Value) -> Vec<Value> {
    node["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let key = toleration["key"].as_str().unwrap_or("");
    let operator = toleration["operator"].as_str().unwrap_or("Equal");
    let effect = toleration["effect"].as_str().unwrap_or("");
    if !effect.is_empty() && taint["effect"] != effect {
        return false;
    }
    if key.is_empty() {
        return operator == "Exists";
    }
    key == taint["key"].as_str().unwrap_or("")
        && (operator == "Exists"
            || toleration["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or(""))
}

/// Whether every NoSchedule and NoExecute taint (or only the NoExecute ones) is tolerated.
fn taints_tolerated(tolerations: &[Value], node: &Value, effects: &[&str]) -> bool {
    taints(node)
        .iter()
        .filter(|t| effects.iter().any(|e| t["effect"] == *e))
        .all(|t| tolerations.iter().any(|tol| tolerates(tol, t)))
}

/// The tolerations the controller gives every DaemonSet pod besides the template's.
fn daemon_tolerations(spec: &Value) -> Vec<Value> {
    let mut all = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for (key, effect) in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ] {
        all.push(serde_json::json!({"key": key, "operator": "Exists", "effect": effect}));
    }
    all
}

fn label<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node["metadata"]["labels"][key].as_str()
}

fn expression_matches(expr: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = expr["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match expr["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// nodeSelector and required node affinity (terms ORed, expressions and fields ANDed).
fn placement_matches(spec: &Value, node: &Value) -> bool {
    let selector = spec["nodeSelector"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if !selector.iter().all(|(k, v)| label(node, k) == v.as_str()) {
        return false;
    }
    let Some(terms) = spec
        .pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
        .and_then(Value::as_array)
    else {
        return true;
    };
    terms.iter().any(|term| {
        let exprs = term["matchExpressions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fields = term["matchFields"].as_array().cloned().unwrap_or_default();
        (!exprs.is_empty() || !fields.is_empty())
            && exprs
                .iter()
                .all(|e| expression_matches(e, label(node, e["key"].as_str().unwrap_or(""))))
            && fields
                .iter()
                .all(|f| expression_matches(f, Some(name(node))))
    })
}

/// The controller's (shouldRun, shouldContinueRunning) for the template `spec` on `node`.
pub fn eligibility(spec: &Value, node: &Value) -> (bool, bool) {
    if !placement_matches(spec, node) {
        return (false, false);
    }
    let tolerations = daemon_tolerations(spec);
    (
        taints_tolerated(&tolerations, node, &["NoSchedule", "NoExecute"]),
        taints_tolerated(&tolerations, node, &["NoExecute"]),
    )
}

fn ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// maxUnavailable / maxSurge resolved against the desired count, percentages rounded up.
fn resolve(value: &Value, desired: i64) -> i64 {
    match value {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let percent: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            (percent * desired + 99) / 100
        }
        _ => 0,
    }
}

struct Budget {
    surge: bool,
    max_surge: i64,
    max_unavailable: i64,
    desired: i64,
}

fn budget(state: &State) -> Budget {
    let spec = &state.ds["spec"]["template"]["spec"];
    let desired = state
        .nodes
        .iter()
        .filter(|n| eligibility(spec, n).0)
        .count() as i64;
    let rolling = &state.ds["spec"]["updateStrategy"]["rollingUpdate"];
    let max_surge = resolve(&rolling["maxSurge"], desired);
    let mut max_unavailable = match &rolling["maxUnavailable"] {
        Value::Null => 1,
        v => resolve(v, desired),
    };
    if desired > 0 && max_surge == 0 && max_unavailable == 0 {
        max_unavailable = 1;
    }
    let surge = state.ds["spec"]["updateStrategy"]["type"] == "RollingUpdate"
        && resolve(&rolling["maxSurge"], 1) != 0;
    Budget {
        surge,
        max_surge,
        max_unavailable,
        desired,
    }
}

/// The pods on a node split into (new, old) by the current hash; `None` if either has two.
fn split<'a>(pods: &'a [Value], hash: &str) -> Option<(Option<&'a Value>, Option<&'a Value>)> {
    let (new, old): (Vec<&Value>, Vec<&Value>) = pods
        .iter()
        .partition(|p| p["metadata"]["labels"]["controller-revision-hash"] == hash);
    (new.len() <= 1 && old.len() <= 1).then(|| (new.first().copied(), old.first().copied()))
}

/// `manage` through `podsShouldBeOnNode`: creates where a pod should run and there is none,
/// prunes extra pods, deletes pods where they may not continue.
fn manage(state: &State) -> Option<String> {
    let spec = &state.ds["spec"]["template"]["spec"];
    let hash = state.hash.as_deref().unwrap_or("");
    let surge = budget(state).surge;
    let empty = Vec::new();
    for node in &state.nodes {
        let (run, keep) = eligibility(spec, node);
        let pods = state.owned.get(name(node)).unwrap_or(&empty);
        let why = match (run, keep) {
            (true, _) if pods.is_empty() => Some("should run a pod and has none"),
            (_, true) if !surge && pods.len() > 1 => Some("has extra pods"),
            (_, true) if pods.len() > 1 => match split(pods, hash) {
                None => Some("has extra pods"),
                Some((Some(_), Some(old))) if !ready(old) => {
                    Some("has an unready old pod beside a new one")
                }
                Some((Some(new), Some(_))) if ready(new) => {
                    Some("has an available new pod beside an old one")
                }
                _ => None,
            },
            (_, false) if !pods.is_empty() => Some("has a pod it may not continue running"),
            _ => None,
        };
        if let Some(why) = why {
            return Some(format!("manage: node {} {why}", name(node)));
        }
    }
    None
}

/// `rollingUpdate`: nodes with pods, and nodes that should run one.
fn rolling_update(state: &State) -> Option<String> {
    if state.ds["spec"]["updateStrategy"]["type"] != "RollingUpdate" {
        return None;
    }
    let spec = &state.ds["spec"]["template"]["spec"];
    let budget = budget(state);
    let empty = Vec::new();
    let nodes: Vec<(&Value, bool, &Vec<Value>)> = state
        .nodes
        .iter()
        .map(|n| {
            let run = eligibility(spec, n).0;
            (n, run, state.owned.get(name(n)).unwrap_or(&empty))
        })
        .filter(|(_, run, pods)| *run || !pods.is_empty())
        .collect();
    let hash = state.hash.as_deref().unwrap_or("");
    if budget.surge {
        surge_update(&nodes, hash, &budget)
    } else {
        unavailable_update(&nodes, hash, &budget)
    }
}

fn unavailable_update(
    nodes: &[(&Value, bool, &Vec<Value>)],
    hash: &str,
    budget: &Budget,
) -> Option<String> {
    let mut unavailable = 0;
    let mut candidates = 0;
    for (node, _, pods) in nodes {
        match split(pods, hash) {
            None | Some((None, None)) | Some((Some(_), Some(_))) => unavailable += 1,
            Some((Some(new), None)) => unavailable += i64::from(!ready(new)),
            Some((None, Some(old))) if !ready(old) => {
                return Some(format!(
                    "rollingUpdate: node {} has an unavailable old pod",
                    name(node)
                ))
            }
            Some((None, Some(_))) => candidates += 1,
        }
    }
    (candidates > 0 && unavailable < budget.max_unavailable).then(|| {
        format!(
            "rollingUpdate: {candidates} old pods, {unavailable} unavailable of maxUnavailable {}",
            budget.max_unavailable
        )
    })
}

fn surge_update(
    nodes: &[(&Value, bool, &Vec<Value>)],
    hash: &str,
    budget: &Budget,
) -> Option<String> {
    let (mut surging, mut available, mut sunset, mut candidates) = (0, 0, 0, 0);
    for (node, run, pods) in nodes {
        let Some((new, old)) = split(pods, hash) else {
            surging += 1;
            continue;
        };
        if old.or(new).is_some_and(ready) {
            available += 1;
        }
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) if !ready(old) => {
                return Some(format!(
                    "rollingUpdate: node {} has an unavailable old pod",
                    name(node)
                ))
            }
            (None, Some(_)) if !run => sunset += 1,
            (None, Some(_)) => candidates += 1,
            (Some(new), Some(_)) if ready(new) => {
                return Some(format!(
                    "rollingUpdate: node {} has an available new pod",
                    name(node)
                ))
            }
            (Some(_), Some(_)) => surging += 1,
        }
    }
    if sunset > 0 && available > budget.desired {
        return Some(
            "rollingUpdate: a pod on a node that should not run it is deletable".to_string(),
        );
    }
    (candidates > 0 && surging < budget.max_surge).then(|| {
        format!(
            "rollingUpdate: {candidates} old pods, {surging} surging of maxSurge {}",
            budget.max_surge
        )
    })
}

fn millicores(q: &str) -> i64 {
    match q.strip_suffix('m') {
        Some(m) => m.parse().unwrap_or(0),
        None => q.parse::<i64>().unwrap_or(0) * 1000,
    }
}

fn containers(pod: &Value) -> Vec<Value> {
    pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn cpu_request(pod: &Value) -> i64 {
    containers(pod)
        .iter()
        .filter_map(|c| c["resources"]["requests"]["cpu"].as_str())
        .map(millicores)
        .sum()
}

fn host_ports(pod: &Value) -> Vec<i64> {
    containers(pod)
        .iter()
        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["hostPort"].as_i64())
        .filter(|p| *p > 0)
        .collect()
}

/// The scheduler's filters as far as the scenarios use them: taints, pod count, cpu, host ports.
pub fn fits_now(pod: &Value, node: &Value, bound: &[Value]) -> bool {
    let tolerations = pod["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let allocatable = &node["status"]["allocatable"];
    let pods: i64 = allocatable["pods"]
        .as_str()
        .and_then(|p| p.parse().ok())
        .unwrap_or(110);
    let cpu = millicores(allocatable["cpu"].as_str().unwrap_or("0"));
    let used: i64 = bound.iter().map(cpu_request).sum();
    let taken: Vec<i64> = bound.iter().flat_map(host_ports).collect();
    taints_tolerated(&tolerations, node, &["NoSchedule", "NoExecute"])
        && (bound.len() as i64) < pods
        && used + cpu_request(pod) <= cpu
        && host_ports(pod).iter().all(|p| !taken.contains(p))
}

/// Every unbound pod has been found unschedulable by the scheduler and still does not fit.
fn scheduling(state: &State) -> Option<String> {
    let empty = Vec::new();
    for node in &state.nodes {
        let bound = state.bound.get(name(node)).unwrap_or(&empty);
        for pod in state.owned.get(name(node)).unwrap_or(&empty) {
            if pod["spec"]["nodeName"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
            {
                continue;
            }
            let rejected = pod["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| {
                    c["type"] == "PodScheduled"
                        && c["status"] == "False"
                        && c["reason"] == "Unschedulable"
                });
            if !rejected || fits_now(pod, node, bound) {
                return Some(format!(
                    "scheduler: pod {} on {} not decided yet",
                    name(pod),
                    name(node)
                ));
            }
        }
    }
    None
}
