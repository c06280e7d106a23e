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
use crate::rollout::gate::{restarts_over, WaveScope};
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

    /// A gate run of `wave` that is not [`gate::run`]: the task `run` makes of the sender of its
    /// events (rolling mode's gate while the controller rolls). Dropping it stops the task.
    pub fn spawn<F>(wave: usize, run: impl FnOnce(mpsc::UnboundedSender<Event>) -> F) -> Self
    where
        F: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        let (events_tx, events) = mpsc::unbounded_channel();
        let (done_tx, done) = oneshot::channel();
        let running = run(events_tx);
        let task = tokio::spawn(async move {
            let _ = done_tx.send(running.await);
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
    let canary = state.waves.get(wave).is_some_and(|w| w.canary);
    Event::gate_started(
        analysis,
        (wave + 1, canary),
        &scope.nodes,
        analysis.samples_per_run(),
    )
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
    restarts_over(&replaced, limit)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::state::Phase;
    use crate::rollout::waves::Wave;
    use serde_json::json;

    /// A pod as the API returns it for an agent in a crash loop: its main container restarted
    /// `main` times, its sidecar (a restartable init container) `sidecar` times.
    fn recorded_pod(name: &str, node: &str, hash: &str, main: i32, sidecar: i32) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": name, "labels": {"controller-revision-hash": hash}},
            "spec": {
                "nodeName": node,
                "containers": [{"name": "agent", "image": "agent:2"}],
                "initContainers": [{"name": "shipper", "image": "shipper:1", "restartPolicy": "Always"}],
            },
            "status": {
                "phase": "Running",
                "containerStatuses": [{
                    "name": "agent", "image": "agent:2", "imageID": "", "ready": false,
                    "restartCount": main,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container=agent"}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}},
                }],
                "initContainerStatuses": [{
                    "name": "shipper", "image": "shipper:1", "imageID": "", "ready": true,
                    "restartCount": sidecar, "started": true,
                    "state": {"running": {"startedAt": "2026-12-03T10:00:00Z"}},
                }],
            },
        }))
        .unwrap()
    }

    fn replaced(nodes: &[&str], max_restarts: Option<i32>) -> RolloutState {
        RolloutState {
            target_hash: "new".into(),
            waves: vec![Wave {
                canary: false,
                nodes: vec!["n1".into(), "n2".into(), "n3".into()],
            }],
            max_unavailable: 1,
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            pause_after_canary: false,
            phase: Phase::Running,
            failure: None,
            deleted_at: nodes.iter().map(|n| (n.to_string(), 1)).collect(),
            previous_hash: Some("old".into()),
            auto_rollback: false,
            rollback_of: None,
            wave_interval_seconds: 0,
            analysis: Some(Analysis {
                max_restarts,
                ..Analysis::default()
            }),
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
    fn restarts_of_the_new_pods_on_replaced_nodes_count_against_the_limit() {
        let pods: BTreeMap<String, Pod> = [
            recorded_pod("agent-a", "n1", "new", 2, 1),
            recorded_pod("agent-b", "n2", "old", 9, 0),
            recorded_pod("agent-c", "n3", "new", 7, 0),
        ]
        .into_iter()
        .map(|p| (p.metadata.name.clone().unwrap(), p))
        .collect();
        let cases = [
            ("no limit", replaced(&["n1"], None), None),
            (
                "containers and sidecars together: 3 > 2",
                replaced(&["n1"], Some(2)),
                Some("pod agent-a on n1 restarted 3 times (most: container agent) (--max-restarts 2)"),
            ),
            ("3 within 3", replaced(&["n1"], Some(3)), None),
            (
                "an old pod does not count, a node not replaced by this rollout neither",
                replaced(&["n1", "n2"], Some(3)),
                None,
            ),
            (
                "every replaced node's new pod counts",
                replaced(&["n1", "n3"], Some(3)),
                Some("pod agent-c on n3 restarted 7 times (most: container agent) (--max-restarts 3)"),
            ),
        ];
        for (what, state, want) in cases {
            assert_eq!(restarts_exceeded(&state, &pods).as_deref(), want, "{what}");
        }
    }

    #[test]
    fn a_gate_names_its_wave_and_the_nodes_updated_so_far() {
        let mut state = replaced(&["n1"], None);
        state.waves = vec![
            Wave {
                canary: true,
                nodes: vec!["n1".into()],
            },
            Wave {
                canary: false,
                nodes: vec!["n2".into(), "n3".into()],
            },
        ];
        let pods: BTreeMap<String, Pod> = [
            recorded_pod("agent-a", "n1", "new", 0, 0),
            recorded_pod("agent-b", "n2", "new", 0, 0),
            recorded_pod("agent-c", "n3", "old", 0, 0),
        ]
        .into_iter()
        .map(|p| (p.metadata.name.clone().unwrap(), p))
        .collect();
        let scope = wave_scope(&state, 1, "ops", &pods);
        assert_eq!(scope.nodes, ["n2", "n3"]);
        assert_eq!(scope.pods, ["agent-b"], "only new pods");
        assert_eq!(
            (scope.namespace.as_str(), scope.revision.as_str()),
            ("ops", "new")
        );
        assert_eq!(updated_nodes(&state, 0), ["n1"]);
        assert_eq!(updated_nodes(&state, 1), ["n1", "n2", "n3"]);
    }
}
