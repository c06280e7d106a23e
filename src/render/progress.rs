//! A rollout's progress, three ways from one event type: bars (overall and current wave, and a
//! countdown while soaking between waves) with the event lines above them on a terminal, one plain line per event otherwise (CI logs), or one JSON
//! object per event and line (`-o json`) for automation. Every event carries the time it was
//! observed, in milliseconds, so latencies can be read from the stream.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde::Serialize;

use crate::cli::RolloutFormat;
use crate::clock::rfc3339;
use crate::rollout::waves::Wave;

/// What a gate sample judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateKind {
    Check,
    Metric,
    Restarts,
}

/// Why a node failed the health gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeFailure {
    pub node: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    /// The template was applied.
    Applied {
        daemonset: String,
        namespace: String,
        generation: i64,
        mode: String,
        strategy: String,
    },
    /// The revision the pods move to.
    Target {
        hash: String,
    },
    /// A new wave plan.
    Planned {
        nodes: usize,
        eligible: usize,
        max_unavailable: usize,
        waves: Vec<Wave>,
    },
    /// A recorded rollout continues.
    Resumed {
        hash: String,
        waves: Vec<Wave>,
        nodes_done: usize,
        nodes: usize,
    },
    Deleting {
        wave: usize,
        waves: usize,
        canary: bool,
        node: String,
        pod: String,
        uid: String,
    },
    /// A replaced node has a new pod, Ready for min-ready.
    NodeReady {
        node: String,
        pod: String,
        /// The Ready condition's lastTransitionTime (1 s resolution).
        #[serde(skip_serializing_if = "Option::is_none")]
        ready_since: Option<String>,
        done: usize,
        nodes: usize,
    },
    NodeSkipped {
        node: String,
        reason: String,
    },
    /// Soaking between waves.
    WaveInterval {
        next_wave: usize,
        /// Seconds since the epoch; an RFC 3339 time in JSON and lines, a countdown under the bars.
        #[serde(serialize_with = "as_rfc3339")]
        until: i64,
    },
    /// An analysis gate starts judging wave `wave` (1-based; in rolling mode, the updated nodes so
    /// far, wave 0): its checks, then its metrics sampled `samples` times (0: every interval with
    /// no set number, as rolling mode does while the controller rolls).
    GateStarted {
        wave: usize,
        canary: bool,
        nodes: Vec<String>,
        checks: Vec<String>,
        metrics: Vec<String>,
        samples: usize,
        interval_seconds: f64,
    },
    /// One result of a gate: a check's exit, a metric's sample, or the restart limit.
    GateSample {
        wave: usize,
        kind: GateKind,
        /// The check's command, the metric's name, or `restarts`.
        name: String,
        passed: bool,
        /// What was seen: the exit status, the value against the threshold, the restarts.
        detail: String,
        /// A check's last lines of output (stdout and stderr).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        output: Vec<String>,
        /// 1-based sample number for a metric, of `samples` (0: no set number).
        sample: usize,
        samples: usize,
    },
    GatePassed {
        wave: usize,
    },
    GateFailed {
        wave: usize,
        reason: String,
    },
    /// Rolling mode: the controller's progress.
    Progress {
        updated: i32,
        available: i32,
        desired: i32,
    },
    Warning {
        message: String,
    },
    /// Anything else worth a line.
    Note {
        message: String,
    },
    Failed {
        message: String,
        nodes: Vec<NodeFailure>,
    },
    /// The previous template is being put back after a failure.
    RollingBack {
        hash: String,
        nodes: Vec<String>,
    },
    Paused {
        message: String,
    },
    Complete {
        message: String,
    },
    /// The run ended with every node done but the deferred ones.
    Incomplete {
        message: String,
        deferred: Vec<DeferredNode>,
    },
    /// What the engine saw of, or did to, a node itself.
    Node {
        node: String,
        #[serde(flatten)]
        what: NodeNews,
    },
}

/// A node left alone while sick.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeferredNode {
    pub node: String,
    pub reason: String,
    /// RFC 3339.
    pub since: String,
}

/// The news of one node, as the `action` of a `node` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "action",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum NodeNews {
    /// NotReady or unreachable: its old pod is left alone.
    Deferred {
        reason: String,
    },
    /// Ready again: it is rolled.
    Recovered,
    /// A pod on it is past its grace period and still there.
    StuckTerminating {
        pod: String,
        seconds: i64,
        node_health: String,
    },
    /// A stuck pod deleted with grace period 0 (`--force-delete-stuck`).
    ForceDeleted {
        pod: String,
        seconds: i64,
    },
    Cordoned,
    /// Cordoned by someone else before: drained, and left cordoned.
    AlreadyCordoned,
    Evicting {
        pod: String,
    },
    /// A PodDisruptionBudget (or the server) refuses the eviction for now; retried.
    EvictionBlocked {
        pod: String,
        message: String,
    },
    Evicted {
        pod: String,
    },
    Drained {
        pods: usize,
    },
    Uncordoned,
    /// The new images are being pulled onto it (a helper pod).
    Prepulling {
        images: Vec<String>,
    },
    Prepulled,
    PrepullFailed {
        reason: String,
    },
}

impl Event {
    /// The wave plan of a recorded rollout state, for `eligible` nodes.
    pub fn planned(state: &crate::rollout::state::RolloutState, eligible: usize) -> Event {
        Event::Planned {
            nodes: state.waves.iter().map(|w| w.nodes.len()).sum(),
            eligible,
            max_unavailable: state.max_unavailable,
            waves: state.waves.clone(),
        }
    }

    /// The line of a gate event.
    fn gate_line(&self) -> String {
        match self {
            Event::GateStarted {
                wave,
                canary,
                nodes,
                checks,
                metrics,
                samples,
                interval_seconds,
            } => gate_started_line(
                *wave,
                *canary,
                nodes,
                checks,
                metrics,
                *samples,
                *interval_seconds,
            ),
            Event::GateSample {
                wave,
                kind,
                name,
                passed,
                detail,
                output,
                sample,
                samples,
            } => gate_sample_line(
                *wave,
                *kind,
                name,
                *passed,
                detail,
                output,
                (*sample, *samples),
            ),
            Event::GatePassed { wave } => format!("{}: passed", gate_name(*wave)),
            Event::GateFailed { wave, reason } => format!("{}: failed: {reason}", gate_name(*wave)),
            _ => String::new(),
        }
    }

    /// A gate of `analysis` starting over `nodes` after wave `wave` (0: rolling mode), taking
    /// `samples` samples of each metric (0: open-ended, or no metrics).
    pub fn gate_started(
        analysis: &crate::rollout::analysis::Analysis,
        (wave, canary): (usize, bool),
        nodes: &[String],
        samples: usize,
    ) -> Event {
        Event::GateStarted {
            wave,
            canary,
            nodes: nodes.to_vec(),
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

    /// The event as one line for a person.
    pub fn line(&self) -> String {
        match self {
            Event::Applied {
                daemonset,
                namespace,
                generation,
                mode,
                strategy,
            } => format!(
                "daemonset {namespace}/{daemonset} applied with the {strategy} strategy (generation {generation}, mode {mode})"
            ),
            Event::Target { hash } => format!("target revision: controller-revision-hash {hash}"),
            Event::Planned {
                nodes,
                eligible,
                max_unavailable,
                waves,
            } => planned_line(*nodes, *eligible, *max_unavailable, waves),
            Event::Resumed {
                hash,
                waves,
                nodes_done,
                nodes,
            } => format!(
                "continuing the recorded rollout to {hash} ({} waves, {nodes_done} of {nodes} nodes done)",
                waves.len()
            ),
            Event::Deleting {
                wave,
                waves,
                canary,
                node,
                pod,
                ..
            } => format!(
                "wave {wave}/{waves}{}: deleting pod {pod} on {node}",
                canary_mark(*canary)
            ),
            Event::NodeReady {
                node,
                done,
                nodes,
                ..
            } => format!("{node}: new pod ready ({done}/{nodes})"),
            Event::NodeSkipped { node, reason } => format!("{node}: {reason}; skipped"),
            Event::WaveInterval { next_wave, until } => format!(
                "waiting until {} before wave {next_wave} (--wave-interval)",
                rfc3339(*until)
            ),
            Event::GateStarted { .. }
            | Event::GateSample { .. }
            | Event::GatePassed { .. }
            | Event::GateFailed { .. } => self.gate_line(),
            Event::Progress {
                updated,
                available,
                desired,
            } => format!("{updated} of {desired} updated, {available} available"),
            Event::Warning { message } => format!("warning: {message}"),
            Event::Note { message } => message.clone(),
            Event::Failed { message, nodes } => failed_line(message, nodes),
            Event::RollingBack { hash, nodes } => format!(
                "rolling back to {hash}: the template is restored and {} updated node(s) go back ({})",
                nodes.len(),
                nodes.join(", ")
            ),
            Event::Paused { message } | Event::Complete { message } => message.clone(),
            Event::Incomplete { message, deferred } => {
                let mut line = message.clone();
                for d in deferred {
                    line.push_str(&format!("\n  {}: {} since {}", d.node, d.reason, d.since));
                }
                line
            }
            Event::Node { node, what } => format!("{node}: {}", what.line()),
        }
    }
}

impl NodeNews {
    fn line(&self) -> String {
        match self {
            NodeNews::Deferred { reason } => {
                format!("{reason}: deferred, its pod is left alone")
            }
            NodeNews::Recovered => "Ready again: rolled".into(),
            NodeNews::StuckTerminating {
                pod,
                seconds,
                node_health,
            } => format!(
                "pod {pod} stuck terminating for {} past its grace period (node {node_health})",
                crate::clock::format_duration(Duration::from_secs(u64::try_from(*seconds).unwrap_or(0)))
            ),
            NodeNews::ForceDeleted { pod, seconds } => format!(
                "pod {pod} stuck terminating for {}: deleted with grace period 0 (--force-delete-stuck)",
                crate::clock::format_duration(Duration::from_secs(u64::try_from(*seconds).unwrap_or(0)))
            ),
            NodeNews::Cordoned => "cordoned".into(),
            NodeNews::AlreadyCordoned => {
                "already cordoned by someone else: drained, and left cordoned".into()
            }
            NodeNews::Evicting { pod } => format!("evicting pod {pod}"),
            NodeNews::EvictionBlocked { pod, message } => {
                format!("eviction of pod {pod} refused for now ({message}); retrying")
            }
            NodeNews::Evicted { pod } => format!("pod {pod} evicted"),
            NodeNews::Drained { pods } => format!("drained ({pods} pod(s) evicted)"),
            NodeNews::Uncordoned => "uncordoned".into(),
            NodeNews::Prepulling { images } => format!("pre-pulling {}", images.join(", ")),
            NodeNews::Prepulled => "new images pulled".into(),
            NodeNews::PrepullFailed { reason } => format!("pre-pull: {reason}"),
        }
    }
}

/// The plan's summary, then one indented line per wave with its nodes.
fn planned_line(nodes: usize, eligible: usize, max_unavailable: usize, waves: &[Wave]) -> String {
    let mut line = format!(
        "{nodes} of {eligible} eligible nodes to update in {} waves (max unavailable {max_unavailable})",
        waves.len()
    );
    for (i, wave) in waves.iter().enumerate() {
        line.push_str(&format!(
            "\n  wave {}/{}{}: {}",
            i + 1,
            waves.len(),
            canary_mark(wave.canary),
            wave.nodes.join(", ")
        ));
    }
    line
}

/// `gate after wave 2`, or in rolling mode (wave 0) `gate`.
fn gate_name(wave: usize) -> String {
    match wave {
        0 => "gate".into(),
        n => format!("gate after wave {n}"),
    }
}

fn gate_started_line(
    wave: usize,
    canary: bool,
    nodes: &[String],
    checks: &[String],
    metrics: &[String],
    samples: usize,
    interval_seconds: f64,
) -> String {
    let mut parts = Vec::new();
    if !checks.is_empty() {
        parts.push(format!("{} check(s)", checks.len()));
    }
    match samples {
        _ if metrics.is_empty() => {}
        0 => parts.push(format!(
            "metric(s) {} sampled every {interval_seconds}s until the controller completes",
            metrics.join(", ")
        )),
        _ => parts.push(format!(
            "metric(s) {} sampled {samples} time(s) every {interval_seconds}s",
            metrics.join(", ")
        )),
    }
    let what = match parts.is_empty() {
        true => "restart limit".to_string(),
        false => parts.join(", "),
    };
    format!(
        "{}{}: running {what} on {}",
        gate_name(wave),
        canary_mark(canary),
        nodes.join(", ")
    )
}

fn gate_sample_line(
    wave: usize,
    kind: GateKind,
    name: &str,
    passed: bool,
    detail: &str,
    output: &[String],
    (sample, samples): (usize, usize),
) -> String {
    let verdict = if passed { "ok" } else { "bad" };
    let of = match samples {
        0 => String::new(),
        n => format!("/{n}"),
    };
    let mut line = match kind {
        GateKind::Check => format!("{}: check {name:?}: {verdict} ({detail})", gate_name(wave)),
        GateKind::Metric => format!(
            "{}: metric {name} sample {sample}{of}: {verdict} ({detail})",
            gate_name(wave)
        ),
        GateKind::Restarts => format!("{}: restarts: {verdict} ({detail})", gate_name(wave)),
    };
    if !passed {
        for text in output {
            line.push_str(&format!("\n  | {text}"));
        }
    }
    line
}

fn canary_mark(canary: bool) -> &'static str {
    if canary {
        " (canary)"
    } else {
        ""
    }
}

/// The failure's message, then one indented line per failed node, naming its pod when known.
fn failed_line(message: &str, nodes: &[NodeFailure]) -> String {
    let mut line = message.to_string();
    for failure in nodes {
        match &failure.pod {
            Some(pod) => line.push_str(&format!(
                "\n  {}: pod {pod}: {}",
                failure.node, failure.reason
            )),
            None => line.push_str(&format!("\n  {}: {}", failure.node, failure.reason)),
        }
    }
    line
}

fn as_rfc3339<S: serde::Serializer>(seconds: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&rfc3339(*seconds))
}

/// Time left, as a person reads it on a countdown: `45s`, `4m05s`, `1h02m03s`.
fn countdown(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, _) => format!("{minutes}m{seconds:02}s"),
        _ => format!("{hours}h{minutes:02}m{seconds:02}s"),
    }
}

/// Whole seconds from now until second `at` of the epoch, rounded up so the countdown reads
/// 0s only when the time has come.
fn seconds_until(at: i64) -> u64 {
    let left = crate::clock::until_second(at);
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

#[derive(Serialize)]
struct Stamped<'a> {
    time: String,
    #[serde(flatten)]
    event: &'a Event,
}

fn now_millis() -> String {
    k8s_openapi::jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

enum Sink {
    Lines,
    Json,
    Bars(Box<Bars>),
}

/// Where a rollout reports to.
pub struct Progress {
    sink: Sink,
}

impl Progress {
    /// Bars when stdout is a terminal and text was asked for.
    pub fn new(format: RolloutFormat) -> Self {
        let sink = match format {
            RolloutFormat::Json => Sink::Json,
            RolloutFormat::Text if std::io::stdout().is_terminal() => {
                Sink::Bars(Box::new(Bars::new()))
            }
            RolloutFormat::Text => Sink::Lines,
        };
        Self { sink }
    }

    pub fn emit(&mut self, event: Event) {
        match &mut self.sink {
            Sink::Json => {
                let stamped = Stamped {
                    time: now_millis(),
                    event: &event,
                };
                if let Ok(text) = serde_json::to_string(&stamped) {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{text}");
                    let _ = out.flush();
                }
            }
            Sink::Lines if matches!(event, Event::Warning { .. }) => {
                eprintln!("{}", event.line());
            }
            Sink::Lines => {
                let line = event.line();
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            Sink::Bars(bars) => bars.show(&event),
        }
    }

    /// Whether a person watches: bars on a terminal, where a question can be asked.
    pub fn interactive(&self) -> bool {
        matches!(self.sink, Sink::Bars(_))
    }

    /// Removes the bars (before a prompt); the soak countdown stops ticking so it cannot draw
    /// over the question.
    pub fn clear(&mut self) {
        if let Sink::Bars(bars) = &self.sink {
            for bar in [&bars.soak, &bars.gate].into_iter().flatten() {
                bar.disable_steady_tick();
            }
            let _ = bars.multi.clear();
        }
    }

    /// Shows the bars again once a prompt is answered; passes the `answer` through.
    pub fn after_prompt<T>(&mut self, answer: T) -> T {
        if let Sink::Bars(bars) = &self.sink {
            bars.redraw();
        }
        answer
    }
}

/// The whole rollout's bar (nodes done of the plan), the current wave's, and between waves a
/// countdown of the soak; shown once there is a plan.
struct Bars {
    multi: MultiProgress,
    style: ProgressStyle,
    overall: Option<ProgressBar>,
    wave: Option<ProgressBar>,
    soak: Option<ProgressBar>,
    /// The gate running: its results so far.
    gate: Option<ProgressBar>,
    wave_sizes: Vec<usize>,
    current_wave: usize,
    /// The server's warnings go through the bars (put back on drop).
    warnings_redirected: bool,
}

impl Drop for Bars {
    fn drop(&mut self) {
        if self.warnings_redirected {
            crate::cluster::warnings::restore_stderr();
        }
    }
}

/// How often the soak countdown is redrawn: often enough that it never shows a second twice
/// for long.
const COUNTDOWN_TICK: Duration = Duration::from_millis(250);

impl Bars {
    fn new() -> Self {
        let mut bars = Self::drawing_to(ProgressDrawTarget::stdout());
        // The server's warnings go to stderr, usually the same terminal: printed between two
        // redraws they would be overwritten, or leave a stale bar behind.
        let multi = bars.multi.clone();
        crate::cluster::warnings::redirect(Box::new(move |line| {
            multi.suspend(|| eprintln!("{line}"));
        }));
        bars.warnings_redirected = true;
        bars
    }

    fn drawing_to(target: ProgressDrawTarget) -> Self {
        // Each number says what it counts: `wave 2/5 [====] 1/3 nodes ready`.
        let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        Self {
            multi: MultiProgress::with_draw_target(target),
            style,
            overall: None,
            wave: None,
            soak: None,
            gate: None,
            wave_sizes: Vec::new(),
            current_wave: 0,
            warnings_redirected: false,
        }
    }

    /// A line counting what `counted` says, with no end known: `gate ⠙ 4 results so far ...`.
    fn count(&self, prefix: String, counted: &'static str) -> ProgressBar {
        let style = ProgressStyle::with_template("{prefix:>10} {spinner} {pos} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = self.multi.add(
            ProgressBar::no_length()
                .with_style(style)
                .with_prefix(prefix)
                .with_message(counted),
        );
        bar.tick();
        bar
    }

    fn bar(&self, prefix: String, length: u64, counted: &'static str) -> ProgressBar {
        let bar = self.multi.add(
            ProgressBar::new(length)
                .with_style(self.style.clone())
                .with_prefix(prefix)
                .with_message(counted),
        );
        bar.tick();
        bar
    }

    fn show(&mut self, event: &Event) {
        // The countdown says it all; an absolute time is for logs.
        if let Event::WaveInterval { next_wave, until } = event {
            self.soak(*next_wave, *until);
            return;
        }
        let _ = self.multi.println(event.line());
        match event {
            Event::Planned { nodes, waves, .. } => self.plan(*nodes, 0, waves),
            Event::Resumed {
                nodes,
                nodes_done,
                waves,
                ..
            } => self.plan(*nodes, *nodes_done, waves),
            Event::Deleting { wave, waves, .. } if *wave != self.current_wave => {
                self.end_soak();
                self.current_wave = *wave;
                let size = self.wave_sizes.get(wave - 1).copied().unwrap_or(0);
                if let Some(old) = self.wave.take() {
                    old.finish_and_clear();
                }
                let bar = self.bar(format!("wave {wave}/{waves}"), size as u64, "nodes ready");
                self.wave = Some(bar);
            }
            Event::Deleting { .. } | Event::RollingBack { .. } => self.end_soak(),
            Event::NodeReady { done, .. } => {
                if let Some(overall) = &self.overall {
                    overall.set_position(*done as u64);
                }
                if let Some(wave) = &self.wave {
                    wave.inc(1);
                }
            }
            Event::Progress {
                updated, desired, ..
            } => {
                let desired = u64::try_from(*desired).unwrap_or(0);
                let overall = self
                    .overall
                    .get_or_insert_with(|| self.multi.add(ProgressBar::new(desired)));
                overall.set_style(self.style.clone());
                overall.set_prefix("rollout");
                overall.set_message("nodes updated");
                overall.set_length(desired);
                overall.set_position(u64::try_from(*updated).unwrap_or(0));
            }
            Event::GateStarted {
                wave,
                checks,
                metrics,
                samples,
                ..
            } => {
                let open = *samples == 0 && !metrics.is_empty();
                let results = checks.len() + metrics.len() * samples;
                self.start_gate(*wave, (!open).then_some(results));
            }
            Event::GateSample { .. } => {
                if let Some(gate) = &self.gate {
                    gate.inc(1);
                }
            }
            Event::GatePassed { .. } | Event::GateFailed { .. } => self.end_gate(),
            Event::Complete { .. } | Event::Failed { .. } | Event::Paused { .. } => {
                self.end_soak();
                self.end_gate();
                for bar in [self.overall.take(), self.wave.take()]
                    .into_iter()
                    .flatten()
                {
                    bar.finish_and_clear();
                }
            }
            _ => {}
        }
    }

    fn plan(&mut self, nodes: usize, done: usize, waves: &[Wave]) {
        self.wave_sizes = waves.iter().map(|w| w.nodes.len()).collect();
        let overall = self.bar("rollout".into(), nodes as u64, "nodes ready");
        overall.set_position(done as u64);
        self.overall = Some(overall);
    }

    /// A line under the bars counting down to `until`, redrawn by a ticker: no event comes while
    /// the engine soaks.
    fn soak(&mut self, next_wave: usize, until: i64) {
        self.end_soak();
        let left = move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&soak_line(next_wave, seconds_until(until)));
        };
        let style = ProgressStyle::with_template("{left}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key("left", left);
        let bar = self.multi.add(ProgressBar::new_spinner().with_style(style));
        bar.enable_steady_tick(COUNTDOWN_TICK);
        self.soak = Some(bar);
    }

    /// A bar of the gate's results, ticking while a check runs or a sample is awaited; without a
    /// number of results (rolling mode's gate while the controller rolls), a count.
    fn start_gate(&mut self, wave: usize, results: Option<usize>) {
        self.end_soak();
        self.end_gate();
        let prefix = match wave {
            0 => "gate".to_string(),
            n => format!("gate {n}"),
        };
        let bar = match results {
            Some(results) => self.bar(prefix, results as u64, "results (checks, samples)"),
            None => self.count(prefix, "results so far (checks, samples)"),
        };
        bar.enable_steady_tick(Duration::from_millis(500));
        self.gate = Some(bar);
    }

    fn end_gate(&mut self) {
        if let Some(gate) = self.gate.take() {
            gate.disable_steady_tick();
            gate.finish_and_clear();
        }
    }

    fn end_soak(&mut self) {
        if let Some(soak) = self.soak.take() {
            soak.disable_steady_tick();
            soak.finish_and_clear();
        }
    }

    /// Draws every bar again (after a prompt cleared them) and restarts the countdown.
    fn redraw(&self) {
        for bar in [&self.overall, &self.wave, &self.soak]
            .into_iter()
            .flatten()
        {
            bar.tick();
        }
        if let Some(soak) = &self.soak {
            soak.enable_steady_tick(COUNTDOWN_TICK);
        }
    }
}

fn soak_line(next_wave: usize, seconds_left: u64) -> String {
    format!(
        "soaking before wave {next_wave}: {} left (--wave-interval)",
        countdown(seconds_left)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_events_are_flat_camel_case_objects_with_a_time() {
        let event = Event::NodeReady {
            node: "n1".into(),
            pod: "p".into(),
            ready_since: Some("2026-11-22T10:00:00Z".into()),
            done: 1,
            nodes: 4,
        };
        let stamped = Stamped {
            time: "2026-11-22T10:00:00.123Z".into(),
            event: &event,
        };
        let value = serde_json::to_value(&stamped).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "time": "2026-11-22T10:00:00.123Z",
                "event": "node-ready",
                "node": "n1",
                "pod": "p",
                "readySince": "2026-11-22T10:00:00Z",
                "done": 1,
                "nodes": 4
            })
        );
        assert_eq!(now_millis().len(), "2026-11-22T10:00:00.123Z".len());
    }

    #[test]
    fn a_soak_carries_its_end_as_an_rfc3339_time_in_json_and_lines() {
        // 2026-12-02T16:26:29Z
        let event = Event::WaveInterval {
            next_wave: 3,
            until: 1_796_228_789,
        };
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::json!({
                "event": "wave-interval",
                "nextWave": 3,
                "until": "2026-12-02T16:26:29Z"
            })
        );
        assert_eq!(
            event.line(),
            "waiting until 2026-12-02T16:26:29Z before wave 3 (--wave-interval)"
        );
    }

    #[test]
    fn countdowns_read_as_hours_minutes_seconds() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (60, "1m00s"),
            (252, "4m12s"),
            (3599, "59m59s"),
            (3600, "1h00m00s"),
            (3723, "1h02m03s"),
            (90_000, "25h00m00s"),
        ];
        for (seconds, want) in cases {
            assert_eq!(countdown(seconds), want, "{seconds}");
        }
        assert_eq!(
            soak_line(3, 252),
            "soaking before wave 3: 4m12s left (--wave-interval)"
        );
        let now = k8s_openapi::jiff::Timestamp::now().as_second();
        assert_eq!(seconds_until(now - 10), 0);
        assert!((299..=300).contains(&seconds_until(now + 300)));
    }

    /// A terminal that keeps what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(std::sync::Arc<std::sync::Mutex<String>>);

    impl Screen {
        /// The lines drawn since the last call, each as wide as the terminal, their padding cut.
        fn take(&self) -> Vec<String> {
            let text = std::mem::take(&mut *self.0.lock().unwrap());
            let chars: Vec<char> = text.chars().filter(|&c| c != '\n').collect();
            chars
                .chunks(100)
                .map(|line| line.iter().collect::<String>().trim_end().to_string())
                .collect()
        }
    }

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> std::io::Result<()> {
            self.write_str(&format!("{line}\n"))
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(text);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn wave(nodes: &[&str]) -> Wave {
        Wave {
            canary: false,
            nodes: nodes.iter().map(ToString::to_string).collect(),
        }
    }

    fn deleting(wave: usize, node: &str) -> Event {
        Event::Deleting {
            wave,
            waves: 2,
            canary: false,
            node: node.into(),
            pod: format!("agent-{node}"),
            uid: "u".into(),
        }
    }

    fn ready(node: &str, done: usize) -> Event {
        Event::NodeReady {
            node: node.into(),
            pod: "p".into(),
            ready_since: None,
            done,
            nodes: 3,
        }
    }

    #[test]
    fn bars_say_what_each_number_counts_and_soaks_count_down() {
        let screen = Screen::default();
        let mut bars = Bars::drawing_to(ProgressDrawTarget::term_like(Box::new(screen.clone())));
        bars.show(&Event::Planned {
            nodes: 3,
            eligible: 3,
            max_unavailable: 2,
            waves: vec![wave(&["n1", "n2"]), wave(&["n3"])],
        });
        bars.show(&deleting(1, "n1"));
        bars.show(&ready("n1", 1));
        let shown = screen.take();
        let drawn = |line: &str| shown.iter().any(|l| l == line);
        assert!(
            drawn("   rollout [==========>                   ] 1/3 nodes ready"),
            "{shown:#?}"
        );
        assert!(
            drawn("  wave 1/2 [===============>              ] 1/2 nodes ready"),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .all(|l| l.ends_with("nodes ready") || !l.contains('[')),
            "every bar says what it counts: {shown:#?}"
        );

        bars.show(&ready("n2", 2));
        screen.take();
        let until = k8s_openapi::jiff::Timestamp::now().as_second() + 252;
        bars.show(&Event::WaveInterval {
            next_wave: 2,
            until,
        });
        std::thread::sleep(COUNTDOWN_TICK * 2);
        let shown = screen.take();
        assert!(
            shown.iter().all(|l| !l.contains("waiting until")),
            "{shown:#?}"
        );
        let countdown = shown.iter().rfind(|l| l.starts_with("soaking"));
        // 4m12s, or a second less on a slow machine.
        assert!(
            countdown.is_some_and(|l| l.starts_with("soaking before wave 2: 4m1")
                && l.ends_with("s left (--wave-interval)")),
            "{shown:#?}"
        );

        bars.show(&deleting(2, "n3"));
        assert!(bars.soak.is_none());
        let shown = screen.take();
        assert!(
            shown.ends_with(&[
                "   rollout [====================>         ] 2/3 nodes ready".to_string(),
                "  wave 2/2 [                              ] 0/1 nodes ready".to_string(),
            ]),
            "{shown:#?}"
        );
        std::thread::sleep(COUNTDOWN_TICK * 2);
        assert!(screen.take().iter().all(|l| !l.contains("soaking")));
    }

    #[test]
    fn lines_say_what_happened() {
        let cases = [
            (
                Event::Deleting {
                    wave: 1,
                    waves: 3,
                    canary: true,
                    node: "n2".into(),
                    pod: "agent-x".into(),
                    uid: "u".into(),
                },
                "wave 1/3 (canary): deleting pod agent-x on n2",
            ),
            (
                Event::Failed {
                    message: "rollout failed".into(),
                    nodes: vec![NodeFailure {
                        node: "n1".into(),
                        pod: Some("agent-y".into()),
                        reason: "ImagePullBackOff".into(),
                    }],
                },
                "rollout failed\n  n1: pod agent-y: ImagePullBackOff",
            ),
        ];
        for (event, want) in cases {
            assert_eq!(event.line(), want);
        }
    }

    fn gate_started(wave: usize, metrics: &[&str], samples: usize) -> Event {
        Event::GateStarted {
            wave,
            canary: false,
            nodes: vec!["n1".into(), "n2".into()],
            checks: vec!["./smoke".into()],
            metrics: metrics.iter().map(ToString::to_string).collect(),
            samples,
            interval_seconds: 30.0,
        }
    }

    fn metric_sample(wave: usize, sample: usize, samples: usize) -> Event {
        Event::GateSample {
            wave,
            kind: GateKind::Metric,
            name: "errors".into(),
            passed: true,
            detail: "0 < 1".into(),
            output: vec![],
            sample,
            samples,
        }
    }

    #[test]
    fn gate_lines_count_samples_of_a_set_number_or_on_without_one() {
        let cases = [
            (
                gate_started(2, &["errors"], 4),
                "gate after wave 2: running 1 check(s), metric(s) errors sampled 4 time(s) every 30s on n1, n2",
            ),
            (
                gate_started(0, &["errors"], 0),
                "gate: running 1 check(s), metric(s) errors sampled every 30s until the controller completes on n1, n2",
            ),
            (gate_started(0, &[], 0), "gate: running 1 check(s) on n1, n2"),
            (
                metric_sample(2, 3, 4),
                "gate after wave 2: metric errors sample 3/4: ok (0 < 1)",
            ),
            (
                metric_sample(0, 7, 0),
                "gate: metric errors sample 7: ok (0 < 1)",
            ),
        ];
        for (event, want) in cases {
            assert_eq!(event.line(), want);
        }
    }

    #[test]
    fn a_gate_without_a_set_number_of_samples_counts_its_results() {
        let screen = Screen::default();
        let mut bars = Bars::drawing_to(ProgressDrawTarget::term_like(Box::new(screen.clone())));
        bars.show(&gate_started(0, &["errors"], 0));
        for sample in 1..=3 {
            bars.show(&metric_sample(0, sample, 0));
        }
        let gate = bars.gate.clone().expect("a gate bar");
        assert_eq!((gate.position(), gate.length()), (3, None));
        let shown = screen.take();
        assert!(
            shown.iter().any(|l| l.trim_start().starts_with("gate ")
                && l.ends_with(" results so far (checks, samples)")),
            "{shown:#?}"
        );
        bars.show(&gate_started(0, &["errors"], 2));
        bars.show(&metric_sample(0, 1, 2));
        let gate = bars.gate.clone().expect("a gate bar");
        assert_eq!((gate.position(), gate.length()), (1, Some(3)));
    }
}
