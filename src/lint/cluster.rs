//! DS4xx: rules that need the cluster (`--cluster`): what the nodes, pods, PriorityClasses,
//! ServiceAccounts and the DaemonSet's namespace in reach say about the DaemonSet. Objects of those
//! kinds in the input count as present too.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use super::context::{Ctx, POD};
use super::{Hit, Needs, Rule, Severity};
use crate::manifest::key_path;
use crate::placement::admission::{self, AdmissionFacts};
use crate::placement::plan::PodIndex;
use crate::placement::pod_security::{self, Enforcement, Violation};
use crate::placement::ports::{self, HostPort};
use crate::placement::{evaluate, fits, pod_requests, Eligibility, Exclusion, Shortfall};

pub const RULES: &[Rule] = &[
    Rule {
        id: "DS401",
        name: "uncovered-nodes",
        severity: Severity::Warning,
        needs: Needs::Cluster,
        summary: "some nodes will not run the DaemonSet (untolerated taints, nodeSelector or node affinity)",
        description: "The DaemonSet controller creates a pod only on nodes whose labels match the \
                      template's nodeSelector and required node affinity and whose NoSchedule and \
                      NoExecute taints are all tolerated (it adds tolerations only for node \
                      conditions such as not-ready or unschedulable). Node agents usually must run \
                      everywhere, so a control-plane taint or a too narrow selector silently leaves \
                      nodes uncovered; DESIRED counts only the nodes that match.",
        remediation: "add tolerations for the listed taints (or `- operator: Exists` to run on every node), or widen nodeSelector/affinity; if the exclusion is intended, suppress DS401 with the lint.kubectl-ds.io/ignore annotation",
        check: uncovered_nodes,
    },
    Rule {
        id: "DS402",
        name: "missing-priority-class",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "priorityClassName names a PriorityClass that does not exist",
        description: "The Priority admission plugin rejects pods whose priorityClassName does not \
                      exist, so the controller's pod creations fail and the DaemonSet stays at 0 \
                      pods (with FailedCreate events). system-node-critical and \
                      system-cluster-critical always exist.",
        remediation: "create the PriorityClass first (or apply it with the DaemonSet), fix the name, or use system-node-critical for node agents",
        check: missing_priority_class,
    },
    Rule {
        id: "DS403",
        name: "missing-service-account",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "serviceAccountName names a ServiceAccount that does not exist in the namespace",
        description: "Pods may only use a ServiceAccount of their own namespace that exists; the \
                      ServiceAccount admission plugin rejects them otherwise, so the controller \
                      cannot create any pod. Only \"default\" is created automatically.",
        remediation: "create the ServiceAccount in the DaemonSet's namespace (or apply it with the DaemonSet), or fix serviceAccountName",
        check: missing_service_account,
    },
    Rule {
        id: "DS404",
        name: "requests-exceed-node",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "the pod requests more than some eligible node can allocate",
        description: "The controller creates a pod on every eligible node regardless of resources, \
                      but the scheduler then refuses nodes whose allocatable capacity is below the \
                      pod's requests (the larger of the containers' sum and each init container, \
                      plus overhead; a limit without a request counts as the request). Those pods \
                      stay Pending for good and the rollout never completes.",
        remediation: "lower the requests to fit the smallest node, or keep the DaemonSet off those nodes with a nodeSelector or node affinity",
        check: requests_exceed_node,
    },
    Rule {
        id: "DS405",
        name: "host-port-taken",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "a host port is already used on an eligible node by another pod",
        description: "A hostPort (every containerPort with hostNetwork) can be bound by only one pod \
                      per node, address and protocol; the scheduler leaves the DaemonSet's pod \
                      Pending on nodes where another pod holds it.",
        remediation: "pick a free port, or remove the other workload's use of it from those nodes",
        check: host_port_taken,
    },
    Rule {
        id: "DS406",
        name: "pod-security-rejected",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "the namespace's Pod Security enforce level rejects the pod template",
        description: "A namespace labelled pod-security.kubernetes.io/enforce: baseline or \
                      restricted (optionally with enforce-version: v1.N or latest) makes the API \
                      server reject, at creation, every pod that fails a check of that level and \
                      version. The DaemonSet itself is accepted (kubectl apply only prints a \
                      warning), but each pod the controller creates is refused: FailedCreate \
                      events, DESIRED counts the nodes and CURRENT stays 0. The checks are the \
                      upstream Pod Security Standards (pod-security-admission's policy checks); \
                      the message lists each failed check as the server words it and the finding \
                      points at the first offending field. The labels come from a Namespace in \
                      the input when there is one (it is what will be applied), else from the \
                      cluster; a namespace in neither is not judged. Exemptions and defaults in \
                      the API server's admission configuration cannot be read by a client and are \
                      not considered.",
        remediation: "change the template to meet the level (each failed check is named with its field), or run the agent in a namespace whose level allows it; node agents that need the host (hostNetwork, hostPath, privileged) belong in a namespace labelled pod-security.kubernetes.io/enforce: privileged",
        check: pod_security_rejected,
    },
    Rule {
        id: "DS407",
        name: "pod-security-warning",
        severity: Severity::Warning,
        needs: Needs::Cluster,
        summary: "the namespace's Pod Security warn or audit level flags the pod template",
        description: "The pod-security.kubernetes.io/warn and audit labels (with their -version \
                      labels) do not reject pods: for warn the API server answers with warnings \
                      (kubectl apply of the DaemonSet prints `Warning: would violate PodSecurity \
                      ...`), for audit it records the violation in the audit log. The pods are \
                      created, but a namespace usually warns at the level it is about to enforce, \
                      and then they will be rejected. Reported only when the enforce level admits \
                      the pods (DS406 covers the rest); warn left unset follows a stricter enforce \
                      level, as the server does.",
        remediation: "change the template to meet the level before the namespace enforces it (each failed check is named with its field), or move the agent to a namespace whose level allows it",
        check: pod_security_warning,
    },
    Rule {
        id: "DS408",
        name: "runtime-class-rejected",
        severity: Severity::Error,
        needs: Needs::Cluster,
        summary: "runtimeClassName names a RuntimeClass that does not exist, or contradicts it",
        description: "The RuntimeClass admission plugin rejects a pod whose runtimeClassName names \
                      no RuntimeClass, whose overhead differs from the class's overhead.podFixed, \
                      or whose nodeSelector sets a key of the class's scheduling.nodeSelector to \
                      another value: the controller's creates fail (FailedCreate events) and the \
                      DaemonSet has 0 pods. A class that exists adds its overhead to the pod's \
                      requests and its nodeSelector to the pod, but the controller picks nodes from \
                      the template alone, so on nodes without the class's labels the pods stay \
                      Pending (kubectl ds plan shows them).",
        remediation: "create the RuntimeClass first (or apply it with the DaemonSet), fix the name, \
                      or drop the template's own overhead and the nodeSelector keys the class sets",
        check: runtime_class_rejected,
    },
];

/// How many node names a message lists before "and N more".
const LISTED: usize = 5;

fn node_name(node: &Node) -> &str {
    node.metadata.name.as_deref().unwrap_or("")
}

fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<&str> = names.iter().take(LISTED).map(AsRef::as_ref).collect();
    let mut text = shown.join(", ");
    if names.len() > LISTED {
        text.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    text
}

/// Every node of the cluster with the controller's verdict for this DaemonSet.
fn verdicts<'a>(ctx: &Ctx<'a>) -> Vec<(&'a Node, Eligibility)> {
    let pod = ctx.pod();
    ctx.cluster
        .map(|c| c.nodes.iter().map(|n| (n, evaluate(pod, n))).collect())
        .unwrap_or_default()
}

fn eligible_nodes<'a>(ctx: &Ctx<'a>) -> Vec<&'a Node> {
    verdicts(ctx)
        .into_iter()
        .filter(|(_, e)| e.should_run)
        .map(|(n, _)| n)
        .collect()
}

/// Whether the input defines an object of this kind and name (in `namespace`, when given).
fn in_input(ctx: &Ctx, kind: &str, name: &str, namespace: Option<&str>) -> bool {
    ctx.input.others.iter().any(|o| {
        o.kind == kind
            && o.name == name
            && namespace.is_none_or(|ns| {
                o.namespace
                    .as_deref()
                    .unwrap_or(&ctx.input.default_namespace)
                    == ns
            })
    })
}

/// Nodes excluded for one reason.
struct Group<'a> {
    exclusions: Vec<(&'a str, Exclusion)>,
}

impl Group<'_> {
    /// The reason as the nodes share it: with the node's value if all agree, else without.
    fn label(&self) -> String {
        let first = self.exclusions[0].1.to_string();
        if self.exclusions.iter().all(|(_, e)| e.to_string() == first) {
            first
        } else {
            self.exclusions[0].1.summary()
        }
    }

    fn describe(&self) -> String {
        let names: Vec<&str> = self.exclusions.iter().map(|(n, _)| *n).collect();
        format!("{} ({})", self.label(), list_names(&names))
    }
}

fn uncovered_nodes(ctx: &Ctx) -> Vec<Hit> {
    let verdicts = verdicts(ctx);
    let total = verdicts.len();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (node, verdict) in verdicts {
        if let Some(exclusion) = verdict.exclusion.filter(|_| !verdict.should_run) {
            groups
                .entry(exclusion.group_key())
                .or_insert_with(|| Group { exclusions: vec![] })
                .exclusions
                .push((node_name(node), exclusion));
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    // Largest groups first; ties in the order of their keys.
    groups.sort_by_key(|g| std::cmp::Reverse(g.exclusions.len()));
    let excluded: usize = groups.iter().map(|g| g.exclusions.len()).sum();
    if excluded == 0 {
        return vec![];
    }
    let field_of = |g: &Group| format!("{POD}.{}", g.exclusions[0].1.field());
    if excluded == total {
        let reasons: Vec<String> = groups.iter().map(Group::describe).collect();
        return vec![Hit::new(
            field_of(&groups[0]),
            format!(
                "none of the {total} nodes will run this DaemonSet, so DESIRED will be 0: {}",
                reasons.join("; ")
            ),
        )];
    }
    // One hit per template field, so each points at what to change.
    let mut by_field: Vec<(String, Vec<&Group>)> = Vec::new();
    for group in &groups {
        let field = field_of(group);
        match by_field.iter_mut().find(|(f, _)| *f == field) {
            Some((_, list)) => list.push(group),
            None => by_field.push((field, vec![group])),
        }
    }
    by_field
        .into_iter()
        .map(|(field, groups)| {
            let count: usize = groups.iter().map(|g| g.exclusions.len()).sum();
            let reasons: Vec<String> = groups.iter().map(|g| g.describe()).collect();
            Hit::new(
                field,
                format!(
                    "{count} of {total} nodes will not run this DaemonSet: {}",
                    reasons.join("; ")
                ),
            )
        })
        .collect()
}

/// PriorityClasses every cluster has.
const BUILTIN_PRIORITY_CLASSES: &[&str] = &["system-node-critical", "system-cluster-critical"];

fn missing_priority_class(ctx: &Ctx) -> Vec<Hit> {
    let Some(name) = ctx
        .pod()
        .priority_class_name
        .as_deref()
        .filter(|n| !n.is_empty())
    else {
        return vec![];
    };
    let Some(known) = ctx.cluster.and_then(|c| c.priority_classes.as_ref()) else {
        return vec![];
    };
    if BUILTIN_PRIORITY_CLASSES.contains(&name)
        || known.iter().any(|k| k == name)
        || in_input(ctx, "PriorityClass", name, None)
    {
        return vec![];
    }
    vec![Hit::new(
        format!("{POD}.priorityClassName"),
        format!(
            "PriorityClass {name:?} does not exist in the cluster or the input; pods are rejected \
             at admission and the DaemonSet will have 0 pods"
        ),
    )]
}

fn runtime_class_rejected(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod();
    let Some(name) = pod.runtime_class_name.as_deref().filter(|n| !n.is_empty()) else {
        return vec![];
    };
    let Some(classes) = ctx.cluster.and_then(|c| c.runtime_classes.as_ref()) else {
        return vec![];
    };
    let in_cluster = classes
        .iter()
        .any(|c| c.metadata.name.as_deref() == Some(name));
    if !in_cluster && in_input(ctx, "RuntimeClass", name, None) {
        return vec![];
    }
    let facts = AdmissionFacts::default().with_runtime_classes(classes);
    let Some(rejection) = admission::review(None, pod, &facts).rejection else {
        return vec![];
    };
    vec![Hit::new(
        format!("{POD}.runtimeClassName"),
        format!(
            "pods are rejected at creation (FailedCreate events, CURRENT stays 0): {rejection}"
        ),
    )]
}

fn missing_service_account(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod();
    let non_empty = |v: &Option<String>| v.clone().filter(|n| !n.is_empty());
    let (field, name) = match (
        non_empty(&pod.service_account_name),
        non_empty(&pod.service_account),
    ) {
        (Some(name), _) => ("serviceAccountName", name),
        (None, Some(name)) => ("serviceAccount", name),
        (None, None) => return vec![],
    };
    if name == "default" {
        return vec![];
    }
    let Some(known) = ctx.cluster.and_then(|c| c.service_accounts.as_ref()) else {
        return vec![];
    };
    let namespace = ctx.namespace();
    if known.iter().any(|(ns, n)| ns == namespace && *n == name)
        || in_input(ctx, "ServiceAccount", &name, Some(namespace))
    {
        return vec![];
    }
    vec![Hit::new(
        format!("{POD}.{field}"),
        format!(
            "ServiceAccount {name:?} does not exist in namespace {namespace:?} (cluster or input); \
             the controller cannot create any pod"
        ),
    )]
}

/// Where the template asks for `resource`: the first container requesting (or limiting) it,
/// else pod-level resources or overhead.
fn request_path(ctx: &Ctx, resource: &str) -> String {
    for container in ctx.containers() {
        let Some(resources) = container.container.resources.as_ref() else {
            continue;
        };
        for (kind, list) in [
            ("requests", &resources.requests),
            ("limits", &resources.limits),
        ] {
            if list.as_ref().is_some_and(|l| l.contains_key(resource)) {
                return key_path(&container.field(&format!("resources.{kind}")), resource);
            }
        }
    }
    let pod = ctx.pod();
    if pod
        .overhead
        .as_ref()
        .is_some_and(|o| o.contains_key(resource))
    {
        return key_path(&format!("{POD}.overhead"), resource);
    }
    if pod.resources.is_some() {
        return format!("{POD}.resources");
    }
    format!("{POD}.containers")
}

/// resource -> (the first shortfall, every node falling short with its own).
type ShortByResource<'a> = BTreeMap<String, (Shortfall, Vec<(&'a str, Shortfall)>)>;

fn requests_exceed_node(ctx: &Ctx) -> Vec<Hit> {
    let requests = pod_requests(ctx.pod());
    let eligible = eligible_nodes(ctx);
    let none = BTreeMap::new();
    let mut short: ShortByResource = BTreeMap::new();
    for node in &eligible {
        // A node that reports no allocatable at all is not judged.
        let Some(allocatable) = node.status.as_ref().and_then(|s| s.allocatable.as_ref()) else {
            continue;
        };
        for shortfall in fits(&requests, allocatable, &none, 0) {
            short
                .entry(shortfall.resource.clone())
                .or_insert_with(|| (shortfall.clone(), vec![]))
                .1
                .push((node_name(node), shortfall));
        }
    }
    short
        .into_iter()
        .map(|(resource, (first, mut nodes))| {
            nodes.sort_by(|a, b| a.1.available.cmp(&b.1.available).then(a.0.cmp(b.0)));
            let listed: Vec<String> = nodes
                .iter()
                .map(|(name, s)| format!("{name} ({})", s.available))
                .collect();
            let scope = format!("{} of {} eligible nodes", nodes.len(), eligible.len());
            if resource == "pods" {
                return Hit::new(
                    format!("{POD}.containers"),
                    format!(
                        "{scope} allow no pods (allocatable pods 0): {}; pods there stay Pending",
                        list_names(&listed)
                    ),
                );
            }
            Hit::new(
                request_path(ctx, &resource),
                format!(
                    "the pod requests {resource} {} but {scope} allocate less: {}; pods there stay Pending",
                    first.requested,
                    list_names(&listed)
                ),
            )
        })
        .collect()
}

/// Whether the pod belongs to the DaemonSet under check.
fn host_port_taken(ctx: &Ctx) -> Vec<Hit> {
    let ours = ports::host_ports(ctx.pod(), POD);
    let Some(pods) = ctx.cluster.and_then(|c| c.pods.as_ref()) else {
        return vec![];
    };
    if ours.is_empty() {
        return vec![];
    }
    // This DaemonSet's own pods hold its ports legitimately: they are the ones to be replaced.
    let own: Vec<String> = pods
        .owned_by(ctx.namespace(), ctx.subject.name())
        .iter()
        .map(|p| format!("{}/{}", ctx.namespace(), p.name))
        .collect();
    let held = |node: &str| -> Vec<(&str, &HostPort)> {
        pods.loads
            .get(node)
            .map(|load| {
                load.host_ports
                    .iter()
                    .filter(|(_, holder)| !own.contains(holder))
                    .map(|(port, holder)| (holder.as_str(), port))
                    .collect()
            })
            .unwrap_or_default()
    };
    let eligible = eligible_nodes(ctx);
    let mut hits = Vec::new();
    for (path, port) in &ours {
        let mut taken = Vec::new();
        for node in &eligible {
            let node = node_name(node);
            if let Some((holder, theirs)) = held(node)
                .into_iter()
                .find(|(_, theirs)| port.conflicts_with(theirs))
            {
                taken.push(format!("{node} by pod {holder} ({theirs})"));
            }
        }
        if !taken.is_empty() {
            hits.push(Hit::new(
                path.clone(),
                format!(
                    "host port {port} is already in use on {} of {} eligible nodes: {}; pods there stay Pending",
                    taken.len(),
                    eligible.len(),
                    list_names(&taken)
                ),
            ));
        }
    }
    hits
}

/// The labels of the DaemonSet's namespace: those of a Namespace in the input (what will be
/// applied), else the cluster's. `None` when neither has it, or the cluster's namespaces could not
/// be read (the rules are then off, as the command warned).
fn namespace_labels<'a>(ctx: &Ctx<'a>) -> Option<&'a BTreeMap<String, String>> {
    let known = ctx.cluster.and_then(|c| c.namespaces.as_ref())?;
    let name = ctx.namespace();
    ctx.input
        .others
        .iter()
        .find(|o| o.kind == "Namespace" && o.name == name)
        .and_then(|o| o.namespace_labels.as_ref())
        .or_else(|| known.get(name))
}

/// The checks of one mode's level and version the pod template fails.
fn template_violations(ctx: &Ctx, policy: &Enforcement) -> Vec<Violation> {
    let empty = ObjectMeta::default();
    let meta = ctx.ds().spec.template.metadata.as_ref().unwrap_or(&empty);
    pod_security::violations(policy.level, policy.version, meta, ctx.pod())
}

/// A violation's field is relative to the pod; the template sits at spec.template.
fn template_field(violation: &Violation) -> String {
    format!("spec.template.{}", violation.field)
}

fn pod_security_rejected(ctx: &Ctx) -> Vec<Hit> {
    let Some(labels) = namespace_labels(ctx) else {
        return vec![];
    };
    let policy = pod_security::namespace_policy(labels);
    let found = template_violations(ctx, &policy.enforce);
    let Some(first) = found.first() else {
        return vec![];
    };
    let mut message = format!(
        "pods are rejected at creation in namespace {:?} (FailedCreate events, CURRENT stays 0): {}",
        ctx.namespace(),
        pod_security::rejection_message(&policy.enforce, &found)
    );
    if !policy.label_errors.is_empty() {
        message.push_str(&format!(" ({})", policy.label_errors.join("; ")));
    }
    vec![Hit::new(template_field(first), message)]
}

fn pod_security_warning(ctx: &Ctx) -> Vec<Hit> {
    let Some(labels) = namespace_labels(ctx) else {
        return vec![];
    };
    let policy = pod_security::namespace_policy(labels);
    if !template_violations(ctx, &policy.enforce).is_empty() {
        return vec![];
    }
    let modes = [
        ("warns", policy.warn, "kubectl apply prints \"Warning: "),
        ("audits", policy.audit, "the audit log records \""),
    ];
    let mut hits = Vec::new();
    for (i, (mode, level, effect)) in modes.iter().enumerate() {
        // An audit level equal to warn's says nothing new.
        if i == 1 && *level == policy.warn {
            continue;
        }
        let found = template_violations(ctx, level);
        let Some(first) = found.first() else {
            continue;
        };
        hits.push(Hit::new(
            template_field(first),
            format!(
                "pods are created, but namespace {:?} {mode} at Pod Security {:?}: {effect}{}\"",
                ctx.namespace(),
                level.to_string(),
                pod_security::warning_message(level, &found)
            ),
        ));
    }
    hits
}

/// What was read from the cluster. A list the user may not read is `None`; its rules then stay
/// quiet (the command warns once) instead of guessing.
#[derive(Debug, Default, Clone)]
pub struct ClusterFacts {
    pub nodes: Vec<Node>,
    /// Pods folded per node (requests, host ports) with the DaemonSet-owned ones by owner.
    pub pods: Option<PodIndex>,
    pub priority_classes: Option<Vec<String>>,
    /// (namespace, name)
    pub service_accounts: Option<Vec<(String, String)>>,
    /// The labels of the namespaces the input's DaemonSets live in, by name; a namespace not in
    /// the map does not exist.
    pub namespaces: Option<BTreeMap<String, BTreeMap<String, String>>>,
    pub runtime_classes: Option<Vec<RuntimeClass>>,
}

impl ClusterFacts {
    /// Builds facts from object values (Nodes, Pods, PriorityClasses, ServiceAccounts, Namespaces), as test
    /// fixtures and offline dumps provide them. Lists of a kind not present stay empty, not `None`.
    pub fn from_objects(values: impl IntoIterator<Item = Value>) -> Result<ClusterFacts, String> {
        let mut facts = ClusterFacts {
            pods: Some(PodIndex::default()),
            priority_classes: Some(vec![]),
            service_accounts: Some(vec![]),
            namespaces: Some(BTreeMap::new()),
            runtime_classes: Some(vec![]),
            ..ClusterFacts::default()
        };
        for value in values {
            let kind = value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            match kind.as_str() {
                "Node" => facts
                    .nodes
                    .push(serde_json::from_value(value).map_err(|e| format!("Node {name}: {e}"))?),
                "Pod" => {
                    let pod: Pod =
                        serde_json::from_value(value).map_err(|e| format!("Pod {name}: {e}"))?;
                    facts.pods.get_or_insert_with(PodIndex::default).add(&pod);
                }
                "RuntimeClass" => facts.runtime_classes.get_or_insert_with(Vec::new).push(
                    serde_json::from_value(value)
                        .map_err(|e| format!("RuntimeClass {name}: {e}"))?,
                ),
                "PriorityClass" => facts
                    .priority_classes
                    .get_or_insert_with(Vec::new)
                    .push(name),
                "ServiceAccount" => {
                    let namespace = value
                        .pointer("/metadata/namespace")
                        .and_then(Value::as_str)
                        .unwrap_or("default")
                        .to_string();
                    facts
                        .service_accounts
                        .get_or_insert_with(Vec::new)
                        .push((namespace, name));
                }
                "Namespace" => {
                    let labels = value
                        .pointer("/metadata/labels")
                        .and_then(Value::as_object)
                        .map(|labels| {
                            labels
                                .iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                                .collect()
                        })
                        .unwrap_or_default();
                    facts
                        .namespaces
                        .get_or_insert_with(BTreeMap::new)
                        .insert(name, labels);
                }
                other => return Err(format!("unexpected kind {other:?} in cluster objects")),
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{check_family, lint_fixture, Case, BASELINE_CLUSTER};
    use crate::lint::Finding;

    /// A control-plane node, a plain worker and an SSD worker.
    const NODES: &str = r#"
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: kds-node-1, labels: {kubernetes.io/os: linux, disktype: ssd, node-role.kubernetes.io/control-plane: ""}}
  spec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: kds-node-2, labels: {kubernetes.io/os: linux}}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: kds-node-3, labels: {kubernetes.io/os: linux, disktype: ssd}}
  status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
"#;

    const ACCOUNTS: &str = r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
- {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: agents-high}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: agent, namespace: default}}
- {apiVersion: v1, kind: ServiceAccount, metadata: {name: agent-sa, namespace: monitoring}}
- {apiVersion: node.k8s.io/v1, kind: RuntimeClass, metadata: {name: kata}, handler: kata, overhead: {podFixed: {cpu: 250m}}, scheduling: {nodeSelector: {runtime: kata}}}
"#;

    /// node-exporter holds 9100 on node-1; the DaemonSet's own pod and a finished pod hold 9300.
    const PORTS: &str = r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
- {apiVersion: v1, kind: Node, metadata: {name: node-2}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
- apiVersion: v1
  kind: Pod
  metadata: {name: node-exporter-x1, namespace: kube-system}
  spec: {nodeName: node-1, containers: [{name: e, image: 'e:1', ports: [{containerPort: 9100, hostPort: 9100}]}]}
  status: {phase: Running}
- apiVersion: v1
  kind: Pod
  metadata:
    name: agent-abc
    namespace: monitoring
    ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: u1}]
  spec: {nodeName: node-1, containers: [{name: agent, image: 'a:1', ports: [{containerPort: 9300, hostPort: 9300}]}]}
  status: {phase: Running}
- apiVersion: v1
  kind: Pod
  metadata: {name: job-x, namespace: default}
  spec: {nodeName: node-2, containers: [{name: j, image: 'j:1', ports: [{containerPort: 9300, hostPort: 9300}]}]}
  status: {phase: Succeeded}
- apiVersion: v1
  kind: Pod
  metadata: {name: dns-x, namespace: kube-system}
  spec: {nodeName: node-2, containers: [{name: d, image: 'd:1', ports: [{containerPort: 53, hostPort: 53, hostIP: 10.0.0.2, protocol: UDP}]}]}
  status: {phase: Running}
"#;

    /// The baseline DaemonSet's namespace enforcing baseline and warning at restricted; another
    /// one enforcing restricted at 1.18 (before seccomp was required).
    const SECURED: &str = r#"
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
- apiVersion: v1
  kind: Namespace
  metadata: {name: monitoring, labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted}}
- apiVersion: v1
  kind: Namespace
  metadata: {name: legacy, labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.18}}
- {apiVersion: v1, kind: Namespace, metadata: {name: open}}
"#;

    const CASES: &[Case] = &[
        Case::with_cluster("DS401", "spec: {template: {spec: {tolerations: null}}}", "spec: {template: {spec: {tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]}}}", NODES),
        Case::with_cluster("DS401", "spec: {template: {spec: {tolerations: [{operator: Exists}], nodeSelector: {disktype: ssd}}}}", "spec: {template: {spec: {tolerations: [{operator: Exists}], nodeSelector: {kubernetes.io/os: linux}}}}", NODES),
        Case::with_cluster("DS401", "spec: {template: {spec: {tolerations: [{operator: Exists}], affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: disktype, operator: NotIn, values: [ssd]}]}]}}}}}}", "spec: {template: {spec: {tolerations: [{operator: Exists}], affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, values: [linux]}]}]}}}}}}", NODES),
        Case::with_cluster("DS402", "spec: {template: {spec: {priorityClassName: agents-critical}}}", "spec: {template: {spec: {priorityClassName: agents-high}}}", ACCOUNTS),
        Case::with_cluster("DS402", "spec: {template: {spec: {priorityClassName: system-node-critcal}}}", "spec: {template: {spec: {priorityClassName: system-node-critical}}}", ACCOUNTS),
        Case::with_cluster("DS402", "spec: {template: {spec: {priorityClassName: agents-critical}}}", "spec: {template: {spec: {priorityClassName: agents-critical}}}\n---\n{apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: agents-critical}, value: 1000000}", ACCOUNTS),
        Case::with_cluster("DS403", "spec: {template: {spec: {serviceAccountName: agent}}}", "spec: {template: {spec: {serviceAccountName: agent-sa}}}", ACCOUNTS),
        Case::with_cluster("DS403", "spec: {template: {spec: {serviceAccount: agent}}}", "spec: {template: {spec: {serviceAccount: default}}}", ACCOUNTS),
        Case::with_cluster("DS403", "spec: {template: {spec: {serviceAccountName: collector}}}\n---\n{apiVersion: v1, kind: ServiceAccount, metadata: {name: collector, namespace: other}}", "spec: {template: {spec: {serviceAccountName: collector}}}\n---\n{apiVersion: v1, kind: ServiceAccount, metadata: {name: collector, namespace: monitoring}}", ACCOUNTS),
        Case::with_cluster("DS404", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: '3'}}}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: '2'}}}]}}}", BASELINE_CLUSTER),
        Case::with_cluster("DS404", "spec: {template: {spec: {initContainers: [{name: warm, image: 'a:1', resources: {limits: {memory: 6Gi}}}]}}}", "spec: {template: {spec: {initContainers: [{name: warm, image: 'a:1', resources: {limits: {memory: 4Gi}}}]}}}", BASELINE_CLUSTER),
        Case::with_cluster("DS404", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {limits: {example.com/gpu: '1'}}}]}}}", "spec: {template: {spec: {nodeSelector: {gpu: 'true'}, containers: [{name: agent, image: 'a:1', resources: {limits: {example.com/gpu: '1'}}}]}}}", BASELINE_CLUSTER),
        Case::with_cluster("DS405", "spec: {template: {spec: {hostNetwork: true}}}", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', ports: [{containerPort: 9300}]}]}}}", PORTS),
        Case::with_cluster("DS405", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]}]}}}", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', ports: [{containerPort: 53, hostPort: 53, hostIP: 10.0.0.3, protocol: UDP}, {containerPort: 53, hostPort: 53}]}]}}}", PORTS),
        Case::with_cluster("DS408", "spec: {template: {spec: {runtimeClassName: gvisor}}}", "spec: {template: {spec: {runtimeClassName: kata}}}", ACCOUNTS),
        Case::with_cluster("DS408", "spec: {template: {spec: {runtimeClassName: kata, nodeSelector: {runtime: runc}}}}", "spec: {template: {spec: {runtimeClassName: gvisor}}}\n---\n{apiVersion: node.k8s.io/v1, kind: RuntimeClass, metadata: {name: gvisor}, handler: runsc}", ACCOUNTS),
        Case::with_cluster("DS406", "spec: {template: {spec: {hostNetwork: true}}}", "spec: {template: {spec: {hostNetwork: false}}}", SECURED),
        Case::with_cluster("DS406", "metadata: {namespace: legacy}\nspec: {template: {spec: {volumes: [{name: cache, nfs: {server: s, path: /}}]}}}", "metadata: {namespace: legacy}", SECURED),
        Case::with_cluster("DS406", "spec: {template: {spec: {hostPID: true}}}", "metadata: {namespace: open}\nspec: {template: {spec: {hostPID: true}}}", SECURED),
        Case::with_cluster("DS406", "metadata: {namespace: legacy}\nspec: {template: {spec: {volumes: [{name: h, hostPath: {path: /}}]}}}", "metadata: {namespace: legacy}\nspec: {template: {spec: {volumes: [{name: h, hostPath: {path: /}}]}}}\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: legacy, labels: {pod-security.kubernetes.io/enforce: privileged}}}", SECURED),
        Case::with_cluster("DS406", "metadata: {namespace: open}\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: open, labels: {pod-security.kubernetes.io/enforce: restricted}}}", "metadata: {namespace: missing}\nspec: {template: {spec: {hostPID: true}}}", SECURED),
        Case::with_cluster("DS407", "", "spec: {template: {spec: {securityContext: {seccompProfile: {type: RuntimeDefault}}}}}", SECURED),
        Case::with_cluster("DS407", "metadata: {namespace: open}\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: open, labels: {pod-security.kubernetes.io/audit: restricted}}}", "spec: {template: {spec: {hostNetwork: true}}}", SECURED),
    ];

    #[test]
    fn every_rule_has_a_failing_and_a_passing_fixture() {
        check_family(RULES, CASES);
    }

    fn only<'a>(findings: &'a [Finding], id: &str) -> Vec<&'a Finding> {
        findings.iter().filter(|f| f.rule_id == id).collect()
    }

    #[test]
    fn uncovered_nodes_are_grouped_by_reason() {
        let findings = lint_fixture(
            "spec: {template: {spec: {nodeSelector: {disktype: ssd}, tolerations: null}}}",
            Some(NODES),
        );
        let mut hits = only(&findings, "DS401");
        hits.sort_by(|a, b| a.field.cmp(&b.field));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].field, "spec.template.spec.nodeSelector");
        assert_eq!(
            hits[0].message,
            "1 of 3 nodes will not run this DaemonSet: nodeSelector disktype=ssd (node has none) (kds-node-2)"
        );
        assert_eq!(hits[1].field, "spec.template.spec.tolerations");
        assert_eq!(
            hits[1].message,
            "1 of 3 nodes will not run this DaemonSet: taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated (kds-node-1)"
        );

        let findings = lint_fixture(
            "spec: {template: {spec: {nodeSelector: {kubernetes.io/os: windows}}}}",
            Some(NODES),
        );
        let hits = only(&findings, "DS401");
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "none of the 3 nodes will run this DaemonSet, so DESIRED will be 0: nodeSelector kubernetes.io/os=windows (node has linux) (kds-node-1, kds-node-2, kds-node-3)"
        );
    }

    #[test]
    fn long_node_lists_are_cut() {
        assert_eq!(list_names(&["a", "b"]), "a, b");
        assert_eq!(
            list_names(&["a", "b", "c", "d", "e", "f", "g"]),
            "a, b, c, d, e and 2 more"
        );
    }

    #[test]
    fn messages_name_node_resource_and_holder() {
        let findings = lint_fixture(
            "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', resources: {requests: {cpu: '3', memory: 1Gi}}}]}}}",
            Some(BASELINE_CLUSTER),
        );
        let hits = only(&findings, "DS404");
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].field,
            "spec.template.spec.containers[0].resources.requests.cpu"
        );
        assert_eq!(
            hits[0].message,
            "the pod requests cpu 3 but 1 of 2 eligible nodes allocate less: node-1 (2); pods there stay Pending"
        );

        let findings = lint_fixture("spec: {template: {spec: {hostNetwork: true}}}", Some(PORTS));
        let hits = only(&findings, "DS405");
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].field,
            "spec.template.spec.containers[0].ports[0].hostPort"
        );
        assert_eq!(
            hits[0].message,
            "host port 9100/TCP is already in use on 1 of 2 eligible nodes: node-1 by pod kube-system/node-exporter-x1 (9100/TCP); pods there stay Pending"
        );
    }

    #[test]
    fn pod_security_findings_read_like_the_server_and_point_at_the_field() {
        let findings = lint_fixture(
            "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', securityContext: {privileged: true}}]}}}",
            Some(SECURED),
        );
        let hits = only(&findings, "DS406");
        assert_eq!(hits.len(), 1, "{findings:?}");
        assert_eq!(hits[0].field, "spec.template.spec.hostNetwork");
        assert_eq!(
            hits[0].message,
            "pods are rejected at creation in namespace \"monitoring\" (FailedCreate events, CURRENT stays 0): violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"agent\" must not set securityContext.privileged=true)"
        );
        assert!(only(&findings, "DS407").is_empty(), "DS406 covers it");

        let findings = lint_fixture("", Some(SECURED));
        let hits = only(&findings, "DS407");
        assert_eq!(hits.len(), 1, "{findings:?}");
        assert_eq!(
            hits[0].field,
            "spec.template.spec.containers[0].securityContext.seccompProfile"
        );
        assert_eq!(
            hits[0].message,
            "pods are created, but namespace \"monitoring\" warns at Pod Security \"restricted:latest\": kubectl apply prints \"Warning: would violate PodSecurity \"restricted:latest\": seccompProfile (pod or container \"agent\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")\""
        );
    }

    #[test]
    fn an_invalid_enforce_label_is_evaluated_as_restricted_and_said() {
        let findings = lint_fixture(
            "metadata: {namespace: open}\n---\n{apiVersion: v1, kind: Namespace, metadata: {name: open, labels: {pod-security.kubernetes.io/enforce: Baseline}}}",
            Some(SECURED),
        );
        let hits = only(&findings, "DS406");
        assert_eq!(hits.len(), 1, "{findings:?}");
        assert!(
            hits[0].message.contains("violates PodSecurity \"restricted:latest\": seccompProfile")
                && hits[0].message.ends_with(
                    "(namespace label pod-security.kubernetes.io/enforce=\"Baseline\" is invalid: must be one of privileged, baseline, restricted)"
                ),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn unreadable_namespaces_keep_the_pod_security_rules_quiet() {
        let fixture =
            crate::lint::testing::fixture("spec: {template: {spec: {hostNetwork: true}}}");
        let mut input = crate::lint::Input::new("default");
        for object in crate::manifest::parse_objects("f.yaml", &fixture).unwrap() {
            input.add(object).unwrap();
        }
        let mut facts = crate::lint::testing::cluster_facts(SECURED);
        let config = crate::lint::Config::default();
        let loud = crate::lint::lint(&input, &config, Some(&facts)).findings;
        assert_eq!(only(&loud, "DS406").len(), 1);
        facts.namespaces = None;
        let quiet = crate::lint::lint(&input, &config, Some(&facts)).findings;
        assert!(only(&quiet, "DS406").is_empty() && only(&quiet, "DS407").is_empty());
    }

    #[test]
    fn unreadable_lists_keep_their_rules_quiet() {
        let fixture = crate::lint::testing::fixture(
            "spec: {template: {spec: {hostNetwork: true, priorityClassName: nope, serviceAccountName: nope}}}",
        );
        let mut input = crate::lint::Input::new("default");
        for object in crate::manifest::parse_objects("f.yaml", &fixture).unwrap() {
            input.add(object).unwrap();
        }
        let mut facts = crate::lint::testing::cluster_facts(PORTS);
        let config = crate::lint::Config::default();
        let loud = crate::lint::lint(&input, &config, Some(&facts)).findings;
        for id in ["DS402", "DS403", "DS405"] {
            assert_eq!(only(&loud, id).len(), 1, "{id}");
        }
        facts.pods = None;
        facts.priority_classes = None;
        facts.service_accounts = None;
        let quiet = crate::lint::lint(&input, &config, Some(&facts)).findings;
        for id in ["DS402", "DS403", "DS405"] {
            assert!(only(&quiet, id).is_empty(), "{id}");
        }
    }
}
