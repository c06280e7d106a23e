//! Runs an analysis gate: the command checks through the shell with the wave in their
//! environment, then every metric queried from Prometheus each interval over the duration, each
//! result reported as a `gate-sample` event. What a result means (`crate::rollout::gate`) and
//! what was asked (`crate::rollout::analysis`) are decided in the core; this is the I/O.

mod prometheus;
#[cfg(test)]
mod testing;

use tokio::sync::mpsc::UnboundedSender;

use crate::error::Failure;
use crate::render::progress::Event;
use crate::rollout::analysis::Analysis;
use crate::rollout::gate::WaveScope;

pub use prometheus::{query_timeout, PrometheusClient, QueryError, DEFAULT_QUERY_TIMEOUT};

/// What one gate run judges.
#[derive(Debug, Clone)]
pub struct GateInput {
    pub analysis: Analysis,
    pub scope: WaveScope,
    pub daemonset: String,
    /// 1-based, as events show it; 0 in rolling mode.
    pub wave: usize,
    /// Every node on the new revision so far, this wave's included.
    pub updated_nodes: Vec<String>,
    /// The kubeconfig and context this run uses, handed to the checks.
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
}

/// Runs the checks one after the other (stopping at the first that fails), then samples every
/// metric each interval for the duration; reports one `gate-sample` event per result on
/// `events`. `Ok` when the gate passed, `Err(why)` when it failed.
pub async fn run(input: GateInput, events: UnboundedSender<Event>) -> Result<(), String> {
    let _ = (input, events);
    todo!("gate runner")
}

/// Runs every check once; `Err(why)` at the first that fails.
pub async fn run_checks(input: &GateInput, events: &UnboundedSender<Event>) -> Result<(), String> {
    let _ = (input, events);
    todo!("checks")
}

/// Before anything changes: every check's command exists, the token and CA files can be read,
/// and Prometheus answers a query. Usage failures (exit 2) for bad input, a connection failure
/// (exit 3) for a Prometheus that cannot be reached.
pub async fn preflight(analysis: &Analysis) -> Result<(), Failure> {
    let _ = analysis;
    todo!("preflight")
}
