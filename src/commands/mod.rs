//! One file per subcommand: read inputs, call the core, render. `run` dispatches.

mod completion;
mod delete;
mod diff;
mod history;
mod inputs;
mod lint;
mod list;
mod migrate;
mod plan;
mod rejection;
mod rollout;

use crate::cli::{Cli, Command};
use crate::error::{ExitStatus, Failure};

/// What a command that ran to the end wants the process to exit with (0, or 1 for findings).
pub type Outcome = ExitStatus;

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

/// Connects when the command needs the cluster, and resolves the namespace for objects that name
/// none: the connection's (from -n or the context), else -n, else "default".
async fn connect_if(
    needed: bool,
    connection: &crate::cli::ConnectionArgs,
) -> Result<(Option<crate::cluster::Cluster>, String), Failure> {
    let cluster = match needed {
        true => Some(crate::cluster::connect(connection).await?),
        false => None,
    };
    let namespace = match (&cluster, &connection.namespace) {
        (Some(cluster), _) => cluster.namespace.clone(),
        (None, Some(namespace)) => namespace.clone(),
        (None, None) => "default".to_string(),
    };
    Ok((cluster, namespace))
}

/// The one line for a DaemonSet that is not there: bad input (exit 2), with where to look.
fn not_found(name: &str, namespace: &str) -> Failure {
    Failure::usage(format!(
        "daemonset {name:?} not found in namespace {namespace:?}; check the name and -n (kubectl ds list -A shows them all)"
    ))
}

/// Connects and reads the named DaemonSet from the namespace in effect; a missing one is bad input.
async fn live_daemonset(
    global: &crate::cli::GlobalArgs,
    name: &str,
) -> anyhow::Result<(
    crate::cluster::Cluster,
    String,
    k8s_openapi::api::apps::v1::DaemonSet,
)> {
    let (cluster, namespace) = connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let ds = cluster
        .get_daemonset(&namespace, name)
        .await?
        .ok_or_else(|| not_found(name, &namespace))?;
    Ok((cluster, namespace, ds))
}

/// The ControllerRevisions a live DaemonSet owns, oldest first.
async fn owned_revisions(
    cluster: &crate::cluster::Cluster,
    namespace: &str,
    ds: &k8s_openapi::api::apps::v1::DaemonSet,
) -> Result<Vec<k8s_openapi::api::apps::v1::ControllerRevision>, Failure> {
    let uid = ds.metadata.uid.as_deref().unwrap_or_default();
    let all = cluster
        .list_controller_revisions(&crate::cluster::Scope::Namespace(namespace.to_string()))
        .await?;
    Ok(crate::daemonset::history::owned_revisions(all, uid))
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
        Command::Rollout(command) => rollout::exec(command, &cli.global).await,
        Command::Delete(args) => delete::exec(args, &cli.global).await,
        Command::Migrate(args) => migrate::exec(args, &cli.global).await,
        Command::Completion(command) => completion::exec(command),
    }
}
