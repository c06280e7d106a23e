//! One file per subcommand: read inputs, call the core, render. `run` dispatches.

mod completion;
mod delete;
mod diff;
mod history;
mod lint;
mod list;
mod migrate;
mod plan;
mod rbac;
mod rollout;

use crate::cli::{Cli, Command};
use crate::error::Failure;

pub use crate::ops::Outcome;

pub use completion::answer as complete;

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Rollouts handle Ctrl-C themselves (pause cleanly, or ask): racing them here would drop
    // the rollout mid-step. Resume and undo --mode drive one too; the one-patch forms of those two
    // register no handler, so Ctrl-C ends them as the signal does by default.
    let handles_interrupts = matches!(
        &cli.command,
        Command::Rollout(
            crate::cli::RolloutCommand::Apply(_)
                | crate::cli::RolloutCommand::Restart(_)
                | crate::cli::RolloutCommand::SetImage(_)
                | crate::cli::RolloutCommand::Resume(_)
                | crate::cli::RolloutCommand::Undo(_)
        ) | Command::Migrate(_)
    );
    crate::cluster::server_version::enable();
    crate::cluster::warnings::enable(crate::render::use_color_on_stderr(cli.global.color));
    runtime.block_on(async {
        let result = if handles_interrupts {
            dispatch(&cli).await
        } else {
            tokio::select! {
                // Checked first so an interrupt always wins over a command still in flight.
                biased;
                _ = tokio::signal::ctrl_c() => Err(Failure::interrupted().into()),
                result = dispatch(&cli) => result,
            }
        };
        crate::cluster::server_version::finish(result.is_ok()).await;
        result
    })
}

async fn dispatch(cli: &Cli) -> anyhow::Result<Outcome> {
    let is_lint = matches!(cli.command, Command::Lint(_));
    if cli.global.connection.cluster_flag_without_name() && !is_lint {
        return Err(Failure::usage("--cluster needs the name of a kubeconfig cluster").into());
    }
    match &cli.command {
        Command::List(args) => list::exec(args, &cli.global).await,
        Command::Lint(args) => lint::exec(args, &cli.global).await,
        Command::Plan(args) => plan::exec(args, &cli.global).await,
        Command::Diff(args) => diff::exec(args, &cli.global).await,
        Command::History(args) => history::exec(args, &cli.global).await,
        // `rollout history` is `history` under kubectl's name for it.
        Command::Rollout(crate::cli::RolloutCommand::History(args)) => {
            history::exec(args, &cli.global).await
        }
        Command::Rollout(command) => rollout::exec(command, &cli.global).await,
        Command::Delete(args) => delete::exec(args, &cli.global).await,
        Command::Migrate(args) => migrate::exec(args, &cli.global).await,
        Command::Completion(command) => completion::exec(command),
        Command::Rbac(args) => rbac::exec(args, &cli.global),
    }
}
