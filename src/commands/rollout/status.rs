//! `kubectl ds rollout status NAME`.

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutStatusArgs};
use crate::error::Failure;

pub async fn exec(_args: &RolloutStatusArgs, _global: &GlobalArgs) -> anyhow::Result<Outcome> {
    Err(Failure::usage("kubectl ds rollout status is being built (issue 6)").into())
}
