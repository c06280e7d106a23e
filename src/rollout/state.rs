//! The state a controlled rollout records on its DaemonSet before every step, and the decision of
//! what to do next from that record and what the cluster shows now. The decision depends only on
//! the two, so a rollout interrupted anywhere (Ctrl-C, kill -9, a dropped connection) resumes
//! exactly where it stopped: a pod is deleted only while it is an old-revision pod that is not
//! already terminating, and only while the unavailable count stays within the budget.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::DaemonSet;
use serde::{Deserialize, Serialize};

use super::analysis::Analysis;
use super::node_policy::NodePolicy;
use super::nodes::NodeHealth;
use super::waves::Wave;

/// The annotation holding the recorded state: JSON, or when large the compact form
/// ([`super::record`]).
pub const STATE_ANNOTATION: &str = "rollout.kubectl-ds.io/state";

/// The update strategy the manifest asks for, as JSON, while the rollout runs with OnDelete.
pub const ORIGINAL_STRATEGY_ANNOTATION: &str = "rollout.kubectl-ds.io/original-strategy";

/// Where a controlled rollout stands, as recorded: kebab-case words (`paused-after-canary`).
/// Earlier versions recorded `pausedAfterCanary`; it is still read, so their rollouts resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Running,
    /// Stopped after the canary wave until `rollout resume`.
    #[serde(alias = "pausedAfterCanary")]
    PausedAfterCanary,
    /// Stopped by `rollout pause` (or Ctrl-C answered with pause).
    Paused,
    /// A health gate failed; nothing further is deleted.
    Failed,
    Complete,
    /// A wave passed its gate and waits for `rollout resume` (`--approve`).
    AwaitingApproval,
    /// Every node is done but the deferred ones (NotReady or unreachable); `rollout resume`
    /// finishes them once they are Ready.
    Incomplete,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::Running,
        Phase::PausedAfterCanary,
        Phase::Paused,
        Phase::Failed,
        Phase::Complete,
        Phase::AwaitingApproval,
        Phase::Incomplete,
    ];

    /// A rollout in this phase is not over: `rollout resume` (or the same command again) drives
    /// it on. Failed and Complete rollouts are over; a new one starts from a new apply.
    pub fn unfinished(self) -> bool {
        matches!(
            self,
            Phase::Running
                | Phase::Paused
                | Phase::PausedAfterCanary
                | Phase::AwaitingApproval
                | Phase::Incomplete
        )
    }

    /// Stopped until `rollout resume`: by the user, after the canary wave, or for an approval.
    pub fn paused(self) -> bool {
        matches!(
            self,
            Phase::Paused | Phase::PausedAfterCanary | Phase::AwaitingApproval
        )
    }

    /// The recorded word, which messages show too.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::PausedAfterCanary => "paused-after-canary",
            Phase::Paused => "paused",
            Phase::Failed => "failed",
            Phase::Complete => "complete",
            Phase::AwaitingApproval => "awaiting-approval",
            Phase::Incomplete => "incomplete",
        }
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rollout recorded on the DaemonSet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutState {
    /// The `controller-revision-hash` of the template being rolled out.
    pub target_hash: String,
    pub waves: Vec<Wave>,
    /// Nodes that may be without a Ready pod at once.
    pub max_unavailable: usize,
    /// Seconds a new pod must have been Ready before its node counts as done.
    pub min_ready_seconds: i64,
    /// Seconds a replaced node may take to get an available new pod.
    pub progress_deadline_seconds: i64,
    pub pause_after_canary: bool,
    pub phase: Phase,
    /// Why the rollout failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// When each node's old pod was deleted (seconds since the epoch), for the progress deadline.
    #[serde(default)]
    pub deleted_at: BTreeMap<String, i64>,
    /// The revision the pods were on before, which `--auto-rollback` puts back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_hash: Option<String>,
    #[serde(default)]
    pub auto_rollback: bool,
    /// Set when this rollout puts the nodes back after the rollout to this revision failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_of: Option<String>,
    /// Seconds to wait after a wave is done before the next one starts.
    #[serde(default)]
    pub wave_interval_seconds: i64,
    /// The analysis gate every wave passes once done, before the next wave starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// The gate runs so far, by wave (0-based).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gates: BTreeMap<usize, GateRun>,
    /// How the nodes themselves are treated: sick nodes, stuck pods, drains, pre-pulls.
    #[serde(default, skip_serializing_if = "NodePolicy::is_default")]
    pub nodes: NodePolicy,
    /// Nodes left alone while NotReady or unreachable, and why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deferred: BTreeMap<String, Deferral>,
    /// Nodes this rollout cordoned to drain them, recorded before each cordon so that no crash
    /// can leave one cordoned unrecorded; uncordoned once their wave passed its gate, or by
    /// `rollout undo` and abort.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub cordoned: BTreeSet<String>,
    /// Waves (0-based) whose nodes got the new images pulled before their first deletion.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub prepulled: BTreeSet<usize>,
    /// A wave may start before the one ahead of it is done when nothing has to happen between
    /// the two (no canary to prove, gate, interval, drain, pre-pull or min-ready; not planned by
    /// label groups, which go one after the other): the budget alone paces the nodes, as the
    /// controller's RollingUpdate does, instead of every wave waiting for its slowest node. A
    /// state without it (an earlier version's) runs its waves one after the other.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waves_overlap: bool,
    /// Fields this version does not know (a newer one wrote them), written back unchanged when
    /// the state is rewritten (a pause, a resume), so an older binary never drops them.
    #[serde(flatten)]
    pub unknown: serde_json::Map<String, serde_json::Value>,
}

/// How far the gate after one wave got. A run killed while its gate was `running` runs the gate
/// again when resumed: a gate is passed only once it was seen to pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateRun {
    pub result: GateResult,
    /// Seconds since the epoch.
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `--approve`: the operator let the rollout go on after this wave.
    #[serde(default)]
    pub approved: bool,
}

impl GateRun {
    pub fn started(at: i64) -> Self {
        GateRun {
            result: GateResult::Running,
            started_at: at,
            finished_at: None,
            reason: None,
            approved: false,
        }
    }

    /// Passed, or failed for `failure`.
    pub fn finish(&mut self, at: i64, failure: Option<String>) {
        self.result = match failure {
            Some(_) => GateResult::Failed,
            None => GateResult::Passed,
        };
        self.finished_at = Some(at);
        self.reason = failure;
    }
}

/// A node the rollout leaves alone while it is sick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deferral {
    /// Since when the node is sick (seconds since the epoch), as its conditions say.
    pub since: i64,
    /// `NotReady (KubeletNotReady)`, `unreachable`.
    pub reason: String,
}

/// What changed in the deferred nodes at one look at the nodes.
#[derive(Debug, Default, PartialEq)]
pub struct DeferralChange {
    pub deferred: Vec<String>,
    pub recovered: Vec<String>,
}

impl DeferralChange {
    pub fn is_empty(&self) -> bool {
        self.deferred.is_empty() && self.recovered.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateResult {
    Running,
    Passed,
    Failed,
}

/// A state annotation this version cannot read: edited by hand, or written by a version whose
/// format differs. Nothing is resumed from it; the message says how to clear it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub daemonset: String,
    pub namespace: String,
    /// What the decoder found wrong ([`super::record::decode`]).
    pub reason: String,
}

impl Unreadable {
    /// What is wrong, without what to do about it.
    pub fn what(&self) -> String {
        format!(
            "the annotation {STATE_ANNOTATION} of daemonset {}/{} does not hold a rollout state this version of kubectl-ds can read ({})",
            self.namespace, self.daemonset, self.reason
        )
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; it is ignored: remove it with kubectl annotate daemonset {} -n {} {STATE_ANNOTATION}- and start the rollout again with kubectl ds rollout apply",
            self.what(),
            self.daemonset,
            self.namespace
        )
    }
}

pub use super::health::PodView;

/// Every eligible node with the DaemonSet's pods on it now.
pub type Observation = BTreeMap<String, Vec<PodView>>;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Delete these old pods (node, pod uid); the budget allows it.
    Delete(Vec<(String, String)>),
    /// Wait for these nodes of the current wave to get an available new pod.
    Wait(Vec<String>),
    /// Soak before wave `wave` (0-based) starts, until `until` (seconds since the epoch).
    Soak {
        wave: usize,
        until: i64,
    },
    /// Stop: paused after the canary, or paused by the user.
    Pause,
    /// Stop: a node of the current wave failed its gate (node, why).
    Fail(Vec<(String, String)>),
    /// Run the analysis gate of wave `wave` (0-based), which is done.
    Gate {
        wave: usize,
    },
    /// Wave `wave` passed its gate; stop until the operator approves (`--approve`).
    AwaitApproval {
        wave: usize,
    },
    Complete,
    /// Every node is done but the `deferred` ones (sick), or the sick nodes without a Ready pod
    /// use up the budget that the `blocked` ones need.
    Incomplete {
        deferred: Vec<String>,
        blocked: Vec<String>,
    },
    /// Uncordon these nodes this rollout cordoned: their wave is done and passed its gate.
    Uncordon(Vec<String>),
    /// Pull the new images onto these nodes of wave `wave` (0-based) before its first deletion.
    Prepull {
        wave: usize,
        nodes: Vec<String>,
    },
}

impl RolloutState {
    /// The state recorded on the DaemonSet: `Ok(None)` when there is none, `Err` when the
    /// annotation holds something else. Every reader of the annotation goes through here.
    pub fn recorded(ds: &DaemonSet) -> Result<Option<RolloutState>, Unreadable> {
        let Some(text) = ds
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(STATE_ANNOTATION))
        else {
            return Ok(None);
        };
        super::record::decode(text)
            .map(Some)
            .map_err(|reason| Unreadable {
                daemonset: ds.metadata.name.clone().unwrap_or_default(),
                namespace: ds.metadata.namespace.clone().unwrap_or_default(),
                reason,
            })
    }

    /// The annotation's text for this state: plain JSON while small, else the compact form.
    /// Every writer of the annotation goes through here.
    pub fn to_annotation(&self) -> String {
        super::record::encode(self)
    }

    /// The wave in progress: the first with a node not yet done.
    pub fn current_wave(&self, observed: &Observation, now: i64) -> Option<usize> {
        self.waves.iter().position(|wave| {
            wave.nodes
                .iter()
                .any(|n| !self.deferred.contains_key(n) && !self.node_done(observed, n, now))
        })
    }

    /// Takes in the nodes' health (of the nodes known; a node missing from `health` keeps its
    /// standing): a sick node of the plan not done yet is deferred unless `--include-not-ready`;
    /// a deferred node that is Ready again is rolled, its progress deadline counted from now.
    pub fn update_deferred(
        &mut self,
        health: &BTreeMap<String, NodeHealth>,
        observed: &Observation,
        now: i64,
    ) -> DeferralChange {
        let mut change = DeferralChange::default();
        let planned: Vec<String> = self.waves.iter().flat_map(|w| w.nodes.clone()).collect();
        for node in planned {
            let sick = health.get(&node).filter(|h| !h.is_ready());
            let wanted = !self.nodes.include_not_ready && !self.node_done(observed, &node, now);
            match (sick, self.deferred.contains_key(&node)) {
                (Some(health), false) if wanted => {
                    let since = health.sick_since().unwrap_or(now);
                    let reason = health.describe();
                    self.deferred
                        .insert(node.clone(), Deferral { since, reason });
                    change.deferred.push(node);
                }
                (None, true) if health.contains_key(&node) => {
                    self.deferred.remove(&node);
                    if let Some(at) = self.deleted_at.get_mut(&node) {
                        *at = now;
                    }
                    change.recovered.push(node);
                }
                (_, true) if !wanted => {
                    self.deferred.remove(&node);
                }
                _ => {}
            }
        }
        change
    }

    /// Nodes this rollout cordoned whose wave is over: done (or deferred) and past its gate.
    fn uncordon_due(&self, observed: &Observation, current: Option<usize>) -> Vec<String> {
        let finished = current.unwrap_or(self.waves.len());
        self.waves
            .iter()
            .enumerate()
            .take(finished)
            .filter(|(index, _)| self.gate_behind(*index))
            .flat_map(|(_, wave)| wave.nodes.iter())
            .filter(|n| self.cordoned.contains(*n))
            .cloned()
            .chain(
                // A cordoned node that left the plan's nodes (no longer runs the DaemonSet).
                self.cordoned
                    .iter()
                    .filter(|n| !observed.contains_key(*n) && !self.deferred.contains_key(*n))
                    .cloned(),
            )
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect()
    }

    /// Wave `index` (done) has its gate behind it: there is none, it passed, or a later wave
    /// started.
    fn gate_behind(&self, index: usize) -> bool {
        self.analysis.is_none()
            || self
                .gates
                .get(&index)
                .is_some_and(|r| r.result == GateResult::Passed)
            || self.waves[index + 1..]
                .iter()
                .any(|w| w.nodes.iter().any(|n| self.deleted_at.contains_key(n)))
    }

    /// A node is done when its pod is on the target revision and has been Ready for
    /// min-ready seconds. A node that no longer runs the DaemonSet counts as done.
    pub fn node_done(&self, observed: &Observation, node: &str, now: i64) -> bool {
        let Some(pods) = observed.get(node) else {
            return true;
        };
        pods.iter().any(|p| {
            p.hash == self.target_hash
                && !p.terminating
                && p.ready
                && p.ready_since
                    .is_some_and(|since| now - since >= self.min_ready_seconds)
        })
    }

    /// With a wave interval, when wave `index` may start: the interval after the previous wave's
    /// last node was done (its new pod Ready for min-ready). `None` when there is nothing to wait
    /// for: no interval, the first wave, or the wave has started already (a run resumed mid-wave).
    fn soak_until(&self, observed: &Observation, index: usize) -> Option<i64> {
        if self.wave_interval_seconds <= 0 || index == 0 {
            return None;
        }
        if self.waves[index]
            .nodes
            .iter()
            .any(|n| self.deleted_at.contains_key(n))
        {
            return None;
        }
        self.soak_after(observed, index - 1)
    }

    /// With an analysis, what the last done wave (of `done`) still needs before the next one
    /// starts or the rollout completes: its soak, its gate, its approval. A wave whose next one
    /// has started passed all three.
    fn gate_step(&self, observed: &Observation, done: usize, now: i64) -> Option<Step> {
        let analysis = self.analysis.as_ref()?;
        let wave = done.checked_sub(1)?;
        let next_started = self
            .waves
            .get(done)
            .is_some_and(|next| next.nodes.iter().any(|n| self.deleted_at.contains_key(n)));
        if next_started {
            return None;
        }
        let run = self.gates.get(&wave);
        if run.is_none_or(|r| r.result != GateResult::Passed) {
            if let Some(until) = self.soak_after(observed, wave).filter(|u| now < *u) {
                return Some(Step::Soak { wave: done, until });
            }
            return Some(Step::Gate { wave });
        }
        let last = done == self.waves.len();
        let approved = run.is_some_and(|r| r.approved);
        (analysis.approve && !approved && !last).then_some(Step::AwaitApproval { wave })
    }

    /// When the soak after wave `wave` ends: the interval after its last node was done. `None`
    /// without an interval.
    fn soak_after(&self, observed: &Observation, wave: usize) -> Option<i64> {
        if self.wave_interval_seconds <= 0 {
            return None;
        }
        let done_at = self.waves[wave]
            .nodes
            .iter()
            .filter_map(|n| observed.get(n))
            .flatten()
            .filter(|p| p.hash == self.target_hash && !p.terminating)
            .filter_map(|p| p.ready_since)
            .max()?;
        Some(done_at + self.min_ready_seconds + self.wave_interval_seconds)
    }

    /// The wave (0-based) whose approval the rollout awaits: the last that passed its gate.
    pub fn awaiting_approval(&self) -> Option<usize> {
        if self.phase != Phase::AwaitingApproval {
            return None;
        }
        self.gates
            .iter()
            .rev()
            .find(|(_, r)| r.result == GateResult::Passed && !r.approved)
            .map(|(wave, _)| *wave)
    }

    /// `rollout resume`: running again, past the canary pause, and the wave awaiting approval
    /// approved.
    pub fn resume(&mut self) {
        if let Some(wave) = self.awaiting_approval() {
            if let Some(run) = self.gates.get_mut(&wave) {
                run.approved = true;
            }
        }
        self.phase = Phase::Running;
        self.pause_after_canary = false;
    }

    /// Eligible nodes without a Ready pod that is not terminating.
    fn unavailable(observed: &Observation) -> usize {
        observed
            .values()
            .filter(|pods| !pods.iter().any(|p| p.ready && !p.terminating))
            .count()
    }

    /// What to do next.
    pub fn next_step(&self, observed: &Observation, now: i64) -> Step {
        if self.phase.paused() {
            return Step::Pause;
        }
        let current = self.current_wave(observed, now);
        let uncordon = self.uncordon_due(observed, current);
        if !uncordon.is_empty() {
            return Step::Uncordon(uncordon);
        }
        let done = current.unwrap_or(self.waves.len());
        if let Some(step) = self.gate_step(observed, done, now) {
            return step;
        }
        let Some(index) = current else {
            return match self.deferred.is_empty() {
                true => Step::Complete,
                false => Step::Incomplete {
                    deferred: self.deferred.keys().cloned().collect(),
                    blocked: Vec::new(),
                },
            };
        };
        // The canary wave is done and the rollout was asked to stop there.
        let canary_done = self.waves.first().is_some_and(|w| w.canary) && index > 0;
        if canary_done && self.pause_after_canary && self.phase == Phase::Running && index == 1 {
            return Step::Pause;
        }
        if let Some(until) = self.soak_until(observed, index) {
            if now < until {
                return Step::Soak { wave: index, until };
            }
        }
        let mut failures = Vec::new();
        let mut waiting = Vec::new();
        let mut to_delete = Vec::new();
        for node in self.waves[self.open_waves(index)]
            .iter()
            .flat_map(|w| w.nodes.iter())
            .filter(|n| !self.deferred.contains_key(*n))
        {
            match self.node_step(observed, node, now) {
                NodeStep::Done => {}
                NodeStep::Fail(why) => failures.push((node.clone(), why)),
                NodeStep::Delete(uid) => to_delete.push((node.clone(), uid)),
                NodeStep::Wait => waiting.push(node.clone()),
            }
        }
        if !failures.is_empty() {
            return Step::Fail(failures);
        }
        let in_flight = !waiting.is_empty();
        let blocked: Vec<String> = to_delete.iter().map(|(n, _)| n.clone()).collect();
        let allowed = self.within_budget(observed, to_delete, &mut waiting);
        if allowed.is_empty() && !in_flight && self.budget_held_by_deferred(observed) {
            // Nothing in flight frees the budget, and the sick nodes holding it may stay sick:
            // end rather than wait on them.
            return Step::Incomplete {
                deferred: self.deferred.keys().cloned().collect(),
                blocked,
            };
        }
        if !allowed.is_empty() {
            if let Some(step) = self.prepull_step(observed, index, now) {
                return step;
            }
            return Step::Delete(allowed);
        }
        waiting.sort();
        Step::Wait(waiting)
    }

    /// The waves whose nodes may be replaced now, wave `index` being the first not done: it,
    /// and when waves overlap, every one after it.
    fn open_waves(&self, index: usize) -> std::ops::Range<usize> {
        // With min-ready, a node counts against the budget until its new pod has been Ready that
        // long, which the budget below does not track yet: waves then go one after the other.
        let overlap = self.waves_overlap
            && self.min_ready_seconds <= 0
            && self.analysis.is_none()
            && self.wave_interval_seconds <= 0
            && self.nodes.drain.is_none()
            && self.nodes.prepull.is_none();
        // Only the canary wave is ever followed by one that must wait (label groups never
        // overlap: such a plan does not record `waves_overlap`).
        match overlap && !self.waves[index].canary {
            true => index..self.waves.len(),
            false => index..index + 1,
        }
    }

    /// With pre-pull on, wave `index` gets the new images onto its nodes still to update before
    /// its first deletion, once.
    fn prepull_step(&self, observed: &Observation, index: usize, now: i64) -> Option<Step> {
        self.nodes.prepull.as_ref()?;
        let wave = &self.waves[index];
        let started = wave.nodes.iter().any(|n| self.deleted_at.contains_key(n));
        if started || self.prepulled.contains(&index) {
            return None;
        }
        let nodes: Vec<String> = wave
            .nodes
            .iter()
            .filter(|n| !self.deferred.contains_key(*n) && !self.node_done(observed, n, now))
            .cloned()
            .collect();
        Some(Step::Prepull { wave: index, nodes })
    }

    /// Some deferred node uses up part of the budget.
    fn budget_held_by_deferred(&self, observed: &Observation) -> bool {
        Self::budget_users(observed)
            .iter()
            .any(|n| self.deferred.contains_key(n))
    }

    /// The nodes without a Ready pod now, which use up the budget.
    pub fn budget_users(observed: &Observation) -> Vec<String> {
        observed
            .iter()
            .filter(|(_, pods)| !pods.iter().any(|p| p.ready && !p.terminating))
            .map(|(node, _)| node.clone())
            .collect()
    }

    /// What one node of the current wave needs: nothing (done), a failure (its new pod fails,
    /// or the deadline passed), its old pod deleted, or a wait.
    fn node_step(&self, observed: &Observation, node: &str, now: i64) -> NodeStep {
        if self.node_done(observed, node, now) {
            return NodeStep::Done;
        }
        let pods = &observed[node];
        let new_pod = pods
            .iter()
            .find(|p| p.hash == self.target_hash && !p.terminating);
        if let Some(reason) = new_pod.and_then(|p| p.failing.clone()) {
            return NodeStep::Fail(reason);
        }
        let deadline_passed = self
            .deleted_at
            .get(node)
            .is_some_and(|at| now - at > self.progress_deadline_seconds);
        if deadline_passed {
            let seconds = self.progress_deadline_seconds;
            return NodeStep::Fail(match new_pod {
                Some(PodView {
                    not_ready: Some(reason),
                    ..
                }) => format!("new pod not available within {seconds}s: {reason}"),
                Some(_) => format!("new pod not available within {seconds}s"),
                None => format!("no new pod within {seconds}s"),
            });
        }
        let old = pods
            .iter()
            .find(|p| p.hash != self.target_hash && !p.terminating);
        match old {
            Some(pod) if new_pod.is_none() => NodeStep::Delete(pod.uid.clone()),
            _ => NodeStep::Wait,
        }
    }

    /// Of the old pods to delete, those the budget allows now (deleting one makes its node
    /// unavailable only if it was Ready); the others join `waiting`.
    fn within_budget(
        &self,
        observed: &Observation,
        to_delete: Vec<(String, String)>,
        waiting: &mut Vec<String>,
    ) -> Vec<(String, String)> {
        let mut unavailable = Self::unavailable(observed);
        let mut allowed = Vec::new();
        for (node, uid) in to_delete {
            let ready = observed[&node].iter().any(|p| p.uid == uid && p.ready);
            if !ready || unavailable < self.max_unavailable {
                if ready {
                    unavailable += 1;
                }
                allowed.push((node, uid));
            } else {
                waiting.push(node);
            }
        }
        allowed
    }
}

/// What one node of the current wave needs.
enum NodeStep {
    Done,
    Fail(String),
    /// Delete its old pod (this uid).
    Delete(String),
    Wait,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000;

    fn pod(uid: &str, hash: &str, ready: bool) -> PodView {
        PodView {
            uid: uid.into(),
            hash: hash.into(),
            ready,
            ready_since: ready.then_some(NOW - 60),
            terminating: false,
            failing: None,
            not_ready: None,
            ..PodView::default()
        }
    }

    fn state(waves: &[(bool, &[&str])], max_unavailable: usize) -> RolloutState {
        RolloutState {
            target_hash: "new".into(),
            waves: waves
                .iter()
                .map(|(canary, nodes)| Wave {
                    canary: *canary,
                    nodes: nodes.iter().map(|n| n.to_string()).collect(),
                })
                .collect(),
            max_unavailable,
            min_ready_seconds: 10,
            progress_deadline_seconds: 300,
            pause_after_canary: false,
            phase: Phase::Running,
            failure: None,
            deleted_at: BTreeMap::new(),
            previous_hash: None,
            auto_rollback: false,
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

    fn observe(pods: &[(&str, PodView)]) -> Observation {
        let mut observed = Observation::new();
        for (node, pod) in pods {
            observed
                .entry(node.to_string())
                .or_default()
                .push(pod.clone());
        }
        observed
    }

    #[test]
    fn overlapping_waves_are_paced_by_the_budget_alone_unless_something_comes_between() {
        let waves: &[(bool, &[&str])] =
            &[(true, &["a"]), (false, &["b", "c"]), (false, &["d", "e"])];
        let mut fresh = pod("b2", "new", true);
        fresh.ready_since = Some(NOW);
        // The canary done, b replaced and not Ready for min-ready yet, c, d, e still old.
        let rolling = observe(&[
            ("a", pod("a2", "new", true)),
            ("b", fresh),
            ("c", pod("c1", "old", true)),
            ("d", pod("d1", "old", true)),
            ("e", pod("e1", "old", true)),
        ]);
        let canary_only = observe(&[
            ("a", pod("a1", "old", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", true)),
        ]);
        let overlapping = |change: fn(&mut RolloutState)| {
            let mut s = state(waves, 2);
            s.waves_overlap = true;
            s.min_ready_seconds = 0;
            s.deleted_at.insert("a".into(), NOW - 60);
            s.deleted_at.insert("b".into(), NOW - 5);
            change(&mut s);
            s
        };
        let drain = crate::rollout::node_policy::Drain {
            timeout: std::time::Duration::from_secs(60),
            delete_emptydir_data: false,
            force: false,
        };
        let c_and_d = Step::Delete(vec![("c".into(), "c1".into()), ("d".into(), "d1".into())]);
        let c_only = Step::Delete(vec![("c".into(), "c1".into())]);
        let with = |change: fn(&mut RolloutState)| {
            let mut s = overlapping(change);
            if s.analysis.is_some() {
                let mut run = GateRun::started(NOW - 30);
                run.finish(NOW - 20, None);
                s.gates.insert(0, run);
            }
            s
        };
        let mut drained = with(|_| {});
        drained.nodes.drain = Some(drain);
        let cases: Vec<(&str, RolloutState, &Observation, Step)> = vec![
            (
                "wave 3 starts beside wave 2",
                with(|_| {}),
                &rolling,
                c_and_d,
            ),
            (
                "recorded without overlap",
                with(|s| s.waves_overlap = false),
                &rolling,
                c_only.clone(),
            ),
            (
                "a gate",
                with(|s| s.analysis = Some(Analysis::default())),
                &rolling,
                c_only.clone(),
            ),
            (
                "an interval",
                with(|s| s.wave_interval_seconds = 60),
                &rolling,
                c_only.clone(),
            ),
            (
                "min-ready",
                with(|s| s.min_ready_seconds = 10),
                &rolling,
                c_only.clone(),
            ),
            ("a drain", drained, &rolling, c_only),
            (
                "the canary goes alone",
                with(|s| s.deleted_at.clear()),
                &canary_only,
                Step::Delete(vec![("a".into(), "a1".into())]),
            ),
        ];
        for (name, s, observed, want) in cases {
            assert_eq!(s.next_step(observed, NOW), want, "{name}");
        }
    }

    #[test]
    fn steps_from_every_recorded_situation() {
        let waves: &[(bool, &[&str])] = &[(true, &["a"]), (false, &["b", "c"])];
        let s = state(waves, 2);
        let mut terminating = pod("a1", "old", true);
        terminating.terminating = true;
        let mut fresh = pod("a2", "new", true);
        fresh.ready_since = Some(NOW - 3);
        let mut crashing = pod("a2", "new", false);
        crashing.failing = Some("CrashLoopBackOff".into());
        let cases: Vec<(&str, Observation, Step)> = vec![
            (
                "start: delete the canary's old pod",
                observe(&[
                    ("a", pod("a1", "old", true)),
                    ("b", pod("b1", "old", true)),
                    ("c", pod("c1", "old", true)),
                ]),
                Step::Delete(vec![("a".into(), "a1".into())]),
            ),
            (
                "crash after the delete request: the old pod is terminating, never deleted again",
                observe(&[
                    ("a", terminating.clone()),
                    ("b", pod("b1", "old", true)),
                    ("c", pod("c1", "old", true)),
                ]),
                Step::Wait(vec!["a".into()]),
            ),
            (
                "new pod Ready but not for min-ready yet",
                observe(&[
                    ("a", fresh),
                    ("b", pod("b1", "old", true)),
                    ("c", pod("c1", "old", true)),
                ]),
                Step::Wait(vec!["a".into()]),
            ),
            (
                "canary done: the next wave deletes both within the budget",
                observe(&[
                    ("a", pod("a2", "new", true)),
                    ("b", pod("b1", "old", true)),
                    ("c", pod("c1", "old", true)),
                ]),
                Step::Delete(vec![("b".into(), "b1".into()), ("c".into(), "c1".into())]),
            ),
            (
                "a failing new pod fails the gate",
                observe(&[
                    ("a", crashing),
                    ("b", pod("b1", "old", true)),
                    ("c", pod("c1", "old", true)),
                ]),
                Step::Fail(vec![("a".into(), "CrashLoopBackOff".into())]),
            ),
            (
                "everything on the target and available",
                observe(&[
                    ("a", pod("a2", "new", true)),
                    ("b", pod("b2", "new", true)),
                    ("c", pod("c2", "new", true)),
                ]),
                Step::Complete,
            ),
        ];
        for (what, observed, want) in cases {
            assert_eq!(s.next_step(&observed, NOW), want, "{what}");
        }
    }

    #[test]
    fn a_gate_runs_after_every_wave_once_soaked_and_an_approval_follows() {
        let waves: &[(bool, &[&str])] = &[(true, &["a"]), (false, &["b"])];
        let mut gated = state(waves, 1);
        gated.analysis = Some(Analysis {
            approve: true,
            ..Analysis::default()
        });
        let canary_done = observe(&[("a", pod("a2", "new", true)), ("b", pod("b1", "old", true))]);
        let all_done = observe(&[("a", pod("a2", "new", true)), ("b", pod("b2", "new", true))]);
        let run = |result: GateResult, approved: bool| GateRun {
            result,
            started_at: NOW - 5,
            finished_at: None,
            reason: None,
            approved,
        };
        let with_gates = |runs: &[(usize, GateRun)], interval: i64| {
            let mut s = gated.clone();
            s.gates = runs.iter().cloned().collect();
            s.wave_interval_seconds = interval;
            s
        };
        let passed = run(GateResult::Passed, false);
        let approved = run(GateResult::Passed, true);
        let cases: Vec<(&str, RolloutState, &Observation, Step)> = vec![
            (
                "the canary done: its gate",
                with_gates(&[], 0),
                &canary_done,
                Step::Gate { wave: 0 },
            ),
            (
                "a gate recorded running (the run stopped during it) runs again",
                with_gates(&[(0, run(GateResult::Running, false))], 0),
                &canary_done,
                Step::Gate { wave: 0 },
            ),
            (
                "the soak comes before the gate",
                with_gates(&[], 120),
                &canary_done,
                Step::Soak {
                    wave: 1,
                    until: NOW - 60 + 10 + 120,
                },
            ),
            (
                "passed: awaits approval",
                with_gates(&[(0, passed.clone())], 0),
                &canary_done,
                Step::AwaitApproval { wave: 0 },
            ),
            (
                "approved: the next wave deletes",
                with_gates(&[(0, approved.clone())], 0),
                &canary_done,
                Step::Delete(vec![("b".into(), "b1".into())]),
            ),
            (
                "the last wave is gated too",
                with_gates(&[(0, approved.clone())], 0),
                &all_done,
                Step::Gate { wave: 1 },
            ),
            (
                "no approval after the last wave: complete",
                with_gates(&[(0, approved.clone()), (1, passed.clone())], 0),
                &all_done,
                Step::Complete,
            ),
        ];
        for (what, s, observed, want) in cases {
            assert_eq!(s.next_step(observed, NOW), want, "{what}");
        }
        let mut no_gate = with_gates(&[], 0);
        no_gate.analysis = None;
        assert_eq!(
            no_gate.next_step(&all_done, NOW),
            Step::Complete,
            "without an analysis nothing is gated"
        );
    }

    #[test]
    fn resume_approves_the_wave_awaiting_approval() {
        let mut s = state(&[(true, &["a"]), (false, &["b"])], 1);
        s.gates.insert(0, GateRun::started(NOW));
        s.gates.get_mut(&0).unwrap().finish(NOW + 1, None);
        s.phase = Phase::AwaitingApproval;
        s.resume();
        assert_eq!(s.phase, Phase::Running);
        assert!(s.gates[&0].approved);
        let mut failed = GateRun::started(NOW);
        failed.finish(NOW + 2, Some("metric errors failed".into()));
        assert_eq!(
            (failed.result, failed.reason.as_deref()),
            (GateResult::Failed, Some("metric errors failed"))
        );
    }

    #[test]
    fn the_budget_counts_nodes_already_unavailable() {
        let s = state(&[(false, &["a", "b", "c"])], 1);
        // c has no Ready pod already: deleting a Ready old pod would make two unavailable.
        let observed = observe(&[
            ("a", pod("a1", "old", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", false)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Delete(vec![("c".into(), "c1".into())]),
            "an unavailable old pod can go without using budget"
        );
        let observed = observe(&[
            ("a", pod("a1", "old", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c2", "new", false)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Wait(vec!["a".into(), "b".into(), "c".into()])
        );
    }

    #[test]
    fn deadline_pause_and_vanished_nodes() {
        let mut s = state(&[(true, &["a"]), (false, &["b"])], 1);
        s.deleted_at.insert("a".into(), NOW - 301);
        let observed = observe(&[
            ("a", pod("a2", "new", false)),
            ("b", pod("b1", "old", true)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Fail(vec![(
                "a".into(),
                "new pod not available within 300s".into()
            )])
        );

        let mut s = state(&[(true, &["a"]), (false, &["b"])], 1);
        s.pause_after_canary = true;
        let observed = observe(&[("a", pod("a2", "new", true)), ("b", pod("b1", "old", true))]);
        assert_eq!(s.next_step(&observed, NOW), Step::Pause);
        s.phase = Phase::Paused;
        assert_eq!(s.next_step(&observed, NOW), Step::Pause);

        // A node that left the DaemonSet (no longer eligible) does not hold the rollout up.
        let s = state(&[(false, &["gone", "b"])], 1);
        let observed = observe(&[("b", pod("b2", "new", true))]);
        assert_eq!(s.next_step(&observed, NOW), Step::Complete);
    }

    #[test]
    fn a_wave_interval_soaks_between_waves_but_not_within_one() {
        let mut s = state(&[(true, &["a"]), (false, &["b"]), (false, &["c"])], 1);
        s.wave_interval_seconds = 30;
        // a's new pod has been Ready since NOW - 60; min-ready 10, interval 30: b may start at NOW - 20.
        let observed = observe(&[
            ("a", pod("a2", "new", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", true)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Delete(vec![("b".into(), "b1".into())])
        );
        let mut recent = pod("a2", "new", true);
        recent.ready_since = Some(NOW - 15);
        let observed = observe(&[
            ("a", recent),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", true)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Soak {
                wave: 1,
                until: NOW + 25
            }
        );
        // Resumed after b's delete was recorded: no second soak for the same wave.
        s.deleted_at.insert("b".into(), NOW - 1);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Delete(vec![("b".into(), "b1".into())])
        );
    }

    #[test]
    fn resume_from_every_recorded_phase() {
        // Resuming sets Running (rollout resume) and decides from what the cluster shows; a
        // paused record stops again until resumed; failed and complete records are not resumed.
        let observed = observe(&[("a", pod("a1", "old", true)), ("b", pod("b1", "old", true))]);
        let delete_a = Step::Delete(vec![("a".into(), "a1".into())]);
        let cases = [
            (Phase::Running, Some(delete_a.clone())),
            (Phase::Paused, Some(Step::Pause)),
            (Phase::PausedAfterCanary, Some(Step::Pause)),
            (Phase::Failed, None),
            (Phase::Complete, None),
        ];
        for (phase, step) in cases {
            let mut s = state(&[(true, &["a"]), (false, &["b"])], 1);
            s.phase = phase;
            assert_eq!(phase.unfinished(), step.is_some(), "{phase:?}");
            if let Some(step) = step {
                assert_eq!(s.next_step(&observed, NOW), step, "{phase:?}");
                s.phase = Phase::Running;
                assert_eq!(s.next_step(&observed, NOW), delete_a, "{phase:?} resumed");
            }
        }
    }

    /// A DaemonSet carrying `annotation` as its recorded state.
    fn recorded_on(annotation: Option<&str>) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.name = Some("agent".into());
        ds.metadata.namespace = Some("ops".into());
        ds.metadata.annotations = annotation
            .map(|text| BTreeMap::from([(STATE_ANNOTATION.to_string(), text.to_string())]));
        ds
    }

    #[test]
    fn a_state_recorded_by_an_earlier_version_reads_back_in_every_phase() {
        // The annotation exactly as earlier versions wrote it (camelCase), and as this one
        // writes it (kebab-case); only the phase word varies.
        let words = [
            ("running", "running", Phase::Running),
            (
                "pausedAfterCanary",
                "paused-after-canary",
                Phase::PausedAfterCanary,
            ),
            ("paused", "paused", Phase::Paused),
            ("failed", "failed", Phase::Failed),
            ("complete", "complete", Phase::Complete),
            (
                "awaiting-approval",
                "awaiting-approval",
                Phase::AwaitingApproval,
            ),
            ("incomplete", "incomplete", Phase::Incomplete),
        ];
        assert_eq!(words.map(|(_, _, p)| p), Phase::ALL);
        let annotation = |word: &str| {
            format!(
                r#"{{"targetHash":"6d9f7c8b5","waves":[{{"canary":true,"nodes":["n1"]}},{{"canary":false,"nodes":["n2","n3"]}}],"maxUnavailable":1,"minReadySeconds":0,"progressDeadlineSeconds":600,"pauseAfterCanary":true,"phase":"{word}","deletedAt":{{"n1":1767225600}},"previousHash":"5c8d6f7a4","autoRollback":false,"waveIntervalSeconds":0}}"#
            )
        };
        for (earlier, word, phase) in words {
            for text in [annotation(earlier), annotation(word)] {
                let state = RolloutState::recorded(&recorded_on(Some(&text)))
                    .unwrap_or_else(|e| panic!("{text}: {e}"))
                    .expect("recorded");
                assert_eq!(state.phase, phase, "{text}");
                assert_eq!(state.deleted_at["n1"], 1_767_225_600, "{text}");
                assert_eq!(state.to_annotation(), annotation(word), "{text}: rewritten");
            }
            assert_eq!(phase.as_str(), word);
            assert_eq!(phase.to_string(), word);
            assert_eq!(
                serde_json::to_string(&phase).unwrap(),
                format!("\"{word}\"")
            );
        }
    }

    #[test]
    fn an_unreadable_state_is_reported_with_how_to_clear_it() {
        assert_eq!(RolloutState::recorded(&recorded_on(None)), Ok(None));
        let cases = [
            ("not json", "expected ident"),
            (r#"{"targetHash":"abc"}"#, "missing field `waves`"),
            (
                r#"{"targetHash":"abc","waves":[],"maxUnavailable":1,"minReadySeconds":0,"progressDeadlineSeconds":600,"pauseAfterCanary":false,"phase":"halted"}"#,
                "unknown variant `halted`",
            ),
        ];
        for (text, reason) in cases {
            let error = RolloutState::recorded(&recorded_on(Some(text))).unwrap_err();
            assert!(error.reason.contains(reason), "{text}: {error:?}");
            let message = error.to_string();
            assert!(
                message.starts_with(
                    "the annotation rollout.kubectl-ds.io/state of daemonset ops/agent does not hold a rollout state this version of kubectl-ds can read ("
                ),
                "{message}"
            );
            assert!(
                message.ends_with("; it is ignored: remove it with kubectl annotate daemonset agent -n ops rollout.kubectl-ds.io/state- and start the rollout again with kubectl ds rollout apply"),
                "{message}"
            );
        }
    }

    #[test]
    fn fields_a_newer_version_recorded_are_kept_when_the_state_is_rewritten() {
        let text = r#"{"targetHash":"abc","waves":[],"maxUnavailable":1,"minReadySeconds":0,"progressDeadlineSeconds":600,"pauseAfterCanary":false,"phase":"running","surgeNodes":["n9"]}"#;
        let mut state = RolloutState::recorded(&recorded_on(Some(text)))
            .unwrap()
            .unwrap();
        state.phase = Phase::Paused;
        let rewritten: serde_json::Value = serde_json::from_str(&state.to_annotation()).unwrap();
        assert_eq!(rewritten["surgeNodes"], serde_json::json!(["n9"]));
        assert_eq!(rewritten["phase"], "paused");
    }

    #[test]
    fn the_record_round_trips_as_json() {
        let s = state(&[(true, &["a"]), (false, &["b", "c"])], 1);
        let text = serde_json::to_string(&s).unwrap();
        let back: RolloutState = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        assert!(text.contains("\"targetHash\":\"new\""));
    }

    fn unreachable() -> NodeHealth {
        NodeHealth::Unreachable {
            since: Some(NOW - 120),
        }
    }

    fn health(sick: &[&str], ready: &[&str]) -> BTreeMap<String, NodeHealth> {
        sick.iter()
            .map(|n| (n.to_string(), unreachable()))
            .chain(ready.iter().map(|n| (n.to_string(), NodeHealth::Ready)))
            .collect()
    }

    #[test]
    fn a_sick_node_is_deferred_the_rest_rolls_and_the_end_is_incomplete() {
        let mut s = state(&[(false, &["a", "b"]), (false, &["c"])], 2);
        // b is sick and its pod not Ready (the node controller marked it): it uses up one
        // of the two budget slots, so a may go but not a second node at once.
        let before = observe(&[
            ("a", pod("a1", "old", true)),
            ("b", pod("b1", "old", false)),
            ("c", pod("c1", "old", true)),
        ]);
        let change = s.update_deferred(&health(&["b"], &["a", "c"]), &before, NOW);
        assert_eq!(change.deferred, vec!["b".to_string()]);
        assert_eq!(s.deferred["b"].reason, "unreachable");
        assert_eq!(s.deferred["b"].since, NOW - 120);
        assert_eq!(
            s.next_step(&before, NOW),
            Step::Delete(vec![("a".into(), "a1".into())])
        );
        let a_done = observe(&[
            ("a", pod("a2", "new", true)),
            ("b", pod("b1", "old", false)),
            ("c", pod("c1", "old", true)),
        ]);
        // Wave 1 is done without b; wave 2 goes on.
        assert_eq!(s.current_wave(&a_done, NOW), Some(1));
        assert_eq!(
            s.next_step(&a_done, NOW),
            Step::Delete(vec![("c".into(), "c1".into())])
        );
        let all_but_b = observe(&[
            ("a", pod("a2", "new", true)),
            ("b", pod("b1", "old", false)),
            ("c", pod("c2", "new", true)),
        ]);
        assert_eq!(
            s.next_step(&all_but_b, NOW),
            Step::Incomplete {
                deferred: vec!["b".into()],
                blocked: Vec::new()
            }
        );
    }

    #[test]
    fn a_recovered_node_is_rolled_with_its_deadline_counted_from_its_recovery() {
        let mut s = state(&[(false, &["a", "b"])], 1);
        s.deleted_at.insert("b".into(), NOW - 3_600);
        let mut stuck = pod("b1", "old", false);
        stuck.terminating = true;
        let observed = observe(&[("a", pod("a2", "new", true)), ("b", stuck)]);
        s.update_deferred(&health(&["b"], &["a"]), &observed, NOW - 1_000);
        assert!(s.deferred.contains_key("b"));
        // Deferred: its long-passed deadline fails nothing.
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Incomplete {
                deferred: vec!["b".into()],
                blocked: Vec::new()
            }
        );
        let change = s.update_deferred(&health(&[], &["a", "b"]), &observed, NOW);
        assert_eq!(change.recovered, vec!["b".to_string()]);
        assert!(s.deferred.is_empty());
        assert_eq!(s.deleted_at["b"], NOW);
        assert_eq!(s.next_step(&observed, NOW), Step::Wait(vec!["b".into()]));
    }

    #[test]
    fn include_not_ready_defers_nothing_and_an_unknown_node_keeps_its_standing() {
        let mut s = state(&[(false, &["a", "b"])], 1);
        let observed = observe(&[("a", pod("a1", "old", true)), ("b", pod("b1", "old", true))]);
        s.update_deferred(&health(&["b"], &[]), &observed, NOW);
        assert!(s.deferred.contains_key("b"));
        // The node watch has not listed b this time: b stays deferred.
        assert!(s
            .update_deferred(&BTreeMap::new(), &observed, NOW)
            .is_empty());
        assert!(s.deferred.contains_key("b"));
        s.nodes.include_not_ready = true;
        s.update_deferred(&health(&["b"], &["a"]), &observed, NOW);
        assert!(s.deferred.is_empty());
    }

    #[test]
    fn cordoned_nodes_are_uncordoned_once_their_wave_passed_its_gate() {
        let mut s = state(&[(false, &["a"]), (false, &["b"])], 1);
        s.analysis = Some(Analysis {
            max_restarts: Some(1),
            ..Analysis::default()
        });
        s.cordoned.insert("a".into());
        s.deleted_at.insert("a".into(), NOW - 60);
        let a_done = observe(&[("a", pod("a2", "new", true)), ("b", pod("b1", "old", true))]);
        // Done, but its gate has not run: still cordoned.
        assert_eq!(s.next_step(&a_done, NOW), Step::Gate { wave: 0 });
        let mut run = GateRun::started(NOW);
        run.finish(NOW, None);
        s.gates.insert(0, run);
        assert_eq!(s.next_step(&a_done, NOW), Step::Uncordon(vec!["a".into()]));
        s.cordoned.clear();
        assert_eq!(
            s.next_step(&a_done, NOW),
            Step::Delete(vec![("b".into(), "b1".into())])
        );
    }

    #[test]
    fn a_wave_is_prepulled_once_on_its_nodes_to_update_before_its_first_delete() {
        let mut s = state(&[(false, &["a", "b", "c"])], 2);
        s.nodes.prepull = Some(Default::default());
        s.deferred.insert(
            "c".into(),
            Deferral {
                since: NOW,
                reason: "unreachable".into(),
            },
        );
        let observed = observe(&[
            ("a", pod("a2", "new", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", false)),
        ]);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Prepull {
                wave: 0,
                nodes: vec!["b".into()]
            }
        );
        s.prepulled.insert(0);
        assert!(matches!(
            s.next_step(&observed, NOW),
            Step::Wait(_) | Step::Delete(_)
        ));
    }

    #[test]
    fn sick_nodes_holding_the_whole_budget_end_the_run_rather_than_wait() {
        let mut s = state(&[(false, &["a", "b", "c"])], 1);
        let observed = observe(&[
            ("a", pod("a1", "old", true)),
            ("b", pod("b1", "old", true)),
            ("c", pod("c1", "old", false)),
        ]);
        s.update_deferred(&health(&["c"], &["a", "b"]), &observed, NOW);
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Incomplete {
                deferred: vec!["c".into()],
                blocked: vec!["a".into(), "b".into()],
            }
        );
        // With room beside the sick node, the rest rolls.
        s.max_unavailable = 2;
        assert_eq!(
            s.next_step(&observed, NOW),
            Step::Delete(vec![("a".into(), "a1".into())])
        );
    }
}
