//! Every flag and subcommand, defined once. Help text, completions and docs all derive from here.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-ds",
    bin_name = "kubectl ds",
    version,
    about = "DaemonSet operations for kubectl: list, lint, plan, diff, history, rollout, delete, migrate",
    long_about = "DaemonSet operations for kubectl.\n\n\
                  Run as `kubectl ds COMMAND`. Connection flags (--kubeconfig, --context, -n, --as, ...) \
                  go after `ds`, anywhere on the line, and mean what they mean to kubectl.",
    after_help = "Exit codes: 0 ok, 1 findings/differences/failed rollout, 2 usage or bad input, \
                  3 cannot reach or configure the cluster, 4 the API refused or failed the request, \
                  5 unexpected error, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List DaemonSets with their rollout state, revision and node selector
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  kubectl ds list\n  kubectl ds list -A\n  kubectl ds ls -n monitoring -o wide\n  \
                      kubectl ds list -A -l app.kubernetes.io/part-of=observability -o json\n  \
                      kubectl ds list -A -o name --no-headers"
    )]
    List(ListArgs),

    /// Check DaemonSet manifests for mistakes, DaemonSet pitfalls and risky settings
    #[command(
        long_about = "Check DaemonSet manifests for what the API server rejects, what it accepts and then \
                      silently ignores, DaemonSet pitfalls (host ports, DNS with hostNetwork, immutable \
                      selectors, tolerations, priority) and security hygiene.\n\n\
                      Objects of other kinds are read only where a rule relates them to a DaemonSet. \
                      With --cluster (kubectl's flag: alone, or naming a kubeconfig cluster), the rules that \
                      read the cluster also run: nodes, pods, PriorityClasses and ServiceAccounts, read-only.",
        after_help = "Examples:\n  kubectl ds lint -f daemonset.yaml\n  kubectl ds lint manifests/ -o sarif > lint.sarif\n  \
                      helm template agent ./chart | kubectl ds lint -f -\n  kubectl ds lint -f ds.yaml --cluster --fail-on warning\n  \
                      kubectl ds lint --explain DS202\n\n\
                      Suppress rules on one object with the annotation lint.kubectl-ds.io/ignore: \"DS209,DS307\".\n\
                      Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 unreadable or invalid input."
    )]
    Lint(LintArgs),

    /// Preview, node by node, where a DaemonSet will run and why not
    #[command(
        long_about = "Preview, node by node, where a DaemonSet will run and where it will not, and why, \
                      as the DaemonSet controller and the scheduler decide: nodeSelector, required node \
                      affinity, taints against the tolerations (plus those the controller adds), \
                      resources and host ports left on each node, the pod there now and what will \
                      happen to it.\n\n\
                      Plan a manifest (-f) or a live DaemonSet (NAME). With --nodes (and --pods) the \
                      plan runs offline from `kubectl get nodes -o json` dumps.",
        after_help = "Examples:\n  kubectl ds plan -f agent.yaml\n  kubectl ds plan node-exporter -n monitoring --only-excluded\n  \
                      kubectl ds plan -f agent.yaml --nodes nodes.json --pods pods.json -o json\n  \
                      kubectl ds plan -f agent.yaml -l topology.kubernetes.io/zone=eu-west-1a -o wide"
    )]
    Plan(PlanArgs),

    /// Show what applying a manifest would change, and what that does to the pods
    #[command(
        long_about = "Compare the live DaemonSet with what the server would store if the manifest were \
                      applied (a server-side apply dry run, field manager kubectl-ds), without the noise \
                      (status, managedFields, resourceVersion, defaults nobody wrote). Then say what the \
                      change does: which parts of the pod template changed (images per container, env, \
                      resources, probes, ...), and whether pods will be replaced, on how many nodes and \
                      in about how many waves.",
        after_help = "Examples:\n  kubectl ds diff -f agent.yaml\n  kubectl ds diff -f manifests/ -n monitoring\n  \
                      helm template agent ./chart | kubectl ds diff -f -\n  kubectl ds diff -f agent.yaml -o json\n\n\
                      Exit codes, as kubectl diff: 0 no differences, 1 differences, 2 or more an error \
                      (including a change the server would reject, such as the immutable selector)."
    )]
    Diff(DiffArgs),

    /// List a DaemonSet's revisions, the pods on each, and diff any two of them
    #[command(
        after_help = "Revisions are numbers as `kubectl ds history NAME` lists them; negative numbers count \
                      back from the newest (-1 is the one before the newest).\n\nExamples:\n  \
                      kubectl ds history agent\n  kubectl ds history agent --revision 2 -o yaml\n  \
                      kubectl ds history agent --diff            # previous against current\n  \
                      kubectl ds history agent --diff 1 3"
    )]
    History(HistoryArgs),

    /// Follow, pause, resume and undo DaemonSet rollouts (both update strategies)
    #[command(
        subcommand,
        after_help = "Examples:\n  kubectl ds rollout status agent --watch --timeout 5m\n  \
                      kubectl ds rollout apply -f agent.yaml --mode ondelete --canary 1\n  \
                      kubectl ds rollout set-image agent main=registry.example/agent:1.5 --mode ondelete\n  \
                      kubectl ds rollout restart agent\n  kubectl ds rollout pause agent\n  \
                      kubectl ds rollout resume agent\n  kubectl ds rollout undo agent --to-revision 2\n  \
                      kubectl ds rollout history agent --diff"
    )]
    Rollout(RolloutCommand),

    /// Delete DaemonSets after a preview and a confirmation; --orphan keeps every pod running and
    /// proves it
    #[command(
        long_about = "Delete DaemonSets after showing what will happen (the DaemonSet, the pod on each node \
                      and what becomes of it, its ControllerRevisions) and asking for confirmation.\n\n\
                      The delete is conditional on the uid and resourceVersion that were shown, so a \
                      DaemonSet replaced or changed in between is not deleted. With --orphan (or \
                      --cascade orphan) the pods keep running: the command waits until the DaemonSet is \
                      gone and the garbage collector has removed the pods' ownerReferences, then verifies \
                      every pod is still there with the same UID and not terminating.",
        after_help = "Examples:\n  kubectl ds delete agent --orphan\n  kubectl ds delete agent --orphan --yes -o json\n  \
                      kubectl ds delete -l team=infra --cascade foreground --dry-run\n  kubectl ds delete -f agent.yaml --orphan\n\n\
                      Without a terminal, --yes is required. Exit codes: 0 deleted (and, orphaning, every pod kept) or \
                      answered no, 1 a pod was lost or still owned after --timeout, 2 bad input or no confirmation, \
                      4 the API refused (forbidden, or the DaemonSet changed since it was shown)."
    )]
    Delete(DeleteArgs),

    /// Change a DaemonSet's immutable selector without taking its pods off the nodes: relabel,
    /// orphan-delete, re-create, then replace the adopted pods in controlled waves
    #[command(
        long_about = "Migrate a DaemonSet to a manifest whose selector (immutable in apps/v1) differs. Steps: \
                      (1) preflight: the labels each running pod needs so the new selector matches it; \
                      (2) set those labels on the pods; (3) orphan-delete the old DaemonSet (uid and \
                      resourceVersion preconditions) and verify every pod is kept and released; (4) create \
                      the new DaemonSet with the OnDelete strategy: it adopts the pods; (5) replace them wave \
                      by wave with the ondelete rollout engine (--max-unavailable, health gate, lock), then \
                      restore the manifest's update strategy. No pod is deleted before step 5, so no node goes \
                      without a Ready pod beyond --max-unavailable.\n\n\
                      Each step detects when it is already done: after an interruption, run the same command \
                      again to finish. --dry-run prints every step and changes nothing.",
        after_help = "Examples:\n  kubectl ds migrate agent -f agent-v2.yaml --dry-run\n  \
                      kubectl ds migrate agent -f agent-v2.yaml --max-unavailable 2 --yes\n\n\
                      Exit codes: 0 migrated (or answered no), 1 a pod was lost or a node failed its health gate, \
                      2 bad input, a preflight that fails, or no confirmation without a terminal, 4 the API refused."
    )]
    Migrate(MigrateArgs),

    /// Print the least-privilege RBAC roles the commands need, for a cluster admin to apply
    #[command(
        long_about = "Print, as YAML to apply, the RBAC roles each command needs and no more: a read-only \
                      ClusterRole (kubectl-ds-viewer) for list, lint --cluster, plan, history and rollout \
                      status/history; with --operator a Role in the namespace (a ClusterRole with -A), \
                      kubectl-ds-operator, for rollout apply/restart/set-image/pause/resume/undo, diff, \
                      delete and migrate, bound beside the viewer role; with --drain the ClusterRole \
                      kubectl-ds-drain that rollout --drain adds (cordon nodes, evict pods in any \
                      namespace); with --prepull, create pods in the operator role. Each rule says which \
                      commands need it. Gates need nothing more: --check runs where kubectl ds runs, \
                      --metric asks Prometheus, --approve patches the DaemonSet. diff needs the operator \
                      role: the API server authorizes its dry-run patch as a patch.\n\n\
                      Nothing is read from the cluster; -n (else the context's namespace) names the \
                      operator Role's namespace.",
        after_help = "Examples:\n  kubectl ds rbac | kubectl apply -f -\n  \
                      kubectl ds rbac --operator -n monitoring | kubectl apply -f -\n  \
                      kubectl ds rbac --operator -A --drain --prepull > kubectl-ds-rbac.yaml\n  \
                      kubectl create rolebinding kubectl-ds-operator-alice -n monitoring --role=kubectl-ds-operator --user=alice"
    )]
    Rbac(RbacArgs),

    /// Shell completion: print the static scripts, or install the shim that makes
    /// `kubectl ds <TAB>` complete through kubectl
    #[command(
        subcommand,
        long_about = "Shell completion, two ways.\n\n\
                      Through kubectl (1.26 or newer): `kubectl ds <TAB>` completes when an executable named \
                      kubectl_complete-ds is on PATH. `kubectl ds completion install` creates it, as a link to \
                      this binary (krew cannot install it). Then kubectl's own completion (`kubectl completion \
                      bash`, zsh, fish or powershell, loaded in your shell) completes subcommands, flags and \
                      values from the cluster: DaemonSet names (honouring -n, --context and --kubeconfig typed \
                      earlier on the line), namespaces, contexts, revisions, node names, lint rule IDs.\n\n\
                      Static scripts, for typing `kubectl-ds` directly: `kubectl ds completion bash|zsh|fish|\
                      powershell|elvish` prints one (subcommands, flags and fixed values only).",
        after_help = "Examples:\n  kubectl ds completion install                 # next to kubectl-ds on PATH\n  \
                      kubectl ds completion install --dir ~/.local/bin\n  \
                      source <(kubectl completion bash)             # kubectl's own completion, in ~/.bashrc\n  \
                      kubectl-ds completion bash > /etc/bash_completion.d/kubectl-ds\n  \
                      kubectl-ds completion zsh > \"${fpath[1]}/_kubectl-ds\""
    )]
    Completion(CompletionCommand),
}

#[derive(Debug, Subcommand)]
pub enum CompletionCommand {
    /// Create the kubectl_complete-ds link kubectl runs to complete `kubectl ds <TAB>`
    #[command(
        long_about = "Create kubectl_complete-ds, the executable kubectl (1.26 or newer) runs to complete \
                      `kubectl ds <TAB>`: a link to this binary, which answers completion requests when \
                      started under that name. By default it goes next to the kubectl-ds that kubectl finds on \
                      PATH (for krew, ~/.krew/bin), pointing at that kubectl-ds so upgrades keep it working.",
        after_help = "Examples:\n  kubectl ds completion install\n  kubectl ds completion install --dir ~/bin --force"
    )]
    Install(CompletionInstallArgs),
    /// Print the bash completion script for kubectl-ds
    #[command(after_help = "Examples:\n  source <(kubectl ds completion bash)\n  \
                      kubectl ds completion bash > /etc/bash_completion.d/kubectl-ds")]
    Bash,
    /// Print the zsh completion script for kubectl-ds
    #[command(after_help = "Examples:\n  kubectl ds completion zsh > \"${fpath[1]}/_kubectl-ds\"")]
    Zsh,
    /// Print the fish completion script for kubectl-ds
    #[command(
        after_help = "Examples:\n  kubectl ds completion fish > ~/.config/fish/completions/kubectl-ds.fish"
    )]
    Fish,
    /// Print the PowerShell completion script for kubectl-ds
    #[command(
        after_help = "Examples:\n  kubectl ds completion powershell | Out-String | Invoke-Expression"
    )]
    Powershell,
    /// Print the elvish completion script for kubectl-ds
    #[command(
        after_help = "Examples:\n  kubectl ds completion elvish > ~/.config/elvish/lib/kubectl-ds.elv"
    )]
    Elvish,
}

#[derive(Debug, Args)]
pub struct RbacArgs {
    /// Also the operator role: rollout, diff, delete, migrate (a Role in the namespace)
    #[arg(long)]
    pub operator: bool,

    /// The operator role for every namespace: a ClusterRole instead of a Role
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Also what rollout --drain adds (a ClusterRole); implies --operator
    #[arg(long)]
    pub drain: bool,

    /// Add what rollout --prepull needs (create pods) to the operator role; implies --operator
    #[arg(long)]
    pub prepull: bool,
}

#[derive(Debug, Args)]
pub struct CompletionInstallArgs {
    /// Put the link in this directory instead (it should be on PATH)
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,

    /// Replace an existing kubectl_complete-ds that is not already this link
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cascade {
    /// Delete the pods in the background after the DaemonSet (kubectl's default)
    Background,
    /// Delete the pods first; the DaemonSet goes when they are gone
    Foreground,
    /// Keep the pods running, without an owner
    Orphan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeleteFormat {
    /// Preview and verification tables
    Table,
    /// One result object, for scripts
    Json,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The DaemonSets to delete
    #[arg(value_name = "NAME", conflicts_with_all = ["selector", "filenames"])]
    pub names: Vec<String>,

    /// Delete the DaemonSets whose labels match this selector
    #[arg(
        short = 'l',
        long,
        value_name = "SELECTOR",
        conflicts_with = "filenames"
    )]
    pub selector: Option<String>,

    /// Delete the DaemonSets named in these manifests
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<PathBuf>,

    /// Keep the pods running (same as --cascade orphan), and verify they were kept
    #[arg(long, conflicts_with = "cascade")]
    pub orphan: bool,

    /// What happens to the pods
    #[arg(long, value_enum, default_value_t = Cascade::Background, value_name = "MODE")]
    pub cascade: Cascade,

    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Ask the server to check the delete (permission, preconditions) without deleting anything
    #[arg(long)]
    pub dry_run: bool,

    /// How long to wait for the DaemonSet to go and (orphaning) the pods to be released
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = DeleteFormat::Table, value_name = "FORMAT")]
    pub output: DeleteFormat,
}

impl DeleteArgs {
    pub fn propagation(&self) -> crate::cluster::Propagation {
        use crate::cluster::Propagation;
        match (self.orphan, self.cascade) {
            (true, _) | (_, Cascade::Orphan) => Propagation::Orphan,
            (_, Cascade::Foreground) => Propagation::Foreground,
            (_, Cascade::Background) => Propagation::Background,
        }
    }
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The DaemonSet to migrate (default: the manifest's name)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// The new DaemonSet manifest (one DaemonSet)
    #[arg(short = 'f', long = "filename", value_name = "PATH", required = true)]
    pub filename: PathBuf,

    /// Do not ask for confirmation before relabelling and orphan-deleting
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// How long to wait for the old DaemonSet to go and its pods to be released
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_duration)]
    pub timeout: Duration,

    #[command(flatten)]
    pub engine: RolloutEngineArgs,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Pods per revision, per-node progress and the recorded rollout state; --watch until done
    #[command(
        after_help = "Examples:\n  kubectl ds rollout status agent\n  kubectl ds rollout status agent --watch -o json\n  \
                      kubectl ds rollout status agent -n monitoring --watch --timeout 5m\n\n\
                      Exit codes: 0 the rollout is complete, 1 it is halted, failed or timed out \
                            (with --watch), 2 bad input."
    )]
    Status(RolloutStatusArgs),

    /// The same as `kubectl ds history`: revisions, one revision's template, a diff of two
    #[command(
        after_help = "Revisions are numbers as `kubectl ds rollout history NAME` lists them; negative numbers \
                      count back from the newest (-1 is the one before the newest).\n\nExamples:\n  \
                      kubectl ds rollout history agent\n  kubectl ds rollout history agent --revision -1 -o yaml\n  \
                      kubectl ds rollout history agent --diff 1 3"
    )]
    History(HistoryArgs),

    /// Pause a DaemonSet's rollout: no more pods are replaced until `rollout resume`
    #[command(
        after_help = "Examples:\n  kubectl ds rollout pause agent\n  kubectl ds rollout pause node-exporter -n monitoring\n\n\
                      Exit codes: 0 paused (or already paused), 2 bad input or an unknown DaemonSet, \
                      4 the API refused (forbidden, or the DaemonSet changed meanwhile)."
    )]
    Pause(RolloutNameArgs),

    /// Resume a paused or interrupted rollout; a controlled (ondelete) rollout is driven on from
    /// where it stopped
    #[command(
        after_help = "Examples:\n  kubectl ds rollout resume agent\n  kubectl ds rollout resume agent --detach\n  \
                      kubectl ds rollout resume agent -o json\n\n\
                      Exit codes: 0 resumed (a controlled rollout: complete, or paused again), 1 a node failed its \
                      health gate, 2 bad input or an unknown DaemonSet, 4 another run holds the rollout lock."
    )]
    Resume(RolloutResumeArgs),

    /// Roll back to the previous revision's pod template, or to --to-revision N
    #[command(
        after_help = "Examples:\n  kubectl ds rollout undo agent\n  kubectl ds rollout undo agent --to-revision 2 --dry-run\n  \
                      kubectl ds rollout undo agent --to-revision -2\n  \
                      kubectl ds rollout undo agent --mode ondelete --max-unavailable 2\n\n\
                      Exit codes: 0 rolled back (with --mode: the rollout is complete), 1 with --mode, a node failed \
                      its health gate, 2 bad input, an unknown DaemonSet or revision."
    )]
    Undo(RolloutUndoArgs),

    /// Apply a DaemonSet manifest and replace its pods wave by wave (canary first), deleting old
    /// pods only within --max-unavailable; safe to re-run after an interruption
    #[command(
        after_help = "Examples:\n  kubectl ds rollout apply -f agent.yaml --dry-run\n  \
                      kubectl ds rollout apply -f agent.yaml --mode ondelete --canary 1 --max-unavailable 25%\n  \
                      kubectl ds rollout apply -f agent.yaml --mode ondelete --canary-nodes node-a --pause-after-canary\n  \
                      kubectl ds rollout apply -f agent.yaml --mode rolling --progress-deadline 5m --auto-rollback\n  \
                      kubectl ds rollout apply -f agent.yaml --mode ondelete -o json\n\n\
                      Exit codes: 0 the rollout is complete (or paused), 1 a node failed its health \
                            gate, 2 bad input."
    )]
    Apply(RolloutApplyArgs),

    /// Restart every pod of a DaemonSet wave by wave: sets the pod template annotation
    /// kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`
    #[command(
        after_help = "Examples:\n  kubectl ds rollout restart agent\n  kubectl ds rollout restart agent -n monitoring\n  \
                      kubectl ds rollout restart agent --mode ondelete --node-order label:topology.kubernetes.io/zone\n  \
                      kubectl ds rollout restart agent --mode ondelete --max-unavailable 2 --wave-interval 30s\n\n\
                      Exit codes: 0 the rollout is complete (or paused), 1 a node failed its health \
                            gate, 2 bad input."
    )]
    Restart(RolloutRestartArgs),

    /// Set container images (CONTAINER=IMAGE, `*` for every container) and roll them out wave by wave
    #[command(
        after_help = "Examples:\n  kubectl ds rollout set-image agent main=registry.example/agent:1.5\n  \
                      kubectl ds rollout set-image agent '*=registry.example/agent:1.5' --mode ondelete --canary 10%\n\n\
                      Exit codes: 0 the rollout is complete (or paused), 1 a node failed its health \
                            gate, 2 bad input."
    )]
    SetImage(RolloutSetImageArgs),
}

#[derive(Debug, Args)]
pub struct RolloutRestartArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    #[command(flatten)]
    pub engine: RolloutEngineArgs,
}

#[derive(Debug, Args)]
pub struct RolloutSetImageArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    /// New images, CONTAINER=IMAGE (containers and init containers; `*` is every one)
    #[arg(value_name = "CONTAINER=IMAGE", required = true, value_parser = parse_container_image)]
    pub images: Vec<(String, String)>,

    #[command(flatten)]
    pub engine: RolloutEngineArgs,
}

/// `CONTAINER=IMAGE`.
pub fn parse_container_image(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((container, image)) if !container.trim().is_empty() && !image.trim().is_empty() => {
            Ok((container.trim().to_string(), image.trim().to_string()))
        }
        _ => Err(format!("invalid {text:?}: use CONTAINER=IMAGE")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RolloutMode {
    /// The DaemonSet's RollingUpdate controller replaces the pods; the plugin follows it with the
    /// health gate and halts it (switching to OnDelete) when the gate fails
    Rolling,
    /// The DaemonSet runs with the OnDelete strategy and the plugin deletes old pods itself, in
    /// waves
    Ondelete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RolloutFormat {
    /// Progress bars on a terminal, one line per event otherwise
    Text,
    /// One JSON object per event and line, for automation
    Json,
}

#[derive(Debug, Args)]
pub struct RolloutApplyArgs {
    /// The DaemonSet manifest (one DaemonSet)
    #[arg(short = 'f', long = "filename", value_name = "PATH", required = true)]
    pub filename: PathBuf,

    #[command(flatten)]
    pub engine: RolloutEngineArgs,
}

/// How a controlled rollout replaces pods: the mode, the waves and the health gate.
#[derive(Debug, Args)]
pub struct RolloutEngineArgs {
    /// How pods are replaced (default: the DaemonSet's own update strategy: RollingUpdate is
    /// rolling, OnDelete is ondelete)
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<RolloutMode>,

    /// Print the plan (which nodes in which wave) and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// When the health gate fails, put the previous revision's template back (and, in ondelete
    /// mode, the already updated nodes, the same controlled way) instead of only halting
    #[arg(long)]
    pub auto_rollback: bool,

    /// Soak time between waves: wait this long after a wave is done before starting the next
    /// (default 0s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub wave_interval: Option<Duration>,

    /// Take over the rollout lock of another run when it has expired
    #[arg(long)]
    pub force: bool,

    /// Output: text (progress bars on a terminal, a line per event otherwise) or json (one event
    /// object per line)
    #[arg(short = 'o', long, value_enum, default_value_t = RolloutFormat::Text, value_name = "FORMAT")]
    pub output: RolloutFormat,

    /// Nodes to update first, as a wave of their own: a count or a percentage of the eligible nodes
    /// (default 0: no canary wave)
    #[arg(long, value_name = "N|N%", value_parser = parse_budget)]
    pub canary: Option<crate::daemonset::budget::Budget>,

    /// The canary wave: these nodes, by name (comma-separated)
    #[arg(
        long,
        value_name = "NODE,...",
        value_delimiter = ',',
        conflicts_with_all = ["canary", "canary_selector"]
    )]
    pub canary_nodes: Vec<String>,

    /// The canary wave: the nodes to update whose labels match (kubectl -l syntax)
    #[arg(
        long,
        value_name = "SELECTOR",
        value_parser = crate::daemonset::selector::parse,
        conflicts_with_all = ["canary", "canary_nodes"]
    )]
    pub canary_selector: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,

    /// The order nodes are updated in: name, label:KEY (grouped by the label's value, e.g. a
    /// zone; a wave never spans two values, and one value's waves are done before the next
    /// value's start) or list:A,B,C (nodes not listed follow, by name)
    /// (default name)
    #[arg(long, value_name = "ORDER", value_parser = parse_node_order)]
    pub node_order: Option<crate::rollout::waves::NodeOrder>,

    /// Stop after the canary wave (exit 0); `rollout resume` and running the command again continue
    #[arg(long)]
    pub pause_after_canary: bool,

    /// Nodes that may be without a Ready pod at once: a count or a percentage of the eligible nodes;
    /// also the size of a wave. With no gate, interval, drain, pre-pull or min-ready between
    /// waves, a wave starts as soon as the budget allows, not once the one before is done
    /// (default 1)
    #[arg(long, value_name = "N|N%", value_parser = parse_budget)]
    pub max_unavailable: Option<crate::daemonset::budget::Budget>,

    /// Seconds a new pod must have been Ready before its node counts as done (default: the
    /// DaemonSet's minReadySeconds)
    #[arg(long, value_name = "SECONDS")]
    pub min_ready: Option<u32>,

    /// How long a node whose old pod was deleted may take to get an available new pod
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub progress_deadline: Duration,

    #[command(flatten)]
    pub gates: GateArgs,

    #[command(flatten)]
    pub nodes: NodeArgs,
}

/// How the ondelete engine treats the nodes themselves: sick nodes, pods stuck terminating,
/// draining before the agent is replaced, pre-pulling the new images. Also settable under
/// `nodes:` in the analysis file; a flag given overrides the file.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Nodes")]
pub struct NodeArgs {
    /// Wait for NotReady and unreachable nodes under the progress deadline instead of deferring
    /// them (by default their old pods are left alone, the rest is rolled, and the run ends
    /// incomplete, exit 1, naming them; `rollout resume` finishes them once Ready)
    #[arg(long)]
    pub include_not_ready: bool,

    /// Delete pods stuck terminating (past their grace period) with grace period 0, but only
    /// when their node has been NotReady or unreachable for longer than DURATION
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub force_delete_stuck: Option<Duration>,

    /// Drain each node before its agent is replaced: cordon, evict its other pods through the
    /// Eviction API (PodDisruptionBudgets honoured), replace the agent, wait for the wave's gate,
    /// uncordon. A node cordoned by someone else stays cordoned
    #[arg(long)]
    pub drain: bool,

    /// How long evicting one node's pods may take (PodDisruptionBudgets may hold it) before the
    /// rollout stops with the node still cordoned (default 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub drain_timeout: Option<Duration>,

    /// Drain: evict pods that use emptyDir volumes too (their data is lost), as kubectl drain
    /// --delete-emptydir-data
    #[arg(long)]
    pub delete_emptydir_data: bool,

    /// Drain: evict pods no controller manages too (nothing recreates them), as kubectl drain
    /// --force
    #[arg(long)]
    pub drain_force: bool,

    /// Before a wave's first deletion, pull the new images onto that wave's nodes with a
    /// short-lived helper pod per node, without touching the running agent
    #[arg(long)]
    pub prepull: bool,

    /// How long to wait for the pre-pull before going on without it, with a warning (default 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub prepull_timeout: Option<Duration>,
}

/// The analysis gate every wave passes before the next starts (in rolling mode, checked all
/// along): the same model as an analysis file (`--analysis`), whose settings these flags add to
/// or override.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Analysis gates")]
pub struct GateArgs {
    /// An analysis file (YAML: checks, prometheus, metrics, interval, duration, failureLimit,
    /// maxRestarts, approve); the flags below add to it or override it
    #[arg(long, value_name = "FILE")]
    pub analysis: Option<PathBuf>,

    /// A command run through the shell after each wave (and its --wave-interval): exit 0 passes.
    /// Its environment names the wave: KDS_NAMESPACE, KDS_DAEMONSET, KDS_REVISION, KDS_WAVE,
    /// KDS_WAVE_NODES, KDS_UPDATED_NODES, KDS_PODS, KUBECONFIG, KDS_CONTEXT (repeatable)
    #[arg(long = "check", value_name = "COMMAND")]
    pub checks: Vec<String>,

    /// How long a check may run before it is killed and fails (default 60s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub check_timeout: Option<Duration>,

    /// The Prometheus to query for --metric (http:// or https://)
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,

    /// A file holding the bearer token sent to Prometheus (read at every query)
    #[arg(long, value_name = "FILE")]
    pub prometheus_token_file: Option<String>,

    /// A PEM file of the CA that signed Prometheus's certificate
    #[arg(long, value_name = "FILE")]
    pub prometheus_ca_file: Option<String>,

    /// A metric every series of which must meet the condition: 'NAME: PROMQL OP THRESHOLD', OP one
    /// of < <= > >= == !=. The query may name the wave: {{nodes}} and {{pods}} (regex
    /// alternations for =~), {{namespace}}, {{revision}} (repeatable)
    #[arg(long = "metric", value_name = "'NAME: PROMQL OP N'", value_parser = parse_metric)]
    pub metrics: Vec<crate::rollout::gate::MetricCondition>,

    /// A --metric query that matches no series passes (by default it fails: it usually names a
    /// metric or label that is not there)
    #[arg(long)]
    pub metric_empty_passes: bool,

    /// Time between two samples of every metric (default 30s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub analysis_interval: Option<Duration>,

    /// How long metrics are sampled after each wave (default 0s: one sample)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub analysis_duration: Option<Duration>,

    /// Bad samples a metric may have before the gate fails (default 0)
    #[arg(long, value_name = "N")]
    pub failure_limit: Option<usize>,

    /// Fail the gate when a new pod's containers, init containers or sidecars restarted more than
    /// N times in all
    #[arg(long, value_name = "N")]
    pub max_restarts: Option<u32>,

    /// Stop after each wave until `kubectl ds rollout resume` (on a terminal, ask: continue,
    /// pause, abort, roll back)
    #[arg(long)]
    pub approve: bool,
}

fn parse_metric(text: &str) -> Result<crate::rollout::gate::MetricCondition, String> {
    text.parse()
}

/// The ondelete engine's flags, unset in clap, so that rolling mode can tell which were given;
/// their defaults are here.
impl RolloutEngineArgs {
    pub fn wave_interval(&self) -> Duration {
        self.wave_interval.unwrap_or(Duration::ZERO)
    }

    pub fn canary(&self) -> crate::daemonset::budget::Budget {
        self.canary
            .unwrap_or(crate::daemonset::budget::Budget::Count(0))
    }

    pub fn node_order(&self) -> crate::rollout::waves::NodeOrder {
        self.node_order
            .clone()
            .unwrap_or(crate::rollout::waves::NodeOrder::Name)
    }

    pub fn max_unavailable(&self) -> crate::daemonset::budget::Budget {
        self.max_unavailable
            .unwrap_or(crate::daemonset::budget::Budget::Count(1))
    }

    /// The flags given that only the ondelete engine reads, as typed.
    pub fn ondelete_only_given(&self) -> Vec<&'static str> {
        [
            ("--wave-interval", self.wave_interval.is_some()),
            ("--canary", self.canary.is_some()),
            ("--canary-nodes", !self.canary_nodes.is_empty()),
            ("--canary-selector", self.canary_selector.is_some()),
            ("--node-order", self.node_order.is_some()),
            ("--pause-after-canary", self.pause_after_canary),
            ("--max-unavailable", self.max_unavailable.is_some()),
            ("--include-not-ready", self.nodes.include_not_ready),
            (
                "--force-delete-stuck",
                self.nodes.force_delete_stuck.is_some(),
            ),
            ("--drain", self.nodes.drain),
            ("--drain-timeout", self.nodes.drain_timeout.is_some()),
            ("--delete-emptydir-data", self.nodes.delete_emptydir_data),
            ("--drain-force", self.nodes.drain_force),
            ("--prepull", self.nodes.prepull),
            ("--prepull-timeout", self.nodes.prepull_timeout.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }
}

/// `name`, `label:KEY` or `list:A,B,C`.
pub fn parse_node_order(text: &str) -> Result<crate::rollout::waves::NodeOrder, String> {
    use crate::rollout::waves::NodeOrder;
    let invalid = || format!("invalid node order {text:?}: use name, label:KEY or list:A,B,C");
    if text == "name" {
        return Ok(NodeOrder::Name);
    }
    if let Some(key) = text.strip_prefix("label:") {
        let key = key.trim();
        if key.is_empty() || key.contains([',', ' ', '=']) {
            return Err(invalid());
        }
        return Ok(NodeOrder::Label(key.to_string()));
    }
    if let Some(list) = text.strip_prefix("list:") {
        let names: Vec<String> = list.split(',').map(|n| n.trim().to_string()).collect();
        if names.iter().any(String::is_empty) {
            return Err(invalid());
        }
        return Ok(NodeOrder::List(names));
    }
    Err(invalid())
}

/// `N` or `N%`, as maxUnavailable takes it.
pub fn parse_budget(text: &str) -> Result<crate::daemonset::budget::Budget, String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let value = match text.parse::<i32>() {
        Ok(n) => IntOrString::Int(n),
        Err(_) => IntOrString::String(text.to_string()),
    };
    let budget = crate::daemonset::budget::Budget::parse(&value)?;
    if budget.above_100_percent() {
        return Err(format!("{text:?} is above 100%"));
    }
    Ok(budget)
}

#[derive(Debug, Args)]
pub struct RolloutNameArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct RolloutResumeArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Only mark the rollout resumed; do not drive a controlled (ondelete) rollout to the end
    #[arg(long)]
    pub detach: bool,

    /// Take over the rollout lock of another run when it has expired
    #[arg(long)]
    pub force: bool,

    /// Output: text (progress bars on a terminal, a line per event otherwise) or json (one event
    /// object per line)
    #[arg(short = 'o', long, value_enum, default_value_t = RolloutFormat::Text, value_name = "FORMAT")]
    pub output: RolloutFormat,
}

#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Keep watching until the rollout is complete (exit 0) or halted/failed (exit 1)
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// With --watch: give up after this long (e.g. 5m); 0 waits forever
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Output format (json: one status object; with --watch, one per line as it changes)
    #[arg(short = 'o', long, value_enum, default_value_t = StatusFormat::Table, value_name = "FORMAT")]
    pub output: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct RolloutUndoArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The revision to go back to (default: the one before the current; negative counts back)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub to_revision: Option<i64>,

    /// Without --mode the template is put back and the DaemonSet's own strategy replaces the pods;
    /// with --mode the rollback is rolled out like any rollout (waves, health gate, resumable)
    #[command(flatten)]
    pub engine: RolloutEngineArgs,
}

/// Flags every command accepts, before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// More log output on stderr: -v info, -vv debug, -vvv trace (credentials are always redacted)
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count, global = true, help_heading = "Output and logging")]
    pub verbose: u8,

    /// kubectl's numeric form, `--v=N` or `-v=N`: 0-1 quiet, 2-3 info, 4-5 debug, 6-7 trace, 8+ everything
    #[arg(
        long = "v",
        global = true,
        value_name = "N",
        hide_short_help = true,
        help_heading = "Output and logging"
    )]
    pub klog_level: Option<u8>,

    /// When to colour output
    #[arg(
        long,
        value_enum,
        default_value_t = ColorChoice::Auto,
        global = true,
        overrides_with = "color",
        value_name = "WHEN",
        help_heading = "Output and logging"
    )]
    pub color: ColorChoice,
}

/// How to reach the cluster; same names, meaning and precedence as kubectl's flags.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Cluster connection")]
pub struct ConnectionArgs {
    /// Path to the kubeconfig file (default: the KUBECONFIG list, then ~/.kube/config)
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,

    /// The kubeconfig cluster to use. For lint, `--cluster` without a name also turns on the rules
    /// that read the cluster (the current context's cluster unless a name is given)
    #[arg(long, global = true, value_name = "NAME", num_args = 0..=1, default_missing_value = "")]
    pub cluster: Option<String>,

    /// The kubeconfig user to use
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,

    /// Namespace (default: the context's namespace, else "default")
    #[arg(short = 'n', long, global = true, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Username to impersonate for the operation
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,

    /// Group to impersonate for the operation; repeat for several groups
    #[arg(long = "as-group", global = true, value_name = "GROUP")]
    pub as_group: Vec<String>,

    /// How long to wait for a single server request (e.g. 5s, 1m, 250ms); 0 means the client's defaults
    #[arg(long, global = true, value_name = "DURATION", default_value = "0", value_parser = parse_request_timeout)]
    pub request_timeout: RequestTimeout,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestTimeout(pub Option<Duration>);

impl GlobalArgs {
    /// The `-v` count, or kubectl's `--v=N` mapped onto the same levels, whichever says more.
    pub fn verbosity(&self) -> u8 {
        let from_klog = self.klog_level.map_or(0, |n| n / 2);
        self.verbose.max(from_klog)
    }
}

/// kubectl users type `-v=6`; clap reads `-v` as a counter, so that spelling becomes `--v=6`.
pub fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    args.into_iter()
        .map(
            |arg| match arg.to_str().and_then(|a| a.strip_prefix("-v=")) {
                Some(level) => format!("--v={level}").into(),
                None => arg,
            },
        )
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List DaemonSets in every namespace
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Only DaemonSets whose labels match this selector (e.g. app=agent,tier!=canary)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Manifest file or directory (recursive: .yaml, .yml, .json); `-` reads stdin; repeatable
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<PathBuf>,

    /// More files or directories, as with -f
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = LintFormat::Table, value_name = "FORMAT")]
    pub output: LintFormat,

    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,

    /// YAML file that turns rules off or changes their severity (`rules: {DS309: off, DS210: error}`)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// List every rule with its ID, severity and summary, then exit
    #[arg(long, conflicts_with = "explain")]
    pub list_rules: bool,

    /// Explain one rule (by ID or name): why it matters and how to fix it
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Leave out the header row of tables
    #[arg(long)]
    pub no_headers: bool,

    /// What a file that cannot be read or parsed does: `fail` exits 2; `report` prints it
    /// (stderr, and `inputErrors` in JSON) and counts it as an error-level finding for
    /// --fail-on, so lint can run over a repository that also holds templates
    #[arg(long, value_enum, default_value_t = InputErrors::Fail, value_name = "MODE")]
    pub input_errors: InputErrors,
}

/// How `lint` treats inputs it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputErrors {
    /// Exit 2 (usage), as for any bad input
    Fail,
    /// Report them and count each as an error-level finding
    Report,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// A live DaemonSet to plan (its current template against the current nodes)
    #[arg(value_name = "NAME", conflicts_with = "filenames")]
    pub name: Option<String>,

    /// Manifest file or directory with one or more DaemonSets; `-` reads stdin
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<PathBuf>,

    /// Plan offline against these nodes (`kubectl get nodes -o json|yaml` output)
    #[arg(long, value_name = "FILE")]
    pub nodes: Option<PathBuf>,

    /// With --nodes: the pods on them (`kubectl get pods -A -o json|yaml`), for FIT and CURRENT
    #[arg(long, value_name = "FILE", requires = "nodes")]
    pub pods: Option<PathBuf>,

    /// Output format (`wide` adds node labels and taints)
    #[arg(short = 'o', long, value_enum, default_value_t = PlanFormat::Table, value_name = "FORMAT")]
    pub output: PlanFormat,

    /// Show only the nodes that will not run the DaemonSet
    #[arg(long)]
    pub only_excluded: bool,

    /// Show only nodes whose labels match this selector (the summary still counts every node)
    #[arg(short = 'l', long = "node-selector", value_name = "SELECTOR")]
    pub node_selector: Option<String>,

    /// Leave out the header row of tables
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Manifest file or directory with DaemonSets; `-` reads stdin; repeatable
    #[arg(short = 'f', long = "filename", value_name = "PATH", required = true)]
    pub filenames: Vec<PathBuf>,

    /// Output format: the coloured diff and summary, or the structured change list
    #[arg(short = 'o', long, value_enum, default_value_t = DiffFormat::Text, value_name = "FORMAT")]
    pub output: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The DaemonSet
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Show one revision: with -o yaml|json its pod template, else its details
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        conflicts_with = "diff"
    )]
    pub revision: Option<i64>,

    /// Diff two revisions' templates (default: the previous against the current)
    #[arg(long, value_name = "A B", num_args = 0..=2, allow_negative_numbers = true)]
    pub diff: Option<Vec<i64>>,

    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = HistoryFormat::Table, value_name = "FORMAT")]
    pub output: HistoryFormat,

    /// Leave out the header row of tables
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Wide,
    Json,
    Yaml,
}

impl ConnectionArgs {
    /// `--cluster` given without a name: lint's switch for the rules that read the cluster.
    pub fn cluster_flag_without_name(&self) -> bool {
        self.cluster.as_deref() == Some("")
    }
}

impl LintArgs {
    pub fn inputs(&self) -> Vec<PathBuf> {
        self.filenames.iter().chain(&self.paths).cloned().collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Table,
    /// The table with the field path and the fix for each finding
    Wide,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Always exit 0 when the input could be read
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<crate::lint::Severity> {
        use crate::lint::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// `-o` and `--no-headers`, shared by every command that prints a listing.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table, value_name = "FORMAT")]
    pub output: OutputFormat,

    /// Leave out the header row of tables
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

/// kubectl's `--request-timeout` syntax: a bare integer is seconds, otherwise a number with a unit
/// (ms, s, m, h), possibly several (`1m30s`); zero means no timeout.
pub fn parse_request_timeout(text: &str) -> Result<RequestTimeout, String> {
    let duration = parse_duration(text)?;
    Ok(RequestTimeout((!duration.is_zero()).then_some(duration)))
}

/// `30s`, `2m`, `1m30s`, `500ms` or a number of seconds (the one duration syntax of every flag
/// and file).
pub use crate::clock::parse_duration;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn delete_flags_choose_the_propagation() {
        use crate::cluster::Propagation;
        let cases: &[(&[&str], Option<Propagation>)] = &[
            (&["agent"], Some(Propagation::Background)),
            (&["agent", "--orphan"], Some(Propagation::Orphan)),
            (&["agent", "--cascade", "orphan"], Some(Propagation::Orphan)),
            (
                &["agent", "--cascade", "foreground"],
                Some(Propagation::Foreground),
            ),
            (&["agent", "--orphan", "--cascade", "foreground"], None),
            (&["agent", "-l", "app=x"], None),
            (&["-l", "app=x", "-f", "x.yaml"], None),
        ];
        for (flags, want) in cases {
            let parsed = Cli::try_parse_from(["kubectl-ds", "delete"].iter().chain(flags.iter()));
            let got = parsed.ok().map(|cli| match cli.command {
                Command::Delete(args) => args.propagation(),
                _ => unreachable!(),
            });
            assert_eq!(got, *want, "{flags:?}");
        }
    }

    #[test]
    fn durations_parse_like_kubectl() {
        let cases: &[(&str, Option<Duration>)] = &[
            ("0", Some(Duration::ZERO)),
            ("5", Some(Duration::from_secs(5))),
            ("5s", Some(Duration::from_secs(5))),
            ("250ms", Some(Duration::from_millis(250))),
            ("2m", Some(Duration::from_secs(120))),
            ("1m30s", Some(Duration::from_secs(90))),
            ("1h", Some(Duration::from_secs(3600))),
            ("1.5s", Some(Duration::from_millis(1500))),
            ("", None),
            ("s", None),
            ("5x", None),
            ("-1s", None),
            ("5 s", None),
            ("99999999999999999999999s", None),
            ("9999999999999999999h", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text).ok(), *want, "parsing {text:?}");
        }
    }

    #[test]
    fn the_last_color_wins_like_kubectl_flags() {
        let cli = Cli::try_parse_from([
            "kubectl-ds",
            "list",
            "--color",
            "always",
            "--color",
            "never",
        ])
        .unwrap();
        assert_eq!(cli.global.color, ColorChoice::Never);
    }

    fn apply_args(flags: &[&str]) -> Result<RolloutEngineArgs, clap::Error> {
        let mut argv = vec![
            "kubectl-ds",
            "rollout",
            "apply",
            "-f",
            "x.yaml",
            "--mode",
            "ondelete",
        ];
        argv.extend_from_slice(flags);
        let cli = Cli::try_parse_from(argv)?;
        match cli.command {
            Command::Rollout(RolloutCommand::Apply(args)) => Ok(args.engine),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn rollout_apply_wave_flags_parse() {
        use crate::rollout::waves::NodeOrder;
        let args = apply_args(&[]).unwrap();
        assert!(args.canary_nodes.is_empty());
        assert!(args.canary_selector.is_none());
        assert_eq!(args.node_order(), NodeOrder::Name);
        assert!(!args.pause_after_canary);
        assert!(args.ondelete_only_given().is_empty());

        let args = apply_args(&[
            "--canary-nodes",
            "n2,n1",
            "--pause-after-canary",
            "--node-order",
            "label:zone",
        ])
        .unwrap();
        assert_eq!(args.canary_nodes, ["n2", "n1"]);
        assert!(args.pause_after_canary);
        assert_eq!(args.node_order(), NodeOrder::Label("zone".into()));
        assert_eq!(
            args.ondelete_only_given(),
            ["--canary-nodes", "--node-order", "--pause-after-canary"]
        );

        let args = apply_args(&["--canary-selector", "tier=canary,!gpu"]).unwrap();
        let selector = args.canary_selector.unwrap();
        assert_eq!(
            selector
                .match_labels
                .unwrap()
                .get("tier")
                .map(String::as_str),
            Some("canary")
        );
        assert_eq!(
            selector.match_expressions.unwrap()[0].operator,
            "DoesNotExist"
        );

        let args = apply_args(&["--node-order", "list:c,a,b"]).unwrap();
        assert_eq!(
            args.node_order(),
            NodeOrder::List(vec!["c".into(), "a".into(), "b".into()])
        );
    }

    #[test]
    fn rollout_apply_canary_flags_exclude_each_other() {
        for flags in [
            &["--canary", "1", "--canary-nodes", "n1"][..],
            &["--canary", "1", "--canary-selector", "a=b"],
            &["--canary-nodes", "n1", "--canary-selector", "a=b"],
        ] {
            let err = apply_args(flags).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{flags:?}"
            );
        }
        // --canary 0 is the default and does not conflict when left out.
        assert!(apply_args(&["--canary-nodes", "n1"]).is_ok());
    }

    #[test]
    fn rollout_set_image_takes_container_image_pairs_and_the_wave_flags() {
        let cli = Cli::try_parse_from([
            "kubectl-ds",
            "rollout",
            "set-image",
            "agent",
            "main=busybox:1.37",
            "*=x",
            "--mode",
            "ondelete",
            "--canary-nodes",
            "n1",
        ])
        .unwrap();
        let Command::Rollout(RolloutCommand::SetImage(args)) = cli.command else {
            panic!("not set-image");
        };
        assert_eq!(args.name, "agent");
        assert_eq!(
            args.images,
            [
                ("main".to_string(), "busybox:1.37".to_string()),
                ("*".to_string(), "x".to_string())
            ]
        );
        assert_eq!(args.engine.canary_nodes, ["n1"]);
        for bad in ["main", "=img", "main="] {
            assert!(parse_container_image(bad).is_err(), "{bad}");
        }
        let no_image = Cli::try_parse_from([
            "kubectl-ds",
            "rollout",
            "set-image",
            "agent",
            "--mode",
            "ondelete",
        ]);
        assert!(no_image.is_err());
        let restart = Cli::try_parse_from([
            "kubectl-ds",
            "rollout",
            "restart",
            "agent",
            "--mode",
            "ondelete",
        ]);
        assert!(matches!(
            restart.unwrap().command,
            Command::Rollout(RolloutCommand::Restart(_))
        ));
    }

    #[test]
    fn rollout_apply_rejects_bad_wave_flags() {
        for flags in [
            &["--node-order", "zone"][..],
            &["--node-order", "label:"],
            &["--node-order", "list:a,,b"],
            &["--canary-selector", "a in b"],
        ] {
            assert!(apply_args(flags).is_err(), "{flags:?}");
        }
    }

    #[test]
    fn zero_request_timeout_means_none() {
        assert_eq!(parse_request_timeout("0"), Ok(RequestTimeout(None)));
        assert_eq!(parse_request_timeout("0s"), Ok(RequestTimeout(None)));
        assert_eq!(
            parse_request_timeout("3s"),
            Ok(RequestTimeout(Some(Duration::from_secs(3))))
        );
    }

    #[test]
    fn connection_flags_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "kubectl-ds",
            "list",
            "--context",
            "c",
            "-n",
            "ns",
            "--as",
            "u",
            "--as-group",
            "g1",
            "--as-group",
            "g2",
            "--kubeconfig",
            "/k",
            "--request-timeout",
            "2s",
            "-vv",
        ])
        .expect("parses");
        let c = &cli.global.connection;
        assert_eq!(c.context.as_deref(), Some("c"));
        assert_eq!(c.namespace.as_deref(), Some("ns"));
        assert_eq!(c.as_user.as_deref(), Some("u"));
        assert_eq!(c.as_group, vec!["g1", "g2"]);
        assert_eq!(c.kubeconfig, Some(PathBuf::from("/k")));
        assert_eq!(c.request_timeout.0, Some(Duration::from_secs(2)));
        assert_eq!(cli.global.verbose, 2);
    }

    #[test]
    fn kubectl_style_verbosity_is_accepted() {
        let cases: &[(&[&str], u8)] = &[
            (&["list"], 0),
            (&["list", "-v"], 1),
            (&["list", "-vvv"], 3),
            (&["list", "-v=6"], 3),
            (&["list", "--v=4"], 2),
            (&["list", "--v", "9"], 4),
            (&["list", "-vv", "--v=2"], 2),
        ];
        for (args, want) in cases {
            let argv = normalize_args(
                std::iter::once("kubectl-ds".into()).chain(args.iter().map(|a| a.into())),
            );
            let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(cli.global.verbosity(), *want, "{args:?}");
        }
    }

    #[test]
    fn ls_is_an_alias_of_list() {
        let cli = Cli::try_parse_from(["kubectl-ds", "ls", "-A", "-o", "wide"]).expect("parses");
        let Command::List(args) = cli.command else {
            panic!("not list")
        };
        assert!(args.all_namespaces);
        assert_eq!(args.output.output, OutputFormat::Wide);
    }
}
