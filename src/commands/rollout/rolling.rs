//! `--mode rolling`: apply the template and follow the DaemonSet's own RollingUpdate controller
//! with the health gate; halt it (OnDelete, the strategy recorded) when the gate fails.

use serde_json::Value;

use super::Outcome;
use crate::cli::RolloutEngineArgs;
use crate::cluster::Cluster;
use crate::error::Failure;
use crate::render::progress::Progress;

pub async fn run(
    _cluster: &Cluster,
    _namespace: &str,
    _name: &str,
    _manifest: Value,
    _args: &RolloutEngineArgs,
    _progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    Err(Failure::usage("--mode rolling is not built yet").into())
}
