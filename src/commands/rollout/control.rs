//! `kubectl ds rollout pause|resume|undo NAME`.

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutNameArgs, RolloutUndoArgs};
use crate::error::Failure;

pub async fn pause(_args: &RolloutNameArgs, _global: &GlobalArgs) -> anyhow::Result<Outcome> {
    Err(Failure::usage("kubectl ds rollout pause is being built (issue 6)").into())
}

pub async fn resume(_args: &RolloutNameArgs, _global: &GlobalArgs) -> anyhow::Result<Outcome> {
    Err(Failure::usage("kubectl ds rollout resume is being built (issue 6)").into())
}

pub async fn undo(_args: &RolloutUndoArgs, _global: &GlobalArgs) -> anyhow::Result<Outcome> {
    Err(Failure::usage("kubectl ds rollout undo is being built (issue 6)").into())
}
