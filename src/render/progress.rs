//! A rollout's progress, three ways from one event type: bars (overall and current wave) with the
//! event lines above them on a terminal, one plain line per event otherwise (CI logs), or one JSON
//! object per event and line (`-o json`) for automation. Every event carries the time it was
//! observed, in milliseconds, so latencies can be read from the stream.

use std::io::{IsTerminal, Write};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::RolloutFormat;
use crate::rollout::waves::Wave;

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
        until: String,
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

    /// The event as one line for a person.
    pub fn line(&self) -> String {
        match self {
            Event::Applied {
                daemonset,
                generation,
                mode,
                strategy,
                ..
            } => format!(
                "daemonset {daemonset:?} applied with the {strategy} strategy (generation {generation}, mode {mode})"
            ),
            Event::Target { hash } => format!("target revision: controller-revision-hash {hash}"),
            Event::Planned {
                nodes,
                eligible,
                max_unavailable,
                waves,
            } => {
                let mut line = format!(
                    "{nodes} of {eligible} eligible nodes to update in {} waves (max unavailable {max_unavailable})",
                    waves.len()
                );
                for (i, wave) in waves.iter().enumerate() {
                    let canary = if wave.canary { " (canary)" } else { "" };
                    line.push_str(&format!(
                        "\n  wave {}/{}{canary}: {}",
                        i + 1,
                        waves.len(),
                        wave.nodes.join(", ")
                    ));
                }
                line
            }
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
                if *canary { " (canary)" } else { "" }
            ),
            Event::NodeReady {
                node,
                done,
                nodes,
                ..
            } => format!("{node}: new pod ready ({done}/{nodes})"),
            Event::NodeSkipped { node, reason } => format!("{node}: {reason}; skipped"),
            Event::WaveInterval { next_wave, until } => {
                format!("waiting until {until} before wave {next_wave} (--wave-interval)")
            }
            Event::Progress {
                updated,
                available,
                desired,
            } => format!("{updated} of {desired} updated, {available} available"),
            Event::Warning { message } => format!("warning: {message}"),
            Event::Note { message } => message.clone(),
            Event::Failed { message, nodes } => {
                let mut line = message.clone();
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
            Event::RollingBack { hash, nodes } => format!(
                "rolling back to {hash}: the template is restored and {} updated node(s) go back ({})",
                nodes.len(),
                nodes.join(", ")
            ),
            Event::Paused { message } | Event::Complete { message } => message.clone(),
        }
    }
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

    /// Removes the bars (before a prompt).
    pub fn clear(&mut self) {
        if let Sink::Bars(bars) = &self.sink {
            let _ = bars.multi.clear();
        }
    }
}

/// The overall bar (nodes done of the plan) and the current wave's, shown once there is a plan.
struct Bars {
    multi: MultiProgress,
    style: ProgressStyle,
    overall: Option<ProgressBar>,
    wave: Option<ProgressBar>,
    wave_sizes: Vec<usize>,
    current_wave: usize,
}

impl Drop for Bars {
    fn drop(&mut self) {
        crate::cluster::warnings::restore_stderr();
    }
}

impl Bars {
    fn new() -> Self {
        let style = ProgressStyle::with_template("{prefix:>6} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        // The server's warnings go to stderr, usually the same terminal: printed between two
        // redraws they would be overwritten, or leave a stale bar behind.
        let bars = multi.clone();
        crate::cluster::warnings::redirect(Box::new(move |line| {
            bars.suspend(|| eprintln!("{line}"));
        }));
        Self {
            multi,
            style,
            overall: None,
            wave: None,
            wave_sizes: Vec::new(),
            current_wave: 0,
        }
    }

    fn bar(&self, prefix: &'static str, length: u64) -> ProgressBar {
        let bar = self
            .multi
            .add(ProgressBar::new(length).with_style(self.style.clone()));
        bar.set_prefix(prefix);
        bar
    }

    fn show(&mut self, event: &Event) {
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
                self.current_wave = *wave;
                let size = self.wave_sizes.get(wave - 1).copied().unwrap_or(0);
                if let Some(old) = self.wave.take() {
                    old.finish_and_clear();
                }
                let bar = self.bar("wave", size as u64);
                bar.set_message(format!("{wave}/{waves}"));
                self.wave = Some(bar);
            }
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
                overall.set_prefix("nodes");
                overall.set_length(desired);
                overall.set_position(u64::try_from(*updated).unwrap_or(0));
            }
            Event::Complete { .. } | Event::Failed { .. } | Event::Paused { .. } => {
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
        let overall = self.bar("nodes", nodes as u64);
        overall.set_position(done as u64);
        self.overall = Some(overall);
    }
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
}
