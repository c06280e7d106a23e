//! `kubectl ds rollout ...`: one file per subcommand.

pub(crate) mod apply;
mod change;
mod control;
pub(crate) mod engine;
mod interrupt;
mod rolling;
mod status;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutCommand};

pub async fn exec(command: &RolloutCommand, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    match command {
        RolloutCommand::Status(args) => status::exec(args, global).await,
        RolloutCommand::History(args) => super::history::exec(args, global).await,
        RolloutCommand::Pause(args) => control::pause(args, global).await,
        RolloutCommand::Resume(args) => control::resume(args, global).await,
        RolloutCommand::Undo(args) => control::undo(args, global).await,
        RolloutCommand::Apply(args) => apply::exec(args, global).await,
        RolloutCommand::Restart(args) => change::restart(args, global).await,
        RolloutCommand::SetImage(args) => change::set_image(args, global).await,
    }
}

/// A followed DaemonSet that comes back with another uid was deleted and created again: what is
/// being followed is gone, so following stops.
fn ensure_same(
    seen: &k8s_openapi::api::apps::v1::DaemonSet,
    uid: &str,
    name: &str,
    during: &str,
) -> Result<(), crate::error::Failure> {
    match seen.metadata.uid.as_deref() == Some(uid) {
        true => Ok(()),
        false => Err(crate::error::Failure::api(format!(
            "daemonset {name:?} was deleted and created again {during}"
        ))),
    }
}

/// A RollingUpdate DaemonSet `agent` with one container, for the rollout commands' unit tests.
#[cfg(test)]
fn test_daemonset(
    resource_version: &str,
    image: &str,
    annotations: serde_json::Value,
) -> k8s_openapi::api::apps::v1::DaemonSet {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": "agent", "resourceVersion": resource_version, "annotations": annotations},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"spec": {"containers": [{"name": "agent", "image": image}]}},
            "updateStrategy": {"type": "RollingUpdate"},
        },
    }))
    .expect("a valid DaemonSet")
}
