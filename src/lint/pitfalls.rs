//! DS2xx: DaemonSet pitfalls that generic linters miss (../shared/reference/anchors.md).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Toleration;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::context::{ContainerRef, Ctx, Subject, POD};
use super::security::image::ImageRef;
use super::{Hit, Needs, Rule, Severity};
use crate::daemonset::budget::Budget;
use crate::daemonset::selector;
use crate::manifest::{index_path, key_path};

pub const RULES: &[Rule] = &[
    Rule {
        id: "DS201",
        name: "host-network-dns-policy",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a hostNetwork pod names a cluster Service but resolves through the node's DNS",
        description: "With hostNetwork the default dnsPolicy ClusterFirst falls back to the node's \
                      /etc/resolv.conf, so cluster Service names (svc.cluster.local) stop resolving \
                      inside the agent while everything else still works. Reported only when the \
                      template names a cluster Service (a `.svc` or `cluster.local` name in a \
                      command, argument or environment value): most hostNetwork agents reach the \
                      API through its IP and need only the node's resolvers.",
        remediation: "set spec.template.spec.dnsPolicy: ClusterFirstWithHostNet; or dnsPolicy: Default to \
                      state that the agent uses only the node's resolvers, as kube-proxy and CNI agents \
                      must (they run before cluster DNS does)",
        check: host_network_dns_policy,
    },
    Rule {
        id: "DS202",
        name: "host-port-with-surge",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "the rolling update surges but the new pod cannot share the node with the old one",
        description: "With maxSurge the new pod is started beside the old one on the same node, but \
                      a host port (any containerPort under hostNetwork) can be bound only once per \
                      node, and a required pod anti-affinity against its own labels on \
                      kubernetes.io/hostname forbids the two pods on one node: the surge pod stays \
                      Pending and the rollout hangs.",
        remediation: "use maxUnavailable: N (or N%) with maxSurge: 0 for DaemonSets with host ports or \
                      self anti-affinity",
        check: host_port_with_surge,
    },
    Rule {
        id: "DS203",
        name: "host-port-collision",
        severity: Severity::Error,
        needs: Needs::Manifest,
        summary: "another DaemonSet in the input claims the same host port",
        description: "Two DaemonSets that ask for the same (hostIP, protocol, hostPort) cannot both \
                      run on a node: whichever comes second stays Pending on every node the two \
                      share. Only nodeSelectors that can never match the same node keep them apart.",
        remediation: "give one of the DaemonSets another port, or split their nodes with nodeSelectors \
                      that differ on a common key",
        check: host_port_collision,
    },
    Rule {
        id: "DS204",
        name: "volatile-selector-label",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "spec.selector uses a label that changes between releases",
        description: "spec.selector is immutable in apps/v1. A selector on a version, chart or \
                      revision label changes with the next release, and that upgrade fails with \
                      \"field is immutable\"; the only way out is to orphan and re-create the \
                      DaemonSet.",
        remediation: "select on stable labels only (app.kubernetes.io/name, app.kubernetes.io/instance); \
                      keep version labels in spec.template.metadata.labels, outside the selector",
        check: volatile_selector_label,
    },
    Rule {
        id: "DS205",
        name: "selector-overlap",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "the selector also matches the pods of another workload in the namespace",
        description: "A controller owns the pods its selector matches. When a DaemonSet's selector \
                      matches another workload's pods, the controllers fight over them: pods are \
                      adopted, counted and deleted by the wrong owner.",
        remediation: "add a label unique to this DaemonSet (e.g. app.kubernetes.io/name) to both \
                      spec.selector and the pod template",
        check: selector_overlap,
    },
    Rule {
        id: "DS206",
        name: "deprecated-node-label",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "node selection uses a deprecated or removed node label",
        description: "node-role.kubernetes.io/master is no longer set by kubeadm (1.24+), and \
                      failure-domain.beta.kubernetes.io/* and beta.kubernetes.io/instance-type are \
                      not set by current cloud providers; kubelets still set beta.kubernetes.io/os \
                      and /arch, but they are deprecated for removal. A nodeSelector or required \
                      affinity on a label the nodes lack matches nothing: DESIRED stays 0 and \
                      nothing reports an error.",
        remediation: "use the GA label: kubernetes.io/os, kubernetes.io/arch, topology.kubernetes.io/zone, \
                      topology.kubernetes.io/region, node.kubernetes.io/instance-type, \
                      node-role.kubernetes.io/control-plane",
        check: deprecated_node_label,
    },
    Rule {
        id: "DS207",
        name: "node-agent-priority",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a node agent has no priorityClassName",
        description: "Without a priority class the agent runs at priority 0: the kubelet evicts it \
                      first under node pressure, and on a full node its pod stays Pending because \
                      it cannot preempt anything.",
        remediation: "set spec.template.spec.priorityClassName: system-node-critical (or \
                      system-cluster-critical, or a high class of your own)",
        check: node_agent_priority,
    },
    Rule {
        id: "DS208",
        name: "node-agent-tolerations",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "a DaemonSet meant for every node does not tolerate every taint",
        description: "A DaemonSet gets only the automatic not-ready/unreachable/pressure tolerations. \
                      One that selects every node (no nodeSelector or required node affinity \
                      beyond kubernetes.io/os and /arch) but tolerates no taint, or only some \
                      keys (the control plane's, say), silently skips every node with another \
                      NoSchedule taint (dedicated pools, GPU nodes), and DESIRED just counts fewer \
                      nodes. An agent the node cannot do without (system-node-critical, the CNI \
                      plugin, a kubelet plugin) that does not tolerate every NoExecute taint is \
                      evicted by the first custom one, and the node loses what it serves.",
        remediation: "add {operator: Exists} to run on every node (or {operator: Exists, effect: \
                      NoExecute} beside the NoSchedule tolerations), or select the nodes it is \
                      meant for with a nodeSelector",
        check: node_agent_tolerations,
    },
    Rule {
        id: "DS209",
        name: "ondelete-strategy",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "updateStrategy is OnDelete",
        description: "With OnDelete the controller replaces a pod only when someone deletes it, so \
                      after every change UP-TO-DATE stays 0 until pods are deleted by hand, and \
                      kubectl rollout status refuses to watch it.",
        remediation: "use type: RollingUpdate, or drive OnDelete updates in waves with \
                      `kubectl ds rollout`",
        check: ondelete_strategy,
    },
    Rule {
        id: "DS210",
        name: "missing-readiness-probe",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "no container of the agent itself has a readinessProbe",
        description: "Without a readiness probe a pod is Ready as soon as its containers start, so a \
                      broken agent counts as available at once and the rolling update carries it \
                      to every node. Reported once per DaemonSet, at the first container that is \
                      not a known helper (CSI node-driver-registrar and livenessprobe, \
                      kube-rbac-proxy, pause, config reloaders), and only when none of the \
                      agent's own containers has a probe: helpers are not what the update must \
                      wait for.",
        remediation: "add a readinessProbe (httpGet, tcpSocket, grpc or exec) that checks the agent works",
        check: missing_readiness_probe,
    },
    Rule {
        id: "DS211",
        name: "min-ready-seconds",
        severity: Severity::Info,
        needs: Needs::Manifest,
        summary: "a rolling update with minReadySeconds 0",
        description: "A pod counts as available the moment it is Ready. One that crashes seconds \
                      later has already let the rollout move on to the next nodes.",
        remediation: "set spec.minReadySeconds to how long the agent must stay Ready to count as \
                      healthy, e.g. 10 to 30",
        check: min_ready_seconds,
    },
    Rule {
        id: "DS212",
        name: "long-rollout",
        severity: Severity::Info,
        needs: Needs::Manifest,
        summary: "a rolling update is estimated to take more than an hour",
        description: "A rolling update replaces maxUnavailable nodes (or maxSurge nodes) per wave, \
                      and a wave can take up to terminationGracePeriodSeconds plus minReadySeconds. \
                      The estimate uses the cluster's node count, or assumes 100 nodes without \
                      --cluster; with an assumed count only a terminationGracePeriodSeconds the \
                      manifest sets is counted, not the 30s default.",
        remediation: "raise maxUnavailable (a percentage such as 10% scales with the cluster), or \
                      shorten terminationGracePeriodSeconds or minReadySeconds",
        check: long_rollout,
    },
    Rule {
        id: "DS213",
        name: "scheduling-gates",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "the pod template has schedulingGates: every pod waits SchedulingGated",
        description: "The DaemonSet controller copies the template's schedulingGates into every pod \
                      it creates, and the scheduler ignores a pod until all its gates are removed. \
                      Unless a controller of yours removes them from each pod, DESIRED pods are \
                      created but none is scheduled, and a rolling update waits forever on the first \
                      replaced node (its old pod already deleted). plan shows FIT `gated`.",
        remediation: "remove spec.template.spec.schedulingGates, or make sure the controller that \
                      owns the gate runs (and handles DaemonSet pods) before applying",
        check: scheduling_gates,
    },
    Rule {
        id: "DS214",
        name: "shared-resource-claim",
        severity: Severity::Warning,
        needs: Needs::Manifest,
        summary: "every node's pod shares one ResourceClaim (resourceClaimName)",
        description: "A ResourceClaim is allocated once, to devices that only some nodes reach \
                      (usually one node's local devices), and every pod that references it must run \
                      where the allocation is. A DaemonSet runs a pod on every node, so with \
                      resourceClaimName all pods but those on the allocated node stay Pending. \
                      resourceClaimTemplateName gives each pod its own claim, allocated on its node.",
        remediation: "use resourceClaimTemplateName (a ResourceClaimTemplate) so each pod gets a \
                      claim of its own, unless the devices are reachable from every node",
        check: shared_resource_claim,
    },
];

const ROLLING: &str = "spec.updateStrategy.rollingUpdate";

fn host_network_dns_policy(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod();
    if pod.host_network != Some(true) {
        return vec![];
    }
    let policy = match pod.dns_policy.as_deref() {
        None | Some("") => "ClusterFirst (the default)",
        Some("ClusterFirst") => "ClusterFirst",
        // ClusterFirstWithHostNet is right; Default and None are explicit choices.
        Some(_) => return vec![],
    };
    let Some((path, name)) = cluster_service_name(ctx) else {
        return vec![];
    };
    vec![Hit::new(
        format!("{POD}.dnsPolicy"),
        format!(
            "hostNetwork: true with dnsPolicy {policy} uses the node's resolv.conf, so the \
             cluster Service name {name} ({path}) will not resolve"
        ),
    )]
}

/// The first cluster Service name in a container's command, args or env values, with its path.
fn cluster_service_name(ctx: &Ctx) -> Option<(String, String)> {
    ctx.containers().iter().find_map(|c| {
        let container = c.container;
        let lists = [("command", &container.command), ("args", &container.args)];
        let words = lists.into_iter().flat_map(|(field, list)| {
            list.iter()
                .flatten()
                .enumerate()
                .map(move |(i, word)| (index_path(&c.field(field), i), word.as_str()))
        });
        let env = container
            .env
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, var)| {
                let value = var.value.as_deref()?;
                Some((format!("{}.value", index_path(&c.field("env"), i)), value))
            });
        words
            .chain(env)
            .find_map(|(path, text)| Some((path, service_name_in(text)?)))
    })
}

/// A host name in `text` that only cluster DNS resolves: `name.namespace.svc[.cluster.local]`.
fn service_name_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .map(|word| word.trim_matches('.'))
        .find(|word| {
            let labels: Vec<&str> = word.split('.').collect();
            labels.len() >= 3 && (labels.contains(&"svc") || word.ends_with(".cluster.local"))
        })
        .map(str::to_string)
}

/// The parsed maxSurge of a rolling update, with its text; `None` if unset or malformed.
fn max_surge(ctx: &Ctx) -> Option<(Budget, String)> {
    if ctx.strategy_type() != "RollingUpdate" {
        return None;
    }
    let value = ctx
        .spec()
        .update_strategy
        .as_ref()?
        .rolling_update
        .as_ref()?
        .max_surge
        .as_ref()?;
    Some((Budget::parse(value).ok()?, budget_text(value)))
}

fn budget_text(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

fn host_port_with_surge(ctx: &Ctx) -> Vec<Hit> {
    let Some((surge, text)) = max_surge(ctx) else {
        return vec![];
    };
    if surge.is_zero() {
        return vec![];
    }
    let ports = ctx.subject.host_ports();
    let Some((path, first)) = ports.first() else {
        return self_anti_affinity(ctx)
            .map(|term| {
                vec![Hit::new(
                    format!("{ROLLING}.maxSurge"),
                    format!(
                        "maxSurge {text} with a required pod anti-affinity against the pod's own \
                         labels on kubernetes.io/hostname ({term}): the surge pod can never \
                         schedule beside the old one, so the rollout hangs"
                    ),
                )]
            })
            .unwrap_or_default();
    };
    let more = match ports.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    vec![Hit::new(
        format!("{ROLLING}.maxSurge"),
        format!(
            "maxSurge {text} with host port {first} ({path}{more}): the surge pod can never bind \
             the port on a node whose old pod holds it, so the rollout hangs"
        ),
    )]
}

/// The path of a required pod anti-affinity term that keeps two of this DaemonSet's pods off one
/// node (hostname topology, selector matching the pod's own labels, own namespace).
fn self_anti_affinity(ctx: &Ctx) -> Option<String> {
    let terms = ctx
        .pod()
        .affinity
        .as_ref()?
        .pod_anti_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?;
    let labels = ctx.subject.pod_labels();
    terms.iter().enumerate().find_map(|(i, term)| {
        let own_namespace = term
            .namespaces
            .as_ref()
            .is_none_or(|n| n.is_empty() || n.iter().any(|ns| ns == ctx.namespace()));
        let selects_itself = term
            .label_selector
            .as_ref()
            .is_some_and(|s| selector::matches(s, labels) == Ok(true));
        (term.topology_key == "kubernetes.io/hostname" && own_namespace && selects_itself).then(
            || {
                format!(
                    "{POD}.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[{i}]"
                )
            },
        )
    })
}

/// Whether no node can match both nodeSelectors: they require different values for one key.
fn disjoint(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> bool {
    a.iter()
        .any(|(key, value)| b.get(key).is_some_and(|other| other != value))
}

fn subject_location(subject: &Subject) -> String {
    format!("{}:{}", subject.file(), subject.object.position().line)
}

fn host_port_collision(ctx: &Ctx) -> Vec<Hit> {
    let own = ctx.subject.host_ports();
    if own.is_empty() {
        return vec![];
    }
    let own_selector = ctx.subject.node_selector();
    let mut hits = Vec::new();
    for other in &ctx.input.daemonsets {
        if std::ptr::eq(other, ctx.subject) {
            continue;
        }
        let theirs = other.host_ports();
        if theirs.is_empty() || disjoint(own_selector, other.node_selector()) {
            continue;
        }
        for (path, port) in own {
            let Some((_, clash)) = theirs.iter().find(|(_, p)| port.conflicts_with(p)) else {
                continue;
            };
            hits.push(Hit::new(
                path.clone(),
                format!(
                    "host port {port} is also claimed ({clash}) by daemonset {}/{} at {}; \
                     only one of them can run on each node they share",
                    ctx.input.namespace_of(other),
                    other.name(),
                    subject_location(other)
                ),
            ));
        }
    }
    hits
}

/// Label keys whose values change from one release to the next (matched on the name after any
/// prefix, so `helm.sh/chart` and `app.kubernetes.io/version` count).
const VOLATILE_KEYS: &[&str] = &[
    "version",
    "chart",
    "release-version",
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
];

fn volatile_key(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    VOLATILE_KEYS.contains(&name)
}

/// `1.2`, `v1.2.3`, `agent-1.4.2`, `1.4.2-rc1`: a dotted number, optionally after `v`, as one
/// `-`/`_`-separated part of the value.
fn looks_like_version(value: &str) -> bool {
    value.split(['-', '_']).any(|part| {
        let number = part.strip_prefix(['v', 'V']).unwrap_or(part);
        let pieces: Vec<&str> = number.split('.').collect();
        pieces.len() >= 2
            && pieces
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn volatile_selector_label(ctx: &Ctx) -> Vec<Hit> {
    let selector = &ctx.spec().selector;
    let mut hits = Vec::new();
    let mut check = |path: String, key: &str, value: Option<&str>| {
        if volatile_key(key) {
            hits.push(Hit::new(
                path,
                format!(
                    "selector label {key:?} changes between releases; spec.selector is immutable, \
                     so the next upgrade fails with \"field is immutable\""
                ),
            ));
        } else if let Some(value) = value.filter(|v| looks_like_version(v)) {
            hits.push(Hit::new(
                path,
                format!(
                    "selector label {key}={value} looks like a version; spec.selector is \
                     immutable, so the next upgrade fails with \"field is immutable\""
                ),
            ));
        }
    };
    for (key, value) in selector.match_labels.iter().flatten() {
        check(key_path("spec.selector.matchLabels", key), key, Some(value));
    }
    for (i, expression) in selector.match_expressions.iter().flatten().enumerate() {
        let at = index_path("spec.selector.matchExpressions", i);
        if volatile_key(&expression.key) {
            check(format!("{at}.key"), &expression.key, None);
            continue;
        }
        for (j, value) in expression.values.iter().flatten().enumerate() {
            check(
                index_path(&format!("{at}.values"), j),
                &expression.key,
                Some(value),
            );
        }
    }
    hits
}

fn selector_overlap(ctx: &Ctx) -> Vec<Hit> {
    let selector = &ctx.spec().selector;
    if selector::is_empty(selector) {
        return vec![];
    }
    let namespace = ctx.namespace();
    let matches =
        |labels: &BTreeMap<String, String>| selector::matches(selector, labels) == Ok(true);
    let mut hits = Vec::new();
    let mut hit = |what: String| {
        hits.push(Hit::new(
            "spec.selector",
            format!(
                "selector {} also matches the pods of {what}; the controllers will fight over them",
                selector::describe(selector)
            ),
        ));
    };
    for other in &ctx.input.daemonsets {
        if std::ptr::eq(other, ctx.subject) || ctx.input.namespace_of(other) != namespace {
            continue;
        }
        if matches(other.pod_labels()) {
            hit(format!(
                "daemonset {namespace}/{} at {}",
                other.name(),
                subject_location(other)
            ));
        }
    }
    for other in &ctx.input.others {
        let Some(labels) = &other.pod_labels else {
            continue;
        };
        let other_namespace = other
            .namespace
            .as_deref()
            .unwrap_or(&ctx.input.default_namespace);
        if other_namespace == namespace && matches(labels) {
            hit(format!(
                "{} {namespace}/{} at {}",
                other.kind.to_lowercase(),
                other.name,
                other.location()
            ));
        }
    }
    hits
}

/// Deprecated node label keys and the labels that replace them.
/// Deprecated node labels: (old key, GA key, what happens to selections on the old key).
const DEPRECATED_NODE_LABELS: &[(&str, &str, &str)] = &[
    (
        "beta.kubernetes.io/os",
        "kubernetes.io/os",
        "deprecated since 1.14; kubelets still set it, but its removal is announced",
    ),
    (
        "beta.kubernetes.io/arch",
        "kubernetes.io/arch",
        "deprecated since 1.14; kubelets still set it, but its removal is announced",
    ),
    (
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
        "deprecated since 1.17; nodes whose cloud provider no longer sets it are not selected",
    ),
    (
        "failure-domain.beta.kubernetes.io/region",
        "topology.kubernetes.io/region",
        "deprecated since 1.17; nodes whose cloud provider no longer sets it are not selected",
    ),
    (
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
        "deprecated since 1.17; nodes whose cloud provider no longer sets it are not selected",
    ),
    (
        "node-role.kubernetes.io/master",
        "node-role.kubernetes.io/control-plane",
        "kubeadm stopped setting it in 1.24, so it selects no node there (DESIRED 0)",
    ),
];

fn replacement_of(key: &str) -> Option<(&'static str, &'static str)> {
    DEPRECATED_NODE_LABELS
        .iter()
        .find(|(old, _, _)| *old == key)
        .map(|(_, new, status)| (*new, *status))
}

fn deprecated_node_label(ctx: &Ctx) -> Vec<Hit> {
    let pod = ctx.pod();
    let mut hits = Vec::new();
    let mut check = |path: String, key: &str, place: &str| {
        if let Some((new, status)) = replacement_of(key) {
            hits.push(Hit::new(
                path,
                format!("{place} uses the deprecated node label {key} ({status}); use {new}"),
            ));
        }
    };
    for key in pod.node_selector.iter().flatten().map(|(k, _)| k) {
        check(
            key_path(&format!("{POD}.nodeSelector"), key),
            key,
            "nodeSelector",
        );
    }
    let terms = crate::placement::eligibility::required_node_affinity(pod)
        .map(|s| s.node_selector_terms.as_slice())
        .unwrap_or_default();
    let terms_path = format!(
        "{POD}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
    );
    for (i, term) in terms.iter().enumerate() {
        for (j, expression) in term.match_expressions.iter().flatten().enumerate() {
            let path = format!("{}.matchExpressions[{j}].key", index_path(&terms_path, i));
            check(path, &expression.key, "required node affinity");
        }
    }
    hits
}

fn node_agent_priority(ctx: &Ctx) -> Vec<Hit> {
    let Some(reason) = ctx.node_agent_reason() else {
        return vec![];
    };
    if ctx
        .pod()
        .priority_class_name
        .as_deref()
        .is_some_and(|name| !name.is_empty())
    {
        return vec![];
    }
    vec![Hit::new(
        format!("{POD}.priorityClassName"),
        format!(
            "node agent ({reason}) has no priorityClassName: at priority 0 it is evicted first \
             and can stay Pending on full nodes; use system-node-critical"
        ),
    )]
}

/// Node labels every node has, so selecting on them still means every node (of that OS/arch).
const EVERY_NODE_LABELS: &[&str] = &[
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
];

/// Whether the template picks particular nodes (beyond OS and architecture).
fn selects_particular_nodes(ctx: &Ctx) -> bool {
    let pod = ctx.pod();
    let by_selector = pod
        .node_selector
        .iter()
        .flatten()
        .any(|(key, _)| !EVERY_NODE_LABELS.contains(&key.as_str()));
    let by_affinity = crate::placement::eligibility::required_node_affinity(pod).is_some_and(|s| {
        s.node_selector_terms.iter().any(|term| {
            term.match_fields.as_ref().is_some_and(|f| !f.is_empty())
                || term
                    .match_expressions
                    .iter()
                    .flatten()
                    .any(|e| !EVERY_NODE_LABELS.contains(&e.key.as_str()))
        })
    });
    by_selector || by_affinity
}

/// Whether a toleration with no key and operator Exists covers taints of this effect.
fn tolerates_every(tolerations: &[Toleration], effect: &str) -> bool {
    tolerations.iter().any(|t| {
        t.key.as_deref().unwrap_or("").is_empty()
            && t.operator.as_deref() == Some("Exists")
            && t.effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == effect)
    })
}

/// The keys it tolerates, for messages: `node-role.kubernetes.io/control-plane:NoSchedule`.
fn tolerated_keys(tolerations: &[Toleration]) -> String {
    let keys: Vec<String> = tolerations
        .iter()
        .map(|t| {
            let key = t
                .key
                .as_deref()
                .filter(|k| !k.is_empty())
                .unwrap_or("every key");
            match t.effect.as_deref().filter(|e| !e.is_empty()) {
                Some(effect) => format!("{key}:{effect}"),
                None => key.to_string(),
            }
        })
        .collect();
    keys.join(", ")
}

fn node_agent_tolerations(ctx: &Ctx) -> Vec<Hit> {
    let tolerations = ctx.pod().tolerations.as_deref().unwrap_or_default();
    let skipped = if selects_particular_nodes(ctx) || tolerates_every(tolerations, "NoSchedule") {
        None
    } else if tolerations.is_empty() {
        Some(
            "tolerates no taint, so it skips every tainted node, control-plane nodes included"
                .to_string(),
        )
    } else {
        Some(format!(
            "tolerates only {}, so it skips every node with another NoSchedule taint \
             (a dedicated pool, say)",
            tolerated_keys(tolerations)
        ))
    };
    let evicted = ctx
        .node_critical_reason()
        .filter(|_| !tolerates_every(tolerations, "NoExecute"))
        .map(|why| {
            format!(
                "{why} but does not tolerate every NoExecute taint: the first custom one evicts \
                 it and the node loses what it serves"
            )
        });
    let message = match (skipped, evicted) {
        (None, None) => return vec![],
        (Some(skipped), None) => format!("runs on every node but {skipped}"),
        (None, Some(evicted)) => evicted,
        (Some(skipped), Some(evicted)) => {
            format!("runs on every node but {skipped}; and {evicted}")
        }
    };
    vec![Hit::new(format!("{POD}.tolerations"), message)]
}

fn ondelete_strategy(ctx: &Ctx) -> Vec<Hit> {
    if ctx.strategy_type() != "OnDelete" {
        return vec![];
    }
    vec![Hit::new(
        "spec.updateStrategy.type",
        "updateStrategy.type OnDelete replaces pods only when they are deleted; UP-TO-DATE stays 0 \
         after every change",
    )]
}

/// Images of helpers that run beside an agent and have nothing of their own to be ready for.
const HELPER_IMAGES: &[&str] = &[
    "csi-node-driver-registrar",
    "livenessprobe",
    "kube-rbac-proxy",
    "pause",
    "configmap-reload",
    "prometheus-config-reloader",
];

/// Whether the container is a known helper, by its image's repository name.
fn is_helper(container: &ContainerRef) -> bool {
    let image = ImageRef::parse(container.container.image.as_deref().unwrap_or(""));
    let repository = image.name.rsplit('/').next().unwrap_or(image.name);
    HELPER_IMAGES.contains(&repository)
}

fn missing_readiness_probe(ctx: &Ctx) -> Vec<Hit> {
    let agents: Vec<ContainerRef> = ctx
        .main_containers()
        .into_iter()
        .filter(|c| !is_helper(c))
        .collect();
    if agents.iter().any(|c| c.container.readiness_probe.is_some()) {
        return vec![];
    }
    let Some(first) = agents.first() else {
        return vec![];
    };
    vec![Hit::new(
        first.field("readinessProbe"),
        format!(
            "{} has no readinessProbe; a broken pod counts as available at once",
            first.label()
        ),
    )]
}

fn min_ready_seconds(ctx: &Ctx) -> Vec<Hit> {
    if ctx.strategy_type() != "RollingUpdate" {
        return vec![];
    }
    let message = match ctx.spec().min_ready_seconds {
        None => "minReadySeconds is not set: a pod counts as available the moment it is Ready",
        Some(n) if n <= 0 => {
            "minReadySeconds is 0: a pod counts as available the moment it is Ready"
        }
        Some(_) => return vec![],
    };
    vec![Hit::new("spec.minReadySeconds", message)]
}

fn scheduling_gates(ctx: &Ctx) -> Vec<Hit> {
    let gates: Vec<&str> = ctx
        .pod()
        .scheduling_gates
        .iter()
        .flatten()
        .map(|g| g.name.as_str())
        .collect();
    if gates.is_empty() {
        return vec![];
    }
    vec![Hit::new(
        format!("{POD}.schedulingGates"),
        format!(
            "schedulingGates {}: every pod the controller creates waits SchedulingGated until they are removed from it",
            gates.join(", ")
        ),
    )]
}

fn shared_resource_claim(ctx: &Ctx) -> Vec<Hit> {
    ctx.pod()
        .resource_claims
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, claim)| {
            let name = claim.resource_claim_name.as_deref()?;
            Some(Hit::new(
                format!("{}.resourceClaimName", index_path(&format!("{POD}.resourceClaims"), i)),
                format!(
                    "resource claim {:?} names ResourceClaim {name:?}, which the pods on every node share: it is allocated to devices one node reaches, so the pods elsewhere stay Pending",
                    claim.name
                ),
            ))
        })
        .collect()
}

/// Nodes assumed for the rollout estimate when the cluster is not in reach.
const ASSUMED_NODES: i64 = 100;
/// The API's default terminationGracePeriodSeconds.
const DEFAULT_GRACE: i64 = 30;
/// Estimates above this are reported.
const LONG_ROLLOUT_SECONDS: i64 = 3600;

fn long_rollout(ctx: &Ctx) -> Vec<Hit> {
    if ctx.strategy_type() != "RollingUpdate" {
        return vec![];
    }
    let (nodes, assumed) = match ctx.cluster {
        Some(cluster) => (
            i64::try_from(cluster.nodes.len()).unwrap_or(i64::MAX),
            false,
        ),
        None => (ASSUMED_NODES, true),
    };
    if nodes == 0 {
        return vec![];
    }
    let desired = i32::try_from(nodes).unwrap_or(i32::MAX);
    let rolling = ctx
        .spec()
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let parse = |value: Option<&IntOrString>, default: Budget| match value {
        None => Some(default),
        Some(value) => Budget::parse(value).ok(),
    };
    // Malformed budgets are DS104's; no estimate for them.
    let (Some(unavailable), Some(surge)) = (
        parse(
            rolling.and_then(|r| r.max_unavailable.as_ref()),
            Budget::Count(1),
        ),
        parse(rolling.and_then(|r| r.max_surge.as_ref()), Budget::Count(0)),
    ) else {
        return vec![];
    };
    let (per_wave, field) = match (surge.resolve(desired), unavailable.resolve(desired)) {
        (surge, _) if surge > 0 => (surge, "maxSurge"),
        (_, unavailable) if unavailable > 0 => (unavailable, "maxUnavailable"),
        // Both zero: the controller falls back to maxUnavailable 1.
        _ => (1, "maxUnavailable"),
    };
    let per_wave = i64::from(per_wave).clamp(1, nodes);
    let waves = (nodes + per_wave - 1) / per_wave;
    let min_ready = i64::from(ctx.spec().min_ready_seconds.unwrap_or(0).max(0));
    // With a guessed node count, only a grace period the manifest chose is counted, so that a
    // manifest with defaults is not flagged for a cluster size nobody stated.
    let grace = match ctx.pod().termination_grace_period_seconds {
        Some(written) => Some(written.max(0)),
        None if assumed => None,
        None => Some(DEFAULT_GRACE),
    };
    let per_wave_seconds = grace.unwrap_or(0) + min_ready;
    let total = waves.saturating_mul(per_wave_seconds);
    if total <= LONG_ROLLOUT_SECONDS {
        return vec![];
    }
    let wave_time = match grace {
        Some(grace) => format!("{grace}s termination grace + {min_ready}s minReadySeconds"),
        None => format!("{min_ready}s minReadySeconds"),
    };
    vec![Hit::new(
        format!("{ROLLING}.{field}"),
        format!(
            "rolling update takes about {} for {nodes} nodes{}: {waves} waves of {per_wave} {} × ({wave_time})",
            duration(total),
            if assumed { " (assumed)" } else { "" },
            if per_wave == 1 { "node" } else { "nodes" },
        ),
    )]
}

/// `1h40m`, `1h6m40s`, `1h0m40s`, `2h`, `45s`.
fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut text = String::new();
    if h > 0 {
        text.push_str(&format!("{h}h"));
    }
    if m > 0 || (h > 0 && s > 0) {
        text.push_str(&format!("{m}m"));
    }
    if s > 0 || text.is_empty() {
        text.push_str(&format!("{s}s"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{check_family, ids, lint_fixture, Case, BASELINE_CLUSTER};
    use crate::lint::Finding;

    /// A container with a probe and a host port, to replace the baseline's containers.
    macro_rules! host_port_container {
        ($port:literal) => {
            concat!(
                "{name: agent, image: 'a:1', readinessProbe: {tcpSocket: {port: ",
                $port,
                "}}, ports: [{containerPort: ",
                $port,
                ", hostPort: ",
                $port,
                "}]}"
            )
        };
    }

    /// A DaemonSet patch whose only container uses the host port.
    macro_rules! with_host_port {
        ($port:literal) => {
            concat!(
                "spec: {template: {spec: {containers: [",
                host_port_container!($port),
                "]}}}"
            )
        };
    }

    const CASES: &[Case] = &[
        Case::new("DS201", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', args: ['--collector=http://otel.monitoring.svc:4317']}]}}}", "spec: {template: {spec: {hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet, containers: [{name: agent, image: 'a:1', args: ['--collector=http://otel.monitoring.svc:4317']}]}}}"),
        Case::new("DS201", "spec: {template: {spec: {hostNetwork: true, dnsPolicy: ClusterFirst, containers: [{name: agent, image: 'a:1', env: [{name: API, value: 'api.kube-system.svc.cluster.local'}]}]}}}", "spec: {template: {spec: {dnsPolicy: ClusterFirst, containers: [{name: agent, image: 'a:1', args: ['--collector=http://otel.monitoring.svc:4317']}]}}}"),
        // Most hostNetwork agents name no Service: the node's resolvers are what they need.
        Case::new("DS201", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', command: [agent, '--server=https://logs.example.svc.cluster.local']}]}}}", "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', args: ['--api=https://10.96.0.1', '--log=/var/svc.log']}]}}}"),
        Case::new("DS202", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}, template: {spec: {hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}}"),
        Case::new("DS202", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}, template: {spec: {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: agent}}}]}}}}}", "spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}, template: {spec: {affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: other}}}]}}}}}"),
        Case::new(
            "DS202",
            concat!("spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 10%}}, template: {spec: {containers: [", host_port_container!(8080), "]}}}"),
            concat!("spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}, template: {spec: {containers: [", host_port_container!(8080), "]}}}"),
        ),
        Case::new(
            "DS203",
            concat!(with_host_port!(8080), "\n---\nmetadata: {name: other}\n", with_host_port!(8080)),
            concat!(with_host_port!(8080), "\n---\nmetadata: {name: other}\n", with_host_port!(8081)),
        ),
        Case::new(
            "DS203",
            // hostNetwork makes the exporter's containerPort a host port on every IP.
            "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', readinessProbe: {tcpSocket: {port: 9100}}, ports: [{containerPort: 9100, hostPort: 9100, hostIP: 10.0.0.1}]}]}}}\n---\nmetadata: {name: exporter}\nspec: {template: {spec: {hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}}}",
            // nodeSelectors that differ on a common key never share a node.
            "spec: {template: {spec: {nodeSelector: {kubernetes.io/os: linux, pool: a}, containers: [{name: agent, image: 'a:1', readinessProbe: {tcpSocket: {port: 9100}}, ports: [{containerPort: 9100, hostPort: 9100}]}]}}}\n---\nmetadata: {name: exporter}\nspec: {template: {spec: {nodeSelector: {pool: b}, hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}}}",
        ),
        Case::new("DS204", "spec: {selector: {matchLabels: {app: agent, app.kubernetes.io/version: 1.4.2}}, template: {metadata: {labels: {app: agent, app.kubernetes.io/version: 1.4.2}}}}", "spec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent, app.kubernetes.io/version: 1.4.2}}}}"),
        Case::new("DS204", "spec: {selector: {matchLabels: {app: agent-1.4.2}}, template: {metadata: {labels: {app: agent-1.4.2}}}}", "spec: {selector: {matchLabels: {app: agent-v2}}, template: {metadata: {labels: {app: agent-v2}}}}"),
        Case::new("DS204", "spec: {selector: {matchExpressions: [{key: helm.sh/chart, operator: Exists}]}, template: {metadata: {labels: {helm.sh/chart: agent-1.0.0}}}}", "spec: {selector: {matchExpressions: [{key: tier, operator: In, values: [node]}]}, template: {metadata: {labels: {tier: node}}}}"),
        Case::new("DS204", "spec: {selector: {matchExpressions: [{key: release, operator: In, values: [v1.2.3]}]}, template: {metadata: {labels: {release: v1.2.3}}}}", "spec: {selector: {matchExpressions: [{key: release, operator: In, values: [stable]}]}, template: {metadata: {labels: {release: stable}}}}"),
        Case::new(
            "DS205",
            "{}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: monitoring}\nspec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent, tier: web}}}}",
            "{}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {selector: {matchLabels: {app: agent}}, template: {metadata: {labels: {app: agent}}}}",
        ),
        Case::new(
            "DS205",
            "{}\n---\nmetadata: {name: agent-canary}\n",
            "{}\n---\nmetadata: {name: other}\nspec: {selector: {matchLabels: {app: other}}, template: {metadata: {labels: {app: other}}}}",
        ),
        Case::new(
            "DS205",
            "{}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: monitoring, labels: {app: agent}}\nspec: {containers: [{name: a, image: 'a:1'}]}",
            "{}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: agent, namespace: monitoring, labels: {app: agent}}",
        ),
        Case::new("DS206", "spec: {template: {spec: {nodeSelector: {beta.kubernetes.io/os: linux}}}}", "spec: {template: {spec: {nodeSelector: {kubernetes.io/os: linux}}}}"),
        Case::new(
            "DS206",
            "spec: {template: {spec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: failure-domain.beta.kubernetes.io/zone, operator: In, values: [a]}]}]}}}}}}",
            "spec: {template: {spec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a]}]}]}}}}}}",
        ),
        Case::new("DS207", "spec: {template: {spec: {hostPID: true, tolerations: [{operator: Exists}]}}}", "spec: {template: {spec: {hostPID: true, priorityClassName: high, tolerations: [{operator: Exists}]}}}"),
        Case::new("DS207", "spec: {template: {spec: {volumes: [{name: logs, hostPath: {path: /var/log}}]}}}", "spec: {template: {spec: {priorityClassName: system-node-critical, volumes: [{name: logs, hostPath: {path: /var/log}}]}}}"),
        // A host port ties the pod to its node as much as a host path does.
        Case::new("DS207", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1', ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]}]}}}", "spec: {template: {spec: {priorityClassName: node-agents, containers: [{name: agent, image: 'a:1', ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]}]}}}"),
        // Every DaemonSet that selects every node: no tolerations, or only some keys.
        Case::new("DS208", "spec: {template: {spec: {tolerations: null}}}", "spec: {template: {spec: {tolerations: null, nodeSelector: {pool: gpu}}}}"),
        Case::new("DS208", "spec: {template: {spec: {nodeSelector: {kubernetes.io/os: linux}, tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]}}}", "spec: {template: {spec: {tolerations: [{operator: Exists, effect: NoSchedule}]}}}"),
        Case::new("DS208", "spec: {template: {spec: {tolerations: [{key: CriticalAddonsOnly, operator: Exists}]}}}", "spec: {template: {spec: {tolerations: null, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: node.kubernetes.io/instance-type, operator: In, values: [gpu]}]}]}}}}}}"),
        // An agent the node cannot do without must also stay through NoExecute taints.
        Case::new("DS208", "spec: {template: {spec: {priorityClassName: system-node-critical, tolerations: [{operator: Exists, effect: NoSchedule}]}}}", "spec: {template: {spec: {priorityClassName: system-node-critical, tolerations: [{operator: Exists, effect: NoSchedule}, {operator: Exists, effect: NoExecute}]}}}"),
        Case::new("DS208", "spec: {template: {spec: {nodeSelector: {pool: gpu}, tolerations: [{key: nvidia.com/gpu, operator: Exists}], volumes: [{name: reg, hostPath: {path: /var/lib/kubelet/device-plugins}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: reg, mountPath: /reg}]}]}}}", "spec: {template: {spec: {tolerations: [{operator: Exists}], volumes: [{name: reg, hostPath: {path: /var/lib/kubelet/device-plugins}}], containers: [{name: agent, image: 'a:1', volumeMounts: [{name: reg, mountPath: /reg}]}]}}}"),
        Case::new("DS209", "spec: {updateStrategy: {type: OnDelete, rollingUpdate: null}}", "spec: {updateStrategy: {type: RollingUpdate}}"),
        Case::new("DS210", "spec: {template: {spec: {containers: [{name: agent, image: 'a:1'}]}}}", "spec: {template: {spec: {initContainers: [{name: setup, image: 'a:1'}]}}}"),
        // Helpers beside the agent have nothing of their own to be ready for.
        Case::new("DS210", "spec: {template: {spec: {containers: [{name: registrar, image: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0'}, {name: plugin, image: 'a:1'}]}}}", "spec: {template: {spec: {containers: [{name: plugin, image: 'a:1', readinessProbe: {tcpSocket: {port: 1}}}, {name: registrar, image: 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0'}, {name: probe, image: 'registry.k8s.io/sig-storage/livenessprobe:v2.15.0'}]}}}"),
        Case::new("DS210", "spec: {template: {spec: {containers: [{name: a, image: 'a:1'}, {name: b, image: 'b:1'}]}}}", "spec: {template: {spec: {containers: [{name: pause, image: 'registry.k8s.io/pause:3.10'}]}}}"),
        Case::new("DS211", "spec: {minReadySeconds: null}", "spec: {minReadySeconds: null, updateStrategy: {type: OnDelete, rollingUpdate: null}}"),
        Case::new("DS211", "spec: {minReadySeconds: 0}", "spec: {minReadySeconds: 5}"),
        Case::new("DS212", "spec: {template: {spec: {terminationGracePeriodSeconds: 60}}}", "spec: {template: {spec: {terminationGracePeriodSeconds: 20}}}"),
        Case::new("DS212", "spec: {template: {spec: {terminationGracePeriodSeconds: 300}}, updateStrategy: {rollingUpdate: {maxUnavailable: 5%}}}", "spec: {template: {spec: {terminationGracePeriodSeconds: 300}}, updateStrategy: {rollingUpdate: {maxUnavailable: 10%}}}"),
        Case::new("DS212", "spec: {minReadySeconds: 40}", "spec: {minReadySeconds: 30}"),
        Case::new("DS213", "spec: {template: {spec: {schedulingGates: [{name: example.com/wait}]}}}", "spec: {template: {spec: {schedulingGates: []}}}"),
        Case::new("DS214", "spec: {template: {spec: {resourceClaims: [{name: gpu, resourceClaimName: shared-gpu}]}}}", "spec: {template: {spec: {resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu}]}}}"),
        Case::new("DS212", "spec: {template: {spec: {terminationGracePeriodSeconds: 60}}, updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}}", "spec: {template: {spec: {terminationGracePeriodSeconds: 60}}, updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 2}}}"),
        Case::with_cluster(
            "DS212",
            "spec: {template: {spec: {terminationGracePeriodSeconds: 3600}}}",
            "spec: {template: {spec: {terminationGracePeriodSeconds: 1700}}}",
            BASELINE_CLUSTER,
        ),
    ];

    #[test]
    fn every_rule_has_a_failing_and_a_passing_fixture() {
        check_family(RULES, CASES);
    }

    /// `fixture.yaml:N` of the second document of a fixture, as the linter reports it.
    fn second_document(text: &str) -> String {
        let manifest = crate::lint::testing::fixture(text);
        let separator = manifest.find("\n---\n").expect("two documents");
        format!("fixture.yaml:{}", manifest[..separator].lines().count() + 2)
    }

    fn only(findings: &[Finding], id: &str) -> Finding {
        let hits: Vec<_> = findings.iter().filter(|f| f.rule_id == id).collect();
        assert_eq!(hits.len(), 1, "{id}: {:?}", ids(findings));
        hits[0].clone()
    }

    #[test]
    fn messages_name_the_offending_value() {
        let cases = [
            (
                "DS201",
                "spec: {template: {spec: {hostNetwork: true, containers: [{name: agent, image: 'a:1', env: [{name: A, value: x}, {name: COLLECTOR, value: 'http://otel.monitoring.svc:4317/v1'}]}]}}}",
                "spec.template.spec.dnsPolicy",
                "hostNetwork: true with dnsPolicy ClusterFirst (the default) uses the node's \
                 resolv.conf, so the cluster Service name otel.monitoring.svc \
                 (spec.template.spec.containers[0].env[1].value) will not resolve",
            ),
            (
                "DS202",
                concat!("spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}, template: {spec: {containers: [", host_port_container!(8080), "]}}}"),
                "spec.updateStrategy.rollingUpdate.maxSurge",
                "maxSurge 1 with host port 8080/TCP (spec.template.spec.containers[0].ports[0].hostPort): \
                 the surge pod can never bind the port on a node whose old pod holds it, so the rollout hangs",
            ),
            (
                "DS204",
                "spec: {selector: {matchLabels: {app: agent, helm.sh/chart: agent-1.0.0}}, template: {metadata: {labels: {app: agent, helm.sh/chart: agent-1.0.0}}}}",
                "spec.selector.matchLabels[helm.sh/chart]",
                "selector label \"helm.sh/chart\" changes between releases; spec.selector is immutable, \
                 so the next upgrade fails with \"field is immutable\"",
            ),
            (
                "DS206",
                "spec: {template: {spec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: Exists}]}, {matchExpressions: [{key: node-role.kubernetes.io/master, operator: Exists}]}]}}}}}}",
                "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1].matchExpressions[0].key",
                "required node affinity uses the deprecated node label node-role.kubernetes.io/master \
                 (kubeadm stopped setting it in 1.24, so it selects no node there (DESIRED 0)); \
                 use node-role.kubernetes.io/control-plane",
            ),
            (
                "DS207",
                "spec: {template: {spec: {hostNetwork: true, dnsPolicy: ClusterFirstWithHostNet}}}",
                "spec.template.spec.priorityClassName",
                "node agent (hostNetwork: true) has no priorityClassName: at priority 0 it is evicted \
                 first and can stay Pending on full nodes; use system-node-critical",
            ),
            (
                "DS210",
                "spec: {template: {spec: {containers: [{name: rbac, image: 'quay.io/brancz/kube-rbac-proxy:v0.18.0'}, {name: exporter, image: 'b:1'}, {name: other, image: 'c:1'}]}}}",
                "spec.template.spec.containers[1].readinessProbe",
                "container \"exporter\" has no readinessProbe; a broken pod counts as available at once",
            ),
            (
                "DS208",
                "spec: {template: {spec: {priorityClassName: system-node-critical, tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}, {key: CriticalAddonsOnly, operator: Exists}]}}}",
                "spec.template.spec.tolerations",
                "runs on every node but tolerates only node-role.kubernetes.io/control-plane:NoSchedule, \
                 CriticalAddonsOnly, so it skips every node with another NoSchedule taint (a \
                 dedicated pool, say); and it is system-node-critical but does not tolerate every \
                 NoExecute taint: the first custom one evicts it and the node loses what it serves",
            ),
            (
                "DS212",
                "spec: {minReadySeconds: 0, template: {spec: {terminationGracePeriodSeconds: 60}}}",
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "rolling update takes about 1h40m for 100 nodes (assumed): 100 waves of 1 node × \
                 (60s termination grace + 0s minReadySeconds)",
            ),
            (
                "DS212",
                "spec: {minReadySeconds: 50}",
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "rolling update takes about 1h23m20s for 100 nodes (assumed): 100 waves of 1 node × \
                 (50s minReadySeconds)",
            ),
        ];
        for (id, fixture, field, message) in cases {
            let hit = only(&lint_fixture(fixture, None), id);
            assert_eq!(hit.field, field, "{id}");
            assert_eq!(hit.message, message, "{id}");
        }
    }

    #[test]
    fn overlaps_name_the_other_workload_and_where_it_is() {
        let text = "{}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: monitoring}\nspec: {template: {metadata: {labels: {app: agent}}}}";
        let hit = only(&lint_fixture(text, None), "DS205");
        assert_eq!(hit.field, "spec.selector");
        assert_eq!(
            hit.message,
            format!(
                "selector app=agent also matches the pods of deployment monitoring/web at {}; \
                 the controllers will fight over them",
                second_document(text)
            )
        );
    }

    #[test]
    fn host_port_collisions_are_reported_on_both_sides_with_the_other_location() {
        let text = concat!(
            with_host_port!(8080),
            "\n---\nmetadata: {name: other, namespace: kube-system}\n",
            with_host_port!(8080)
        );
        let findings = lint_fixture(text, None);
        let hits: Vec<_> = findings.iter().filter(|f| f.rule_id == "DS203").collect();
        assert_eq!(hits.len(), 2, "{:?}", ids(&findings));
        let agent = hits.iter().find(|f| f.object.name == "agent").unwrap();
        assert_eq!(
            agent.field,
            "spec.template.spec.containers[0].ports[0].hostPort"
        );
        assert_eq!(
            agent.message,
            format!(
                "host port 8080/TCP is also claimed (8080/TCP) by daemonset kube-system/other at \
                 {}; only one of them can run on each node they share",
                second_document(text)
            )
        );
        let other = hits.iter().find(|f| f.object.name == "other").unwrap();
        assert!(
            other
                .message
                .contains("daemonset monitoring/agent at fixture.yaml:1;"),
            "{}",
            other.message
        );
    }

    #[test]
    fn rollout_estimate_uses_the_cluster_and_the_default_grace() {
        // 2 nodes, maxUnavailable 1: 2 waves × (30s default grace + 1790s) = 3640s.
        let findings = lint_fixture("spec: {minReadySeconds: 1790}", Some(BASELINE_CLUSTER));
        assert_eq!(
            only(&findings, "DS212").message,
            "rolling update takes about 1h0m40s for 2 nodes: 2 waves of 1 node × \
             (30s termination grace + 1790s minReadySeconds)"
        );
    }

    #[test]
    fn version_like_values_and_durations() {
        for value in ["v1.2.3", "1.2.3", "agent-1.4.2", "1.4", "agent_2.0.1-rc1"] {
            assert!(looks_like_version(value), "{value}");
        }
        for value in [
            "agent",
            "v2",
            "agent-v2",
            "1",
            "a.b",
            "node-exporter",
            "1.",
            ".1",
        ] {
            assert!(!looks_like_version(value), "{value}");
        }
        assert_eq!(duration(6000), "1h40m");
        assert_eq!(duration(4000), "1h6m40s");
        assert_eq!(duration(3640), "1h0m40s");
        assert_eq!(duration(7200), "2h");
    }
}
