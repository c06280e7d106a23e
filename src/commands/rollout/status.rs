//! `kubectl ds rollout status NAME [--watch] [--timeout D] [-o json]`: where a DaemonSet's rollout
//! stands (both strategies), pods per revision and per node, and the state a controlled rollout
//! recorded. `--watch` follows the DaemonSet and its pods with kube's runtime watcher (no polling)
//! until the rollout completes (exit 0), is recorded as failed (exit 1) or `--timeout` passes
//! (exit 1).

use std::collections::BTreeMap;
use std::io::IsTerminal as _;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::{Node, Pod};
use serde::Serialize;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutStatusArgs, StatusFormat};
use crate::clock::now;
use crate::cluster::{Cluster, Mirror, Troubles, WatchChange};
use crate::daemonset::budget::UpdatePace;
use crate::daemonset::history::{self, current_hash};
use crate::daemonset::selector;
use crate::daemonset::summary::{self, Rollout, Strategy};
use crate::daemonset::{key, pod_hash};
use crate::error::{ExitStatus, Failure};
use crate::placement::plan::SickNode;
use crate::placement::report::some_of;
use crate::render::{self, plural, Cell, Table, Tone};
use crate::rollout::health::{failing, pod_ready, pod_view};
use crate::rollout::nodes::{
    health_by_node, stuck_terminating, unavailable_nodes, NodeHealth, STUCK_SLACK_SECONDS,
};
use crate::rollout::rolling::not_ready_reason;
use crate::rollout::state::{Observation, Phase, RolloutState};

use crate::daemonset::pause;

pub async fn exec(args: &RolloutStatusArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let selector = selector::describe(&ds.spec.selector);
    if !args.watch {
        let revisions = cluster
            .list_controller_revisions_matching(&namespace, &selector)
            .await?;
        let pods = cluster.list_pods(&namespace, &selector).await?;
        let nodes = list_nodes(&cluster).await?;
        let node_refs: Option<Vec<&Node>> = nodes.as_ref().map(|n| n.iter().collect());
        let view = StatusView::new(&ds, &revisions, pods.iter(), node_refs.as_deref(), now());
        if let Some(warning) = &view.unreadable {
            eprintln!("warning: {warning}");
        }
        match args.output {
            StatusFormat::Json => render::print_json(&view)?,
            StatusFormat::Table => print!("{}", view.render(render::use_color(global.color))),
        }
        return Ok(ExitStatus::Ok);
    }
    let mut last_view = None;
    let watching = watch(
        &cluster,
        &namespace,
        ds,
        &selector,
        args,
        global,
        &mut last_view,
    );
    if args.timeout.is_zero() {
        return watching.await;
    }
    match tokio::time::timeout(args.timeout, watching).await {
        Ok(result) => result,
        Err(_) => {
            let stuck = last_view
                .as_ref()
                .map(StatusView::stuck)
                .unwrap_or_default();
            eprintln!(
                "error: timed out after {} waiting for daemonset {namespace}/{name} to finish its rollout{}",
                humanize(args.timeout),
                match stuck.len() {
                    0 => String::new(),
                    1 => "; stuck on 1 pod:".to_string(),
                    n => format!("; stuck on {n} pods:"),
                }
            );
            for line in stuck {
                eprintln!("  {line}");
            }
            Ok(ExitStatus::Findings)
        }
    }
}

/// The nodes, for their health and for the nodes that should run a pod but have none. A user who
/// may not list nodes still gets the rest, with one warning.
async fn list_nodes(cluster: &Cluster) -> Result<Option<Vec<Node>>, Failure> {
    match cluster.list_nodes().await {
        Ok(nodes) => Ok(Some(nodes)),
        Err(failure) if failure.exit_status() == ExitStatus::Api => {
            eprintln!(
                "warning: {}; node health not shown, and the budget counts only nodes with pods",
                failure.message
            );
            Ok(None)
        }
        Err(failure) => Err(failure),
    }
}

fn humanize(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Follows the DaemonSet and its pods; renders on every change; returns on completion or failure.
/// `last_view` keeps what was rendered last, for a caller that gives up waiting.
async fn watch(
    cluster: &Cluster,
    namespace: &str,
    ds: DaemonSet,
    selector: &str,
    args: &RolloutStatusArgs,
    global: &GlobalArgs,
    last_view: &mut Option<StatusView>,
) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let terminal = std::io::stdout().is_terminal();
    let color = render::use_color(global.color);
    let mut changes = cluster.watch_daemonset_and_pods(namespace, name, selector);
    // Nodes are watched only when they may be listed: a forbidden watch would retry forever.
    let nodes = list_nodes(cluster).await?.map(|listed| {
        let mut mirror = Mirror::new(
            |node: &Node| node.metadata.name.clone(),
            |n| Some(health_view(n)),
        );
        mirror.list(listed);
        mirror
    });
    if nodes.is_some() {
        changes = futures::stream::select(changes, cluster.watch_nodes()).boxed();
    }
    let mut watched = Watched {
        uid: ds.metadata.uid.clone().unwrap_or_default(),
        ds,
        revisions: cluster
            .list_controller_revisions_matching(namespace, selector)
            .await?,
        pods: Mirror::new(|pod| Some(key(pod)), Some),
        nodes,
    };
    let mut shown = Shown::default();
    let mut troubles = Troubles::default();
    while let Some(change) = changes.next().await {
        if let Some(message) = troubles.to_show(&change) {
            eprintln!("warning: {message}; retrying");
        }
        if !watched
            .take(change, cluster, namespace, selector, name)
            .await?
        {
            continue;
        }
        let Some(view) = watched.view(cluster, namespace, selector).await? else {
            continue;
        };
        shown.show(&view, args.output, terminal, color)?;
        if let Some(outcome) = finished(&view, name, args.output) {
            return Ok(outcome);
        }
        *last_view = Some(view);
    }
    Err(Failure::api(format!(
        "the watch on daemonset {namespace}/{name} ended unexpectedly"
    ))
    .into())
}

/// What a watch has seen of the DaemonSet, its revisions and its pods.
struct Watched {
    ds: DaemonSet,
    uid: String,
    revisions: Vec<ControllerRevision>,
    pods: Mirror<Pod, Pod>,
    /// What status reads of each node ([`health_view`]); `None` when nodes may not be listed.
    nodes: Option<Mirror<Node, Node>>,
}

/// What status reads of a node: its name, labels and spec (where the DaemonSet runs) and its
/// Ready condition without the heartbeat, so that a node's status report that changes nothing
/// else does not count as a change.
fn health_view(node: Node) -> Node {
    let ready = node
        .status
        .and_then(|s| s.conditions)
        .into_iter()
        .flatten()
        .filter(|c| c.type_ == "Ready")
        .map(|mut c| {
            c.last_heartbeat_time = None;
            c
        })
        .collect::<Vec<_>>();
    Node {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: node.metadata.name,
            labels: node.metadata.labels,
            ..Default::default()
        },
        spec: node.spec.map(|mut spec| {
            spec.config_source = None;
            spec
        }),
        status: Some(k8s_openapi::api::core::v1::NodeStatus {
            conditions: Some(ready),
            ..Default::default()
        }),
    }
}

/// Takes in a node change and says whether it changes what status reads of the nodes; any
/// other change is handed back.
fn take_node_change(
    nodes: &mut Mirror<Node, Node>,
    change: WatchChange,
) -> Result<bool, WatchChange> {
    let applied = match &change {
        WatchChange::NodeApplied(node) => node.metadata.name.clone(),
        WatchChange::NodesListed(_) | WatchChange::NodeDeleted(_) => None,
        _ => return Err(change),
    };
    let kept =
        |nodes: &Mirror<Node, Node>, name: &str| nodes.entries().and_then(|e| e.get(name).cloned());
    let before = applied.as_deref().map(|name| kept(nodes, name));
    if let Some(other) = nodes.take_node_change(change) {
        return Err(other);
    }
    Ok(match (applied, before) {
        (Some(name), Some(before)) => before != kept(nodes, &name),
        _ => true,
    })
}

impl Watched {
    /// Takes in one watch change; false when it changes nothing shown.
    async fn take(
        &mut self,
        change: WatchChange,
        cluster: &Cluster,
        namespace: &str,
        selector: &str,
        name: &str,
    ) -> anyhow::Result<bool> {
        let Some(change) = self.pods.take_pod_change(change) else {
            return Ok(true);
        };
        let change = match self.nodes.as_mut() {
            Some(nodes) => match take_node_change(nodes, change) {
                Ok(changed) => return Ok(changed),
                Err(other) => other,
            },
            None => change,
        };
        match change {
            WatchChange::DaemonSet(Some(new)) => {
                crate::ops::ensure_same(&new, &self.uid, (namespace, name), "while watching")?;
                let template_changed = new.metadata.generation != self.ds.metadata.generation;
                self.ds = *new;
                if template_changed || current_hash(&self.ds, &self.revisions).is_none() {
                    self.revisions = cluster
                        .list_controller_revisions_matching(namespace, selector)
                        .await?;
                }
            }
            WatchChange::DaemonSet(None) => {
                return Err(Failure::api(format!(
                    "daemonset {namespace}/{name} was deleted while watching"
                ))
                .into());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The view of what was seen; `None` until the pods have been listed.
    async fn view(
        &mut self,
        cluster: &Cluster,
        namespace: &str,
        selector: &str,
    ) -> anyhow::Result<Option<StatusView>> {
        let Some(pods) = self.pods.entries() else {
            return Ok(None);
        };
        // A pod of a revision the list does not know yet: the controller made a new revision.
        let revisions = &self.revisions;
        let known = |p: &Pod| {
            pod_hash(p).is_none_or(|h| revisions.iter().any(|r| history::hash_of(r) == h))
        };
        if !pods.values().all(known) {
            self.revisions = cluster
                .list_controller_revisions_matching(namespace, selector)
                .await?;
        }
        let nodes: Option<Vec<&Node>> = self
            .nodes
            .as_ref()
            .and_then(Mirror::entries)
            .map(|e| e.values().collect());
        Ok(Some(StatusView::new(
            &self.ds,
            &self.revisions,
            pods.values(),
            nodes.as_deref(),
            now(),
        )))
    }
}

/// What the watch printed last, so an unchanged view is not printed again.
#[derive(Default)]
struct Shown {
    text: String,
    warning: Option<String>,
}

impl Shown {
    fn show(
        &mut self,
        view: &StatusView,
        output: StatusFormat,
        terminal: bool,
        color: bool,
    ) -> anyhow::Result<()> {
        let text = match (output, terminal) {
            (StatusFormat::Json, _) => format!("{}\n", serde_json::to_string(view)?),
            (StatusFormat::Table, true) => format!("\x1b[H\x1b[2J{}", view.render(color)),
            (StatusFormat::Table, false) => format!("{}\n", view.progress_line()),
        };
        let redrawn = text != self.text;
        if redrawn {
            print!("{text}");
            use std::io::Write as _;
            std::io::stdout().flush()?;
            self.text = text;
        }
        // A redrawn terminal screen clears the warning: it is said again below the table.
        let clears = terminal && output == StatusFormat::Table;
        if let Some(warning) = &view.unreadable {
            if self.warning.as_ref() != Some(warning) || (clears && redrawn) {
                eprintln!("warning: {warning}");
            }
        }
        self.warning = view.unreadable.clone();
        Ok(())
    }
}

/// How the watch ends when the view shows an end: failed (exit 1) or complete.
fn finished(view: &StatusView, name: &str, output: StatusFormat) -> Option<Outcome> {
    let namespace = &view.namespace;
    if view.failed() {
        if output == StatusFormat::Table {
            println!(
                "daemonset {namespace}/{name} rollout failed: {}",
                view.recorded
                    .as_ref()
                    .and_then(|r| r.failure.clone())
                    .unwrap_or_else(|| "see the recorded state".into())
            );
        }
        return Some(ExitStatus::Findings);
    }
    if view.complete() {
        if output == StatusFormat::Table {
            println!("daemonset {namespace}/{name} successfully rolled out");
        }
        return Some(ExitStatus::Ok);
    }
    None
}

/// Where the rollout stands, as `rollout status` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ViewState {
    Complete,
    Progressing,
    WaitingDeletes,
    Pending,
    Paused,
    Failed,
}

impl ViewState {
    /// What the counters say (`list`'s ROLLOUT column).
    fn of(rollout: &Rollout) -> Self {
        match rollout {
            Rollout::Complete => ViewState::Complete,
            Rollout::NotObserved { .. } => ViewState::Pending,
            Rollout::Progressing { .. } => ViewState::Progressing,
            Rollout::WaitingForDeletes { .. } => ViewState::WaitingDeletes,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            ViewState::Complete => "complete",
            ViewState::Progressing => "progressing",
            ViewState::WaitingDeletes => "waiting-deletes",
            ViewState::Pending => "pending",
            ViewState::Paused => "paused",
            ViewState::Failed => "failed",
        }
    }
}

impl std::fmt::Display for ViewState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusView {
    api_version: &'static str,
    kind: &'static str,
    daemon_set: String,
    namespace: String,
    strategy: Strategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_revision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_hash: Option<String>,
    state: ViewState,
    detail: String,
    generation: i64,
    observed_generation: i64,
    desired: i32,
    updated: i32,
    ready: i32,
    available: i32,
    /// Nodes running an old and a new pod side by side (maxSurge).
    surging: usize,
    revisions: Vec<RevisionPods>,
    nodes: Vec<NodeRow>,
    /// The nodes of the DaemonSet that are not Ready.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_ready: Vec<SickNode>,
    /// RollingUpdate, or a controlled rollout under way: the budget and who uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<BudgetView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stuck_terminating: Vec<StuckPod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<Recorded>,
    /// Why the recorded state annotation could not be read (said on stderr).
    #[serde(skip)]
    unreadable: Option<String>,
    /// When the view was taken, which the marks' ages count from.
    #[serde(skip)]
    now: i64,
}

/// The unavailability budget and the eligible nodes that use it up now: those without a Ready
/// pod that is not terminating, as the DaemonSet controller and the ondelete engine count them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BudgetView {
    max_unavailable: usize,
    /// A surging RollingUpdate starts new pods beside the old ones, this many nodes at a time.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_surge: Option<usize>,
    unavailable: Vec<UnavailableNode>,
}

#[derive(Debug, Serialize)]
struct UnavailableNode {
    node: String,
    /// `NotReady 4m`, `pod terminating`, `no pod`, `pod not Ready (...)`.
    why: String,
}

/// A pod of the DaemonSet still terminating well after its grace period ended.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StuckPod {
    pod: String,
    node: String,
    /// Seconds since the grace period ended.
    seconds: i64,
    /// `None` when nodes could not be listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    node_health: Option<NodeHealth>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RevisionPods {
    revision: i64,
    hash: String,
    pods: usize,
    ready: usize,
    current: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeRow {
    node: String,
    pod: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<i64>,
    hash: String,
    ready: bool,
    up_to_date: bool,
    terminating: bool,
    /// A pod of the current revision started beside the node's old pod (maxSurge).
    surge: bool,
    /// Why a pod that is not Ready is not: unscheduled (with the scheduler's reason), a
    /// container waiting, or the Ready condition's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiting: Option<String>,
    /// How the node is when it is not Ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    health: Option<NodeHealth>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    phase: Phase,
    /// 1-based; equal to `waves` once every wave is done.
    wave: usize,
    waves: usize,
    target_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    /// The analysis gate runs by wave (0-based, as recorded).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    gates: std::collections::BTreeMap<usize, crate::rollout::state::GateRun>,
    /// The wave (1-based) that passed its gate and awaits approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    awaiting_approval: Option<usize>,
    /// Nodes left alone while NotReady or unreachable.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    deferred: std::collections::BTreeMap<String, crate::rollout::state::Deferral>,
    /// Nodes the rollout cordoned to drain them and has not uncordoned yet.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    cordoned: std::collections::BTreeSet<String>,
}

impl Recorded {
    fn new(state: &RolloutState, observation: &Observation, now: i64) -> Self {
        Recorded {
            phase: state.phase,
            wave: state
                .current_wave(observation, now)
                .map_or(state.waves.len(), |i| i + 1),
            waves: state.waves.len(),
            target_hash: state.target_hash.clone(),
            failure: state.failure.clone(),
            gates: state.gates.clone(),
            awaiting_approval: state.awaiting_approval().map(|w| w + 1),
            deferred: state.deferred.clone(),
            cordoned: state.cordoned.clone(),
        }
    }

    /// `deferred: n3 (unreachable since ...), ...` and `cordoned by the rollout: ...`, when any.
    fn node_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.deferred.is_empty() {
            let nodes: Vec<String> = self
                .deferred
                .iter()
                .map(|(node, d)| {
                    format!(
                        "{node} ({} since {})",
                        d.reason,
                        crate::clock::rfc3339(d.since)
                    )
                })
                .collect();
            lines.push(format!(
                "deferred (left alone while sick): {}",
                nodes.join(", ")
            ));
        }
        if !self.cordoned.is_empty() {
            let nodes: Vec<&str> = self.cordoned.iter().map(String::as_str).collect();
            lines.push(format!(
                "cordoned by the rollout (drain): {}",
                nodes.join(", ")
            ));
        }
        lines
    }
}

/// The node column of a pod with no node at all.
const NO_NODE: &str = "<none>";

/// The DaemonSet's pods by revision and by node.
#[derive(Default)]
struct PodRows<'a> {
    /// (pods, ready) by revision hash.
    per_hash: BTreeMap<&'a str, (usize, usize)>,
    /// Sorted by node and pod.
    nodes: Vec<NodeRow>,
    observation: Observation,
}

impl<'a> PodRows<'a> {
    /// `number_of`: revision numbers by hash; `current_hash`: the current revision's.
    fn new(pods: &[&'a Pod], number_of: &BTreeMap<&str, i64>, current_hash: Option<&str>) -> Self {
        let mut rows = PodRows::default();
        for pod in pods {
            let hash = pod_hash(pod).unwrap_or_default();
            let (ready, _) = pod_ready(pod);
            let terminating = pod.metadata.deletion_timestamp.is_some();
            let entry = rows.per_hash.entry(hash).or_default();
            entry.0 += 1;
            entry.1 += usize::from(ready);
            // A surge pod the scheduler has not placed has no nodeName yet; its affinity names
            // the node the controller made it for.
            let node = crate::daemonset::node_of(pod).unwrap_or_else(|| NO_NODE.into());
            rows.observation
                .entry(node.clone())
                .or_default()
                .push(pod_view(pod, terminating));
            rows.nodes.push(NodeRow {
                node,
                pod: pod.metadata.name.clone().unwrap_or_default(),
                revision: number_of.get(hash).copied(),
                hash: hash.to_string(),
                ready,
                up_to_date: current_hash == Some(hash),
                terminating,
                surge: false,
                waiting: (!ready && !terminating)
                    .then(|| failing(pod).or_else(|| not_ready_reason(pod)))
                    .flatten(),
                health: None,
            });
        }
        rows.nodes
            .sort_by(|a, b| (&a.node, &a.pod).cmp(&(&b.node, &b.pod)));
        rows
    }

    /// One row per revision the DaemonSet owns (oldest first), with its pods counted.
    fn revisions(&self, owned: &[ControllerRevision]) -> Vec<RevisionPods> {
        owned
            .iter()
            .map(|r| {
                let hash = history::hash_of(r);
                let (pods, ready) = self.per_hash.get(hash).copied().unwrap_or_default();
                RevisionPods {
                    revision: r.revision.unwrap_or_default(),
                    hash: hash.to_string(),
                    pods,
                    ready,
                    current: Some(r) == owned.last(),
                }
            })
            .collect()
    }
}

impl StatusView {
    /// `nodes`: `None` when they may not be listed (no health, no budget for nodes without pods).
    fn new<'a>(
        ds: &DaemonSet,
        revisions: &[ControllerRevision],
        pods: impl Iterator<Item = &'a Pod>,
        nodes: Option<&[&Node]>,
        now: i64,
    ) -> Self {
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let owned = history::owned_revisions(revisions.to_vec(), &uid);
        let summary = summary::summarize(ds, Some(&owned));
        let current_hash = owned.last().map(|r| history::hash_of(r).to_string());
        let number_of: BTreeMap<&str, i64> = owned
            .iter()
            .map(|r| (history::hash_of(r), r.revision.unwrap_or_default()))
            .collect();
        let pods: Vec<&Pod> = pods
            .filter(|p| history::is_owned_by(&p.metadata, &uid))
            .collect();
        let mut rows = PodRows::new(&pods, &number_of, current_hash.as_deref());
        let surging = mark_surge(&mut rows.nodes);
        let (state, unreadable) = match RolloutState::recorded(ds) {
            Ok(state) => (state, None),
            Err(unreadable) => (None, Some(unreadable.to_string())),
        };
        let recorded = state
            .as_ref()
            .map(|s| Recorded::new(s, &rows.observation, now));
        let marks = NodeMarks::new(ds, &pods, &rows.observation, nodes, state.as_ref(), now);
        marks.mark_rows(&mut rows.nodes);
        let status = ds.status.clone().unwrap_or_default();
        let mut view = Self {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetRolloutStatus",
            daemon_set: summary.name.clone(),
            namespace: summary.namespace.clone(),
            strategy: summary.strategy,
            current_revision: summary.revision,
            current_hash,
            state: ViewState::of(&summary.rollout),
            detail: summary.rollout.detail(),
            generation: ds.metadata.generation.unwrap_or_default(),
            observed_generation: status.observed_generation.unwrap_or_default(),
            desired: summary.desired,
            updated: summary.up_to_date,
            ready: summary.ready,
            available: summary.available,
            surging,
            revisions: rows.revisions(&owned),
            nodes: rows.nodes,
            not_ready: marks.not_ready,
            budget: marks.budget,
            stuck_terminating: marks.stuck_terminating,
            recorded,
            unreadable,
            now,
        };
        view.settle_state(pause::is_paused(ds));
        view
    }

    /// Corrects the counters' state by what they cannot see: pods still on an old revision under
    /// OnDelete, the phase a controlled rollout recorded, a pause (`paused`).
    fn settle_state(&mut self, paused: bool) {
        // OnDelete is complete only when every node's pod runs the current revision and is
        // ready, whatever the (lagging) counters say.
        if self.state == ViewState::Complete
            && self.strategy == Strategy::OnDelete
            && !self.nodes.iter().all(|n| n.up_to_date && n.ready)
        {
            self.state = ViewState::WaitingDeletes;
            self.detail = "some pods are still on an old revision or not ready".into();
        }
        match (self.recorded.as_ref().map(|r| r.phase), paused) {
            (Some(Phase::Failed), _) => {
                self.state = ViewState::Failed;
                self.detail = self
                    .recorded
                    .as_ref()
                    .and_then(|r| r.failure.clone())
                    .unwrap_or_else(|| "rollout failed".into());
            }
            (Some(phase), _) if phase.paused() => {
                self.state = ViewState::Paused;
                let awaiting = self.recorded.as_ref().and_then(|r| r.awaiting_approval);
                self.detail = match (phase, awaiting) {
                    (Phase::PausedAfterCanary, _) => "paused after the canary wave".into(),
                    (Phase::AwaitingApproval, Some(wave)) => format!(
                        "wave {wave} passed its gate and awaits approval; rollout resume goes on"
                    ),
                    _ => "paused".into(),
                };
            }
            (Some(Phase::Incomplete), _) => {
                self.state = ViewState::Paused;
                let nodes: Vec<&str> = self
                    .recorded
                    .iter()
                    .flat_map(|r| r.deferred.keys().map(String::as_str))
                    .collect();
                self.detail = format!(
                    "incomplete: {} deferred ({}); rollout resume finishes them once they are Ready",
                    crate::render::plural(nodes.len(), "node", "nodes"),
                    nodes.join(", ")
                );
            }
            (_, true) if self.state != ViewState::Complete => {
                self.state = ViewState::Paused;
                self.detail = "paused by rollout pause; rollout resume continues".into();
            }
            _ => {}
        }
    }

    fn complete(&self) -> bool {
        self.state == ViewState::Complete
    }

    fn failed(&self) -> bool {
        self.state == ViewState::Failed
    }

    /// The state in words for the header.
    fn state_words(&self) -> String {
        match self.state {
            ViewState::Complete => "complete".into(),
            ViewState::Progressing => format!("progressing ({})", self.detail),
            ViewState::WaitingDeletes => {
                format!("waiting for pod deletions (OnDelete): {}", self.detail)
            }
            ViewState::Pending => format!("pending observation ({})", self.detail),
            ViewState::Paused => format!("paused ({})", self.detail),
            ViewState::Failed => format!("halted: failed ({})", self.detail),
        }
    }

    /// One plain line for a watch into a pipe or file.
    fn progress_line(&self) -> String {
        format!(
            "progress: {} of {} nodes updated, {} available{} ({})",
            self.updated,
            self.desired,
            self.available,
            self.surging_words(),
            self.state
        )
    }

    fn surging_words(&self) -> String {
        match self.surging {
            0 => String::new(),
            1 => ", 1 node surging".into(),
            n => format!(", {n} nodes surging"),
        }
    }

    /// The pods that keep the rollout from finishing, one line each: node, pod and why.
    pub(super) fn stuck(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|n| !n.terminating && (!n.ready || !n.up_to_date))
            .filter(|n| n.up_to_date || n.waiting.is_some())
            .map(|n| {
                let what = match (n.up_to_date, n.surge) {
                    (true, true) => "surge pod",
                    (true, false) => "new pod",
                    (false, _) => "old pod",
                };
                let why = n.waiting.clone().unwrap_or_else(|| "not Ready".into());
                format!("node {}: {what} {} {why}", n.node, n.pod)
            })
            .chain(self.stuck_terminating.iter().map(|s| self.stuck_line(s)))
            .collect()
    }

    fn render(&self, color: bool) -> String {
        let revision = match (self.current_revision, &self.current_hash) {
            (Some(n), Some(h)) => format!("revision {n} ({h})"),
            _ => "no revision yet".into(),
        };
        let strategy = match self.strategy {
            Strategy::RollingUpdate => "RollingUpdate",
            Strategy::OnDelete => "OnDelete",
        };
        let mut out = format!(
            "daemonset {}/{} ({strategy}), current {revision}: {}\n",
            self.namespace,
            self.daemon_set,
            self.state_words()
        );
        out.push_str(&format!(
            "{} desired, {} updated, {} ready, {} available{}\n\n",
            self.desired,
            self.updated,
            self.ready,
            self.available,
            self.surging_words()
        ));
        let mut table = Table::new(&["REVISION", "HASH", "PODS", "READY"]);
        for r in &self.revisions {
            let number = render::revision_cell(r.revision, r.current);
            table.push(vec![
                number,
                Cell::from(r.hash.clone()),
                Cell::from(r.pods.to_string()),
                Cell::from(r.ready.to_string()),
            ]);
        }
        out.push_str(&table.render(true, color));
        out.push('\n');
        out.push_str(&self.node_table(color));
        let node_lines = self.node_lines();
        if !node_lines.is_empty() {
            out.push('\n');
        }
        for line in node_lines {
            out.push_str(&line);
            out.push('\n');
        }
        if let Some(r) = &self.recorded {
            out.push_str(&format!(
                "\nrecorded rollout: phase {}, wave {} of {}, target {}{}\n",
                r.phase,
                r.wave,
                r.waves,
                r.target_hash,
                r.failure
                    .as_ref()
                    .map(|f| format!(", failure: {f}"))
                    .unwrap_or_default()
            ));
            for line in r.node_lines() {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

impl StatusView {
    /// One row per pod: node, pod, revision, Ready, up to date, why it waits.
    fn node_table(&self, color: bool) -> String {
        // Only a view with a sick node shows their health, so that the usual table stays narrow.
        let marked = self.nodes.iter().any(|n| n.health.is_some());
        let mut columns = vec!["NODE"];
        if marked {
            columns.push("NODE-STATUS");
        }
        columns.extend(["POD", "REVISION", "READY", "UP-TO-DATE", "WAITING"]);
        let mut table = Table::new(&columns);
        for n in &self.nodes {
            let pod = match (n.terminating, n.surge) {
                (true, _) => format!("{} (terminating)", n.pod),
                (false, true) => format!("{} (surge)", n.pod),
                (false, false) => n.pod.clone(),
            };
            let flag = |value: bool| match value {
                true => Cell::from("true"),
                false => Cell::toned("false", Tone::Bad),
            };
            let mut row = vec![Cell::from(n.node.clone())];
            if marked {
                row.push(match &n.health {
                    Some(h) => Cell::toned(h.mark(self.now), Tone::Bad),
                    None => Cell::from("Ready"),
                });
            }
            row.extend([
                Cell::from(pod),
                Cell::from(n.revision.map_or_else(|| "?".into(), |r| r.to_string())),
                flag(n.ready),
                flag(n.up_to_date),
                Cell::from(n.waiting.clone().unwrap_or_default()),
            ]);
            table.push(row);
        }
        if self.nodes.is_empty() {
            return "no pods\n".into();
        }
        table.render(true, color)
    }

    /// The lines below the node table: the nodes not Ready, the budget (while it matters) and
    /// the pods stuck terminating.
    fn node_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.not_ready.is_empty() {
            let marks: Vec<String> = self
                .not_ready
                .iter()
                .map(|s| format!("{} ({})", s.node, s.health.mark(self.now)))
                .collect();
            lines.push(format!("not Ready: {}", some_of(&marks)));
        }
        let budget = self.budget.as_ref();
        if let Some(b) = budget.filter(|b| !b.unavailable.is_empty() || !self.complete()) {
            lines.push(budget_line(b));
        }
        lines.extend(self.stuck_terminating.iter().map(|s| self.stuck_line(s)));
        lines
    }

    /// `pod ns/name on node/n3 terminating for 3m12s past its grace period (node Unreachable 2m)`.
    fn stuck_line(&self, stuck: &StuckPod) -> String {
        let node = match &stuck.node_health {
            Some(h) => format!(" (node {})", h.mark(self.now)),
            None => String::new(),
        };
        format!(
            "pod {}/{} on node/{} terminating for {} past its grace period{node}",
            self.namespace,
            stuck.pod,
            stuck.node,
            crate::render::age(stuck.seconds)
        )
    }
}

/// `budget: 2 of maxUnavailable 2 used by n3 (NotReady 4m), n4 (pod terminating)`; with
/// maxSurge, how many nodes are unavailable beside it.
fn budget_line(budget: &BudgetView) -> String {
    let users: Vec<String> = budget
        .unavailable
        .iter()
        .map(|u| format!("{} ({})", u.node, u.why))
        .collect();
    let used = users.len();
    let by = match used {
        0 => String::new(),
        _ => format!(" by {}", some_of(&users)),
    };
    match budget.max_surge {
        Some(surge) => format!(
            "budget: maxSurge {surge}, maxUnavailable {}; {} unavailable{by}",
            budget.max_unavailable,
            plural(used, "node", "nodes")
        ),
        None => format!(
            "budget: {used} of maxUnavailable {} used{by}",
            budget.max_unavailable
        ),
    }
}

/// What the nodes add to the view: their health, the budget and who uses it, the pods stuck
/// terminating.
struct NodeMarks {
    health: BTreeMap<String, NodeHealth>,
    not_ready: Vec<SickNode>,
    budget: Option<BudgetView>,
    stuck_terminating: Vec<StuckPod>,
}

impl NodeMarks {
    fn new(
        ds: &DaemonSet,
        pods: &[&Pod],
        observation: &Observation,
        nodes: Option<&[&Node]>,
        recorded: Option<&RolloutState>,
        now: i64,
    ) -> Self {
        let health = nodes
            .map(|n| health_by_node(n.iter().copied()))
            .unwrap_or_default();
        let observed = eligible(ds, observation, nodes, recorded);
        let not_ready = observed
            .keys()
            .filter_map(|node| {
                let health = health.get(node).filter(|h| !h.is_ready())?;
                Some(SickNode {
                    node: node.clone(),
                    health: health.clone(),
                })
            })
            .collect();
        let desired = crate::daemonset::desired_nodes(ds);
        let budget = budget_limit(ds, recorded, desired).map(|(max_unavailable, max_surge)| {
            let unavailable = unavailable_nodes(&observed, &health)
                .into_iter()
                .map(|u| UnavailableNode {
                    why: u.why(now),
                    node: u.node,
                })
                .collect();
            BudgetView {
                max_unavailable,
                max_surge,
                unavailable,
            }
        });
        let stuck_terminating = stuck_terminating(pods, now, STUCK_SLACK_SECONDS)
            .into_iter()
            .map(|s| StuckPod {
                node_health: health.get(&s.node).cloned(),
                pod: s.pod,
                node: s.node,
                seconds: s.for_seconds,
            })
            .collect();
        NodeMarks {
            health,
            not_ready,
            budget,
            stuck_terminating,
        }
    }

    fn mark_rows(&self, rows: &mut [NodeRow]) {
        for row in rows {
            row.health = self
                .health
                .get(&row.node)
                .filter(|h| !h.is_ready())
                .cloned();
        }
    }
}

/// Every node the budget counts, with its pods of the DaemonSet: the nodes with a pod, and the
/// nodes that should run one but have none (from the node list; without it, the nodes a
/// recorded rollout planned).
fn eligible(
    ds: &DaemonSet,
    observation: &Observation,
    nodes: Option<&[&Node]>,
    recorded: Option<&RolloutState>,
) -> Observation {
    let mut observed: Observation = observation
        .iter()
        .filter(|(node, _)| node.as_str() != NO_NODE)
        .map(|(node, pods)| (node.clone(), pods.clone()))
        .collect();
    match nodes {
        Some(nodes) => {
            let template = ds.spec.template.spec.clone().unwrap_or_default();
            for node in nodes {
                let name = node.metadata.name.clone().unwrap_or_default();
                if crate::placement::evaluate(&template, node).should_run {
                    observed.entry(name).or_default();
                }
            }
        }
        None => {
            let planned = recorded.into_iter().flat_map(|s| &s.waves);
            for node in planned.flat_map(|w| &w.nodes) {
                observed.entry(node.clone()).or_default();
            }
        }
    }
    observed
}

/// The budget that holds now, as (maxUnavailable, maxSurge): a controlled rollout under way
/// recorded its own; a RollingUpdate resolves its fields against the desired nodes as the
/// controller does (both zero: one unavailable). `None` for OnDelete without a rollout.
fn budget_limit(
    ds: &DaemonSet,
    recorded: Option<&RolloutState>,
    desired: usize,
) -> Option<(usize, Option<usize>)> {
    if let Some(state) = recorded.filter(|s| s.phase.unfinished()) {
        return Some((state.max_unavailable, None));
    }
    let strategy = ds.spec.update_strategy.as_ref();
    if strategy
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
        != "RollingUpdate"
    {
        return None;
    }
    let desired = i32::try_from(desired).unwrap_or(i32::MAX);
    let pace = UpdatePace::of(strategy.and_then(|s| s.rolling_update.as_ref()));
    let surge = pace.surge_nodes(desired);
    let mut unavailable = pace.unavailable().resolve(desired);
    if surge.is_none() {
        unavailable = unavailable.max(1);
    }
    let count = |n: i32| usize::try_from(n).unwrap_or(0);
    Some((count(unavailable), surge.map(count)))
}

/// Marks the up-to-date pods that run beside an old, not terminating pod on the same node (the
/// controller's surge) and returns how many nodes surge. `nodes` is sorted by node.
fn mark_surge(nodes: &mut [NodeRow]) -> usize {
    let mut surging = 0;
    for group in nodes.chunk_by_mut(|a, b| a.node == b.node) {
        let has_old = group.iter().any(|n| !n.up_to_date && !n.terminating);
        let mut surged = false;
        for row in group.iter_mut().filter(|n| n.up_to_date && !n.terminating) {
            row.surge = has_old;
            surged |= has_old;
        }
        surging += usize::from(surged);
    }
    surging
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemonset::pause::PAUSED_ANNOTATION;
    use crate::rollout::state::STATE_ANNOTATION;
    use serde_json::{json, Value};

    fn daemonset(strategy: &str, annotations: Value, updated: i32) -> DaemonSet {
        serde_json::from_value(json!({
            "metadata": {"name": "agent", "namespace": "ops", "uid": "u", "generation": 2,
                         "annotations": annotations},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "updateStrategy": {"type": strategy},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "main", "image": "busybox"}]}}},
            "status": {"observedGeneration": 2, "desiredNumberScheduled": 2,
                       "currentNumberScheduled": 2, "numberMisscheduled": 0, "numberReady": 2,
                       "numberAvailable": 2, "updatedNumberScheduled": updated}
        }))
        .unwrap()
    }

    fn revision(number: i64, hash: &str) -> ControllerRevision {
        serde_json::from_value(json!({
            "metadata": {"name": format!("agent-{hash}"), "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "revision": number, "data": {}
        }))
        .unwrap()
    }

    fn pod(name: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"nodeName": node, "containers": []},
            "status": {"conditions": [{"type": "Ready", "status": "True",
                                       "lastTransitionTime": "2024-05-03T11:00:00Z"}]}
        }))
        .unwrap()
    }

    fn view(strategy: &str, annotations: Value, updated: i32, hashes: [&str; 2]) -> StatusView {
        let pods = [pod("p1", "n1", hashes[0]), pod("p2", "n2", hashes[1])];
        StatusView::new(
            &daemonset(strategy, annotations, updated),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            None,
            1_800_000_000,
        )
    }

    /// A surge pod the scheduler could not place: no nodeName, the node only in its affinity,
    /// PodScheduled False with the scheduler's message (as recorded from a 1.37 cluster).
    fn unscheduled_surge_pod(name: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "labels": {history::HASH_LABEL: hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"containers": [], "affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In",
                                      "values": [node]}]}]}}}},
            "status": {"phase": "Pending", "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."}]}
        }))
        .unwrap()
    }

    #[test]
    fn a_pod_with_a_container_waiting_on_an_error_is_not_ready_whatever_its_condition_says() {
        // As a 1.37 hollow kubelet reports it: Ready True, the container waiting.
        let mut bad = pod("bad", "n1", "new");
        bad.status.as_mut().unwrap().container_statuses = Some(vec![serde_json::from_value(
            json!({"name": "main", "image": "not a valid image", "imageID": "", "ready": true,
                   "restartCount": 0, "state": {"waiting": {"reason": "InvalidImageName",
                   "message": "couldn't parse image name"}}}),
        )
        .unwrap()]);
        assert_eq!(pod_ready(&bad), (false, None));
        assert_eq!(failing(&bad).as_deref(), Some("InvalidImageName"));
        let in_state = |state: serde_json::Value| {
            let mut pod = bad.clone();
            let statuses = pod.status.as_mut().unwrap().container_statuses.as_mut();
            statuses.unwrap()[0].state = Some(serde_json::from_value(state).unwrap());
            pod
        };
        let creating = in_state(json!({"waiting": {"reason": "ContainerCreating"}}));
        assert_eq!(pod_ready(&creating), (false, None));
        assert_eq!(failing(&creating), None);
        let running = in_state(json!({"running": {"startedAt": "2024-05-03T11:00:00Z"}}));
        assert!(pod_ready(&running).0);
        let good = pod("good", "n1", "new");
        assert!(pod_ready(&good).0);
    }

    #[test]
    fn surge_pods_are_marked_and_a_stuck_one_is_named_with_its_node_and_reason() {
        let pods = [
            pod("old-1", "n1", "old"),
            unscheduled_surge_pod("new-1", "n1", "new"),
            pod("new-2", "n2", "new"),
        ];
        let view = StatusView::new(
            &daemonset("RollingUpdate", json!({}), 1),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            None,
            1_800_000_000,
        );
        assert_eq!(view.surging, 1);
        let surge: Vec<_> = view
            .nodes
            .iter()
            .filter(|n| n.surge)
            .map(|n| &n.pod)
            .collect();
        assert_eq!(surge, ["new-1"]);
        assert!(
            view.render(false).contains("new-1 (surge)"),
            "{}",
            view.render(false)
        );
        assert!(view.render(false).contains("1 node surging"));
        assert_eq!(
            view.stuck(),
            ["node n1: surge pod new-1 not scheduled: Unschedulable: 0/4 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."]
        );

        // Once the old pod is terminating the new one is no longer a surge.
        let mut old = pod("old-1", "n1", "old");
        old.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::from_second(1_800_000_000).unwrap(),
            ));
        let pods = [old, pod("new-1", "n1", "new"), pod("new-2", "n2", "new")];
        let view = StatusView::new(
            &daemonset("RollingUpdate", json!({}), 2),
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            None,
            1_800_000_000,
        );
        assert_eq!(view.surging, 0);
        assert!(view.stuck().is_empty(), "{:?}", view.stuck());
    }

    #[test]
    fn states_from_counters_pods_and_recorded_state() {
        let done = view("RollingUpdate", json!({}), 2, ["new", "new"]);
        assert_eq!(
            (done.state, done.current_revision),
            (ViewState::Complete, Some(2))
        );
        assert_eq!(
            done.revisions
                .iter()
                .map(|r| (r.revision, r.pods, r.ready))
                .collect::<Vec<_>>(),
            [(1, 0, 0), (2, 2, 2)]
        );

        let waiting = view("OnDelete", json!({}), 1, ["old", "new"]);
        assert_eq!(waiting.state, ViewState::WaitingDeletes);
        assert!(!waiting.nodes[0].up_to_date && waiting.nodes[1].up_to_date);
        assert_eq!(waiting.nodes[0].revision, Some(1));

        // Counters that already say complete do not end an OnDelete rollout with an old pod.
        let lagging = view("OnDelete", json!({}), 2, ["old", "new"]);
        assert_eq!(lagging.state, ViewState::WaitingDeletes);

        let paused = view(
            "OnDelete",
            json!({PAUSED_ANNOTATION: "RollingUpdate"}),
            1,
            ["old", "new"],
        );
        assert_eq!(paused.state, ViewState::Paused);

        let recorded = json!({"targetHash": "new", "waves": [
            {"canary": true, "nodes": ["n2"]}, {"canary": false, "nodes": ["n1"]}],
            "maxUnavailable": 1, "minReadySeconds": 0, "progressDeadlineSeconds": 300,
            "pauseAfterCanary": false, "phase": "failed", "failure": "n1: CrashLoopBackOff"});
        let failed = view(
            "OnDelete",
            json!({STATE_ANNOTATION: recorded.to_string()}),
            1,
            ["old", "new"],
        );
        assert!(failed.failed(), "{failed:?}");
        let r = failed.recorded.as_ref().unwrap();
        assert_eq!((r.wave, r.waves), (2, 2));
        assert!(failed
            .render(false)
            .contains("wave 2 of 2, target new, failure: n1: CrashLoopBackOff"));
        assert!(failed
            .render(false)
            .lines()
            .next()
            .unwrap()
            .contains("halted: failed"));

        let mut canary = recorded.clone();
        canary["phase"] = json!("paused-after-canary");
        canary["failure"] = Value::Null;
        let paused = view(
            "OnDelete",
            json!({STATE_ANNOTATION: canary.to_string()}),
            1,
            ["old", "new"],
        );
        assert_eq!(paused.state, ViewState::Paused);
        assert_eq!(paused.detail, "paused after the canary wave");
        assert!(paused
            .render(false)
            .contains("recorded rollout: phase paused-after-canary, wave 2 of 2"));
        let doc = serde_json::to_value(&paused).unwrap();
        assert_eq!(
            (&doc["state"], &doc["recorded"]["phase"]),
            (&json!("paused"), &json!("paused-after-canary"))
        );
    }

    #[test]
    fn an_unreadable_recorded_state_is_named_and_the_counters_decide() {
        let broken = view(
            "OnDelete",
            json!({STATE_ANNOTATION: "{\"phase\": \"failed\""}),
            2,
            ["new", "new"],
        );
        assert_eq!(broken.state, ViewState::Complete);
        assert!(broken.recorded.is_none());
        let warning = broken.unreadable.as_deref().unwrap();
        assert!(
            warning.starts_with(
                "the annotation rollout.kubectl-ds.io/state of daemonset ops/agent does not hold a rollout state"
            ),
            "{warning}"
        );
        assert!(warning
            .contains("kubectl annotate daemonset agent -n ops rollout.kubectl-ds.io/state-"));
        let doc = serde_json::to_value(&broken).unwrap();
        assert!(doc.get("unreadable").is_none(), "{doc}");
    }

    #[test]
    fn view_states_are_written_as_list_writes_the_rollout_column() {
        let rollouts = [
            Rollout::Complete,
            Rollout::NotObserved {
                generation: 2,
                observed_generation: 1,
            },
            Rollout::Progressing {
                updated: 1,
                available: 1,
                desired: 2,
            },
            Rollout::WaitingForDeletes {
                updated: 1,
                desired: 2,
            },
        ];
        for rollout in rollouts {
            let state = ViewState::of(&rollout);
            assert_eq!(state.as_str(), rollout.label());
            assert_eq!(serde_json::to_value(state).unwrap(), rollout.label());
        }
        for (state, word) in [(ViewState::Paused, "paused"), (ViewState::Failed, "failed")] {
            assert_eq!(serde_json::to_value(state).unwrap(), word);
            assert_eq!(state.to_string(), word);
        }
    }

    const NOW: i64 = 1_800_000_000;

    fn at(seconds: i64) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::Time {
        k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::jiff::Timestamp::from_second(seconds).unwrap(),
        )
    }

    /// A node as a cluster reports it: the Ready condition (`True`, `False` or `Unknown`) since
    /// `since`, with the taints the node-lifecycle controller adds for it.
    fn cluster_node(name: &str, ready: &str, since: i64) -> Node {
        let taints = match ready {
            "True" => json!([]),
            "False" => json!([{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
                              {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]),
            _ => json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"},
                        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]),
        };
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {"taints": taints},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": "KubeletNotReady",
                                       "lastTransitionTime": crate::clock::rfc3339(since),
                                       "lastHeartbeatTime": crate::clock::rfc3339(since)}]}
        }))
        .unwrap()
    }

    /// Five nodes of a RollingUpdate with maxUnavailable 2 in the middle of an update: n1 done,
    /// n2's old pod terminating, n3 NotReady for 4m with its new pod not Ready, n4 unreachable for
    /// 2m with its old pod stuck terminating 3m12s past its grace period, n5 Ready and no pod
    /// yet.
    fn mid_update() -> (DaemonSet, Vec<Pod>, Vec<Node>) {
        let mut ds = daemonset("RollingUpdate", json!({}), 2);
        ds.spec.update_strategy = Some(
            serde_json::from_value(
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}),
            )
            .unwrap(),
        );
        let status = ds.status.as_mut().unwrap();
        status.desired_number_scheduled = 5;
        let mut terminating = pod("p2", "n2", "old");
        terminating.metadata.deletion_timestamp = Some(at(NOW + 20));
        let mut not_ready = pod("p3", "n3", "new");
        not_ready.status = Some(
            serde_json::from_value(json!({"conditions": [
                {"type": "Ready", "status": "False", "reason": "ContainersNotReady"}]}))
            .unwrap(),
        );
        let mut stuck = pod("p4", "n4", "old");
        stuck.metadata.deletion_timestamp = Some(at(NOW - 192));
        let pods = vec![pod("p1", "n1", "new"), terminating, not_ready, stuck];
        let nodes = vec![
            cluster_node("n1", "True", NOW - 86_400),
            cluster_node("n2", "True", NOW - 86_400),
            cluster_node("n3", "False", NOW - 240),
            cluster_node("n4", "Unknown", NOW - 120),
            cluster_node("n5", "True", NOW - 60),
        ];
        (ds, pods, nodes)
    }

    fn mid_update_view(nodes: Option<&[Node]>) -> StatusView {
        let (ds, pods, _) = mid_update();
        let refs: Option<Vec<&Node>> = nodes.map(|n| n.iter().collect());
        StatusView::new(
            &ds,
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            refs.as_deref(),
            NOW,
        )
    }

    #[test]
    fn sick_nodes_the_budget_users_and_pods_stuck_terminating_are_shown() {
        let (_, _, nodes) = mid_update();
        let view = mid_update_view(Some(&nodes));
        let text = view.render(false);
        insta::assert_snapshot!("status_sick_nodes_plain", text);
        let doc = serde_json::to_value(&view).unwrap();
        assert_eq!(
            doc["budget"],
            json!({"maxUnavailable": 2, "unavailable": [
                {"node": "n2", "why": "pod terminating"},
                {"node": "n3", "why": "NotReady 4m"},
                {"node": "n4", "why": "Unreachable 2m, pod terminating"},
                {"node": "n5", "why": "no pod"}]}),
            "{doc}"
        );
        assert_eq!(
            doc["stuckTerminating"],
            json!([{"pod": "p4", "node": "n4", "seconds": 192,
                    "nodeHealth": {"state": "unreachable", "since": crate::clock::rfc3339(NOW - 120)}}])
        );
        let health: Vec<(&Value, &Value)> = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| (&n["node"], &n["health"]["state"]))
            .collect();
        assert_eq!(
            health,
            [
                (&json!("n1"), &Value::Null),
                (&json!("n2"), &Value::Null),
                (&json!("n3"), &json!("not-ready")),
                (&json!("n4"), &json!("unreachable"))
            ]
        );
        assert_eq!(
            doc["notReady"],
            json!([
                {"node": "n3", "health": {"state": "not-ready", "since": crate::clock::rfc3339(NOW - 240), "reason": "KubeletNotReady"}},
                {"node": "n4", "health": {"state": "unreachable", "since": crate::clock::rfc3339(NOW - 120)}}
            ])
        );
        assert!(
            view.stuck()
                .contains(&"pod ops/p4 on node/n4 terminating for 3m12s past its grace period (node Unreachable 2m)".to_string()),
            "{:?}",
            view.stuck()
        );
    }

    #[test]
    fn without_the_node_list_the_budget_counts_the_nodes_with_pods_and_no_health_is_shown() {
        let view = mid_update_view(None);
        let text = view.render(false);
        assert!(!text.contains("NODE-STATUS"), "{text}");
        assert!(!text.contains("not Ready:"), "{text}");
        assert!(
            text.contains("budget: 3 of maxUnavailable 2 used by n2 (pod terminating), n3 (pod not Ready (ContainersNotReady)), n4 (pod terminating)"),
            "{text}"
        );
        assert!(
            text.contains("pod ops/p4 on node/n4 terminating for 3m12s past its grace period\n"),
            "{text}"
        );
        let doc = serde_json::to_value(&view).unwrap();
        assert!(
            doc["stuckTerminating"][0].get("nodeHealth").is_none(),
            "{doc}"
        );
    }

    #[test]
    fn the_budget_is_the_controllers_or_the_recorded_rollouts_and_shown_while_it_matters() {
        let state = json!({"targetHash": "new", "waves": [
            {"canary": true, "nodes": ["n2"]}, {"canary": false, "nodes": ["n1", "n3"]}],
            "maxUnavailable": 1, "minReadySeconds": 0, "progressDeadlineSeconds": 300,
            "pauseAfterCanary": false, "phase": "running"});
        let mut done = state.clone();
        done["phase"] = json!("complete");
        let cases = [
            (
                "RollingUpdate, complete",
                "RollingUpdate",
                json!({}),
                ["new", "new"],
                Some(1),
                None,
            ),
            (
                "OnDelete without a rollout",
                "OnDelete",
                json!({}),
                ["old", "new"],
                None,
                None,
            ),
            (
                "a recorded rollout under way: its budget, its planned nodes without pods",
                "OnDelete",
                json!({STATE_ANNOTATION: state.to_string()}),
                ["old", "new"],
                Some(1),
                Some("budget: 1 of maxUnavailable 1 used by n3 (no pod)"),
            ),
            (
                "a recorded rollout that is over",
                "OnDelete",
                json!({STATE_ANNOTATION: done.to_string()}),
                ["old", "new"],
                None,
                None,
            ),
        ];
        for (what, strategy, annotations, hashes, max, line) in cases {
            let v = view(strategy, annotations, 2, hashes);
            assert_eq!(v.budget.as_ref().map(|b| b.max_unavailable), max, "{what}");
            let text = v.render(false);
            match line {
                Some(line) => assert!(text.contains(line), "{what}\n{text}"),
                None => assert!(!text.contains("budget:"), "{what}\n{text}"),
            }
        }
    }

    #[test]
    fn a_surging_update_says_its_surge_beside_the_unavailable_nodes() {
        let mut ds = daemonset("RollingUpdate", json!({}), 1);
        ds.spec.update_strategy = Some(
            serde_json::from_value(json!({"type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}))
            .unwrap(),
        );
        let mut creating = pod("p2", "n2", "new");
        creating.status = None;
        let pods = [pod("p1", "n1", "old"), creating];
        let v = StatusView::new(
            &ds,
            &[revision(1, "old"), revision(2, "new")],
            pods.iter(),
            None,
            NOW,
        );
        assert!(
            v.render(false).contains(
                "budget: maxSurge 1, maxUnavailable 0; 1 node unavailable by n2 (pod not Ready"
            ),
            "{}",
            v.render(false)
        );
    }

    #[test]
    fn a_node_status_report_that_changes_nothing_status_reads_is_no_change() {
        let mut nodes = Mirror::new(|n: &Node| n.metadata.name.clone(), |n| Some(health_view(n)));
        let listed = take_node_change(
            &mut nodes,
            WatchChange::NodesListed(vec![Box::new(cluster_node("n1", "True", NOW - 600))]),
        );
        assert_eq!(listed.ok(), Some(true));
        let heartbeat = cluster_node("n1", "True", NOW - 600);
        let mut later = heartbeat.clone();
        let ready = &mut later.status.as_mut().unwrap().conditions.as_mut().unwrap()[0];
        ready.last_heartbeat_time = Some(at(NOW));
        later.metadata.resource_version = Some("2".into());
        assert_eq!(
            take_node_change(&mut nodes, WatchChange::NodeApplied(Box::new(later))).ok(),
            Some(false),
            "a heartbeat"
        );
        assert_eq!(
            take_node_change(
                &mut nodes,
                WatchChange::NodeApplied(Box::new(cluster_node("n1", "False", NOW)))
            )
            .ok(),
            Some(true),
            "NotReady"
        );
        assert!(take_node_change(&mut nodes, WatchChange::PodsListed(vec![])).is_err());
    }
}
