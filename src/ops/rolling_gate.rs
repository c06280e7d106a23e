//! The analysis gate in rolling mode (`--check`, `--metric`, `--max-restarts`, `--analysis` with
//! `--mode rolling`), around the follower's gate decisions (`crate::rollout::follow`) and the
//! pure pieces of `crate::rollout::rolling_gate`. What runs when:
//! - While the controller rolls, every analysis interval, over the nodes updated so far (the
//!   nodes with a new pod, not terminating, on the target revision; a tick with none is skipped):
//!   every check runs once (`gate::run_checks`, wave 0, those nodes as the updated ones) and
//!   every metric is sampled once, each result a `gate-sample` event of wave 0. A metric's samples
//!   are numbered on from 1 and `samples` is 0: the number is open-ended while the controller
//!   rolls. A failing check fails the gate at once, a metric once its bad samples exceed the
//!   failure limit. `gate-started` (the nodes so far, `samples` 0) comes with the first round.
//! - The restart limit is checked on every pod change, over the new pods so far.
//! - Once the controller completes, the whole gate (`gate::run`: the checks, then every metric
//!   for the analysis duration) runs once more over every node, announced by its own
//!   `gate-started` with the samples it takes; the rollout is complete when it passes
//!   (`gate-passed`).
//!
//! A failure (`gate-failed`) acts like the health gate's: the DaemonSet is halted, or with
//! --auto-rollback the previous template is put back, and the rollback is not gated. Every run is
//! a task of its own ([`RunningGate`]), stopped when it ends the gate or this is dropped.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::gate::{self, GateInput, PrometheusClient};
use super::gating::{GateMessage, RunningGate};
use crate::cluster::Cluster;
use crate::render::progress::{Event, GateKind};
use crate::rollout::analysis::Analysis;
use crate::rollout::gate::{judge, render_query, Sample, Verdict, WaveScope};
use crate::rollout::gate::{restarts_over, sample_detail};
use crate::rollout::rolling_gate::Tally;

/// The gate of one rolling rollout: the run going on (while the controller rolls, then the last
/// one) and the scope the run while rolling reads at each tick.
pub struct RollingGate {
    /// What every run is given; the scope and the updated nodes are each run's own.
    input: GateInput,
    scope: watch::Sender<WaveScope>,
    running: Option<RunningGate>,
    /// The run going on is the last one, over every node.
    last: bool,
}

impl RollingGate {
    /// The gate of daemonset `namespace/name`; the run while the controller rolls starts now,
    /// when there are checks or metrics (it waits for an updated node).
    pub fn start(analysis: Analysis, cluster: &Cluster, namespace: &str, name: &str) -> Self {
        let input = GateInput {
            analysis,
            scope: WaveScope {
                namespace: namespace.to_string(),
                ..WaveScope::default()
            },
            daemonset: name.to_string(),
            wave: 0,
            updated_nodes: Vec::new(),
            kubeconfig: cluster.kubeconfig.as_ref().map(|p| p.display().to_string()),
            context: Some(cluster.context.clone()),
        };
        let (scope, watching) = watch::channel(input.scope.clone());
        let sampled = !input.analysis.checks.is_empty() || !input.analysis.metrics.is_empty();
        let running = sampled.then(|| {
            let input = input.clone();
            RunningGate::spawn(0, move |events| keep_checking(input, watching, events))
        });
        RollingGate {
            input,
            scope,
            running,
            last: false,
        }
    }

    /// What the run while rolling judges from its next tick on.
    pub fn rescope(&self, scope: WaveScope) {
        self.scope.send_replace(scope);
    }

    /// The next message of the run going on; never ready without one.
    pub async fn next(gate: &mut Option<RollingGate>) -> GateMessage {
        match gate {
            Some(gate) => RunningGate::next(&mut gate.running).await,
            None => std::future::pending().await,
        }
    }

    /// The run going on ended with `result`: the events it sent that were not taken yet, then
    /// `gate-passed` (the last run) or `gate-failed`.
    pub fn finished(&mut self, result: &Result<(), String>) -> Vec<Event> {
        let mut events = self
            .running
            .take()
            .map(|mut run| run.remaining_events())
            .unwrap_or_default();
        match result {
            Ok(()) if self.last => events.push(Event::GatePassed { wave: 0 }),
            Ok(()) => {}
            Err(reason) => events.push(Event::GateFailed {
                wave: 0,
                reason: reason.clone(),
            }),
        }
        events
    }

    /// The controller completed: the run while rolling stops, and the whole gate runs over
    /// `scope` (every node). Its `gate-started` event.
    pub fn start_last(&mut self, scope: WaveScope) -> Event {
        self.running = None;
        self.last = true;
        let input = GateInput {
            updated_nodes: scope.nodes.clone(),
            scope,
            ..self.input.clone()
        };
        let analysis = &input.analysis;
        let event = started_event(analysis, &input.scope, analysis.samples_per_run());
        self.running = Some(RunningGate::start(0, input));
        event
    }

    /// Whether there is a restart limit to watch.
    pub fn limits_restarts(&self) -> bool {
        self.input.analysis.max_restarts.is_some()
    }

    /// With a restart limit the new pods `pods` exceed: the run going on stops, and the
    /// `gate-sample` and `gate-failed` events with why the gate failed.
    pub fn restarts_exceeded(&mut self, pods: &[&Pod]) -> Option<(Vec<Event>, String)> {
        let reason = restarts_over(pods, self.input.analysis.max_restarts?)?;
        self.running = None;
        let sample = Event::GateSample {
            wave: 0,
            kind: GateKind::Restarts,
            name: "restarts".into(),
            passed: false,
            detail: reason.clone(),
            output: Vec::new(),
            sample: 1,
            samples: 1,
        };
        let failed = Event::GateFailed {
            wave: 0,
            reason: reason.clone(),
        };
        Some((vec![sample, failed], reason))
    }
}

/// The `gate-started` event of rolling mode's gate over `scope`; `samples` 0: open-ended.
fn started_event(analysis: &Analysis, scope: &WaveScope, samples: usize) -> Event {
    Event::gate_started(analysis, (0, false), &scope.nodes, samples)
}

/// The gate while the controller rolls: every interval, over the scope as `scope` says then
/// (skipped while it has no node), every check once and every metric sampled once, until one
/// fails. Never ends otherwise: it is stopped when the controller completes.
async fn keep_checking(
    input: GateInput,
    scope: watch::Receiver<WaveScope>,
    events: UnboundedSender<Event>,
) -> Result<(), String> {
    let client = match &input.analysis.prometheus {
        Some(prometheus) => Some(
            PrometheusClient::new(prometheus)
                .map_err(|e| format!("cannot query Prometheus: {e}"))?,
        ),
        None => None,
    };
    let analysis = &input.analysis;
    let mut tally = Tally::new(analysis.metrics.len(), analysis.failure_limit);
    // `interval` panics on a zero period; a validated analysis never has one.
    let mut ticks = tokio::time::interval(analysis.interval.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut started = false;
    loop {
        ticks.tick().await;
        let now = scope.borrow().clone();
        if now.nodes.is_empty() {
            continue;
        }
        let round = GateInput {
            updated_nodes: now.nodes.clone(),
            scope: now,
            ..input.clone()
        };
        if !std::mem::replace(&mut started, true) {
            let _ = events.send(started_event(analysis, &round.scope, 0));
        }
        gate::run_checks(&round, &events).await?;
        if let Some(client) = &client {
            sample_once(&round, client, &mut tally, &events).await?;
        }
    }
}

/// One sample of every metric over the round's scope, each a `gate-sample` event; `Err` once a
/// metric's bad samples exceed the failure limit.
async fn sample_once(
    round: &GateInput,
    client: &PrometheusClient,
    tally: &mut Tally,
    events: &UnboundedSender<Event>,
) -> Result<(), String> {
    for (index, metric) in round.analysis.metrics.iter().enumerate() {
        let condition = &metric.condition;
        let answer = client
            .query(&render_query(&condition.query, &round.scope))
            .await;
        let sample = judge(condition, &answer, metric.empty_passes);
        let detail = sample_detail(condition, &answer, &sample);
        let passed = sample == Sample::Good;
        let (number, verdict) = tally.record(index, sample);
        let _ = events.send(Event::GateSample {
            wave: 0,
            kind: GateKind::Metric,
            name: condition.name.clone(),
            passed,
            detail,
            output: Vec::new(),
            sample: number,
            samples: 0,
        });
        if let Verdict::Failed(why) = verdict {
            return Err(format!("metric {} failed: {why}", condition.name));
        }
    }
    Ok(())
}
