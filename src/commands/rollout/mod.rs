//! `kubectl ds rollout ...`: one file per subcommand.

mod apply;
mod change;
mod control;
mod status;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutCommand};

pub async fn exec(command: &RolloutCommand, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    match command {
        RolloutCommand::Status(args) => status::exec(args, global).await,
        RolloutCommand::History(_) => unreachable!("dispatched to the history command"),
        RolloutCommand::Pause(args) => control::pause(args, global).await,
        RolloutCommand::Resume(args) => control::resume(args, global).await,
        RolloutCommand::Undo(args) => control::undo(args, global).await,
        RolloutCommand::Apply(args) => apply::exec(args, global).await,
        RolloutCommand::Restart(args) => change::restart(args, global).await,
        RolloutCommand::SetImage(args) => change::set_image(args, global).await,
    }
}
