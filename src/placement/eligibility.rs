//! shouldRun / shouldContinueRunning for one node, as `NodeShouldRunDaemonPod` in
//! `pkg/controller/daemon/util` decides it: template nodeName, then nodeSelector and required node
//! affinity (`k8s.io/component-helpers/scheduling/corev1/nodeaffinity`), then taints against the
//! pod's tolerations plus the ones the controller adds.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration,
};

/// The controller's two answers for one node, and why the pod is not wanted there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Create a pod here if there is none.
    pub should_run: bool,
    /// Keep a pod that already runs here.
    pub should_continue_running: bool,
    /// Why `should_run` is false; `None` when it is true.
    pub exclusion: Option<Exclusion>,
}

/// The first reason, in the controller's order, why a node gets no pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exclusion {
    /// The template sets `nodeName` to another node.
    NodeName { wanted: String },
    /// A `nodeSelector` entry the node's labels do not have (`actual`: the node's value, if any).
    NodeSelector {
        key: String,
        wanted: String,
        actual: Option<String>,
    },
    /// The required node affinity matches no term. `detail` names the failing expression(s)
    /// without the node's values (`zone In [a,b]`; terms joined by " or "); `node_has` says what
    /// the node has instead (`node has c`), or is empty.
    NodeAffinity { detail: String, node_has: String },
    /// A NoSchedule or NoExecute taint no toleration tolerates (the first, in the node's order).
    Taint {
        key: String,
        value: Option<String>,
        effect: String,
    },
}

impl Exclusion {
    /// Identical for nodes excluded for the same reason (the node's own values left out).
    pub fn group_key(&self) -> String {
        match self {
            Exclusion::NodeName { wanted } => format!("nodeName:{wanted}"),
            Exclusion::NodeSelector { key, wanted, .. } => format!("nodeSelector:{key}={wanted}"),
            Exclusion::NodeAffinity { detail, .. } => format!("nodeAffinity:{detail}"),
            Exclusion::Taint { .. } => format!("taint:{}", self.summary()),
        }
    }

    /// The reason without the node's own values, for a group of nodes whose values differ.
    pub fn summary(&self) -> String {
        match self {
            Exclusion::NodeName { wanted } => format!("nodeName {wanted}"),
            Exclusion::NodeSelector { key, wanted, .. } => format!("nodeSelector {key}={wanted}"),
            Exclusion::NodeAffinity { detail, .. } => format!("required node affinity: {detail}"),
            Exclusion::Taint { key, value, effect } => match value.as_deref() {
                Some(value) if !value.is_empty() => {
                    format!("taint {key}={value}:{effect} not tolerated")
                }
                _ => format!("taint {key}:{effect} not tolerated"),
            },
        }
    }

    /// The pod template field (under `spec.template.spec`) that decides it.
    pub fn field(&self) -> &'static str {
        match self {
            Exclusion::NodeName { .. } => "nodeName",
            Exclusion::NodeSelector { .. } => "nodeSelector",
            Exclusion::NodeAffinity { .. } => {
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            }
            Exclusion::Taint { .. } => "tolerations",
        }
    }
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exclusion::NodeName { wanted } => {
                write!(
                    f,
                    "nodeName {wanted} (the template pins the pod to that node)"
                )
            }
            Exclusion::NodeSelector { actual, .. } => write!(
                f,
                "{} (node has {})",
                self.summary(),
                actual.as_deref().unwrap_or("none")
            ),
            Exclusion::NodeAffinity { node_has, .. } if !node_has.is_empty() => {
                write!(f, "{} ({node_has})", self.summary())
            }
            _ => f.write_str(&self.summary()),
        }
    }
}

fn toleration(key: &str, effect: &str) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Toleration::default()
    }
}

/// The tolerations the DaemonSet controller adds to every pod it creates
/// (`AddOrUpdateDaemonPodTolerations`), in its order.
pub fn controller_tolerations(host_network: bool) -> Vec<Toleration> {
    let mut list = vec![
        toleration("node.kubernetes.io/not-ready", "NoExecute"),
        toleration("node.kubernetes.io/unreachable", "NoExecute"),
        toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
        toleration("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        list.push(toleration(
            "node.kubernetes.io/network-unavailable",
            "NoSchedule",
        ));
    }
    list
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Tolerations are the same entry if key, operator, value and effect agree
/// (`Toleration.MatchToleration`); tolerationSeconds may differ.
fn same_toleration(a: &Toleration, b: &Toleration) -> bool {
    text(&a.key) == text(&b.key)
        && text(&a.operator) == text(&b.operator)
        && text(&a.value) == text(&b.value)
        && text(&a.effect) == text(&b.effect)
}

/// The pod's tolerations once the controller has added its own (`AddOrUpdateTolerationInPodSpec`):
/// a user entry with the same key/operator/value/effect is replaced in place (dropping its
/// tolerationSeconds), others are kept; missing automatic ones are appended.
pub fn effective_tolerations(pod: &PodSpec) -> Vec<Toleration> {
    let mut list = pod.tolerations.clone().unwrap_or_default();
    for auto in controller_tolerations(pod.host_network == Some(true)) {
        let mut matched = false;
        for existing in list.iter_mut() {
            if same_toleration(existing, &auto) {
                *existing = auto.clone();
                matched = true;
            }
        }
        if !matched {
            list.push(auto);
        }
    }
    list
}

/// `Toleration.ToleratesTaint`: empty effect matches every effect, empty key every key; Equal
/// (or no operator) compares values, Exists ignores them. Gt/Lt (alpha, gated off by default)
/// and unknown operators tolerate nothing.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = text(&toleration.effect);
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = text(&toleration.key);
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match text(&toleration.operator) {
        "" | "Equal" => text(&toleration.value) == text(&taint.value),
        "Exists" => true,
        _ => false,
    }
}

fn untolerated<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    effects: &[&str],
) -> Option<&'a Taint> {
    taints.iter().find(|taint| {
        effects.contains(&taint.effect.as_str()) && !tolerations.iter().any(|t| tolerates(t, taint))
    })
}

/// Whether the DaemonSet controller wants a pod built from `pod` (the template's spec) on `node`.
pub fn evaluate(pod: &PodSpec, node: &Node) -> Eligibility {
    let excluded = |exclusion: Exclusion, keep: bool| Eligibility {
        should_run: false,
        should_continue_running: keep,
        exclusion: Some(exclusion),
    };
    let node_name = node.metadata.name.as_deref().unwrap_or("");
    if let Some(wanted) = pod.node_name.as_deref().filter(|n| !n.is_empty()) {
        if wanted != node_name {
            return excluded(
                Exclusion::NodeName {
                    wanted: wanted.into(),
                },
                false,
            );
        }
    }
    if let Some(exclusion) = check_node_affinity(pod, node) {
        return excluded(exclusion, false);
    }
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_deref())
        .unwrap_or_default();
    let tolerations = effective_tolerations(pod);
    if let Some(taint) = untolerated(taints, &tolerations, &["NoSchedule", "NoExecute"]) {
        let keep = untolerated(taints, &tolerations, &["NoExecute"]).is_none();
        return excluded(
            Exclusion::Taint {
                key: taint.key.clone(),
                value: taint.value.clone().filter(|v| !v.is_empty()),
                effect: taint.effect.clone(),
            },
            keep,
        );
    }
    Eligibility {
        should_run: true,
        should_continue_running: true,
        exclusion: None,
    }
}

/// `RequiredNodeAffinity.Match`: the nodeSelector, then the required node affinity terms.
fn check_node_affinity(pod: &PodSpec, node: &Node) -> Option<Exclusion> {
    static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
    for (key, wanted) in pod.node_selector.iter().flatten() {
        let actual = labels.get(key);
        if actual != Some(wanted) {
            return Some(Exclusion::NodeSelector {
                key: key.clone(),
                wanted: wanted.clone(),
                actual: actual.cloned(),
            });
        }
    }
    let required = required_node_affinity(pod)?;
    let node_name = node.metadata.name.as_deref().unwrap_or("");
    match_node_selector(required, labels, node_name).err()
}

/// The pod's required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`), if any.
pub fn required_node_affinity(pod: &PodSpec) -> Option<&NodeSelector> {
    pod.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()
}

/// Why one term does not match: the expression as written and what the node has for its key.
struct TermFailure {
    what: String,
    /// (key, the node's value) for the failing expression; `None` for a term that fails to parse.
    node_value: Option<(String, Option<String>)>,
}

/// `LazyErrorNodeSelector.Match`: terms are ORed, empty terms skipped (none left: no match),
/// a term that fails to parse never matches.
pub fn match_node_selector(
    selector: &NodeSelector,
    labels: &BTreeMap<String, String>,
    node_name: &str,
) -> Result<(), Exclusion> {
    let mut failures = Vec::new();
    for (i, term) in selector.node_selector_terms.iter().enumerate() {
        if is_empty_term(term) {
            continue;
        }
        match match_term(i, term, labels, node_name) {
            None => return Ok(()),
            Some(failure) => failures.push(failure),
        }
    }
    if failures.is_empty() {
        return Err(Exclusion::NodeAffinity {
            detail: "no non-empty nodeSelectorTerms, so no node matches".into(),
            node_has: String::new(),
        });
    }
    let detail = failures
        .iter()
        .map(|f| f.what.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    let mut values: Vec<&(String, Option<String>)> = failures
        .iter()
        .filter_map(|f| f.node_value.as_ref())
        .collect();
    values.dedup();
    let node_has = match values.as_slice() {
        [] => String::new(),
        [(_, value)] if failures.len() == 1 => {
            format!("node has {}", value.as_deref().unwrap_or("none"))
        }
        many => {
            let parts: Vec<String> = many
                .iter()
                .map(|(key, value)| match value {
                    Some(value) => format!("{key}={value}"),
                    None => format!("no {key}"),
                })
                .collect();
            format!("node has {}", parts.join(", "))
        }
    };
    Err(Exclusion::NodeAffinity { detail, node_has })
}

fn is_empty_term(term: &NodeSelectorTerm) -> bool {
    term.match_expressions.as_ref().is_none_or(Vec::is_empty)
        && term.match_fields.as_ref().is_none_or(Vec::is_empty)
}

fn describe(req: &NodeSelectorRequirement) -> String {
    let values = req.values.as_deref().unwrap_or_default();
    match req.operator.as_str() {
        "Exists" | "DoesNotExist" if values.is_empty() => format!("{} {}", req.key, req.operator),
        "Gt" | "Lt" if values.len() == 1 => format!("{} {} {}", req.key, req.operator, values[0]),
        _ => format!("{} {} [{}]", req.key, req.operator, values.join(",")),
    }
}

/// `None` when the term matches the node.
fn match_term(
    index: usize,
    term: &NodeSelectorTerm,
    labels: &BTreeMap<String, String>,
    node_name: &str,
) -> Option<TermFailure> {
    let expressions = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    let mut errors: Vec<String> = expressions
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            parse_label_requirement(r)
                .err()
                .map(|e| format!("matchExpressions[{i}]: {e}"))
        })
        .collect();
    errors.extend(fields.iter().enumerate().filter_map(|(i, r)| {
        parse_field_requirement(r)
            .err()
            .map(|e| format!("matchFields[{i}]: {e}"))
    }));
    if !errors.is_empty() {
        return Some(TermFailure {
            what: format!(
                "nodeSelectorTerms[{index}] is invalid ({}) and matches nothing",
                errors.join("; ")
            ),
            node_value: None,
        });
    }
    for req in expressions {
        let actual = labels.get(&req.key);
        if !label_requirement_matches(req, actual.map(String::as_str)) {
            return Some(TermFailure {
                what: describe(req),
                node_value: Some((req.key.clone(), actual.cloned())),
            });
        }
    }
    for req in fields {
        // The only node field is metadata.name; other keys read as "" (the API server rejects them).
        let actual = (req.key == "metadata.name").then_some(node_name);
        let value = req.values.as_deref().unwrap_or_default()[0].as_str();
        let equal = actual.unwrap_or("") == value;
        if equal != (req.operator == "In") {
            return Some(TermFailure {
                what: describe(req),
                node_value: Some((req.key.clone(), actual.map(str::to_string))),
            });
        }
    }
    None
}

/// `labels.NewRequirement` via `nodeSelectorRequirementsAsSelector`: a valid label key, a known
/// operator with the right number of values, integer values for Gt/Lt, valid label values.
fn parse_label_requirement(req: &NodeSelectorRequirement) -> Result<(), String> {
    let values = req.values.as_deref().unwrap_or_default();
    let mut errors = Vec::new();
    if let Err(e) = validate_label_key(&req.key) {
        errors.push(format!("key {:?}: {e}", req.key));
    }
    match req.operator.as_str() {
        "In" | "NotIn" if values.is_empty() => {
            errors.push(format!("{} needs at least one value", req.operator))
        }
        "Exists" | "DoesNotExist" if !values.is_empty() => {
            errors.push(format!("{} takes no values", req.operator))
        }
        "Gt" | "Lt" => {
            if values.len() != 1 {
                errors.push(format!("{} needs exactly one value", req.operator));
            }
            for value in values {
                if value.parse::<i64>().is_err() {
                    errors.push(format!("{value:?} is not an integer"));
                }
            }
        }
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        other => errors.push(format!("unknown operator {other:?}")),
    }
    for value in values {
        if let Err(e) = validate_label_value(value) {
            errors.push(format!("value {value:?}: {e}"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join(", "))
    }
}

/// `nodeSelectorRequirementsAsFieldSelector`: In or NotIn with exactly one value.
fn parse_field_requirement(req: &NodeSelectorRequirement) -> Result<(), String> {
    match req.operator.as_str() {
        "In" | "NotIn" => match req.values.as_deref().unwrap_or_default().len() {
            1 => Ok(()),
            n => Err(format!(
                "{} on a field needs exactly one value, not {n}",
                req.operator
            )),
        },
        other => Err(format!(
            "operator {other:?} is not supported on fields (only In, NotIn)"
        )),
    }
}

/// `labels.Requirement.Matches` for one parsed requirement and the node's value for its key.
fn label_requirement_matches(req: &NodeSelectorRequirement, actual: Option<&str>) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    let listed = |v: &str| values.iter().any(|w| w == v);
    match (req.operator.as_str(), actual) {
        ("In", Some(v)) => listed(v),
        ("In", None) => false,
        ("NotIn", Some(v)) => !listed(v),
        ("NotIn", None) => true,
        ("Exists", a) => a.is_some(),
        ("DoesNotExist", a) => a.is_none(),
        (op @ ("Gt" | "Lt"), Some(v)) => {
            let (Ok(have), Some(Ok(want))) =
                (v.parse::<i64>(), values.first().map(|w| w.parse::<i64>()))
            else {
                return false;
            };
            if op == "Gt" {
                have > want
            } else {
                have < want
            }
        }
        _ => false,
    }
}

fn is_name_part(text: &str, max: usize) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= max
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub(crate) fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            let bytes = label.as_bytes();
            !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                && bytes[0] != b'-'
                && bytes[bytes.len() - 1] != b'-'
        })
}

/// A qualified name: `[prefix/]name`, prefix a DNS subdomain, name up to 63 characters.
pub(crate) fn validate_label_key(key: &str) -> Result<(), &'static str> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if !is_dns_subdomain(prefix) {
            return Err("the prefix must be a DNS subdomain");
        }
    }
    if !is_name_part(name, 63) {
        return Err("not a valid label name");
    }
    Ok(())
}

/// Empty, or up to 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric.
pub(crate) fn validate_label_value(value: &str) -> Result<(), &'static str> {
    if value.is_empty() || is_name_part(value, 63) {
        Ok(())
    } else {
        Err("not a valid label value")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn pod(mut spec: Value) -> PodSpec {
        spec["containers"] = json!([{"name": "a", "image": "a:1"}]);
        serde_json::from_value(spec).unwrap()
    }

    fn node(name: &str, labels: Value, taints: Value) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"taints": taints},
        }))
        .unwrap()
    }

    fn plain(name: &str) -> Node {
        node(
            name,
            json!({"zone": "a", "cores": "8", "kubernetes.io/os": "linux"}),
            json!([]),
        )
    }

    fn affinity(terms: Value) -> PodSpec {
        pod(json!({"affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
        }}}))
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> Value {
        json!({"matchExpressions": [{"key": key, "operator": op, "values": values}]})
    }

    #[test]
    fn every_affinity_operator() {
        let cases = [
            (expr("zone", "In", &["a", "b"]), true),
            (expr("zone", "In", &["b"]), false),
            (expr("missing", "In", &["a"]), false),
            (expr("zone", "NotIn", &["b"]), true),
            (expr("zone", "NotIn", &["a"]), false),
            (expr("missing", "NotIn", &["a"]), true),
            (expr("zone", "Exists", &[]), true),
            (expr("missing", "Exists", &[]), false),
            (expr("zone", "DoesNotExist", &[]), false),
            (expr("missing", "DoesNotExist", &[]), true),
            (expr("cores", "Gt", &["4"]), true),
            (expr("cores", "Gt", &["8"]), false),
            (expr("cores", "Lt", &["16"]), true),
            (expr("cores", "Lt", &["8"]), false),
            (expr("missing", "Gt", &["1"]), false),
            // the node's value is not an integer: no match
            (expr("zone", "Gt", &["1"]), false),
            (expr("zone", "Lt", &["1"]), false),
            // malformed requirements: the term never matches
            (expr("cores", "Gt", &["four"]), false),
            (expr("cores", "Gt", &["1", "2"]), false),
            (expr("zone", "In", &[]), false),
            (expr("zone", "Exists", &["a"]), false),
            (expr("missing", "NotIn", &["bad value!"]), false),
            (expr("Bad Key", "DoesNotExist", &[]), false),
            (expr("zone", "Equals", &["a"]), false),
        ];
        for (term, want) in cases {
            let got = evaluate(&affinity(json!([term.clone()])), &plain("n1"));
            assert_eq!(got.should_run, want, "{term}: {:?}", got.exclusion);
            assert_eq!(got.should_continue_running, want, "{term}");
            assert_eq!(got.exclusion.is_none(), want, "{term}");
        }
    }

    #[test]
    fn match_fields_only_name_with_one_value() {
        let fields = |op: &str, values: &[&str]| json!({"matchFields": [{"key": "metadata.name", "operator": op, "values": values}]});
        let cases = [
            (fields("In", &["n1"]), true),
            (fields("In", &["n2"]), false),
            (fields("NotIn", &["n2"]), true),
            (fields("NotIn", &["n1"]), false),
            (fields("In", &["n1", "n2"]), false),
            (fields("In", &[]), false),
            (fields("Exists", &[]), false),
            (
                json!({"matchFields": [{"key": "metadata.uid", "operator": "In", "values": ["n1"]}]}),
                false,
            ),
            // fields and expressions in one term are ANDed
            (
                json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}],
                       "matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}),
                false,
            ),
        ];
        for (term, want) in cases {
            let got = evaluate(&affinity(json!([term.clone()])), &plain("n1"));
            assert_eq!(got.should_run, want, "{term}: {:?}", got.exclusion);
        }
    }

    #[test]
    fn terms_are_ored_and_empty_terms_skipped() {
        let bad = expr("zone", "In", &["b"]);
        let good = expr("zone", "In", &["a"]);
        let invalid = expr("cores", "Gt", &["x"]);
        let cases = [
            (json!([bad.clone(), good.clone()]), true),
            (json!([invalid.clone(), good.clone()]), true),
            (json!([invalid.clone()]), false),
            (json!([{}, good.clone()]), true),
            (json!([{}]), false),
            (json!([{"matchExpressions": [], "matchFields": []}]), false),
            (json!([]), false),
            (json!([bad.clone()]), false),
        ];
        for (terms, want) in cases {
            let got = evaluate(&affinity(terms.clone()), &plain("n1"));
            assert_eq!(got.should_run, want, "{terms}: {:?}", got.exclusion);
        }
        // within a term expressions are ANDed
        let both = json!([{"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a"]},
            {"key": "cores", "operator": "Lt", "values": ["4"]},
        ]}]);
        assert!(!evaluate(&affinity(both), &plain("n1")).should_run);
        // no required affinity at all: everything matches
        let none = pod(json!({"affinity": {"nodeAffinity": {}}}));
        assert!(evaluate(&none, &plain("n1")).should_run);
    }

    #[test]
    fn node_name_and_node_selector() {
        let pinned = pod(json!({"nodeName": "n2"}));
        let got = evaluate(&pinned, &plain("n1"));
        assert_eq!(
            (got.should_run, got.should_continue_running),
            (false, false)
        );
        assert!(evaluate(&pinned, &plain("n2")).should_run);

        let windows = pod(json!({"nodeSelector": {"kubernetes.io/os": "windows"}}));
        let got = evaluate(&windows, &plain("n1"));
        assert_eq!(
            (got.should_run, got.should_continue_running),
            (false, false)
        );
        assert_eq!(
            got.exclusion.unwrap().to_string(),
            "nodeSelector kubernetes.io/os=windows (node has linux)"
        );
        let ssd = pod(json!({"nodeSelector": {"disktype": "ssd", "zone": "a"}}));
        assert_eq!(
            evaluate(&ssd, &plain("n1")).exclusion.unwrap().to_string(),
            "nodeSelector disktype=ssd (node has none)"
        );
        let empty_value = pod(json!({"nodeSelector": {"flag": ""}}));
        assert!(!evaluate(&empty_value, &plain("n1")).should_run);
        let flagged = node("n1", json!({"flag": ""}), json!([]));
        assert!(evaluate(&empty_value, &flagged).should_run);
    }

    #[test]
    fn affinity_messages_name_the_failing_expression() {
        let got = evaluate(
            &affinity(json!([expr("zone", "In", &["b", "c"])])),
            &plain("n1"),
        );
        let exclusion = got.exclusion.unwrap();
        assert_eq!(
            exclusion.to_string(),
            "required node affinity: zone In [b,c] (node has a)"
        );
        let other = evaluate(
            &affinity(json!([expr("zone", "In", &["b", "c"])])),
            &node("n2", json!({"zone": "d"}), json!([])),
        )
        .exclusion
        .unwrap();
        assert_eq!(exclusion.group_key(), other.group_key());
        let two = evaluate(
            &affinity(json!([
                expr("zone", "In", &["b"]),
                expr("gpu", "Exists", &[])
            ])),
            &plain("n1"),
        );
        assert_eq!(
            two.exclusion.unwrap().to_string(),
            "required node affinity: zone In [b] or gpu Exists (node has zone=a, no gpu)"
        );
    }

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Value {
        json!({"key": key, "value": value, "effect": effect})
    }

    /// Each case: (pod, taints, should_run, should_continue_running); excluded exactly when it
    /// should not run.
    fn check_taints(cases: &[(&PodSpec, Value, bool, bool)]) {
        for (pod, taints, run, keep) in cases {
            let got = evaluate(pod, &node("n1", json!({}), taints.clone()));
            assert_eq!(
                (got.should_run, got.should_continue_running),
                (*run, *keep),
                "{taints}"
            );
            assert_eq!(got.exclusion.is_none(), *run);
        }
    }

    #[test]
    fn taints_and_continue_running() {
        let plain_pod = pod(json!({}));
        let tolerate_cp = pod(json!({"tolerations": [
            {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}
        ]}));
        let tolerate_all = pod(json!({"tolerations": [{"operator": "Exists"}]}));
        let cp = taint("node-role.kubernetes.io/control-plane", None, "NoSchedule");
        check_taints(&[
            (&plain_pod, json!([cp.clone()]), false, true),
            (&tolerate_cp, json!([cp.clone()]), true, true),
            (
                &tolerate_all,
                json!([cp.clone(), taint("x", Some("y"), "NoExecute")]),
                true,
                true,
            ),
            (
                &plain_pod,
                json!([taint("x", Some("y"), "PreferNoSchedule")]),
                true,
                true,
            ),
            (
                &plain_pod,
                json!([taint("x", Some("y"), "NoExecute")]),
                false,
                false,
            ),
            (
                &plain_pod,
                json!([cp.clone(), taint("x", None, "NoExecute")]),
                false,
                false,
            ),
        ]);
        let got = evaluate(&plain_pod, &node("n1", json!({}), json!([cp])));
        assert_eq!(
            got.exclusion.unwrap().to_string(),
            "taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated"
        );
    }

    #[test]
    fn node_condition_taints_are_tolerated_as_the_daemonset_controller_does() {
        let plain_pod = pod(json!({}));
        let host_net = pod(json!({"hostNetwork": true}));
        let condition = |key: &str, effect: &str| json!([taint(key, None, effect)]);
        check_taints(&[
            // cordoned: the unschedulable taint is tolerated automatically
            (
                &plain_pod,
                condition("node.kubernetes.io/unschedulable", "NoSchedule"),
                true,
                true,
            ),
            // NotReady: keeps running pods (NoExecute tolerated) but gets no new one
            (
                &plain_pod,
                json!([
                    taint("node.kubernetes.io/not-ready", None, "NoSchedule"),
                    taint("node.kubernetes.io/not-ready", None, "NoExecute")
                ]),
                false,
                true,
            ),
            (
                &plain_pod,
                condition("node.kubernetes.io/unreachable", "NoExecute"),
                true,
                true,
            ),
            (
                &plain_pod,
                condition("node.kubernetes.io/memory-pressure", "NoSchedule"),
                true,
                true,
            ),
            (
                &plain_pod,
                condition("node.kubernetes.io/disk-pressure", "NoSchedule"),
                true,
                true,
            ),
            (
                &plain_pod,
                condition("node.kubernetes.io/pid-pressure", "NoSchedule"),
                true,
                true,
            ),
            // network-unavailable is tolerated only with hostNetwork
            (
                &plain_pod,
                condition("node.kubernetes.io/network-unavailable", "NoSchedule"),
                false,
                true,
            ),
            (
                &host_net,
                condition("node.kubernetes.io/network-unavailable", "NoSchedule"),
                true,
                true,
            ),
        ]);
    }

    #[test]
    fn toleration_matching() {
        let tol = |v: Value| -> Toleration { serde_json::from_value(v).unwrap() };
        let t: Taint = serde_json::from_value(taint("k", Some("v"), "NoSchedule")).unwrap();
        let cases = [
            (json!({"operator": "Exists"}), true),
            (json!({"key": "k", "operator": "Exists"}), true),
            (
                json!({"key": "k", "operator": "Exists", "value": "other"}),
                true,
            ),
            (json!({"key": "k", "operator": "Equal", "value": "v"}), true),
            (json!({"key": "k", "value": "v"}), true),
            (json!({"key": "k", "value": "w"}), false),
            (json!({"key": "k"}), false),
            (json!({"key": "j", "operator": "Exists"}), false),
            (
                json!({"key": "k", "operator": "Exists", "effect": "NoSchedule"}),
                true,
            ),
            (
                json!({"key": "k", "operator": "Exists", "effect": "NoExecute"}),
                false,
            ),
            (
                json!({"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}),
                true,
            ),
            (json!({"key": "k", "operator": "Gt", "value": "1"}), false),
        ];
        for (t_json, want) in cases {
            assert_eq!(tolerates(&tol(t_json.clone()), &t), want, "{t_json}");
        }
    }

    #[test]
    fn automatic_tolerations_replace_identical_user_ones() {
        let spec = pod(json!({"tolerations": [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "value": "x", "tolerationSeconds": 30},
            {"key": "custom", "operator": "Exists"},
        ]}));
        let list = effective_tolerations(&spec);
        assert_eq!(list.len(), 3 + 5);
        assert_eq!(list[0].key.as_deref(), Some("node.kubernetes.io/not-ready"));
        assert_eq!(
            list[0].toleration_seconds, None,
            "replaced, seconds dropped"
        );
        assert_eq!(
            list[1].toleration_seconds,
            Some(30),
            "differs in value: kept"
        );
        assert_eq!(list[2].key.as_deref(), Some("custom"));
        assert!(list
            .iter()
            .all(|t| t.key.as_deref() != Some("node.kubernetes.io/network-unavailable")));
        assert_eq!(controller_tolerations(false).len(), 6);
        let with_net = controller_tolerations(true);
        assert_eq!(with_net.len(), 7);
        assert_eq!(
            with_net[6].key.as_deref(),
            Some("node.kubernetes.io/network-unavailable")
        );
        let plain_list = effective_tolerations(&pod(json!({})));
        assert_eq!(plain_list, controller_tolerations(false));
    }

    #[test]
    fn group_keys_ignore_the_nodes_own_values() {
        let spec = pod(json!({"nodeSelector": {"kubernetes.io/os": "windows"}}));
        let a = evaluate(&spec, &plain("n1")).exclusion.unwrap();
        let b = evaluate(&spec, &node("n2", json!({}), json!([])))
            .exclusion
            .unwrap();
        assert_ne!(a.to_string(), b.to_string());
        assert_eq!(a.group_key(), b.group_key());
        assert_eq!(a.summary(), "nodeSelector kubernetes.io/os=windows");
        assert_eq!(a.field(), "nodeSelector");
    }
}
