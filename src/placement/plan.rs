//! The per-node plan of one DaemonSet: eligibility (controller), fit (scheduler), the pod there
//! now, and what will happen. Pods are folded into per-node loads as they stream in, so a plan over
//! 50,000 pods keeps a few numbers per node, not the pods.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec};
use serde::Serialize;

use super::admission::{self, AdmissionFacts, Review};
use super::eligibility::{evaluate, Eligibility};
use super::ports::{host_ports, HostPort};
use super::resources::{bound_pod_requests, fits};
use crate::daemonset::budget::{Budget, UpdatePace};
use crate::quantity::Quantity;
use crate::rollout::nodes::{known_health, NodeHealth};

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
        let requested = bound_pod_requests(pod);
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
            let ready = crate::daemonset::is_ready(pod);
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

/// What becomes of the pod the controller creates on a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FitStatus {
    /// The scheduler binds it.
    Fits,
    /// It stays Pending: too little room, a host port taken, a node label the RuntimeClass
    /// requires missing.
    Pending,
    /// It waits SchedulingGated until its scheduling gates are removed.
    Gated,
    /// Nodes and pods cannot tell (DRA devices).
    Unknown,
    /// The API server rejects it at creation (Pod Security, RuntimeClass): no pod at all.
    Rejected,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fit {
    /// `status == fits`.
    pub fits: bool,
    pub status: FitStatus,
    pub shortfalls: Vec<String>,
    pub port_conflicts: Vec<String>,
    /// Why, for the statuses other than `fits` and beyond shortfalls and ports.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

impl Fit {
    /// Everything that keeps the pod from running, in one list.
    pub fn why(&self) -> Vec<&str> {
        self.shortfalls
            .iter()
            .chain(&self.port_conflicts)
            .chain(&self.reasons)
            .map(String::as_str)
            .collect()
    }
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
    /// What the action does beyond the obvious (an outdated pod deleted and not recreated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The update may stop before it reaches this node (other nodes' new pods hold the budget).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub may_stall: bool,
    /// `None` when the pods could not be read, and for nodes that will not run the pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
    /// `None` when the pods could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Vec<CurrentPod>>,
    pub action: Action,
    /// How the node is when it is not Ready (NotReady or unreachable); `None` when it is, or
    /// when its status says nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<NodeHealth>,
    #[serde(skip)]
    pub group: Option<(String, String)>,
}

impl NodePlan {
    /// The DaemonSet runs a pod here, or keeps the one it has.
    pub fn has_daemon(&self) -> bool {
        self.run || (self.continue_running && self.current.iter().flatten().any(|c| !c.terminating))
    }
}

/// What the plan needs besides the nodes.
pub struct Context<'a> {
    pub pod: &'a PodSpec,
    pub namespace: &'a str,
    pub name: &'a str,
    /// "RollingUpdate" or "OnDelete".
    pub strategy: &'a str,
    /// RollingUpdate with maxSurge above 0: the new pod starts beside the old one.
    pub surge: bool,
    /// RollingUpdate: how many nodes may wait on a new pod at once (maxSurge with surge, else
    /// maxUnavailable), as written.
    pub budget: Option<Budget>,
    /// `None` when pods could not be read: placement only.
    pub pods: Option<&'a PodIndex>,
    /// A new manifest whose template differs from the live one: every existing pod is outdated.
    pub template_changed: bool,
    /// The live DaemonSet's current revision hash, and the revision number of each hash.
    pub current_hash: Option<&'a str>,
    pub revisions: &'a HashMap<String, i64>,
    /// What admission makes of the template's pods.
    pub review: &'a Review,
}

/// Everything `plan`, `diff` and `rollout apply --dry-run` plan a DaemonSet against.
pub struct PlacementInputs {
    pub nodes: Vec<Node>,
    /// `None` when pods may not be listed: placement only.
    pub pods: Option<PodIndex>,
    pub facts: AdmissionFacts,
    /// One line for each read that was not allowed and the check it switched off.
    pub warnings: Vec<String>,
}

/// A DaemonSet to plan as it is or as a template change would make it.
pub struct Target<'a> {
    pub ds: &'a DaemonSet,
    /// Every existing pod is outdated (a manifest whose template differs from the live one).
    pub template_changed: bool,
    pub current_hash: Option<&'a str>,
    pub revisions: &'a HashMap<String, i64>,
}

/// Plans every node for a whole DaemonSet: strategy, maxSurge and admission read from it.
pub fn plan_daemonset(
    target: &Target,
    nodes: &[Node],
    pods: Option<&PodIndex>,
    facts: &AdmissionFacts,
) -> Vec<NodePlan> {
    let ds = target.ds;
    let template = ds.spec.template.spec.clone().unwrap_or_default();
    let review = admission::review(ds.spec.template.metadata.as_ref(), &template, facts);
    let strategy = ds.spec.update_strategy.as_ref();
    let strategy_type = strategy
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate");
    let pace = UpdatePace::of(strategy.and_then(|s| s.rolling_update.as_ref()));
    let ctx = Context {
        pod: &template,
        namespace: ds.metadata.namespace.as_deref().unwrap_or("default"),
        name: ds.metadata.name.as_deref().unwrap_or(""),
        strategy: strategy_type,
        surge: strategy_type == "RollingUpdate" && !pace.surge().is_zero(),
        budget: (strategy_type == "RollingUpdate").then(|| {
            if pace.surge().is_zero() {
                pace.unavailable()
            } else {
                pace.surge()
            }
        }),
        pods,
        template_changed: target.template_changed,
        current_hash: target.current_hash,
        revisions: target.revisions,
        review: &review,
    };
    plan_nodes(&ctx, nodes)
}

/// What every node's plan needs from the template and the pods, computed once per DaemonSet.
struct Prepared<'a> {
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
        ports: host_ports(ctx.pod, "")
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
        own_by_node,
    };
    let mut plans: Vec<NodePlan> = nodes
        .iter()
        .map(|node| plan_node(ctx, &prepared, node))
        .collect();
    mark_stall(ctx, &mut plans);
    plans
}

/// A RollingUpdate waits on every new pod that does not become available: the controller deletes
/// (or surges onto) no more nodes once such nodes use up maxUnavailable (maxSurge). When the new
/// pods that stay Pending, gated or rejected are that many, the update stops, and which of the
/// nodes with a Ready old pod it reaches before is up to the controller's (random) order; those
/// nodes are marked `may_stall`.
fn mark_stall(ctx: &Context, plans: &mut [NodePlan]) {
    let Some(budget) = ctx.budget else {
        return;
    };
    let desired = i32::try_from(plans.iter().filter(|p| p.run).count()).unwrap_or(i32::MAX);
    let budget = usize::try_from(budget.resolve(desired)).unwrap_or(0).max(1);
    let blocked = plans.iter().filter(|p| blocks(ctx, p)).count();
    let candidates: Vec<usize> = (0..plans.len())
        .filter(|&i| plans[i].action == Action::Replace && has_ready_pod(&plans[i]))
        .collect();
    if blocked < budget || candidates.len() <= budget {
        return;
    }
    let why = format!(
        "the update may stop before it reaches this node: {blocked} new {} will not become available, and the controller waits on {budget} at a time",
        if blocked == 1 { "pod" } else { "pods" }
    );
    for i in candidates {
        plans[i].may_stall = true;
        plans[i].note.get_or_insert_with(|| why.clone());
    }
}

/// Whether the node's new pod holds a place in the update's budget for good.
fn blocks(ctx: &Context, plan: &NodePlan) -> bool {
    let status = plan.fit.as_ref().map(|f| f.status);
    match (ctx.surge, plan.action, status) {
        // A surge pod that cannot run stays beside a Ready old pod; a rejected one never exists.
        (true, Action::Replace, Some(FitStatus::Pending | FitStatus::Gated)) => has_ready_pod(plan),
        (false, Action::Create | Action::Replace, Some(s)) => {
            matches!(
                s,
                FitStatus::Pending | FitStatus::Gated | FitStatus::Rejected
            )
        }
        _ => false,
    }
}

fn has_ready_pod(plan: &NodePlan) -> bool {
    plan.current
        .iter()
        .flatten()
        .any(|c| c.ready && !c.terminating)
}

fn plan_node(ctx: &Context, prepared: &Prepared, node: &Node) -> NodePlan {
    let name = node.metadata.name.clone().unwrap_or_default();
    let eligibility = evaluate(ctx.pod, node);
    let own: Vec<&OwnedPod> = prepared
        .own_by_node
        .get(name.as_str())
        .cloned()
        .unwrap_or_default();
    let current = ctx.pods.map(|_| current_pods(ctx, &own));
    let (action, note) = decide(ctx, &eligibility, &own);
    let fit = eligibility
        .should_run
        .then(|| fit_on(ctx, prepared, node, &own, action))
        .flatten();
    NodePlan {
        node: name,
        run: eligibility.should_run,
        continue_running: eligibility.should_continue_running,
        reason: eligibility.exclusion.as_ref().map(ToString::to_string),
        note,
        may_stall: false,
        group: eligibility
            .exclusion
            .as_ref()
            .map(|e| (e.group_key(), e.summary())),
        fit,
        current,
        action,
        health: known_health(node).filter(|h| !h.is_ready()),
    }
}

fn current_pods(ctx: &Context, own: &[&OwnedPod]) -> Vec<CurrentPod> {
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
        .collect()
}

/// What the controller does on the node, as `podsShouldBeOnNode` and `rollingUpdate` in
/// pkg/controller/daemon decide it. RollingUpdate deletes every outdated pod, also on a node
/// where the DaemonSet may keep a pod but not start one (an untolerated NoSchedule taint added
/// after the pod started), and nothing creates one there again (with maxSurge the delete only
/// waits until more pods are available than nodes desire one).
fn decide(ctx: &Context, eligibility: &Eligibility, own: &[&OwnedPod]) -> (Action, Option<String>) {
    let live: Vec<&&OwnedPod> = own.iter().filter(|p| !p.terminating).collect();
    let outdated = live.iter().any(|p| !is_up_to_date(ctx, p));
    let on_delete = ctx.strategy == "OnDelete";
    match (eligibility.should_run, live.is_empty()) {
        (true, true) => (Action::Create, None),
        (true, false) if !outdated || on_delete => (Action::Keep, None),
        (true, false) => (Action::Replace, None),
        (false, false) if !eligibility.should_continue_running => (Action::Delete, None),
        (false, false) if outdated && !on_delete => (
            Action::Delete,
            Some("the update deletes the outdated pod and nothing starts a new one here".into()),
        ),
        (false, false) => (
            Action::Keep,
            Some("the pod may keep running, but once it is deleted none starts here".into()),
        ),
        (false, true) => (Action::None, None),
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

/// What becomes of the pod the controller creates here: rejected at admission, gated, or the
/// scheduler's NodeResourcesFit, NodePorts and NodeAffinity (the RuntimeClass's nodeSelector)
/// against the node, and whether DRA makes it unknowable. `None` when the pods are unknown and
/// nothing else decides it.
fn fit_on(
    ctx: &Context,
    prepared: &Prepared,
    node: &Node,
    own: &[&OwnedPod],
    action: Action,
) -> Option<Fit> {
    let review = ctx.review;
    if let Some(rejection) = &review.rejection {
        return Some(fit_of(
            FitStatus::Rejected,
            vec![],
            vec![],
            vec![rejection.clone()],
        ));
    }
    if !review.gates.is_empty() {
        let reason = format!("schedulingGates {}", review.gates.join(", "));
        return Some(fit_of(FitStatus::Gated, vec![], vec![], vec![reason]));
    }
    let index = ctx.pods?;
    // With maxSurge a Ready old pod stays until its replacement is available, so the new pod
    // must fit beside it; a pod that is not Ready is deleted as soon as the new one exists.
    let beside: Vec<&OwnedPod> = own
        .iter()
        .copied()
        .filter(|p| ctx.surge && action == Action::Replace && p.ready && !p.terminating)
        .collect();
    let replaced: Vec<&OwnedPod> = own
        .iter()
        .copied()
        .filter(|p| !beside.iter().any(|b| b.name == p.name))
        .collect();
    let (shortfalls, dra_short) = resource_shortfalls(ctx, node, index, &replaced);
    let port_conflicts = port_conflicts(ctx, prepared, node, index, &replaced);
    let mut reasons = runtime_selector_misses(review, node);
    let blocked = !shortfalls.is_empty() || !port_conflicts.is_empty();
    if blocked && !beside.is_empty() {
        reasons.push(format!(
            "beside the old pod {} (maxSurge keeps it until the new pod is available)",
            beside
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let pending = !shortfalls.is_empty() || !port_conflicts.is_empty() || !reasons.is_empty();
    if pending {
        return Some(fit_of(
            FitStatus::Pending,
            shortfalls,
            port_conflicts,
            reasons,
        ));
    }
    let mut unknown: Vec<String> = review
        .claims
        .iter()
        .map(|c| format!("DRA claim {c}"))
        .collect();
    unknown.extend(dra_short.iter().map(|r| format!("DRA-backed {r}")));
    if !unknown.is_empty() {
        return Some(fit_of(FitStatus::Unknown, vec![], vec![], unknown));
    }
    Some(fit_of(FitStatus::Fits, vec![], vec![], vec![]))
}

fn fit_of(
    status: FitStatus,
    shortfalls: Vec<String>,
    port_conflicts: Vec<String>,
    reasons: Vec<String>,
) -> Fit {
    Fit {
        fits: status == FitStatus::Fits,
        status,
        shortfalls,
        port_conflicts,
        reasons,
    }
}

/// NodeResourcesFit, leaving out the DaemonSet's pods the new one replaces. A shortfall of an
/// extended resource that DRA may provide is not a shortfall but an unknown (second list).
fn resource_shortfalls(
    ctx: &Context,
    node: &Node,
    index: &PodIndex,
    replaced: &[&OwnedPod],
) -> (Vec<String>, Vec<String>) {
    let name = node.metadata.name.as_deref().unwrap_or("");
    let empty = NodeLoad::default();
    let load = index.loads.get(name).unwrap_or(&empty);
    let mut requested = load.requested.clone();
    let mut pods = load.pods;
    for pod in replaced.iter().filter(|p| p.bound) {
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
    let (dra, plain): (Vec<_>, Vec<_>) = fits(&ctx.review.requests, &allocatable, &requested, pods)
        .into_iter()
        .partition(|s| {
            ctx.review.dra_resources.contains(&s.resource) && !allocatable.contains_key(&s.resource)
        });
    (
        plain.iter().map(ToString::to_string).collect(),
        dra.iter().map(|s| s.resource.clone()).collect(),
    )
}

/// NodePorts: host ports another pod on the node holds (the replaced pods' ports are freed).
fn port_conflicts(
    ctx: &Context,
    prepared: &Prepared,
    node: &Node,
    index: &PodIndex,
    replaced: &[&OwnedPod],
) -> Vec<String> {
    let name = node.metadata.name.as_deref().unwrap_or("");
    let Some(load) = index.loads.get(name) else {
        return Vec::new();
    };
    let freed: Vec<String> = replaced
        .iter()
        .map(|p| format!("{}/{}", ctx.namespace, p.name))
        .collect();
    prepared
        .ports
        .iter()
        .filter_map(|wanted| {
            let (_, holder) = load
                .host_ports
                .iter()
                .filter(|(_, holder)| !freed.contains(holder))
                .find(|(port, _)| wanted.conflicts_with(port))?;
            Some(format!("port {wanted} held by {holder}"))
        })
        .collect()
}

/// The node labels the RuntimeClass's nodeSelector adds to the pod and the node lacks (the
/// controller placed the pod from the template alone, so the scheduler leaves it Pending).
fn runtime_selector_misses(review: &Review, node: &Node) -> Vec<String> {
    let labels = node.metadata.labels.as_ref();
    review
        .runtime_node_selector
        .iter()
        .filter(|(key, value)| labels.and_then(|l| l.get(*key)) != Some(*value))
        .map(|(key, value)| {
            let class = review.runtime_class.as_deref().unwrap_or("");
            let has = labels
                .and_then(|l| l.get(key))
                .map_or("none".to_string(), Clone::clone);
            format!("RuntimeClass {class} needs node label {key}={value} (node has {has})")
        })
        .collect()
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
    /// Eligible nodes where the pod would wait SchedulingGated.
    pub gated: usize,
    /// Eligible nodes where nodes and pods cannot tell whether the pod runs: node and why.
    pub unknown: Vec<(String, String)>,
    /// Why the API server rejects the template's pods, and on how many nodes the controller
    /// would try to create one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<(String, usize)>,
    /// Pods on nodes that no longer qualify and will be deleted: (node, pod).
    pub deleted: Vec<(String, String)>,
    /// Outdated pods the update deletes on nodes where no new pod starts: (node, pod).
    pub lost: Vec<(String, String)>,
    /// Nodes the update may never reach because new pods elsewhere do not become available.
    pub may_stall: usize,
    /// Nodes the plan changes (create, replace or delete).
    pub touched: usize,
    /// Nodes whose outdated pod the RollingUpdate controller replaces.
    pub replaced: usize,
    /// Nodes that run or keep the DaemonSet's pod ([`NodePlan::has_daemon`]).
    #[serde(skip)]
    pub with_daemon: usize,
    /// Of those, the ones that are not Ready (NotReady or unreachable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_ready: Vec<SickNode>,
}

/// A node of the DaemonSet that is not Ready.
#[derive(Debug, Clone, Serialize)]
pub struct SickNode {
    pub node: String,
    pub health: NodeHealth,
}

/// Eligible nodes whose new pod ends in `status`, with why.
fn fit_reasons(plans: &[NodePlan], status: FitStatus) -> Vec<(String, String)> {
    plans
        .iter()
        .filter_map(|p| {
            let fit = p.fit.as_ref().filter(|f| f.status == status)?;
            Some((p.node.clone(), fit.why().join("; ")))
        })
        .collect()
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
    let pending = fit_reasons(plans, FitStatus::Pending);
    let unknown = fit_reasons(plans, FitStatus::Unknown);
    let with_status = |status| {
        plans
            .iter()
            .filter(|p| p.fit.as_ref().is_some_and(|f| f.status == status))
            .filter(|p| matches!(p.action, Action::Create | Action::Replace))
            .count()
    };
    let rejected = plans
        .iter()
        .find_map(|p| p.fit.as_ref().filter(|f| f.status == FitStatus::Rejected))
        .map(|f| (f.reasons.join("; "), with_status(FitStatus::Rejected)));
    let pods_of = |lost: bool| -> Vec<(String, String)> {
        plans
            .iter()
            .filter(|p| p.action == Action::Delete && p.note.is_some() == lost)
            .flat_map(|p| {
                p.current
                    .iter()
                    .flatten()
                    .filter(|c| !c.terminating)
                    .map(|c| (p.node.clone(), c.pod.clone()))
            })
            .collect()
    };
    Summary {
        nodes: plans.len(),
        desired: plans.iter().filter(|p| p.run).count(),
        excluded,
        pending,
        gated: with_status(FitStatus::Gated),
        unknown,
        rejected,
        deleted: pods_of(false),
        lost: pods_of(true),
        may_stall: plans.iter().filter(|p| p.may_stall).count(),
        touched: plans
            .iter()
            .filter(|p| matches!(p.action, Action::Create | Action::Replace | Action::Delete))
            .count(),
        replaced: plans.iter().filter(|p| p.action == Action::Replace).count(),
        with_daemon: plans.iter().filter(|p| p.has_daemon()).count(),
        not_ready: plans
            .iter()
            .filter(|p| p.has_daemon())
            .filter_map(|p| {
                Some(SickNode {
                    node: p.node.clone(),
                    health: p.health.clone()?,
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::admission::{review, AdmissionFacts};
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
        plan_with(
            pod_spec,
            nodes,
            index,
            changed,
            strategy,
            &AdmissionFacts::default(),
        )
    }

    /// `strategy` "Surge" is RollingUpdate with maxSurge.
    fn plan_with(
        pod_spec: &PodSpec,
        nodes: &[Node],
        index: &PodIndex,
        changed: bool,
        strategy: &str,
        facts: &AdmissionFacts,
    ) -> Vec<NodePlan> {
        let revisions = HashMap::from([("new".to_string(), 2), ("old".to_string(), 1)]);
        let review = review(None, pod_spec, facts);
        let ctx = Context {
            pod: pod_spec,
            namespace: "ns",
            name: "agent",
            strategy: if strategy == "Surge" {
                "RollingUpdate"
            } else {
                strategy
            },
            surge: strategy == "Surge",
            budget: (strategy != "OnDelete").then_some(Budget::Count(1)),
            pods: Some(index),
            template_changed: changed,
            current_hash: Some("new"),
            revisions: &revisions,
            review: &review,
        };
        plan_nodes(&ctx, nodes)
    }

    /// Nodes without a pod, with a current one, with an outdated one, tainted NoSchedule with a
    /// pod, tainted NoExecute with a pod and without one.
    fn six_nodes() -> (Vec<Node>, PodIndex) {
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
        (nodes, index)
    }

    #[test]
    fn actions_follow_eligibility_revision_and_strategy() {
        let (nodes, index) = six_nodes();
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
        // The tainted node keeps a current pod, but loses an outdated one to the update.
        assert_eq!(
            actions(true, "RollingUpdate"),
            [Create, Replace, Replace, Delete, Delete, None]
        );
        assert_eq!(
            actions(true, "Surge"),
            [Create, Replace, Replace, Delete, Delete, None]
        );
        assert_eq!(
            actions(true, "OnDelete"),
            [Create, Keep, Keep, Keep, Delete, None]
        );
    }

    #[test]
    fn notes_and_summary_name_the_pods_a_tainted_node_loses() {
        let (nodes, index) = six_nodes();
        let spec = template(json!({}));
        let changed = plan(&spec, &nodes, &index, true, "RollingUpdate");
        assert!(changed[3]
            .note
            .as_deref()
            .unwrap()
            .contains("nothing starts a new one"));
        let summary = summarize(&changed);
        assert_eq!(summary.lost, [("tainted".to_string(), "c".to_string())]);
        assert_eq!(summary.deleted, [("evicting".to_string(), "d".to_string())]);
        let kept = plan(&spec, &nodes, &index, true, "OnDelete");
        assert!(kept[3]
            .note
            .as_deref()
            .unwrap()
            .contains("once it is deleted none starts"));
    }

    #[test]
    fn summary_counts_the_nodes_and_groups_exclusions_by_reason() {
        let (nodes, index) = six_nodes();
        let spec = template(json!({}));
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

    fn statuses(plans: &[NodePlan]) -> Vec<(FitStatus, Vec<&str>)> {
        plans
            .iter()
            .map(|p| {
                let fit = p.fit.as_ref().unwrap();
                (fit.status, fit.why())
            })
            .collect()
    }

    #[test]
    fn a_surge_pod_must_fit_beside_a_ready_old_pod() {
        // Node "n": 1 cpu; the old pod holds 600m and port 80; the new pod asks the same.
        let nodes = vec![node("n", json!({}))];
        let spec = template(json!({}));
        let mut ready = PodIndex::default();
        ready.add(&ds_pod("old", "n", "old"));
        let mut unready = PodIndex::default();
        let mut not_ready_pod = ds_pod("old", "n", "old");
        not_ready_pod.status = None;
        unready.add(&not_ready_pod);
        use FitStatus::*;
        let cases: [(&PodIndex, &str, FitStatus); 4] = [
            (&ready, "RollingUpdate", Fits),
            (&ready, "Surge", Pending),
            // an old pod that is not Ready is deleted once the new one exists
            (&unready, "Surge", Fits),
            (&ready, "OnDelete", Fits),
        ];
        for (index, strategy, want) in cases {
            let plans = plan(&spec, &nodes, index, true, strategy);
            assert_eq!(plans[0].fit.as_ref().unwrap().status, want, "{strategy}");
        }
        let plans = plan(&spec, &nodes, &ready, true, "Surge");
        assert_eq!(plans[0].action, Action::Replace);
        assert_eq!(
            statuses(&plans)[0].1,
            [
                "cpu requested 600m, 400m available",
                "port 80/TCP held by ns/old",
                "beside the old pod old (maxSurge keeps it until the new pod is available)"
            ]
        );
    }

    #[test]
    fn admission_gates_runtime_classes_and_dra_decide_the_fit() {
        let nodes = vec![
            node("plain", json!({})),
            node("kata", json!({"metadata": {"labels": {"runtime": "kata"}}})),
            node(
                "gpu",
                json!({"status": {"allocatable": {"cpu": "1", "pods": "10", "example.com/gpu": "2"}}}),
            ),
        ];
        let index = PodIndex::default();
        let class = serde_json::from_value(json!({"metadata": {"name": "kata"}, "handler": "kata",
            "overhead": {"podFixed": {"cpu": "300m"}}, "scheduling": {"nodeSelector": {"runtime": "kata"}}}))
        .unwrap();
        let facts = AdmissionFacts::default()
            .with_runtime_classes(&[class])
            .with_device_classes(&[]);
        let run = |extra| {
            statuses(&plan_with(
                &template(extra),
                &nodes,
                &index,
                false,
                "RollingUpdate",
                &facts,
            ))
            .into_iter()
            .map(|(status, why)| (status, why.join("; ")))
            .collect::<Vec<_>>()
        };
        use FitStatus::*;
        let s = |t: &str| t.to_string();
        assert_eq!(
            run(json!({"runtimeClassName": "kata"})),
            [
                (
                    Pending,
                    s("RuntimeClass kata needs node label runtime=kata (node has none)")
                ),
                (Fits, s("")),
                (
                    Pending,
                    s("RuntimeClass kata needs node label runtime=kata (node has none)")
                ),
            ]
        );
        // the overhead counts: 600m + 300m fits 1 cpu, 800m + 300m does not
        let heavy = json!({"runtimeClassName": "kata", "containers": [{"name": "c", "resources": {"requests": {"cpu": "800m"}}}]});
        assert_eq!(
            run(heavy)[1],
            (Pending, s("cpu requested 1100m, 1 available"))
        );
        let rejected = run(json!({"runtimeClassName": "gvisor"}));
        assert_eq!(
            rejected[0],
            (
                Rejected,
                s("pod rejected: RuntimeClass \"gvisor\" not found")
            )
        );
        let gated = run(json!({"schedulingGates": [{"name": "example.com/wait"}]}));
        assert_eq!(gated[2], (Gated, s("schedulingGates example.com/wait")));
        let claim = run(json!({"resourceClaims": [{"name": "gpu", "resourceClaimName": "gpu"}]}));
        assert_eq!(claim[0], (Unknown, s("DRA claim gpu")));
        // a device-plugin resource the node lacks is a shortfall; a DRA one is unknown
        let device = json!({"containers": [{"name": "c", "resources": {"limits": {"example.com/gpu": "1"}}}]});
        assert_eq!(
            run(device.clone())[0],
            (Pending, s("example.com/gpu requested 1, 0 available"))
        );
        assert_eq!(run(device)[2], (Fits, s("")));
        let implicit = json!({"containers": [{"name": "c", "resources": {"limits": {"deviceclass.resource.kubernetes.io/gpu": "1"}}}]});
        assert_eq!(
            run(implicit)[0],
            (
                Unknown,
                s("DRA-backed deviceclass.resource.kubernetes.io/gpu")
            )
        );
    }

    #[test]
    fn a_resized_pod_counts_the_larger_of_spec_allocated_and_actuated() {
        let nodes = vec![node("n", json!({}))];
        let spec = template(
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "300m"}}}]}),
        );
        let resized = |status: serde_json::Value| {
            let mut index = PodIndex::default();
            index.add(&pod(json!({
                "metadata": {"name": "app", "namespace": "x"},
                "spec": {"nodeName": "n", "containers": [{"name": "app", "resources": {"requests": {"cpu": "200m"}}}]},
                "status": status
            })));
            statuses(&plan(&spec, &nodes, &index, false, "RollingUpdate"))[0].0
        };
        use FitStatus::*;
        // spec 200m: 300m fits beside it
        assert_eq!(resized(json!({})), Fits);
        // resized down in the spec, still allocated 800m
        assert_eq!(
            resized(
                json!({"containerStatuses": [{"name": "app", "image": "a", "imageID": "", "ready": true, "restartCount": 0,
            "allocatedResources": {"cpu": "800m"}}]})
            ),
            Pending
        );
        // actuated 800m while the allocation already says 200m
        assert_eq!(
            resized(
                json!({"containerStatuses": [{"name": "app", "image": "a", "imageID": "", "ready": true, "restartCount": 0,
            "allocatedResources": {"cpu": "200m"}, "resources": {"requests": {"cpu": "800m"}}}]})
            ),
            Pending
        );
    }

    #[test]
    fn pending_replacements_that_use_up_the_budget_stall_the_update() {
        // Three nodes with a Ready old pod of 600m on 1 cpu: with maxSurge the new pod cannot
        // fit beside it anywhere, so the first surge pod holds the budget of 1 for good.
        let nodes = vec![
            node("a", json!({})),
            node("b", json!({})),
            node("c", json!({})),
        ];
        let mut index = PodIndex::default();
        for (pod, node) in [("pa", "a"), ("pb", "b"), ("pc", "c")] {
            index.add(&ds_pod(pod, node, "old"));
        }
        let spec = template(json!({}));
        let surged = plan(&spec, &nodes, &index, true, "Surge");
        assert!(surged
            .iter()
            .all(|p| p.may_stall && p.action == Action::Replace));
        assert_eq!(summarize(&surged).may_stall, 3);
        // Without surge the old pod's room is freed: every replacement fits, nothing stalls.
        let rolled = plan(&spec, &nodes, &index, true, "RollingUpdate");
        assert!(rolled.iter().all(|p| !p.may_stall));
        // A template no node can fit: without surge each replacement stays Pending.
        let heavy = template(
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "2"}}}]}),
        );
        let stuck = plan(&heavy, &nodes, &index, true, "RollingUpdate");
        assert!(stuck.iter().all(|p| p.may_stall), "{stuck:?}");
        // With only as many candidates as the budget, every one is reached.
        let one = plan(&heavy, &nodes[..1], &index, true, "RollingUpdate");
        assert!(!one[0].may_stall);
    }
}
