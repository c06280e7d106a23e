//! `kubectl ds completion ...`: static scripts, the `kubectl_complete-ds` shim and its live
//! answers; and the checked-in scripts and man pages (`generated_files`, kept current by a test).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

use super::Outcome;
use crate::cli::{Cli, CompletionCommand, CompletionInstallArgs, ConnectionArgs};
use crate::cluster::{Cluster, Scope};
use crate::complete::{Candidate, Invocation, Line, Reply, Source, Wanted, SHIM_NAME};
use crate::error::Failure;

/// kubectl waits for the completer while the user waits for the TAB: an unreachable cluster must
/// cost less than a second and produce no error, only fewer candidates.
const LIVE_DEADLINE: Duration = Duration::from_millis(900);

pub fn exec(command: &CompletionCommand) -> anyhow::Result<Outcome> {
    let shell = match command {
        CompletionCommand::Install(args) => return install(args),
        CompletionCommand::Bash => Shell::Bash,
        CompletionCommand::Zsh => Shell::Zsh,
        CompletionCommand::Fish => Shell::Fish,
        CompletionCommand::Powershell => Shell::PowerShell,
        CompletionCommand::Elvish => Shell::Elvish,
    };
    std::io::stdout()
        .write_all(&script(shell))
        .context("cannot write the script to stdout")?;
    Ok(Outcome::Ok)
}

/// The static completion script of one shell, for `kubectl-ds` typed directly.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    let mut command = Cli::command().name("kubectl-ds").bin_name("kubectl-ds");
    clap_complete::generate(shell, &mut command, "kubectl-ds", &mut out);
    match shell {
        Shell::Bash => bash_with_consistent_names(out),
        Shell::Fish => fish_without_clashing_specs(out),
        _ => out,
    }
}

/// fish's argparse reads the one-letter long flag `--v` as a second `-v` and rejects the whole
/// spec list, so no subcommand would complete; leave `--v=N` out of what it parses.
fn fish_without_clashing_specs(script: Vec<u8>) -> Vec<u8> {
    String::from_utf8_lossy(&script)
        .replace(" v/verbose v= ", " v/verbose ")
        .into_bytes()
}

/// clap_complete 4.6's bash script names a subcommand's `case` branch from the bin name with its
/// `-` turned into the subcommand separator (`kubectl__subcmd__ds__subcmd__rollout`), but the
/// word loop that picks the branch turns it into `__` (`kubectl__ds__subcmd__rollout`). With a
/// dash in the bin name, as ours has, no subcommand would ever complete; align the two.
fn bash_with_consistent_names(script: Vec<u8>) -> Vec<u8> {
    String::from_utf8_lossy(&script)
        .replace("kubectl__subcmd__ds", "kubectl__ds")
        .into_bytes()
}

/// `kubectl ds completion install`: the shim next to the kubectl-ds kubectl runs, or in --dir.
fn install(args: &CompletionInstallArgs) -> anyhow::Result<Outcome> {
    let running = std::env::current_exe().context("cannot tell where this binary is")?;
    let on_path = find_on_path(plugin_file_name());
    let dir = match (&args.dir, &on_path) {
        (Some(dir), _) => dir.clone(),
        (None, Some(found)) => parent_of(found),
        (None, None) => parent_of(&running),
    };
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "{} is not a directory; create it or pass another --dir",
            dir.display()
        ))
        .into());
    }
    // A link to the kubectl-ds on PATH (relative when beside it) survives upgrades that replace
    // that file or, for krew, repoint its link.
    let target = match &on_path {
        Some(found) if same_dir(&parent_of(found), &dir) => PathBuf::from(plugin_file_name()),
        Some(found) => absolute(found),
        None => running,
    };
    let shim = dir.join(shim_file_name());
    if let Some(existing) = existing_link(&shim) {
        if existing == target {
            println!(
                "{} already links to {}; nothing to do",
                shim.display(),
                target.display()
            );
            return Ok(Outcome::Ok);
        }
        if !args.force {
            return Err(Failure::usage(format!(
                "{} already exists and is not a link to {}; pass --force to replace it",
                shim.display(),
                target.display()
            ))
            .into());
        }
        std::fs::remove_file(&shim)
            .with_context(|| format!("cannot remove the old {}", shim.display()))?;
    }
    create_shim(&target, &shim).map_err(|e| {
        Failure::usage(format!(
            "cannot create {}: {e}; pass --dir with a directory on PATH you can write",
            shim.display()
        ))
    })?;
    println!("created {} -> {}", shim.display(), target.display());
    if !dir_on_path(&dir) {
        eprintln!(
            "warning: {} is not on PATH; kubectl finds {SHIM_NAME} only on PATH",
            dir.display()
        );
    }
    println!(
        "`kubectl ds <TAB>` now completes, with kubectl 1.26 or newer and kubectl's own completion \
         loaded in your shell (e.g. `source <(kubectl completion bash)`)"
    );
    Ok(Outcome::Ok)
}

fn plugin_file_name() -> &'static str {
    if cfg!(windows) {
        "kubectl-ds.exe"
    } else {
        "kubectl-ds"
    }
}

fn shim_file_name() -> String {
    if cfg!(windows) {
        format!("{SHIM_NAME}.cmd")
    } else {
        SHIM_NAME.to_string()
    }
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

/// The first `name` on PATH, as kubectl looks for plugins.
fn find_on_path(name: &str) -> Option<PathBuf> {
    path_dirs()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn dir_on_path(dir: &Path) -> bool {
    path_dirs().iter().any(|entry| same_dir(entry, dir))
}

/// Where an existing shim points (a link's target; a script's path for anything else, so it
/// never equals a target and is only replaced with --force).
fn existing_link(shim: &Path) -> Option<PathBuf> {
    let metadata = std::fs::symlink_metadata(shim).ok()?;
    if metadata.file_type().is_symlink() {
        return std::fs::read_link(shim).ok();
    }
    Some(shim.to_path_buf())
}

#[cfg(unix)]
fn create_shim(target: &Path, shim: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, shim)
}

/// Windows links need privileges: a one-line script calling the completion entry point instead.
#[cfg(not(unix))]
fn create_shim(target: &Path, shim: &Path) -> std::io::Result<()> {
    std::fs::write(shim, format!("@\"{}\" __complete %*\r\n", target.display()))
}

/// The answer to a completion request, in Cobra's format. Never an error: whatever fails (no
/// kubeconfig, no cluster, no permission) only leaves candidates out.
pub fn answer(invocation: &Invocation) -> String {
    let mut root = Cli::command();
    root.build();
    let line = crate::complete::read_line(&root, &invocation.words);
    let wanted = line.wanted();
    let live = match &wanted {
        Wanted::Live(source) => live_candidates(*source, &line),
        _ => Vec::new(),
    };
    Reply::to(&line, wanted, live).render(invocation.descriptions)
}

fn live_candidates(source: Source, line: &Line) -> Vec<Candidate> {
    let connection = connection_typed(line);
    match source {
        Source::Contexts | Source::Clusters | Source::Users => {
            kubeconfig_names(source, &connection)
        }
        _ => {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return Vec::new();
            };
            runtime.block_on(async {
                tokio::time::timeout(LIVE_DEADLINE, from_cluster(source, line, &connection))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default()
            })
        }
    }
}

/// The connection flags typed on the line, read by the same definitions the command would use.
fn connection_typed(line: &Line) -> ConnectionArgs {
    use clap::Parser;
    let words = std::iter::once("kubectl-ds".to_string())
        .chain(line.connection.iter().cloned())
        .chain(std::iter::once("list".to_string()));
    Cli::try_parse_from(words)
        .map(|cli| cli.global.connection)
        .unwrap_or_default()
}

fn kubeconfig_names(source: Source, connection: &ConnectionArgs) -> Vec<Candidate> {
    let Ok(kubeconfig) = crate::cluster::read_kubeconfig(connection.kubeconfig.as_deref()) else {
        return Vec::new();
    };
    match source {
        Source::Contexts => kubeconfig
            .contexts
            .iter()
            .map(|c| {
                let cluster = c.context.as_ref().map(|c| c.cluster.clone());
                Candidate::new(
                    &c.name,
                    cluster.map_or(String::new(), |c| format!("cluster {c}")),
                )
            })
            .collect(),
        Source::Clusters => kubeconfig
            .clusters
            .iter()
            .map(|c| Candidate::new(&c.name, ""))
            .collect(),
        _ => kubeconfig
            .auth_infos
            .iter()
            .map(|u| Candidate::new(&u.name, ""))
            .collect(),
    }
}

async fn from_cluster(
    source: Source,
    line: &Line<'_>,
    connection: &ConnectionArgs,
) -> Result<Vec<Candidate>, Failure> {
    let cluster = crate::cluster::connect(connection).await?;
    let namespace = cluster.namespace.clone();
    Ok(match source {
        Source::DaemonSets => cluster
            .list_daemonsets(&Scope::Namespace(namespace.clone()), None)
            .await?
            .iter()
            .filter(|ds| {
                let name = ds.metadata.name.as_deref().unwrap_or_default();
                !line.positionals.iter().any(|typed| typed == name)
            })
            .map(|ds| daemonset_candidate(ds, &namespace))
            .collect(),
        Source::Namespaces => cluster
            .list_namespaces()
            .await?
            .into_iter()
            .filter_map(|ns| ns.metadata.name)
            .map(|name| Candidate::new(name, ""))
            .collect(),
        Source::Nodes => cluster
            .list_nodes()
            .await?
            .into_iter()
            .filter_map(|node| node.metadata.name)
            .map(|name| Candidate::new(name, ""))
            .collect(),
        Source::Revisions => revisions(&cluster, line).await?,
        Source::Containers => containers(&cluster, line).await?,
        Source::Contexts | Source::Clusters | Source::Users => Vec::new(),
    })
}

fn daemonset_candidate(ds: &k8s_openapi::api::apps::v1::DaemonSet, namespace: &str) -> Candidate {
    let summary = crate::daemonset::summary::summarize(ds, None);
    Candidate::new(
        summary.name,
        format!(
            "DaemonSet in {namespace}, {}/{} ready, {:?}",
            summary.ready, summary.desired, summary.strategy
        ),
    )
}

async fn named_daemonset(
    cluster: &Cluster,
    line: &Line<'_>,
) -> Result<Option<k8s_openapi::api::apps::v1::DaemonSet>, Failure> {
    match line.daemonset() {
        Some(name) => cluster.get_daemonset(&cluster.namespace, name).await,
        None => Ok(None),
    }
}

async fn revisions(cluster: &Cluster, line: &Line<'_>) -> Result<Vec<Candidate>, Failure> {
    let Some(ds) = named_daemonset(cluster, line).await? else {
        return Ok(Vec::new());
    };
    let owned = crate::ops::owned_revisions(cluster, &cluster.namespace, &ds).await?;
    let newest = owned.len();
    Ok(owned
        .iter()
        .enumerate()
        .map(|(at, revision)| {
            let hash = crate::daemonset::history::hash_of(revision);
            let current = if at + 1 == newest { ", current" } else { "" };
            Candidate::new(
                revision.revision.unwrap_or_default().to_string(),
                format!("hash {hash}{current}"),
            )
        })
        .collect())
}

async fn containers(cluster: &Cluster, line: &Line<'_>) -> Result<Vec<Candidate>, Failure> {
    let Some(ds) = named_daemonset(cluster, line).await? else {
        return Ok(Vec::new());
    };
    let pod = ds.spec.template.spec.unwrap_or_default();
    let all = pod
        .init_containers
        .unwrap_or_default()
        .into_iter()
        .chain(pod.containers);
    let mut candidates: Vec<Candidate> = all
        .map(|c| {
            let image = c.image.unwrap_or_default();
            Candidate::new(format!("{}=", c.name), format!("now {image}"))
        })
        .collect();
    candidates.push(Candidate::new("*=", "every container"));
    Ok(candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every generated file, by path relative to the repository root: the completion scripts and a
    /// man page per command.
    fn generated_files() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = [
            (Shell::Bash, "kubectl-ds.bash"),
            (Shell::Zsh, "_kubectl-ds"),
            (Shell::Fish, "kubectl-ds.fish"),
            (Shell::PowerShell, "_kubectl-ds.ps1"),
            (Shell::Elvish, "kubectl-ds.elv"),
        ]
        .into_iter()
        .map(|(shell, name)| (Path::new("completions").join(name), script(shell)))
        .collect();
        let mut root = Cli::command()
            .name("kubectl-ds")
            .bin_name("kubectl-ds")
            .disable_help_subcommand(true);
        root.build();
        man_pages(root, &mut files)?;
        Ok(files)
    }

    /// A page per visible command, named as clap_mangen names them: `kubectl-ds-rollout-status.1`.
    fn man_pages(
        command: clap::Command,
        files: &mut Vec<(PathBuf, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            man_pages(sub.clone(), files)?;
        }
        let page = clap_mangen::Man::new(command);
        let mut text = Vec::new();
        page.render(&mut text).context("cannot render a man page")?;
        files.push((Path::new("doc/man").join(page.get_filename()), text));
        Ok(())
    }

    /// The checked-in scripts and man pages are what the current definitions generate.
    /// `KDS_UPDATE_GENERATED=1 cargo test --lib generated_files` rewrites them.
    #[test]
    fn generated_files_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = generated_files().expect("generate");
        if std::env::var_os("KDS_UPDATE_GENERATED").is_some() {
            write_generated(root, &files);
        }
        let mut stale = Vec::new();
        for (path, text) in &files {
            if std::fs::read(root.join(path)).ok().as_ref() != Some(text) {
                stale.push(path.display().to_string());
            }
        }
        for dir in GENERATED_DIRS {
            for entry in std::fs::read_dir(root.join(dir)).expect(dir) {
                let path = Path::new(dir).join(entry.expect("entry").file_name());
                if !files.iter().any(|(p, _)| *p == path) {
                    stale.push(format!("{} (no longer generated)", path.display()));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files {stale:?}: run `KDS_UPDATE_GENERATED=1 cargo test --lib generated_files` and commit them"
        );
    }

    const GENERATED_DIRS: [&str; 2] = ["completions", "doc/man"];

    fn write_generated(root: &Path, files: &[(PathBuf, Vec<u8>)]) {
        for dir in GENERATED_DIRS {
            // Pages of commands that were removed must not linger.
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).expect(dir);
        }
        for (path, text) in files {
            std::fs::write(root.join(path), text).expect("write a generated file");
        }
    }

    #[test]
    fn every_shell_script_names_the_binary_and_every_command() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let text = String::from_utf8(script(shell)).expect("utf-8");
            assert!(text.contains("kubectl-ds"), "{shell}");
            for command in ["list", "lint", "rollout", "set-image", "completion"] {
                assert!(text.contains(command), "{shell} lacks {command}");
            }
        }
    }
}
