//! The per-node plan of one DaemonSet: eligibility (controller), fit (scheduler), the pod there
//! now, and what will happen. Pods are folded into per-node loads as they stream in, so a plan over
//! 50,000 pods keeps a few numbers per node, not the pods.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};
use serde::Serialize;

use super::eligibility::evaluate;
use super::ports::{host_ports, HostPort};
use super::resources::{fits, pod_requests};
use crate::quantity::Quantity;

/// What the pods bound to one node request and claim.
#[derive(Debug, Default, Clone)]
pub struct NodeLoad {
    pub requested: BTreeMap<String, Quantity>,
    pub pods: usize,
    /// Host ports with the pod (`namespace/name`) holding each.
    pub host_ports: Vec<(HostPort, String)>,
}

/// A pod that a DaemonSet owns, kept so each DaemonSet's plan can find its own pods and leave
/// them out of the node's load (they are the ones that would be replaced).
#[derive(Debug, Clone)]
pub struct OwnedPod {
    pub name: String,
    pub node: String,
    pub revision_hash: Option<String>,
    pub ready: bool,
    pub terminating: bool,
    bound: bool,
    requested: BTreeMap<String, Quantity>,
}

/// Pods folded per node, plus the DaemonSet-owned ones by owner (namespace, name).
#[derive(Debug, Default, Clone)]
pub struct PodIndex {
    pub loads: HashMap<String, NodeLoad>,
    pub owned: HashMap<(String, String), Vec<OwnedPod>>,
    pub pods: usize,
}

impl PodIndex {
    /// Adds one pod. Pods not bound to a node, and finished ones, take no room anywhere.
    pub fn add(&mut self, pod: &Pod) {
        let Some(spec) = pod.spec.as_ref() else {
            return;
        };
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed")) {
            return;
        }
        let namespace = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let name = pod.metadata.name.clone().unwrap_or_default();
        let owner = pod
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "DaemonSet" && o.controller != Some(false))
            .map(|o| o.name.clone());
        // A DaemonSet pod not yet scheduled still targets its node through node affinity.
        let node = spec
            .node_name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| owner.as_ref().and_then(|_| affinity_target(spec)));
        let Some(node) = node else {
            return;
        };
        self.pods += 1;
        let requested = pod_requests(spec);
        let ports: Vec<HostPort> = host_ports(spec, "").into_iter().map(|(_, p)| p).collect();
        if spec.node_name.as_deref().is_some_and(|n| !n.is_empty()) {
            let load = self.loads.entry(node.clone()).or_default();
            load.pods += 1;
            for (resource, quantity) in &requested {
                let total = load.requested.entry(resource.clone()).or_default();
                *total = total.saturating_add(*quantity);
            }
            let holder = format!("{namespace}/{name}");
            load.host_ports
                .extend(ports.iter().map(|p| (p.clone(), holder.clone())));
        }
        if let Some(owner) = owner {
            let ready = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            self.owned
                .entry((namespace, owner))
                .or_default()
                .push(OwnedPod {
                    name,
                    node,
                    revision_hash: pod
                        .metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get("controller-revision-hash").cloned()),
                    ready,
                    terminating: pod.metadata.deletion_timestamp.is_some(),
                    // An unbound pod is in no node's load, so there is nothing to subtract.
                    bound: spec.node_name.is_some(),
                    requested,
                });
        }
    }

    pub fn owned_by(&self, namespace: &str, name: &str) -> &[OwnedPod] {
        self.owned
            .get(&(namespace.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// The node a DaemonSet pod is pinned to by the controller's `matchFields metadata.name` term.
fn affinity_target(spec: &PodSpec) -> Option<String> {
    let terms = &super::eligibility::required_node_affinity(spec)?.node_selector_terms;
    terms.iter().find_map(|term| {
        term.match_fields.iter().flatten().find_map(|field| {
            (field.key == "metadata.name" && field.operator == "In")
                .then(|| field.values.as_ref()?.first().cloned())
                .flatten()
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Eligible, no pod yet: the controller creates one.
    Create,
    /// Eligible, the pod is outdated and the RollingUpdate controller will replace it.
    Replace,
    /// The pod stays: current, or outdated under OnDelete, or on a node it may keep running on.
    Keep,
    /// Not eligible any more (and not allowed to continue running): the controller deletes it.
    Delete,
    /// Not eligible and no pod: nothing happens.
    None,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Replace => "replace",
            Action::Keep => "keep",
            Action::Delete => "delete",
            Action::None => "none",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fit {
    pub fits: bool,
    pub shortfalls: Vec<String>,
    pub port_conflicts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentPod {
    pub pod: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_hash: Option<String>,
    pub ready: bool,
    pub up_to_date: bool,
    pub terminating: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePlan {
    pub node: String,
    pub run: bool,
    /// Whether an existing pod may stay although `run` is false (NoSchedule taints only).
    pub continue_running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `None` when the pods could not be read, and for nodes that will not run the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
    /// `None` when the pods could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Vec<CurrentPod>>,
    pub action: Action,
    #[serde(skip)]
    pub group: Option<(String, String)>,
}

/// What the plan needs besides the nodes.
pub struct Context<'a> {
    pub pod: &'a PodSpec,
    pub namespace: &'a str,
    pub name: &'a str,
    /// "RollingUpdate" or "OnDelete".
    pub strategy: &'a str,
    /// `None` when pods could not be read: placement only.
    pub pods: Option<&'a PodIndex>,
    /// A new manifest whose template differs from the live one: every existing pod is outdated.
    pub template_changed: bool,
    /// The live DaemonSet's current revision hash, and the revision number of each hash.
    pub current_hash: Option<&'a str>,
    pub revisions: &'a HashMap<String, i64>,
}

/// What every node's plan needs from the template and the pods, computed once per DaemonSet.
struct Prepared<'a> {
    requests: BTreeMap<String, Quantity>,
    ports: Vec<HostPort>,
    own_by_node: HashMap<&'a str, Vec<&'a OwnedPod>>,
}

/// Plans every node.
pub fn plan_nodes(ctx: &Context, nodes: &[Node]) -> Vec<NodePlan> {
    let mut own_by_node: HashMap<&str, Vec<&OwnedPod>> = HashMap::new();
    for pod in ctx
        .pods
        .map(|index| index.owned_by(ctx.namespace, ctx.name))
        .unwrap_or_default()
    {
        own_by_node.entry(pod.node.as_str()).or_default().push(pod);
    }
    let prepared = Prepared {
        requests: pod_requests(ctx.pod),
        ports: host_ports(ctx.pod, "")
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
        own_by_node,
    };
    nodes
        .iter()
        .map(|node| plan_node(ctx, &prepared, node))
        .collect()
}

fn plan_node(ctx: &Context, prepared: &Prepared, node: &Node) -> NodePlan {
    let name = node.metadata.name.clone().unwrap_or_default();
    let eligibility = evaluate(ctx.pod, node);
    let own: Vec<&OwnedPod> = prepared
        .own_by_node
        .get(name.as_str())
        .cloned()
        .unwrap_or_default();
    let current = ctx.pods.map(|_| {
        own.iter()
            .map(|pod| CurrentPod {
                pod: pod.name.clone(),
                revision: pod
                    .revision_hash
                    .as_ref()
                    .and_then(|h| ctx.revisions.get(h).copied()),
                revision_hash: pod.revision_hash.clone(),
                ready: pod.ready,
                up_to_date: is_up_to_date(ctx, pod),
                terminating: pod.terminating,
            })
            .collect::<Vec<_>>()
    });
    let fit = match (ctx.pods, eligibility.should_run) {
        (Some(index), true) => Some(fit_on(ctx, prepared, node, &name, index, &own)),
        _ => None,
    };
    let has_pod = own.iter().any(|p| !p.terminating);
    let action = match (eligibility.should_run, has_pod) {
        (true, false) => Action::Create,
        (true, true) if own.iter().all(|p| is_up_to_date(ctx, p)) => Action::Keep,
        (true, true) if ctx.strategy == "OnDelete" => Action::Keep,
        (true, true) => Action::Replace,
        (false, true) if eligibility.should_continue_running => Action::Keep,
        (false, true) => Action::Delete,
        (false, false) => Action::None,
    };
    NodePlan {
        node: name,
        run: eligibility.should_run,
        continue_running: eligibility.should_continue_running,
        reason: eligibility.exclusion.as_ref().map(ToString::to_string),
        group: eligibility
            .exclusion
            .as_ref()
            .map(|e| (e.group_key(), e.summary())),
        fit,
        current,
        action,
    }
}

fn is_up_to_date(ctx: &Context, pod: &OwnedPod) -> bool {
    if ctx.template_changed {
        return false;
    }
    match (ctx.current_hash, pod.revision_hash.as_deref()) {
        (Some(current), Some(hash)) => current == hash,
        _ => true,
    }
}

/// NodeResourcesFit and NodePorts for this pod on this node, leaving out the DaemonSet's own pod
/// there (the one the new pod replaces).
fn fit_on(
    ctx: &Context,
    prepared: &Prepared,
    node: &Node,
    name: &str,
    index: &PodIndex,
    own: &[&OwnedPod],
) -> Fit {
    let empty = NodeLoad::default();
    let load = index.loads.get(name).unwrap_or(&empty);
    let mut requested = load.requested.clone();
    let mut pods = load.pods;
    for pod in own.iter().filter(|p| p.bound) {
        pods = pods.saturating_sub(1);
        for (resource, quantity) in &pod.requested {
            if let Some(total) = requested.get_mut(resource) {
                *total = total.saturating_sub(*quantity);
            }
        }
    }
    let allocatable = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.clone())
        .unwrap_or_default();
    let shortfalls: Vec<String> = fits(&prepared.requests, &allocatable, &requested, pods)
        .iter()
        .map(ToString::to_string)
        .collect();
    let own_holders: Vec<String> = own
        .iter()
        .map(|p| format!("{}/{}", ctx.namespace, p.name))
        .collect();
    let mut port_conflicts = Vec::new();
    for wanted in &prepared.ports {
        let mut others = load
            .host_ports
            .iter()
            .filter(|(_, holder)| !own_holders.contains(holder));
        if let Some((_, holder)) = others.find(|(port, _)| wanted.conflicts_with(port)) {
            port_conflicts.push(format!("port {wanted} held by {holder}"));
        }
    }
    Fit {
        fits: shortfalls.is_empty() && port_conflicts.is_empty(),
        shortfalls,
        port_conflicts,
    }
}

/// Nodes left out for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct ExclusionGroup {
    pub reason: String,
    pub count: usize,
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub nodes: usize,
    pub desired: usize,
    pub excluded: Vec<ExclusionGroup>,
    /// Eligible nodes where the pod would stay Pending: node and why.
    pub pending: Vec<(String, String)>,
    /// Pods on nodes that no longer qualify and will be deleted: (node, pod).
    pub deleted: Vec<(String, String)>,
    /// Nodes the plan changes (create, replace or delete).
    pub touched: usize,
    /// Nodes whose outdated pod the RollingUpdate controller replaces.
    pub replaced: usize,
}

pub fn summarize(plans: &[NodePlan]) -> Summary {
    let mut groups: BTreeMap<String, ExclusionGroup> = BTreeMap::new();
    for plan in plans {
        if let Some((key, reason)) = &plan.group {
            let group = groups.entry(key.clone()).or_insert_with(|| ExclusionGroup {
                reason: reason.clone(),
                count: 0,
                nodes: Vec::new(),
            });
            group.count += 1;
            group.nodes.push(plan.node.clone());
        }
    }
    let mut excluded: Vec<ExclusionGroup> = groups.into_values().collect();
    excluded.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    let pending = plans
        .iter()
        .filter_map(|p| {
            let fit = p.fit.as_ref().filter(|f| !f.fits)?;
            let why: Vec<String> = fit
                .shortfalls
                .iter()
                .chain(&fit.port_conflicts)
                .cloned()
                .collect();
            Some((p.node.clone(), why.join("; ")))
        })
        .collect();
    let deleted = plans
        .iter()
        .filter(|p| p.action == Action::Delete)
        .flat_map(|p| {
            p.current
                .iter()
                .flatten()
                .map(|c| (p.node.clone(), c.pod.clone()))
        })
        .collect();
    Summary {
        nodes: plans.len(),
        desired: plans.iter().filter(|p| p.run).count(),
        excluded,
        pending,
        deleted,
        touched: plans
            .iter()
            .filter(|p| matches!(p.action, Action::Create | Action::Replace | Action::Delete))
            .count(),
        replaced: plans.iter().filter(|p| p.action == Action::Replace).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, extra: serde_json::Value) -> Node {
        let mut value = json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "10"}}
        });
        crate::manifest::merge_patch(&mut value, extra);
        serde_json::from_value(value).unwrap()
    }

    fn pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).unwrap()
    }

    fn ds_pod(name: &str, node: &str, hash: &str) -> Pod {
        pod(json!({
            "metadata": {"name": name, "namespace": "ns", "labels": {"controller-revision-hash": hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"nodeName": node, "containers": [{"name": "c", "resources": {"requests": {"cpu": "600m"}}, "ports": [{"containerPort": 80, "hostPort": 80}]}]},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}
        }))
    }

    fn template(extra: serde_json::Value) -> PodSpec {
        let mut value = json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "600m"}}, "ports": [{"containerPort": 80, "hostPort": 80}]}]});
        crate::manifest::merge_patch(&mut value, extra);
        serde_json::from_value(value).unwrap()
    }

    fn plan(
        pod_spec: &PodSpec,
        nodes: &[Node],
        index: &PodIndex,
        changed: bool,
        strategy: &str,
    ) -> Vec<NodePlan> {
        let revisions = HashMap::from([("new".to_string(), 2), ("old".to_string(), 1)]);
        let ctx = Context {
            pod: pod_spec,
            namespace: "ns",
            name: "agent",
            strategy,
            pods: Some(index),
            template_changed: changed,
            current_hash: Some("new"),
            revisions: &revisions,
        };
        plan_nodes(&ctx, nodes)
    }

    #[test]
    fn actions_follow_eligibility_revision_and_strategy() {
        let nodes = vec![
            node("fresh", json!({})),
            node("current", json!({})),
            node("outdated", json!({})),
            node(
                "tainted",
                json!({"spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]}}),
            ),
            node(
                "evicting",
                json!({"spec": {"taints": [{"key": "k", "effect": "NoExecute"}]}}),
            ),
            node(
                "empty-tainted",
                json!({"spec": {"taints": [{"key": "k", "effect": "NoExecute"}]}}),
            ),
        ];
        let mut index = PodIndex::default();
        for p in [
            ds_pod("a", "current", "new"),
            ds_pod("b", "outdated", "old"),
            ds_pod("c", "tainted", "new"),
            ds_pod("d", "evicting", "new"),
        ] {
            index.add(&p);
        }
        let spec = template(json!({}));
        let actions = |changed, strategy| -> Vec<Action> {
            plan(&spec, &nodes, &index, changed, strategy)
                .iter()
                .map(|p| p.action)
                .collect()
        };
        use Action::*;
        assert_eq!(
            actions(false, "RollingUpdate"),
            [Create, Keep, Replace, Keep, Delete, None]
        );
        assert_eq!(
            actions(false, "OnDelete"),
            [Create, Keep, Keep, Keep, Delete, None]
        );
        assert_eq!(
            actions(true, "RollingUpdate"),
            [Create, Replace, Replace, Keep, Delete, None]
        );
        let summary = summarize(&plan(&spec, &nodes, &index, false, "RollingUpdate"));
        assert_eq!(summary.desired, 3);
        assert_eq!(summary.touched, 3);
        assert_eq!(summary.deleted, [("evicting".to_string(), "d".to_string())]);
        let groups: Vec<(&str, usize)> = summary
            .excluded
            .iter()
            .map(|g| (g.reason.as_str(), g.count))
            .collect();
        assert_eq!(
            groups,
            [
                ("taint k:NoExecute not tolerated", 2),
                ("taint k:NoSchedule not tolerated", 1)
            ]
        );
    }

    #[test]
    fn fit_leaves_out_the_pod_being_replaced_but_counts_others() {
        let nodes = vec![node("n", json!({}))];
        let mut index = PodIndex::default();
        index.add(&ds_pod("own", "n", "old"));
        let spec = template(json!({}));
        let plans = plan(&spec, &nodes, &index, false, "RollingUpdate");
        assert!(
            plans[0].fit.as_ref().unwrap().fits,
            "own pod's cpu and port are not counted"
        );

        index.add(&pod(json!({
            "metadata": {"name": "other", "namespace": "x"},
            "spec": {"nodeName": "n", "containers": [{"name": "c", "resources": {"requests": {"cpu": "500m"}}, "ports": [{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}]}]}
        })));
        let plans = plan(&spec, &nodes, &index, false, "RollingUpdate");
        let fit = plans[0].fit.as_ref().unwrap();
        assert!(!fit.fits);
        assert_eq!(fit.shortfalls, ["cpu requested 600m, 500m available"]);
        assert_eq!(fit.port_conflicts, ["port 80/TCP held by x/other"]);
        let summary = summarize(&plans);
        assert_eq!(summary.pending.len(), 1);
    }

    #[test]
    fn finished_and_unbound_pods_take_no_room() {
        let mut index = PodIndex::default();
        index.add(&pod(json!({"metadata": {"name": "done", "namespace": "x"}, "spec": {"nodeName": "n", "containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}, "status": {"phase": "Succeeded"}})));
        index.add(&pod(json!({"metadata": {"name": "pending", "namespace": "x"}, "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}})));
        assert!(index.loads.is_empty());
        assert_eq!(index.pods, 0);
    }

    #[test]
    fn an_unscheduled_daemonset_pod_is_found_on_its_target_node() {
        let mut index = PodIndex::default();
        index.add(&pod(json!({
            "metadata": {"name": "p", "namespace": "ns", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "c"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n7"]}]}]}}}}
        })));
        let owned = index.owned_by("ns", "agent");
        assert_eq!(owned.len(), 1);
        assert_eq!(owned[0].node, "n7");
        assert!(index.loads.is_empty(), "an unbound pod uses nothing yet");
    }
}
