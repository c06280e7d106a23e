//! The analysis gate inside the ondelete engine: the gate of a wave runs as a task of its own,
//! so the engine keeps watching (a pause, a signal, a restarting pod) while checks run and
//! metrics are sampled; its events and its result come back as messages. Also what the gate
//! watches itself (restarts of the new pods) and the approval asked on a terminal.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::gate::{self, GateInput};
use crate::daemonset::{is_finished, node_of, pod_hash};
use crate::render::progress::Event;
use crate::rollout::analysis::Analysis;
use crate::rollout::gate::{over_restart_limit, samples_wanted, WaveScope};
use crate::rollout::state::RolloutState;

/// A gate being run for one wave. Dropping it stops the run (and its checks' processes).
pub struct RunningGate {
    pub wave: usize,
    events: mpsc::UnboundedReceiver<Event>,
    done: oneshot::Receiver<Result<(), String>>,
    task: JoinHandle<()>,
}

impl Drop for RunningGate {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a running gate says next.
pub enum GateMessage {
    Event(Event),
    /// Passed, or why it failed. Every event it sent came before.
    Done(Result<(), String>),
}

impl RunningGate {
    pub fn start(wave: usize, input: GateInput) -> Self {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (done_tx, done) = oneshot::channel();
        let task = tokio::spawn(async move {
            // Without metrics to sample, the duration is still a soak the restart limit watches.
            let soak = match input.analysis.metrics.is_empty() {
                true => input.analysis.duration,
                false => std::time::Duration::ZERO,
            };
            let result = gate::run(input, events_tx).await;
            if result.is_ok() && !soak.is_zero() {
                tokio::time::sleep(soak).await;
            }
            let _ = done_tx.send(result);
        });
        RunningGate {
            wave,
            events,
            done,
            task,
        }
    }

    /// The next message of the running gate; never ready without one.
    pub async fn next(gate: &mut Option<RunningGate>) -> GateMessage {
        let Some(running) = gate.as_mut() else {
            return std::future::pending().await;
        };
        tokio::select! {
            biased;
            Some(event) = running.events.recv() => GateMessage::Event(event),
            result = &mut running.done => {
                let result = result.unwrap_or_else(|_| Err("the gate stopped unexpectedly".into()));
                GateMessage::Done(result)
            }
        }
    }

    /// Events sent before the result that were not taken yet.
    pub fn remaining_events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }
}

/// What a query and a check of wave `wave` may name: its nodes and their new pods.
pub fn wave_scope(
    state: &RolloutState,
    wave: usize,
    namespace: &str,
    pods: &BTreeMap<String, Pod>,
) -> WaveScope {
    let nodes = state
        .waves
        .get(wave)
        .map(|w| w.nodes.clone())
        .unwrap_or_default();
    let mut names: Vec<String> = new_pods(state, pods)
        .filter(|p| node_of(p).is_some_and(|n| nodes.contains(&n)))
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    names.sort();
    WaveScope {
        namespace: namespace.to_string(),
        revision: state.target_hash.clone(),
        nodes,
        pods: names,
    }
}

/// The `gate-started` event of wave `wave`.
pub fn started_event(
    analysis: &Analysis,
    state: &RolloutState,
    wave: usize,
    scope: &WaveScope,
) -> Event {
    let samples = match analysis.metrics.is_empty() {
        true => 0,
        false => samples_wanted(analysis.duration.as_secs(), analysis.interval.as_secs()),
    };
    Event::GateStarted {
        wave: wave + 1,
        canary: state.waves.get(wave).is_some_and(|w| w.canary),
        nodes: scope.nodes.clone(),
        checks: analysis.checks.iter().map(|c| c.command.clone()).collect(),
        metrics: analysis
            .metrics
            .iter()
            .map(|m| m.condition.name.clone())
            .collect(),
        samples,
        interval_seconds: analysis.interval.as_secs_f64(),
    }
}

/// Every node of waves up to `wave`: the nodes on the new revision once it passes.
pub fn updated_nodes(state: &RolloutState, wave: usize) -> Vec<String> {
    state
        .waves
        .iter()
        .take(wave + 1)
        .flat_map(|w| w.nodes.iter().cloned())
        .collect()
}

fn new_pods<'a>(
    state: &'a RolloutState,
    pods: &'a BTreeMap<String, Pod>,
) -> impl Iterator<Item = &'a Pod> {
    pods.values().filter(|p| {
        !is_finished(p)
            && p.metadata.deletion_timestamp.is_none()
            && pod_hash(p) == Some(state.target_hash.as_str())
    })
}

/// With `--max-restarts`, why the new pods this rollout started (on the nodes it replaced)
/// exceed it, if they do.
pub fn restarts_exceeded(state: &RolloutState, pods: &BTreeMap<String, Pod>) -> Option<String> {
    let limit = state.analysis.as_ref()?.max_restarts?;
    let replaced: Vec<&Pod> = new_pods(state, pods)
        .filter(|p| node_of(p).is_some_and(|n| state.deleted_at.contains_key(&n)))
        .collect();
    let over = over_restart_limit(&replaced, limit);
    let named: Vec<String> = over
        .iter()
        .map(|r| {
            format!(
                "pod {} on {} restarted {} times (most: container {})",
                r.pod, r.node, r.restarts, r.container
            )
        })
        .collect();
    (!named.is_empty()).then(|| format!("{} (--max-restarts {limit})", named.join(", ")))
}

/// What the operator answers when a wave awaits approval on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Continue,
    Pause,
    Abort,
    RollBack,
}

/// Asks on the terminal; anything but an answer (no terminal, Ctrl-C) pauses.
pub async fn ask_approval(question: String) -> Approval {
    let choices = [
        ("continue with the next wave", Approval::Continue),
        (
            "pause (kubectl ds rollout resume continues)",
            Approval::Pause,
        ),
        ("abort (stop here, the rollout fails)", Approval::Abort),
        ("roll back the updated nodes", Approval::RollBack),
    ];
    let asked = tokio::task::spawn_blocking(move || {
        dialoguer::Select::new()
            .with_prompt(question)
            .items(choices.iter().map(|(text, _)| *text).collect::<Vec<_>>())
            .default(0)
            .interact_on_opt(&dialoguer::console::Term::stderr())
    })
    .await;
    match asked {
        Ok(Ok(Some(index))) => choices.get(index).map_or(Approval::Pause, |(_, a)| *a),
        _ => Approval::Pause,
    }
}
