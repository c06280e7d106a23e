//! The ondelete engine: with the DaemonSet on OnDelete, replace its pods wave by wave, deleting an
//! old pod only when the recorded state and what the cluster shows now allow it
//! (`RolloutState::next_step`). The state (and the lock) is written to the DaemonSet before every
//! delete, so a run interrupted anywhere continues where it stopped with `rollout resume`.
//! Everything is driven by the watch (kube's runtime watcher, which re-lists after expiry or an API
//! server restart); API calls that fail for a transient reason are retried.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::IsTerminal as _;
use std::time::Duration;

use futures::{FutureExt as _, StreamExt as _};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, PodTemplateSpec};
use serde_json::Value;

use super::gate::GateInput;
use super::gating::{self, Approval, GateMessage, RunningGate};
use super::interrupt::{self, Interrupt, Signals};
use super::lock::recorded_lock;
use super::retry::{retrying, with_retry};
use super::Outcome;
use crate::cli::RolloutEngineArgs;
use crate::clock::{now, rfc3339, until_second};
use crate::cluster::{Cluster, Mirror, Troubles, WatchChange};
use crate::daemonset::budget::Budget;
use crate::daemonset::history::current_hash;
use crate::daemonset::patch;
use crate::daemonset::pause::annotation;
use crate::daemonset::{history, is_finished, node_name_of, node_of, selector};
use crate::daemonset::{key, pod_hash};
use crate::error::{ExitStatus, Failure, FailureKind};
use crate::placement;
use crate::render::plural;
use crate::render::progress::GateKind;
use crate::render::progress::{Event, NodeFailure, Progress};
use crate::rollout::analysis::Analysis;
use crate::rollout::health::pod_view;
use crate::rollout::lock::{self, Lock, LOCK_ANNOTATION};
use crate::rollout::node_policy::NodePolicy;
use crate::rollout::state::{GateResult, GateRun};
use crate::rollout::state::{
    Observation, Phase, RolloutState, Step, ORIGINAL_STRATEGY_ANNOTATION, STATE_ANNOTATION,
};
use crate::rollout::waves::{plan_waves, Canary, NodeInfo, NodeOrder, Wave, WaveOptions};

mod nodework;
mod sick;

pub use nodework::release_recorded_nodes;

/// The least time between two decisions while changes keep coming: each decision reads every
/// pod and node of the plan, so one per change would cost a large rollout more CPU than the
/// changes themselves, for nothing (the next change comes within milliseconds).
const STEP_GAP: Duration = Duration::from_millis(20);

/// While changes keep coming, decisions take at most about this share of the time (one part in
/// ten): a decision reads every pod of the plan, so at thousands of nodes it costs milliseconds,
/// and deciding every [`STEP_GAP`] would take CPU from the control plane the rollout waits on.
const DECISION_SHARE: u32 = 10;

/// The longest gap between decisions while changes keep coming, however long one takes.
const MOST_STEP_GAP: Duration = Duration::from_millis(200);

/// The gap after a decision that took `took` (its reading and deciding, not its API calls).
fn step_gap(took: Duration) -> Duration {
    (took * DECISION_SHARE).clamp(STEP_GAP, MOST_STEP_GAP)
}

/// Pod deletes in flight at once in one step (which may span several overlapping waves).
const DELETES_AT_ONCE: usize = 64;

/// The recorded state, for a caller that does without an unreadable one: the run that starts
/// next replaces it, and says so (`Driver::begin`).
pub fn recorded_state(ds: &DaemonSet) -> Option<RolloutState> {
    RolloutState::recorded(ds).ok().flatten()
}

/// Every node of the plan (a node whose old pod is gone and whose new pod is not there yet shows
/// with no pods) and every node with a pod. Pods this run asked to delete count as terminating
/// even before the watch shows it. Nodes of the plan that no longer run the DaemonSet
/// (`ineligible`) and have no pod of it are left out: they count as done.
fn observe(
    pods: &BTreeMap<String, Pod>,
    deleted: &HashSet<String>,
    state: &RolloutState,
    ineligible: &BTreeSet<String>,
) -> Observation {
    let mut observed = Observation::new();
    for wave in &state.waves {
        for node in wave.nodes.iter().filter(|n| !ineligible.contains(*n)) {
            observed.entry(node.clone()).or_default();
        }
    }
    for pod in pods.values() {
        let Some(node) = node_of(pod) else { continue };
        if is_finished(pod) {
            continue;
        }
        let asked = pod
            .metadata
            .uid
            .as_ref()
            .is_some_and(|uid| deleted.contains(uid));
        let terminating = pod.metadata.deletion_timestamp.is_some() || asked;
        observed
            .entry(node)
            .or_default()
            .push(pod_view(pod, terminating));
    }
    observed
}

/// Nodes of the plan with no running pod of the DaemonSet.
fn planned_without_pods(state: &RolloutState, pods: &BTreeMap<String, Pod>) -> BTreeSet<String> {
    let with_pods: HashSet<&str> = pods
        .values()
        .filter(|p| !is_finished(p))
        .filter_map(node_name_of)
        .collect();
    state
        .waves
        .iter()
        .flat_map(|w| w.nodes.iter())
        .filter(|n| !with_pods.contains(n.as_str()))
        .cloned()
        .collect()
}

/// Of `candidates`, the nodes the DaemonSet controller would not run a pod on any more (gone,
/// or excluded by the template's placement).
fn not_eligible(
    candidates: &BTreeSet<String>,
    nodes: &BTreeMap<String, Node>,
    template: &PodSpec,
) -> BTreeSet<String> {
    candidates
        .iter()
        .filter(|name| {
            nodes
                .get(name.as_str())
                .is_none_or(|node| !placement::evaluate(template, node).should_run)
        })
        .cloned()
        .collect()
}

/// Of the nodes to replace, those where the controller would not start a new pod although the
/// old one may stay (an untolerated NoSchedule taint added after it started), with why: deleting
/// their pod would leave them without one, so the engine leaves them out.
pub(super) fn split_stranded<'n>(
    nodes: BTreeSet<String>,
    all: impl IntoIterator<Item = &'n Node>,
    template: &PodSpec,
) -> (BTreeSet<String>, Vec<(String, String)>) {
    let by_name: HashMap<&str, &Node> = all
        .into_iter()
        .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
        .collect();
    let mut stranded = Vec::new();
    let kept = nodes
        .into_iter()
        .filter(|name| {
            let Some(node) = by_name.get(name.as_str()) else {
                return true;
            };
            let verdict = placement::evaluate(template, node);
            match verdict.exclusion {
                Some(why) if verdict.should_continue_running => {
                    stranded.push((name.clone(), why.to_string()));
                    false
                }
                _ => true,
            }
        })
        .collect();
    (kept, stranded)
}

/// `pod agent-x on node n1, pod agent-y on node n2`.
fn stranded_pods(stranded: &[(String, String)]) -> String {
    let named: Vec<String> = stranded
        .iter()
        .map(|(node, pod)| format!("pod {pod} on node {node}"))
        .collect();
    named.join(", ")
}

pub(super) fn stranded_warning((node, why): &(String, String)) -> String {
    format!(
        "node {node} keeps its outdated pod: the DaemonSet may keep a pod there but does not start one ({why}), so a deleted pod would not come back; the rollout leaves it alone"
    )
}

/// Nodes whose pod is not on `hash` (the nodes a rollout to `hash` replaces).
fn nodes_off(pods: &BTreeMap<String, Pod>, hash: &str) -> BTreeSet<String> {
    pods.values()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && !is_finished(p))
        .filter(|p| pod_hash(p) != Some(hash))
        .filter_map(node_of)
        .collect()
}

/// The next instant a decision can change without an event: a min-ready period ending, a
/// progress deadline passing, a soak ending.
fn next_wake(state: &RolloutState, observed: &Observation, now: i64) -> Option<i64> {
    let deadlines = state
        .deleted_at
        .values()
        .map(|at| at + state.progress_deadline_seconds + 1);
    let ready = observed
        .values()
        .flatten()
        .filter(|p| p.hash == state.target_hash && p.ready)
        .filter_map(|p| p.ready_since.map(|s| s + state.min_ready_seconds));
    deadlines.chain(ready).filter(|at| *at > now).min()
}

/// The canary wave the flags ask for.
fn canary_of(engine: &RolloutEngineArgs) -> Canary {
    if !engine.canary_nodes.is_empty() {
        return Canary::Nodes(engine.canary_nodes.clone());
    }
    if let Some(selector) = &engine.canary_selector {
        return Canary::Selector(selector.clone());
    }
    match engine.canary() {
        b if b.is_zero() => Canary::None,
        Budget::Count(n) => Canary::Count(u32::try_from(n).unwrap_or(0)),
        Budget::Percent(p) => Canary::Percent(u32::try_from(p).unwrap_or(0)),
    }
}

fn resolve_max_unavailable(budget: Budget, eligible: usize) -> usize {
    usize::try_from(
        budget
            .resolve(i32::try_from(eligible).unwrap_or(i32::MAX))
            .max(1),
    )
    .unwrap_or(1)
}

/// Plans the waves of a new rollout to `hash` over the nodes whose pods are not on it;
/// `min_ready_default` is the DaemonSet's minReadySeconds, for when --min-ready is not given.
pub fn plan(
    args: &RolloutEngineArgs,
    min_ready_default: i32,
    hash: &str,
    previous_hash: Option<String>,
    nodes: BTreeSet<String>,
    labels: &BTreeMap<String, BTreeMap<String, String>>,
    eligible: usize,
) -> Result<RolloutState, Failure> {
    let infos: Vec<NodeInfo> = nodes
        .into_iter()
        .map(|name| NodeInfo {
            labels: labels.get(&name).cloned().unwrap_or_default(),
            name,
        })
        .collect();
    let options = WaveOptions {
        canary: canary_of(args),
        max_unavailable: args.max_unavailable(),
        order: args.node_order(),
    };
    let waves_overlap = !matches!(options.order, NodeOrder::Label(_));
    let waves = plan_waves(&infos, eligible, &options).map_err(Failure::usage)?;
    Ok(RolloutState {
        target_hash: hash.to_string(),
        waves,
        max_unavailable: resolve_max_unavailable(args.max_unavailable(), eligible),
        min_ready_seconds: i64::from(
            args.min_ready
                .unwrap_or(u32::try_from(min_ready_default).unwrap_or(0)),
        ),
        progress_deadline_seconds: i64::try_from(args.progress_deadline.as_secs())
            .unwrap_or(i64::MAX),
        pause_after_canary: args.pause_after_canary,
        phase: Phase::Running,
        failure: None,
        deleted_at: BTreeMap::new(),
        previous_hash,
        auto_rollback: args.auto_rollback,
        rollback_of: None,
        wave_interval_seconds: i64::try_from(args.wave_interval().as_secs()).unwrap_or(i64::MAX),
        analysis: None,
        gates: BTreeMap::new(),
        nodes: Default::default(),
        deferred: BTreeMap::new(),
        cordoned: Default::default(),
        prepulled: Default::default(),
        waves_overlap,
        unknown: Default::default(),
    })
}

/// A dry run's lines on the nodes (`NodePolicy::plan_lines`) for the live `nodes` and the
/// template `ds` would roll out.
pub fn node_plan(
    state: &RolloutState,
    policy: &NodePolicy,
    nodes: &[Node],
    ds: &DaemonSet,
) -> Vec<String> {
    let planned: BTreeSet<&String> = state.waves.iter().flat_map(|w| w.nodes.iter()).collect();
    let health = nodes
        .iter()
        .filter_map(|n| Some((n.metadata.name.clone()?, n)))
        .filter(|(name, _)| planned.contains(name))
        .map(|(name, node)| (name, crate::rollout::nodes::node_health(node)))
        .collect();
    let images = crate::rollout::prepull::images_of(&ds.spec.template);
    policy.plan_lines(&state.waves, &health, &images)
}

/// The rollback of a failed rollout: the nodes it touched go back to `previous`, in waves of the
/// same size, no canary.
fn rollback_state(failed: &RolloutState, previous: &str, nodes: Vec<String>) -> RolloutState {
    let waves = nodes
        .chunks(failed.max_unavailable.max(1))
        .map(|chunk| Wave {
            canary: false,
            nodes: chunk.to_vec(),
        })
        .collect();
    RolloutState {
        target_hash: previous.to_string(),
        waves,
        phase: Phase::Running,
        pause_after_canary: false,
        deleted_at: BTreeMap::new(),
        previous_hash: None,
        auto_rollback: false,
        rollback_of: Some(failed.target_hash.clone()),
        // Going back to what ran before is not judged again.
        analysis: None,
        gates: BTreeMap::new(),
        prepulled: BTreeSet::new(),
        ..failed.clone()
    }
}

/// The wave (0-based) of each node of `targets`, looked for from wave `first` on (waves may
/// overlap, so a step can delete in several).
fn waves_of(
    state: &RolloutState,
    first: usize,
    targets: &[(String, String)],
) -> BTreeMap<String, usize> {
    let wanted: BTreeSet<&str> = targets.iter().map(|(node, _)| node.as_str()).collect();
    state
        .waves
        .iter()
        .enumerate()
        .skip(first)
        .flat_map(|(index, wave)| wave.nodes.iter().map(move |node| (node, index)))
        .filter(|(node, _)| wanted.contains(node.as_str()))
        .map(|(node, index)| (node.clone(), index))
        .collect()
}

/// The messages behind the mutex, even if a holder panicked: a list of messages cannot be left
/// half-changed.
fn held(messages: &std::sync::Mutex<Vec<String>>) -> std::sync::MutexGuard<'_, Vec<String>> {
    messages.lock().unwrap_or_else(|e| e.into_inner())
}

/// How a drive starts.
pub enum Start<'a> {
    /// A template was just applied: plan a rollout to the controller's newest revision (or continue
    /// a recorded one to the same revision).
    Applied {
        args: &'a RolloutEngineArgs,
        previous_hash: Option<String>,
        /// The gate after every wave, read and checked before the template was applied.
        analysis: Option<Analysis>,
    },
    /// `rollout resume`: continue the recorded rollout.
    Recorded(Box<RolloutState>),
}

pub struct Driver<'a> {
    cluster: &'a Cluster,
    namespace: String,
    name: String,
    uid: String,
    ds: DaemonSet,
    /// The template this run rolls out; any other is another writer's.
    template: PodTemplateSpec,
    generation: i64,
    progress: &'a mut Progress,
    lock: Lock,
    /// The lock recorded when this run started that the caller's check let it take over (a gone
    /// or, with --force, an expired holder); seeing it again is not a takeover by someone else.
    replaced_lock: Option<Lock>,
    start: Start<'a>,
    /// The DaemonSet's pods by uid ([`key`]), from the pod watch.
    pods: Mirror<Pod, Pod>,
    /// Every node by name, from the node watch.
    nodes: Mirror<Node, Node>,
    state: Option<RolloutState>,
    /// Pods this run asked to delete.
    deleted: HashSet<String>,
    reported: BTreeSet<String>,
    soak_reported: Option<usize>,
    troubles: Troubles,
    /// The gate running now, for one wave.
    gate: Option<RunningGate>,
    /// Pods reported stuck terminating, by name.
    stuck_reported: BTreeSet<String>,
    /// Drain mode: nodes this run drained (a resumed run drains again: nothing is evicted twice).
    drained: BTreeSet<String>,
    /// When the last decision was taken: changes are gathered for [`step_gap`] after it.
    last_step: tokio::time::Instant,
    /// How long the last decision took to read what the cluster shows and decide.
    decision_took: Duration,
}

impl<'a> Driver<'a> {
    pub fn new(
        cluster: &'a Cluster,
        ds: DaemonSet,
        lock: Lock,
        start: Start<'a>,
        progress: &'a mut Progress,
    ) -> Self {
        Self {
            cluster,
            namespace: ds.metadata.namespace.clone().unwrap_or_default(),
            name: ds.metadata.name.clone().unwrap_or_default(),
            uid: ds.metadata.uid.clone().unwrap_or_default(),
            template: ds.spec.template.clone(),
            generation: ds.metadata.generation.unwrap_or(0),
            replaced_lock: recorded_lock(&ds)
                .filter(|held| held.host != lock.host || held.pid != lock.pid),
            ds,
            progress,
            lock,
            start,
            pods: Mirror::new(|pod| Some(key(pod)), Some),
            nodes: Mirror::new(|node| node.metadata.name.clone(), Some),
            state: None,
            deleted: HashSet::new(),
            reported: BTreeSet::new(),
            soak_reported: None,
            troubles: Troubles::default(),
            gate: None,
            stuck_reported: BTreeSet::new(),
            drained: BTreeSet::new(),
            last_step: tokio::time::Instant::now(),
            decision_took: Duration::ZERO,
        }
    }

    /// Drives the rollout to its end: complete, failed (rolled back or not), paused or interrupted.
    pub async fn drive(mut self) -> anyhow::Result<Outcome> {
        let selector = selector::describe(&self.ds.spec.selector);
        let mut changes = futures::stream::select(
            self.cluster
                .watch_daemonset_and_pods(&self.namespace, &self.name, &selector),
            self.cluster.watch_nodes(),
        );
        let mut signals = Signals::new();
        let mut wake: Option<i64> = None;
        loop {
            let sleep_for = wake.map(until_second).unwrap_or(Duration::from_secs(3600));
            let mut gate = self.gate.take();
            tokio::select! {
                message = RunningGate::next(&mut gate) => match message {
                    GateMessage::Event(event) => {
                        self.progress.emit(event);
                        self.gate = gate;
                        continue;
                    }
                    GateMessage::Done(result) => {
                        if let Some(mut finished) = gate.take() {
                            for event in finished.remaining_events() {
                                self.progress.emit(event);
                            }
                            if let Some(outcome) = self.gate_done(finished.wave, result).await? {
                                return Ok(outcome);
                            }
                        }
                    }
                },
                change = changes.next() => match change {
                    Some(change) => {
                        let changed = self.take_burst(change, &mut changes).await;
                        // A change with nothing to decide on must not drop the running gate.
                        if self.gate.is_none() {
                            self.gate = gate.take();
                        }
                        if !changed? {
                            continue;
                        }
                    }
                    None => return Err(Failure::api("the watch on the daemonset ended").into()),
                },
                _ = tokio::time::sleep(sleep_for) => {}
                signal = signals.next() => {
                    if interrupt::answer(signal, &self.namespace, &self.name, self.progress).await == Interrupt::Pause {
                        drop(gate);
                        return self.pause_on_interrupt().await;
                    }
                }
            }
            if self.gate.is_none() {
                self.gate = gate;
            }
            if let Some(outcome) = self.step(&mut wake).await? {
                return Ok(outcome);
            }
            self.last_step = tokio::time::Instant::now();
        }
    }

    /// Takes in `first` and the changes that follow it until [`step_gap`] after the last
    /// decision, so one decision follows a burst of changes (hundreds of pods changing at once
    /// in a large wave) rather than one per change; after a quiet spell the first change is
    /// decided on at once. False when there is nothing new to decide on.
    async fn take_burst(
        &mut self,
        first: WatchChange,
        changes: &mut (impl futures::Stream<Item = WatchChange> + Unpin),
    ) -> Result<bool, Failure> {
        // Bounded, so a watch that never pauses cannot hold the decisions off.
        const MOST_AT_ONCE: usize = 10_000;
        let until = self.last_step + step_gap(self.decision_took);
        let mut changed = self.take(first)?;
        for _ in 1..MOST_AT_ONCE {
            let next = match changes.next().now_or_never() {
                Some(next) => next,
                None => match tokio::time::timeout_at(until, changes.next()).await {
                    Ok(next) => next,
                    Err(_) => break,
                },
            };
            match next {
                Some(change) => changed |= self.take(change)?,
                None => break,
            }
        }
        Ok(changed)
    }

    /// Takes in one watch change; false when there is nothing new to decide on.
    fn take(&mut self, change: WatchChange) -> Result<bool, Failure> {
        if let Some(message) = self.troubles.to_show(&change) {
            self.progress.emit(Event::Warning {
                message: format!("{message}; retrying"),
            });
        }
        let Some(change) = self.pods.take_pod_change(change) else {
            return Ok(true);
        };
        let Some(change) = self.nodes.take_node_change(change) else {
            return Ok(true);
        };
        match change {
            WatchChange::DaemonSet(Some(new)) => {
                let (namespace, name) = (self.namespace.as_str(), self.name.as_str());
                let during = "during the rollout; nothing more was deleted";
                super::ensure_same(&new, &self.uid, (namespace, name), during)?;
                if crate::daemonset::older_than(&new, &self.ds) {
                    return Ok(false);
                }
                // Most changes are the controller's status: the record is read again only
                // when it changed.
                let record_changed =
                    annotation(&new, STATE_ANNOTATION) != annotation(&self.ds, STATE_ANNOTATION);
                self.ds = *new;
                if record_changed {
                    self.adopt_recorded_pause();
                }
            }
            WatchChange::DaemonSet(None) => {
                return Err(Failure::api(format!(
                    "daemonset {}/{} was deleted during the rollout",
                    self.namespace, self.name
                )));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `rollout pause` recorded Paused on the DaemonSet: stop deleting.
    fn adopt_recorded_pause(&mut self) {
        let (Some(state), Some(recorded)) = (self.state.as_mut(), recorded_state(&self.ds)) else {
            return;
        };
        if recorded.target_hash == state.target_hash
            && recorded.phase.paused()
            && state.phase == Phase::Running
        {
            state.phase = recorded.phase;
        }
    }

    /// Another writer changed the pod template: stop with nothing further deleted.
    fn template_changed_by_another(&self) -> Option<String> {
        if self.ds.spec.template == self.template {
            return None;
        }
        let writer = self
            .ds
            .metadata
            .managed_fields
            .iter()
            .flatten()
            .filter(|m| m.manager.as_deref() != Some(crate::cluster::FIELD_MANAGER))
            .max_by_key(|m| m.time.as_ref().map(|t| t.0))
            .and_then(|m| m.manager.clone())
            .map(|m| format!(" (last written by {m:?})"))
            .unwrap_or_default();
        Some(format!(
            "the pod template of daemonset {}/{} was changed by another writer during the rollout{writer}, generation {}; stopped with nothing further deleted. Review the change, then run the rollout again (kubectl ds rollout apply), or kubectl ds rollout undo",
            self.namespace, self.name,
            self.ds.metadata.generation.unwrap_or(0)
        ))
    }

    /// One decision from the record and what the cluster shows now; `Some` ends the drive.
    async fn step(&mut self, wake: &mut Option<i64>) -> anyhow::Result<Option<Outcome>> {
        if let Some(message) = self.template_changed_by_another() {
            return self.stop_failed(message, Vec::new()).await.map(Some);
        }
        if self.nodes.entries().is_none() {
            // Which nodes are sick (to defer) or back (to take again) is for the node watch to
            // say, once it listed: a decision before would delete on a node already gone. The
            // plan reads its nodes too.
            return Ok(None);
        }
        if self.state.is_none() && !self.begin().await? {
            return Ok(None);
        }
        let Some(pods) = self.pods.shared() else {
            return Ok(None);
        };
        let at = now();
        let reading = std::time::Instant::now();
        let state = self.state.take().expect("begun");
        let ineligible = self.ineligible(&state, &pods);
        let observed = observe(&pods, &self.deleted, &state, &ineligible);
        self.report_ready(&state, &observed, &pods, at);
        self.state = Some(state);
        self.decision_took = reading.elapsed();
        self.look_after_nodes(&observed, &pods, at).await?;
        let state = self.state.clone().expect("begun");
        if let Some(reason) = gating::restarts_exceeded(&state, &pods) {
            return self.restarts_exceeded(reason, &state, &observed, at).await;
        }
        *wake = None;
        if self.lock.needs_renewal(at) {
            self.lock = self.lock.renewed(at);
            let mut state = state.clone();
            self.write_state(&mut state, true).await?;
            self.state = Some(state);
        }
        let deciding = std::time::Instant::now();
        let step = state.next_step(&observed, at);
        self.decision_took += deciding.elapsed();
        match step {
            Step::Delete(targets) => {
                let undrained = self.undrained(&targets);
                if undrained.is_empty() {
                    self.delete(targets, &observed, &pods, at).await?
                } else if let Some(outcome) = self.drain_before_delete(&undrained).await? {
                    return Ok(Some(outcome));
                } else {
                    // A drain takes a while: decide the deletes again on what the cluster
                    // shows now.
                    *wake = Some(now());
                }
            }
            Step::Wait(_) => *wake = self.next_wake(&state, &observed, &pods, at),
            Step::Incomplete { deferred, blocked } => {
                return self.incomplete(deferred, blocked).await.map(Some)
            }
            Step::Uncordon(nodes) => self.uncordon(nodes).await?,
            Step::Prepull { wave, nodes } => self.prepull_wave(wave, nodes).await?,
            Step::Soak { wave, until } => {
                if self.soak_reported != Some(wave) {
                    self.soak_reported = Some(wave);
                    self.progress.emit(Event::WaveInterval {
                        next_wave: wave + 1,
                        until,
                    });
                }
                *wake = Some(until);
            }
            Step::Fail(failures) => return self.gate_failed(failures, &observed, &pods).await,
            Step::Gate { wave } => self.start_gate(wave, &pods, at).await?,
            Step::AwaitApproval { wave } => return self.await_approval(wave, &pods).await,
            Step::Pause => return self.stop_paused().await.map(Some),
            Step::Complete => return self.complete().await.map(Some),
        }
        // The lock must be renewed in time even when nothing else happens.
        let renew_at = self.lock.expires - lock::RENEW_BELOW_SECONDS + 1;
        *wake = Some(wake.map_or(renew_at, |w| w.min(renew_at)));
        Ok(None)
    }

    /// The plan's nodes without a pod that no longer run the DaemonSet (reported once each).
    fn ineligible(
        &mut self,
        state: &RolloutState,
        pods: &BTreeMap<String, Pod>,
    ) -> BTreeSet<String> {
        let podless = planned_without_pods(state, pods);
        if podless.is_empty() {
            return BTreeSet::new();
        }
        // Whether a node without a pod still runs the DaemonSet, from the node watch. Until it
        // has listed (or if it may not), every planned node counts as still running it: waited
        // for, under the progress deadline, never skipped on a guess.
        let ineligible = match self.nodes.entries() {
            Some(nodes) => {
                let template = self.ds.spec.template.spec.clone().unwrap_or_default();
                not_eligible(&podless, nodes, &template)
            }
            None => BTreeSet::new(),
        };
        for node in &ineligible {
            if self.reported.insert(node.clone()) {
                self.progress.emit(Event::NodeSkipped {
                    node: node.clone(),
                    reason: "no longer runs the daemonset".into(),
                });
            }
        }
        ineligible
    }

    /// While waiting, the next instant a decision can change without an event.
    fn next_wake(
        &self,
        state: &RolloutState,
        observed: &Observation,
        pods: &BTreeMap<String, Pod>,
        at: i64,
    ) -> Option<i64> {
        let health = self.planned_health(state);
        [
            next_wake(state, observed, at),
            sick::next_node_wake(state, &health, pods, at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Finds the target and the recorded or planned state; false while the controller or the
    /// pod list is not there yet.
    async fn begin(&mut self) -> anyhow::Result<bool> {
        let Some(hash) = self.target_hash().await? else {
            return Ok(false);
        };
        let recorded = self.recorded_for(&hash);
        let mut state = match (&self.start, recorded) {
            (Start::Recorded(state), _) if state.target_hash != hash => {
                return Err(Failure::api(format!(
                    "daemonset {}/{} now has the template of revision {hash}, not {} that the recorded rollout was rolling out; run kubectl ds rollout apply (or set-image, restart) again",
                    self.namespace, self.name, state.target_hash
                ))
                .into());
            }
            (_, Some(recorded)) => {
                let resumed = self.resumed(recorded, &hash);
                if resumed.nodes.prepull.is_some() {
                    self.remove_prepull_leftovers().await?;
                }
                resumed
            }
            (Start::Recorded(_), None) => {
                return Err(Failure::api(format!(
                    "daemonset {}/{} has no rollout in progress to resume",
                    self.namespace, self.name
                ))
                .into());
            }
            (
                Start::Applied {
                    args,
                    previous_hash,
                    analysis,
                },
                None,
            ) => {
                let (args, previous, analysis) = (*args, previous_hash.clone(), analysis.clone());
                let mut state = self.planned(args, previous, &hash).await?;
                state.analysis = analysis;
                state.nodes = super::apply::node_policy_of(args)?;
                state
            }
        };
        // Refused here, before any pod is deleted, rather than when a write of the grown state
        // is refused halfway through the rollout.
        if let Err(message) = crate::rollout::record::check_budget(&state, &self.ds) {
            self.release_lock().await?;
            let message = format!("stopped before deleting any pod: {message}");
            return Err(Failure::api(message).into());
        }
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        Ok(true)
    }

    /// The revision to roll out: the DaemonSet's newest, once the controller has processed this
    /// run's generation and the pods are listed.
    async fn target_hash(&mut self) -> anyhow::Result<Option<String>> {
        let observed_generation = self
            .ds
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0);
        if self.pods.entries().is_none() || observed_generation < self.generation {
            return Ok(None);
        }
        let cluster = self.cluster;
        let (namespace, selector) = (
            self.namespace.clone(),
            selector::describe(&self.ds.spec.selector),
        );
        let revisions = with_retry(self.progress, "listing controller revisions", || {
            cluster.list_controller_revisions_matching(&namespace, &selector)
        })
        .await?;
        Ok(current_hash(&self.ds, &revisions))
    }

    /// The recorded rollout to `hash` still to finish, if any; an unreadable record is said and
    /// written over.
    fn recorded_for(&mut self, hash: &str) -> Option<RolloutState> {
        let recorded = match RolloutState::recorded(&self.ds) {
            Ok(recorded) => recorded,
            Err(unreadable) => {
                self.progress.emit(Event::Warning {
                    message: format!(
                        "{}; this rollout records its own state over it",
                        unreadable.what()
                    ),
                });
                None
            }
        };
        recorded.filter(|s| s.target_hash == hash && s.phase.unfinished())
    }

    /// Continues the recorded rollout to `hash`, saying how far it got.
    fn resumed(&mut self, mut recorded: RolloutState, hash: &str) -> RolloutState {
        if recorded.phase == Phase::Incomplete {
            // Run again over an incomplete rollout: the deferred nodes are looked at anew.
            recorded.phase = Phase::Running;
        }
        let pods = self.pods.shared().unwrap_or_default();
        let nodes: usize = recorded.waves.iter().map(|w| w.nodes.len()).sum();
        let done = recorded
            .waves
            .iter()
            .flat_map(|w| w.nodes.iter())
            .filter(|n| {
                pods.values()
                    .any(|p| node_of(p).as_ref() == Some(*n) && pod_hash(p) == Some(hash))
            })
            .count();
        self.progress.emit(Event::Target {
            hash: hash.to_string(),
        });
        self.progress.emit(Event::Resumed {
            hash: hash.to_string(),
            waves: recorded.waves.clone(),
            nodes_done: done,
            nodes,
        });
        recorded
    }

    /// Plans a new rollout to `hash` over the nodes whose pods are not on it, leaving out (with
    /// a warning) the nodes where a deleted pod would not come back.
    async fn planned(
        &mut self,
        args: &RolloutEngineArgs,
        previous_hash: Option<String>,
        hash: &str,
    ) -> anyhow::Result<RolloutState> {
        self.progress.emit(Event::Target {
            hash: hash.to_string(),
        });
        // The node watch has listed (no step begins before): its nodes, not another list of
        // thousands.
        let all_nodes = self.nodes.shared().unwrap_or_default();
        let template = self.ds.spec.template.spec.clone().unwrap_or_default();
        let pods = self.pods.shared().unwrap_or_default();
        let (nodes, stranded) =
            split_stranded(nodes_off(&pods, hash), all_nodes.values(), &template);
        for stranded in &stranded {
            self.progress.emit(Event::Warning {
                message: stranded_warning(stranded),
            });
        }
        let labels = crate::daemonset::labels_by_node(all_nodes.values());
        let eligible = crate::daemonset::desired_nodes(&self.ds);
        let previous = previous_hash.filter(|p| p != hash);
        let min_ready_default = self.ds.spec.min_ready_seconds.unwrap_or(0);
        let state = plan(
            args,
            min_ready_default,
            hash,
            previous,
            nodes,
            &labels,
            eligible,
        )?;
        self.progress.emit(Event::planned(&state, eligible));
        Ok(state)
    }

    fn report_ready(
        &mut self,
        state: &RolloutState,
        observed: &Observation,
        pods: &BTreeMap<String, Pod>,
        at: i64,
    ) {
        let total: usize = state.waves.iter().map(|w| w.nodes.len()).sum();
        let done = state
            .waves
            .iter()
            .flat_map(|w| w.nodes.iter())
            .filter(|n| state.node_done(observed, n, at))
            .count();
        for node in state.deleted_at.keys() {
            if self.reported.contains(node) || !state.node_done(observed, node, at) {
                continue;
            }
            self.reported.insert(node.clone());
            let pod = observed
                .get(node)
                .into_iter()
                .flatten()
                .find(|p| p.hash == state.target_hash && !p.terminating);
            self.progress.emit(Event::NodeReady {
                node: node.clone(),
                pod: pod
                    .and_then(|p| pods.get(&p.uid))
                    .and_then(|p| p.metadata.name.clone())
                    .unwrap_or_default(),
                ready_since: pod.and_then(|p| p.ready_since).map(rfc3339),
                done,
                nodes: total,
            });
        }
    }

    /// The wave a gate failure belongs to: the running gate's, the wave in progress once it
    /// has deleted, else the last done one.
    fn gate_wave(&self, state: &RolloutState, observed: &Observation, at: i64) -> usize {
        if let Some(gate) = &self.gate {
            return gate.wave;
        }
        let current = state
            .current_wave(observed, at)
            .unwrap_or(state.waves.len());
        let started = state
            .waves
            .get(current)
            .is_some_and(|w| w.nodes.iter().any(|n| state.deleted_at.contains_key(n)));
        match started {
            true => current,
            false => current.saturating_sub(1),
        }
    }

    /// The restart limit is exceeded: the gate of the wave in question fails.
    async fn restarts_exceeded(
        &mut self,
        reason: String,
        state: &RolloutState,
        observed: &Observation,
        at: i64,
    ) -> anyhow::Result<Option<Outcome>> {
        let wave = self.gate_wave(state, observed, at);
        self.progress.emit(Event::GateSample {
            wave: wave + 1,
            kind: GateKind::Restarts,
            name: "restarts".into(),
            passed: false,
            detail: reason.clone(),
            output: Vec::new(),
            sample: 1,
            samples: 1,
        });
        self.gate_done(wave, Err(reason)).await
    }

    /// Records the gate of wave `wave` as running, then starts it (again, when a run stopped
    /// during it: a gate is passed only once seen to pass).
    async fn start_gate(
        &mut self,
        wave: usize,
        pods: &BTreeMap<String, Pod>,
        at: i64,
    ) -> anyhow::Result<()> {
        if self.gate.as_ref().is_some_and(|g| g.wave == wave) {
            return Ok(());
        }
        let mut state = self.state.clone().expect("begun");
        let Some(analysis) = state.analysis.clone() else {
            return Ok(());
        };
        let interrupted = state
            .gates
            .get(&wave)
            .is_some_and(|r| r.result == GateResult::Running);
        state.gates.insert(wave, GateRun::started(at));
        self.write_state(&mut state, true).await?;
        self.state = Some(state.clone());
        if state.phase != Phase::Running {
            return Ok(());
        }
        if interrupted {
            self.progress.emit(Event::Note {
                message: format!(
                    "the gate after wave {} did not finish in an earlier run; running it again",
                    wave + 1
                ),
            });
        }
        let scope = gating::wave_scope(&state, wave, &self.namespace, pods);
        self.progress
            .emit(gating::started_event(&analysis, &state, wave, &scope));
        let input = GateInput {
            analysis,
            scope,
            daemonset: self.name.clone(),
            wave: wave + 1,
            updated_nodes: gating::updated_nodes(&state, wave),
            kubeconfig: self
                .cluster
                .kubeconfig
                .as_ref()
                .map(|p| p.display().to_string()),
            context: Some(self.cluster.context.clone()),
        };
        self.gate = Some(RunningGate::start(wave, input));
        Ok(())
    }

    /// Records how the gate of wave `wave` ended; a failure acts as a failed health check.
    async fn gate_done(
        &mut self,
        wave: usize,
        result: Result<(), String>,
    ) -> anyhow::Result<Option<Outcome>> {
        self.gate = None;
        let mut state = self.state.clone().expect("begun");
        let run = state
            .gates
            .entry(wave)
            .or_insert_with(|| GateRun::started(now()));
        run.finish(now(), result.clone().err());
        let Err(reason) = result else {
            self.write_state(&mut state, true).await?;
            self.state = Some(state);
            self.progress.emit(Event::GatePassed { wave: wave + 1 });
            return Ok(None);
        };
        self.state = Some(state.clone());
        self.progress.emit(Event::GateFailed {
            wave: wave + 1,
            reason: reason.clone(),
        });
        let pods = self.pods.shared().unwrap_or_default();
        let observed = observe(&pods, &self.deleted, &state, &BTreeSet::new());
        let failures = state.waves[wave]
            .nodes
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    format!("the gate after wave {} failed: {reason}", wave + 1),
                )
            })
            .collect();
        self.gate_failed(failures, &observed, &pods).await
    }

    /// Wave `wave` passed its gate and `--approve` asks for a go-ahead: asked on a terminal,
    /// otherwise recorded as awaiting approval until `rollout resume`.
    async fn await_approval(
        &mut self,
        wave: usize,
        pods: &BTreeMap<String, Pod>,
    ) -> anyhow::Result<Option<Outcome>> {
        let mut state = self.state.clone().expect("begun");
        let (namespace, name) = (self.namespace.clone(), self.name.clone());
        let waves = state.waves.len();
        let which = format!("wave {}/{waves} of daemonset {namespace}/{name}", wave + 1);
        let answer = match self.progress.interactive() && std::io::stdin().is_terminal() {
            true => {
                self.progress.clear();
                let answer = gating::ask_approval(format!("{which} passed its gate; go on?")).await;
                self.progress.after_prompt(answer)
            }
            false => Approval::Pause,
        };
        match answer {
            Approval::Continue => {
                if let Some(run) = state.gates.get_mut(&wave) {
                    run.approved = true;
                }
                self.write_state(&mut state, true).await?;
                self.state = Some(state);
                return Ok(None);
            }
            Approval::Abort => {
                let message = format!(
                    "rollout of daemonset {namespace}/{name} was aborted after {which}; no more pods are deleted (the DaemonSet stays on OnDelete). kubectl ds rollout undo {name} -n {namespace} goes back"
                );
                return self.stop_failed(message, Vec::new()).await.map(Some);
            }
            Approval::RollBack => {
                let Some(previous) = state.previous_hash.clone() else {
                    let message = format!(
                        "there is no previous revision of daemonset {namespace}/{name} to roll back to; no more pods are deleted (the DaemonSet stays on OnDelete)"
                    );
                    return self.stop_failed(message, Vec::new()).await.map(Some);
                };
                let why = format!("rolled back by the operator after {which}");
                self.roll_back(&state, &previous, why, pods).await?;
                return Ok(None);
            }
            Approval::Pause => {}
        }
        state.phase = Phase::AwaitingApproval;
        self.write_state(&mut state, false).await?;
        self.state = Some(state);
        self.progress.emit(Event::Paused {
            message: format!(
                "{which} passed its gate and awaits approval: kubectl ds rollout resume {name} -n {namespace} goes on with the next wave, kubectl ds rollout undo {name} -n {namespace} goes back"
            ),
        });
        Ok(Some(ExitStatus::Ok))
    }

    async fn delete(
        &mut self,
        targets: Vec<(String, String)>,
        observed: &Observation,
        pods: &BTreeMap<String, Pod>,
        at: i64,
    ) -> anyhow::Result<()> {
        let mut state = self.state.clone().expect("begun");
        let first = state.current_wave(observed, at).unwrap_or(0);
        let wave_of = waves_of(&state, first, &targets);
        for (node, _) in &targets {
            state.deleted_at.insert(node.clone(), at);
        }
        self.write_state(&mut state, true).await?;
        let paused = state.phase != Phase::Running;
        self.state = Some(state.clone());
        if paused {
            // Paused while recording: delete nothing; the next step stops the run.
            return Ok(());
        }
        let (cluster, namespace) = (self.cluster, self.namespace.as_str());
        let troubles = std::sync::Mutex::new(Vec::new());
        let deletes = targets.into_iter().map(|(node, pod_uid)| {
            let pod_name = pods
                .get(&pod_uid)
                .and_then(|p| p.metadata.name.clone())
                .unwrap_or_else(|| pod_uid.clone());
            let troubles = &troubles;
            async move {
                let deleted = retrying(
                    || cluster.delete_pod_with_uid(namespace, &pod_name, &pod_uid),
                    |e| held(troubles).push(e.message.clone()),
                )
                .await;
                (node, pod_name, pod_uid, deleted)
            }
        });
        // Side by side, as the controller deletes: a wave of hundreds of nodes one request
        // after another would take seconds the native rollout does not.
        let mut deletes = futures::stream::iter(deletes).buffer_unordered(DELETES_AT_ONCE);
        while let Some((node, pod, uid, deleted)) = deletes.next().await {
            for trouble in held(&troubles).drain(..) {
                self.progress.emit(Event::Warning {
                    message: format!("deleting a pod: {trouble}; retrying"),
                });
            }
            // Reported once the request is through: a run killed before it never reported a
            // delete that its resumed run then makes.
            if deleted? {
                let index = wave_of.get(&node).copied().unwrap_or(first);
                self.progress.emit(Event::Deleting {
                    wave: index + 1,
                    waves: state.waves.len(),
                    canary: state.waves.get(index).is_some_and(|w| w.canary),
                    node,
                    pod,
                    uid: uid.clone(),
                });
            } else {
                self.progress.emit(Event::Note {
                    message: format!("{node}: pod {pod} was already gone"),
                });
            }
            self.deleted.insert(uid);
        }
        Ok(())
    }

    async fn gate_failed(
        &mut self,
        failures: Vec<(String, String)>,
        observed: &Observation,
        pods: &BTreeMap<String, Pod>,
    ) -> anyhow::Result<Option<Outcome>> {
        let state = self.state.clone().expect("begun");
        let nodes: Vec<NodeFailure> = failures
            .into_iter()
            .map(|(node, reason)| NodeFailure {
                pod: observed
                    .get(&node)
                    .into_iter()
                    .flatten()
                    .find(|p| p.hash == state.target_hash && !p.terminating)
                    .and_then(|p| pods.get(&p.uid))
                    .and_then(|p| p.metadata.name.clone()),
                node,
                reason,
            })
            .collect();
        let can_roll_back = state.auto_rollback && state.rollback_of.is_none();
        match (can_roll_back, state.previous_hash.clone()) {
            (true, Some(previous)) => {
                let why = describe_failures(&nodes);
                self.progress.emit(Event::Failed {
                    message: format!(
                        "rollout of daemonset {}/{} to {} failed its health gate; rolling back (--auto-rollback):",
                        self.namespace, self.name, state.target_hash
                    ),
                    nodes,
                });
                self.roll_back(&state, &previous, why, pods).await?;
                Ok(None)
            }
            (true, None) => {
                let message = format!(
                    "rollout of daemonset {}/{} failed; there is no previous revision to roll back to, so no more pods are deleted (the DaemonSet stays on OnDelete):",
                    self.namespace, self.name
                );
                self.stop_failed(message, nodes).await.map(Some)
            }
            (false, _) => {
                let message = if state.rollback_of.is_some() {
                    format!(
                        "the rollback of daemonset {}/{} to {} failed too; no more pods are deleted (the DaemonSet stays on OnDelete):",
                        self.namespace, self.name, state.target_hash
                    )
                } else {
                    format!(
                        "rollout of daemonset {}/{} failed; no more pods are deleted (the DaemonSet stays on OnDelete). Fix the template and run the rollout again, or kubectl ds rollout undo {}:",
                        self.namespace, self.name, self.name
                    )
                };
                self.stop_failed(message, nodes).await.map(Some)
            }
        }
    }

    /// Puts the previous revision's template back and the touched nodes with it.
    async fn roll_back(
        &mut self,
        failed: &RolloutState,
        previous: &str,
        why: String,
        pods: &BTreeMap<String, Pod>,
    ) -> anyhow::Result<()> {
        let (cluster, namespace) = (self.cluster, self.namespace.clone());
        let selector = selector::describe(&self.ds.spec.selector);
        let revisions = with_retry(self.progress, "listing controller revisions", || {
            cluster.list_controller_revisions_matching(&namespace, &selector)
        })
        .await?;
        let revision = history::owned_revisions(revisions, &self.uid)
            .into_iter()
            .find(|r| history::hash_of(r) == previous)
            .ok_or_else(|| {
                Failure::api(format!(
                    "the previous revision {previous} of daemonset {}/{} is gone (revisionHistoryLimit?); nothing was rolled back and no more pods are deleted",
                    self.namespace, self.name
                ))
            })?;
        let template = history::template_of(&revision);
        let name = self.name.clone();
        let stored = loop {
            let ops = vec![
                patch::precondition(&self.ds),
                patch::replace_template(template.clone()),
            ];
            let attempt = with_retry(self.progress, "restoring the previous template", || {
                cluster.patch_daemonset_json(&namespace, &name, &ops, false)
            })
            .await;
            match attempt {
                Ok(stored) => break stored,
                Err(e) if e.kind == FailureKind::Conflict => {
                    self.ds = self.read_daemonset().await?;
                    if let Some(message) = self.template_changed_by_another() {
                        return Err(Failure::api(message).into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.ds = stored;
        self.template = self.ds.spec.template.clone();
        let mut back: BTreeSet<String> = failed.deleted_at.keys().cloned().collect();
        back.extend(nodes_off(pods, previous));
        let mut state = rollback_state(failed, previous, back.into_iter().collect());
        state.failure = Some(why);
        self.progress.emit(Event::RollingBack {
            hash: previous.to_string(),
            nodes: state.waves.iter().flat_map(|w| w.nodes.clone()).collect(),
        });
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        self.reported.clear();
        self.deleted.clear();
        Ok(())
    }

    async fn read_daemonset(&mut self) -> anyhow::Result<DaemonSet> {
        let (cluster, namespace, name) = (self.cluster, self.namespace.clone(), self.name.clone());
        with_retry(self.progress, "reading the daemonset", || {
            cluster.get_daemonset(&namespace, &name)
        })
        .await?
        .ok_or_else(|| {
            Failure::api(format!(
                "daemonset {namespace}/{name} was deleted during the rollout"
            ))
            .into()
        })
    }

    /// Records the failure, releases the lock and ends with exit 1.
    async fn stop_failed(
        &mut self,
        message: String,
        nodes: Vec<NodeFailure>,
    ) -> anyhow::Result<Outcome> {
        self.leave_nodes_as_found().await?;
        if let Some(mut state) = self.state.clone() {
            state.phase = Phase::Failed;
            let why = describe_failures(&nodes);
            state.failure = Some(if why.is_empty() { message.clone() } else { why });
            self.write_state_any_template(&mut state).await?;
        }
        self.progress.emit(Event::Failed { message, nodes });
        Ok(ExitStatus::Findings)
    }

    async fn stop_paused(&mut self) -> anyhow::Result<Outcome> {
        let mut state = self.state.clone().expect("begun");
        if state.phase == Phase::Running {
            state.phase = Phase::PausedAfterCanary;
        }
        self.write_state(&mut state, false).await?;
        let (name, namespace) = (&self.name, &self.namespace);
        self.progress.emit(Event::Paused {
            message: format!(
                "rollout of daemonset {namespace}/{name} is paused; kubectl ds rollout resume {name} -n {namespace} continues it"
            ),
        });
        Ok(ExitStatus::Ok)
    }

    async fn pause_on_interrupt(&mut self) -> anyhow::Result<Outcome> {
        let name = self.name.clone();
        let namespace = self.namespace.clone();
        match self.state.clone() {
            Some(mut state) => {
                state.phase = Phase::Paused;
                self.write_state(&mut state, false).await?;
                self.progress.emit(Event::Paused {
                    message: format!(
                        "interrupted: rollout of daemonset {namespace}/{name} paused; kubectl ds rollout resume {name} -n {namespace} continues it"
                    ),
                });
            }
            None => {
                self.release_lock().await?;
                self.progress.emit(Event::Paused {
                    message: format!(
                        "interrupted before any pod was replaced; daemonset {namespace}/{name} keeps the OnDelete strategy: run the same command again to roll it out"
                    ),
                });
            }
        }
        Ok(ExitStatus::Interrupted)
    }

    async fn complete(&mut self) -> anyhow::Result<Outcome> {
        self.leave_nodes_as_found().await?;
        let mut state = self.state.clone().expect("begun");
        state.phase = Phase::Complete;
        let text = state.to_annotation();
        let original = annotation(&self.ds, ORIGINAL_STRATEGY_ANNOTATION)
            .and_then(|s| serde_json::from_str::<Value>(s).ok());
        let stranded = match &original {
            Some(o) if o["type"] == "RollingUpdate" => self.stranded_outdated(&state),
            _ => Vec::new(),
        };
        // Restoring RollingUpdate would make the controller delete the outdated pods the waves
        // left alone, and nothing would start new ones there: keep OnDelete and say so.
        let kept_on_delete = original.clone().filter(|_| !stranded.is_empty());
        let original = original.filter(|_| stranded.is_empty());
        let (cluster, namespace, name) = (self.cluster, self.namespace.clone(), self.name.clone());
        loop {
            let mut ops = vec![
                patch::precondition(&self.ds),
                patch::set_annotation(STATE_ANNOTATION, text.clone()),
            ];
            if let Some(original) = &original {
                ops.push(patch::replace_update_strategy(original.clone()));
            }
            if original.is_some() || kept_on_delete.is_some() {
                ops.push(patch::remove_annotation(ORIGINAL_STRATEGY_ANNOTATION));
            }
            if annotation(&self.ds, LOCK_ANNOTATION).is_some() {
                ops.push(patch::remove_annotation(LOCK_ANNOTATION));
            }
            let attempt = with_retry(self.progress, "restoring the update strategy", || {
                cluster.patch_daemonset_json(&namespace, &name, &ops, false)
            })
            .await;
            match attempt {
                Ok(_) => break,
                Err(e) if e.kind == FailureKind::Conflict => {
                    // Conditional on what was read: a template changed meanwhile is not restored over.
                    self.ds = self.read_daemonset().await?;
                    if let Some(message) = self.template_changed_by_another() {
                        return self.stop_failed(message, Vec::new()).await;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        let strategy = original
            .as_ref()
            .and_then(|o| o["type"].as_str())
            .unwrap_or("OnDelete");
        let kept = kept_on_delete
            .as_ref()
            .map(|kept| (kept, stranded.as_slice()));
        let (event, status) = completed(&state, (&namespace, &name), strategy, kept);
        self.progress.emit(event);
        Ok(status)
    }

    /// Outdated pods (node, pod) on nodes where the template may keep a pod but not start one.
    fn stranded_outdated(&self, state: &RolloutState) -> Vec<(String, String)> {
        let pods = self.pods.shared().unwrap_or_default();
        let outdated = nodes_off(&pods, &state.target_hash);
        if outdated.is_empty() {
            return Vec::new();
        }
        let nodes = self.nodes.shared().unwrap_or_default();
        let template = self.ds.spec.template.spec.clone().unwrap_or_default();
        let (_, stranded) = split_stranded(outdated, nodes.values(), &template);
        stranded
            .into_iter()
            .filter_map(|(node, _)| {
                let pod = pods.values().find(|p| {
                    node_of(p).as_deref() == Some(node.as_str())
                        && pod_hash(p) != Some(state.target_hash.as_str())
                })?;
                Some((node, pod.metadata.name.clone()?))
            })
            .collect()
    }

    async fn release_lock(&mut self) -> anyhow::Result<()> {
        if recorded_lock(&self.ds).is_none() {
            return Ok(());
        }
        let ops = vec![patch::remove_annotation(LOCK_ANNOTATION)];
        let (cluster, namespace, name) = (self.cluster, self.namespace.clone(), self.name.clone());
        let stored = with_retry(self.progress, "releasing the rollout lock", || {
            cluster.patch_daemonset_json(&namespace, &name, &ops, false)
        })
        .await?;
        self.ds = stored;
        Ok(())
    }

    /// Writes the state (and the lock, or removes it), conditional on the resourceVersion last
    /// seen. On a conflict reads the DaemonSet again: keeps a pause recorded meanwhile, and stops
    /// when another writer changed the template or took the lock.
    async fn write_state(&mut self, state: &mut RolloutState, hold: bool) -> anyhow::Result<()> {
        self.write(state, hold, true).await
    }

    /// The same, for recording a failure: whatever the template is now.
    async fn write_state_any_template(&mut self, state: &mut RolloutState) -> anyhow::Result<()> {
        self.write(state, false, false).await
    }

    async fn write(
        &mut self,
        state: &mut RolloutState,
        hold: bool,
        same_template: bool,
    ) -> anyhow::Result<()> {
        let (cluster, namespace, name) = (self.cluster, self.namespace.clone(), self.name.clone());
        for _ in 0..10 {
            let mut pairs = vec![(STATE_ANNOTATION, state.to_annotation())];
            if hold {
                pairs.push((LOCK_ANNOTATION, self.lock.to_annotation()));
            }
            let held = annotation(&self.ds, LOCK_ANNOTATION).is_some();
            let tested: &[&str] = if hold || held {
                &[STATE_ANNOTATION, LOCK_ANNOTATION]
            } else {
                &[STATE_ANNOTATION]
            };
            let mut ops = patch::unchanged(&self.ds, tested);
            ops.extend(patch::set_annotations(&self.ds, pairs));
            if !hold && held {
                ops.push(patch::remove_annotation(LOCK_ANNOTATION));
            }
            let attempt = with_retry(self.progress, "recording the rollout state", || {
                cluster.patch_daemonset_json(&namespace, &name, &ops, false)
            })
            .await;
            match attempt {
                Ok(stored) => {
                    self.ds = stored;
                    return Ok(());
                }
                Err(e) if e.kind == FailureKind::Conflict => {
                    self.ds = self.read_daemonset().await?;
                    if same_template {
                        if let Some(message) = self.template_changed_by_another() {
                            return Err(Failure::api(message).into());
                        }
                    }
                    if hold {
                        if let Some(held) = recorded_lock(&self.ds) {
                            let ours = held.host == self.lock.host && held.pid == self.lock.pid;
                            if !ours && self.replaced_lock.as_ref() != Some(&held) {
                                return Err(Failure::api(format!(
                                    "{} (pid {}) took over the rollout lock of daemonset {namespace}/{name}; this run stops with nothing further deleted",
                                    held.holder, held.pid
                                ))
                                .into());
                            }
                        }
                    }
                    if let Some(recorded) = recorded_state(&self.ds) {
                        if recorded.target_hash == state.target_hash
                            && recorded.phase.paused()
                            && state.phase == Phase::Running
                        {
                            state.phase = recorded.phase;
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Failure::api(format!(
            "could not record the rollout state on daemonset {namespace}/{name}: it kept changing; run kubectl ds rollout resume {name} -n {namespace}"
        ))
        .into())
    }
}

/// The end of a complete rollout, or of the rollback of a failed one (exit 1): what was updated
/// and what became of the update strategy; `kept` is the strategy left unrestored with the
/// outdated pods that kept it OnDelete.
fn completed(
    state: &RolloutState,
    (namespace, name): (&str, &str),
    strategy: &str,
    kept: Option<(&Value, &[(String, String)])>,
) -> (Event, ExitStatus) {
    let nodes: usize = state.waves.iter().map(|w| w.nodes.len()).sum();
    if let Some(failed) = &state.rollback_of {
        let message = format!(
            "rollout of daemonset {namespace}/{name} to {failed} failed ({}); rolled back: {} on {} again and the template is restored; update strategy {strategy} restored",
            state.failure.clone().unwrap_or_default(),
            plural(nodes, "node is", "nodes are"),
            state.target_hash
        );
        let nodes = Vec::new();
        return (Event::Failed { message, nodes }, ExitStatus::Findings);
    }
    let strategy_note = match kept {
        Some((kept, stranded)) => format!(
            "update strategy left OnDelete: under RollingUpdate the controller would delete the outdated {} and start none there; delete {} yourself when the node may lose it, then restore the strategy with kubectl patch daemonset {name} -n {namespace} --type merge -p '{{\"spec\":{{\"updateStrategy\":{kept}}}}}'",
            stranded_pods(stranded),
            if stranded.len() == 1 { "it" } else { "them" },
        ),
        None => format!("update strategy {strategy} restored"),
    };
    let message = format!(
        "rollout of daemonset {namespace}/{name} complete: {} updated in {} to {}; {strategy_note}",
        plural(nodes, "node", "nodes"),
        plural(state.waves.len(), "wave", "waves"),
        state.target_hash
    );
    (Event::Complete { message }, ExitStatus::Ok)
}

fn describe_failures(nodes: &[NodeFailure]) -> String {
    nodes
        .iter()
        .map(|f| match &f.pod {
            Some(pod) => format!("{}: pod {pod}: {}", f.node, f.reason),
            None => format!("{}: {}", f.node, f.reason),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decisions_take_a_tenth_of_the_time_within_their_bounds() {
        let ms = Duration::from_millis;
        let cases = [
            ("a quick decision waits the least gap", ms(0), ms(20)),
            ("a tenth of the least gap", ms(2), ms(20)),
            ("past it, ten times the decision", ms(5), ms(50)),
            ("never more than the longest gap", ms(80), ms(200)),
        ];
        for (what, took, gap) in cases {
            assert_eq!(step_gap(took), gap, "{what}");
        }
    }

    #[test]
    fn sleeps_until_the_second_itself_not_a_whole_second_more() {
        assert!(until_second(now() + 1) <= Duration::from_secs(1));
        let wait = until_second(now() + 3);
        assert!(
            wait > Duration::from_secs(1) && wait <= Duration::from_secs(3),
            "{wait:?}"
        );
        assert_eq!(until_second(now() - 1), Duration::ZERO);
        assert_eq!(until_second(i64::MAX), Duration::ZERO);
    }

    fn pod(uid: &str, node: &str, hash: &str) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": uid, "uid": uid, "labels": {"controller-revision-hash": hash}},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": "Running"}
        }))
        .unwrap()
    }

    fn node(name: &str, labels: Value) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels}})).unwrap()
    }

    fn state(nodes: &[&str]) -> RolloutState {
        RolloutState {
            target_hash: "new".into(),
            waves: vec![Wave {
                canary: false,
                nodes: nodes.iter().map(|n| n.to_string()).collect(),
            }],
            max_unavailable: 1,
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            pause_after_canary: false,
            phase: Phase::Running,
            failure: None,
            deleted_at: BTreeMap::new(),
            previous_hash: Some("old".into()),
            auto_rollback: true,
            rollback_of: None,
            wave_interval_seconds: 0,
            analysis: None,
            gates: BTreeMap::new(),
            nodes: Default::default(),
            deferred: BTreeMap::new(),
            cordoned: Default::default(),
            prepulled: Default::default(),
            waves_overlap: false,
            unknown: Default::default(),
        }
    }

    #[test]
    fn a_podless_node_that_no_longer_runs_the_daemonset_is_left_out() {
        let state = state(&["n1", "n2", "n3", "n4"]);
        // n1 has its old pod; n2 (between pods, still eligible), n3 (relabelled out of the
        // node selector) and n4 (deleted) have none.
        let pods: BTreeMap<String, Pod> = [pod("p1", "n1", "old")]
            .into_iter()
            .map(|p| (key(&p), p))
            .collect();
        let podless = planned_without_pods(&state, &pods);
        assert_eq!(
            podless,
            BTreeSet::from(["n2".into(), "n3".into(), "n4".into()])
        );
        let template: PodSpec = serde_json::from_value(json!({
            "nodeSelector": {"agent": "yes"},
            "containers": [{"name": "c", "image": "i"}]
        }))
        .unwrap();
        let nodes: BTreeMap<String, Node> = [
            node("n1", json!({"agent": "yes"})),
            node("n2", json!({"agent": "yes"})),
            node("n3", json!({"agent": "no"})),
        ]
        .into_iter()
        .map(|n| (n.metadata.name.clone().unwrap_or_default(), n))
        .collect();
        let ineligible = not_eligible(&podless, &nodes, &template);
        assert_eq!(ineligible, BTreeSet::from(["n3".into(), "n4".into()]));
        let observed = observe(&pods, &HashSet::new(), &state, &ineligible);
        assert_eq!(
            observed.keys().map(String::as_str).collect::<Vec<_>>(),
            ["n1", "n2"]
        );
        assert!(state.node_done(&observed, "n3", 0));
        assert!(!state.node_done(&observed, "n2", 0));
    }

    #[test]
    fn a_rollback_puts_the_touched_nodes_back_in_waves_without_a_canary() {
        let mut failed = state(&["n1", "n2", "n3"]);
        failed.max_unavailable = 2;
        failed.deleted_at.insert("n1".into(), 5);
        let back = rollback_state(&failed, "old", vec!["n1".into(), "n2".into(), "n3".into()]);
        assert_eq!(back.target_hash, "old");
        assert_eq!(back.rollback_of.as_deref(), Some("new"));
        assert!(!back.auto_rollback, "a rollback never rolls back itself");
        assert!(back.deleted_at.is_empty());
        assert_eq!(
            back.waves,
            vec![
                Wave {
                    canary: false,
                    nodes: vec!["n1".into(), "n2".into()]
                },
                Wave {
                    canary: false,
                    nodes: vec!["n3".into()]
                }
            ]
        );
    }

    #[test]
    fn nodes_off_a_revision_skip_terminating_and_finished_pods() {
        let mut terminating = pod("p3", "n3", "old");
        terminating.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
            ));
        let pods: BTreeMap<String, Pod> =
            [pod("p1", "n1", "old"), pod("p2", "n2", "new"), terminating]
                .into_iter()
                .map(|p| (key(&p), p))
                .collect();
        assert_eq!(nodes_off(&pods, "new"), BTreeSet::from(["n1".into()]));
    }
}
