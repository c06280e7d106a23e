//! `--mode rolling`: apply the template (server-side apply, RollingUpdate kept) and follow the
//! DaemonSet's own RollingUpdate controller with the health gate (`crate::rollout::rolling`):
//! live progress, and on a failing new pod or no progress within the deadline, halt it (pause:
//! OnDelete, the strategy recorded) or, with `--auto-rollback`, put the previous revision's
//! template back and follow the controller rolling the nodes back. Ctrl-C pauses the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

use super::apply::{apply_reported, check_manifest, rejected, Write};
use super::interrupt::{self, Interrupt, Signals};
use super::ondelete::{self as engine, now};
use super::retry::with_retry;
use super::Outcome;
use crate::cli::RolloutEngineArgs;
use crate::cluster::{Cluster, Mirror, Troubles, WatchChange};
use crate::daemonset::budget::{self, UpdatePace};
use crate::daemonset::history;
use crate::daemonset::history::current_hash;
use crate::daemonset::pause::{self, PausePlan, PAUSED_ANNOTATION};
use crate::daemonset::selector;
use crate::daemonset::{key, pod_hash};
use crate::diff::template;
use crate::diff::verdict::rolling_waves;
use crate::error::{ExitStatus, Failure};
use crate::render::progress::{Event, NodeFailure, Progress};
use crate::rollout::health::{failing, pod_ready};
use crate::rollout::lock::LOCK_ANNOTATION;
use crate::rollout::rolling::{self, Counters, Failing, Gate, PodFacts, Snapshot, Verdict};
use crate::rollout::state::ORIGINAL_STRATEGY_ANNOTATION;
use crate::rollout::state::STATE_ANNOTATION;

fn rfc3339(seconds: i64) -> Option<String> {
    k8s_openapi::jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The ondelete-only flags typed on this command line (not their defaults): clap's value source,
/// from the command line parsed again the way `main` parses it.
fn flags_given() -> BTreeSet<&'static str> {
    use clap::parser::ValueSource;
    use clap::CommandFactory as _;
    let argv = crate::cli::normalize_args(std::env::args_os());
    let Ok(matches) = crate::cli::Cli::command().try_get_matches_from(argv) else {
        return BTreeSet::new();
    };
    let mut leaf = &matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    rolling::ONDELETE_ONLY_FLAGS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| leaf.ids().any(|i| i.as_str() == *id))
        .filter(|id| leaf.value_source(id) == Some(ValueSource::CommandLine))
        .collect()
}

fn deleted(name: &str) -> Failure {
    Failure::api(format!("daemonset {name:?} was deleted during the rollout"))
}

/// The update strategy the rollout will run with: the manifest's, else the one a pause or an
/// earlier ondelete rollout recorded, else the live one.
fn effective_strategy(manifest: &Value, live: Option<&DaemonSet>) -> String {
    if let Some(kind) = manifest
        .pointer("/spec/updateStrategy/type")
        .and_then(Value::as_str)
    {
        return kind.to_string();
    }
    let recorded = |key: &str| {
        live.and_then(|ds| pause::annotation(ds, key))
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| v["type"].as_str().map(String::from))
    };
    recorded(PAUSED_ANNOTATION)
        .or_else(|| recorded(ORIGINAL_STRATEGY_ANNOTATION))
        .or_else(|| live.and_then(|ds| ds.spec.update_strategy.as_ref()?.type_.clone()))
        .unwrap_or_else(|| "RollingUpdate".into())
}

/// Sends a JSON patch planned from the DaemonSet as last read; on a conflict (another writer, the
/// controller's status writes mostly) it is planned anew from the DaemonSet read again
/// (`Cluster::patch_daemonset_with_retry`), and the whole is retried while it fails for a
/// transient reason (`with_retry`). `None` when the plan says there is nothing to do.
async fn patch_retrying(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    ds: DaemonSet,
    progress: &mut Progress,
    plan: impl Fn(&DaemonSet) -> Option<Vec<crate::daemonset::patch::PatchOperation>>,
) -> anyhow::Result<Option<DaemonSet>> {
    let plan = &plan;
    let (ops, stored) = with_retry(progress, "patching the daemonset", || {
        cluster.patch_daemonset_with_retry(namespace, name, ds.clone(), false, move |ds| {
            Ok::<_, Failure>(plan(ds))
        })
    })
    .await?;
    Ok(ops.map(|_| stored))
}

/// Pauses the rollout the way `kubectl ds rollout pause` does (strategy recorded, OnDelete).
async fn halt(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    ds: &DaemonSet,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    patch_retrying(
        cluster,
        namespace,
        name,
        ds.clone(),
        progress,
        |ds| match pause::plan_pause(ds) {
            PausePlan::Patch { ops, .. } => Some(ops),
            PausePlan::AlreadyPaused | PausePlan::OnDeleteIdle => None,
        },
    )
    .await?;
    Ok(())
}

/// Settles what the applied DaemonSet still carries from before: a pause (e.g. a failed rolling
/// rollout halted it) ends, and a finished ondelete rollout's records go (`settle_ops`).
async fn settle_applied(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    applied: DaemonSet,
    manifest_sets_strategy: bool,
    progress: &mut Progress,
) -> anyhow::Result<DaemonSet> {
    let records = [STATE_ANNOTATION, ORIGINAL_STRATEGY_ANNOTATION];
    let Some((_, done)) = rolling::settle_ops(&applied, manifest_sets_strategy, &records) else {
        return Ok(applied);
    };
    let stored = patch_retrying(cluster, namespace, name, applied.clone(), progress, |ds| {
        rolling::settle_ops(ds, manifest_sets_strategy, &records).map(|(ops, _)| ops)
    })
    .await?;
    progress.emit(Event::Note {
        message: format!("daemonset {name:?}: {}", done.join("; ")),
    });
    Ok(stored.unwrap_or(applied))
}

/// The revisions a DaemonSet owns, oldest first.
async fn owned_revisions(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
) -> Result<Vec<ControllerRevision>, Failure> {
    let revisions = cluster
        .list_controller_revisions_matching(namespace, &selector::describe(&ds.spec.selector))
        .await?;
    let uid = ds.metadata.uid.as_deref().unwrap_or_default();
    Ok(history::owned_revisions(revisions, uid))
}

fn finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The gate's view of a pod of the DaemonSet; `None` for finished pods and pods it does not own.
fn facts(pod: &Pod, uid: &str) -> Option<PodFacts> {
    if finished(pod) || !history::is_owned_by(&pod.metadata, uid) {
        return None;
    }
    let (ready, ready_since) = pod_ready(pod);
    Some(PodFacts {
        name: pod.metadata.name.clone().unwrap_or_default(),
        node: crate::daemonset::node_of(pod).unwrap_or_default(),
        hash: pod_hash(pod).unwrap_or_default().to_string(),
        ready,
        ready_since,
        terminating: pod.metadata.deletion_timestamp.is_some(),
        failing: failing(pod),
        not_ready: rolling::not_ready_reason(pod),
    })
}

fn counters(ds: &DaemonSet) -> Counters {
    let status = ds.status.clone().unwrap_or_default();
    Counters {
        generation: ds.metadata.generation.unwrap_or(0),
        observed_generation: status.observed_generation.unwrap_or(0),
        desired: status.desired_number_scheduled,
        updated: status.updated_number_scheduled.unwrap_or(0),
        available: status.number_available.unwrap_or(0),
    }
}

fn node_failures(failing: Vec<Failing>) -> Vec<NodeFailure> {
    failing
        .into_iter()
        .map(|f| NodeFailure {
            node: f.node,
            pod: f.pod,
            reason: f.reason,
        })
        .collect()
}

fn seconds(d: Duration) -> String {
    match d.as_secs() {
        s if s >= 3600 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// What a halted rollout leaves and what to do next.
fn halted_text(name: &str, namespace: &str) -> String {
    format!(
        "Halted: update strategy OnDelete (the RollingUpdate one recorded in {PAUSED_ANNOTATION}), so the controller replaces no more pods. \
         Next: go back with kubectl ds rollout undo {name} -n {namespace} && kubectl ds rollout resume {name} -n {namespace}; \
         or fix the manifest and run kubectl ds rollout apply again; \
         kubectl ds rollout resume {name} -n {namespace} alone lets the controller go on with this revision."
    )
}

/// Rolls `manifest` out with the DaemonSet's own RollingUpdate controller, following it with
/// the health gate.
pub async fn run(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    manifest: Value,
    write: Write<'_>,
    args: &RolloutEngineArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let given = flags_given();
    if let Some(message) = rolling::ondelete_only_flag(|id| given.contains(id)) {
        return Err(Failure::usage(message).into());
    }
    let live = cluster.get_daemonset(namespace, name).await?;
    let strategy = effective_strategy(&manifest, live.as_ref());
    if strategy != "RollingUpdate" {
        return Err(Failure::usage(format!(
            "--mode rolling follows the DaemonSet's RollingUpdate controller, but daemonset {name:?} would have the {strategy} strategy; use --mode ondelete, or set spec.updateStrategy.type RollingUpdate in the manifest"
        ))
        .into());
    }
    if let Some(state) = live.as_ref().and_then(engine::recorded_state) {
        if state.phase.unfinished() {
            return Err(Failure::usage(format!(
                "daemonset {name:?} has a controlled (ondelete) rollout to {} in progress; continue it with kubectl ds rollout resume {name} -n {namespace}, or apply with --mode ondelete",
                state.target_hash
            ))
            .into());
        }
    }
    let manifest_sets_strategy = manifest.pointer("/spec/updateStrategy/type").is_some();
    let mut object = manifest;
    object["metadata"]["namespace"] = Value::String(namespace.to_string());

    // The revision current before the apply, for --auto-rollback.
    let (revisions, current_before) = match &live {
        Some(ds) => {
            let revisions = owned_revisions(cluster, namespace, ds).await?;
            let current = current_hash(ds, &revisions);
            (revisions, current)
        }
        None => (Vec::new(), None),
    };
    if args.dry_run {
        let stored = cluster
            .apply_dry_run(namespace, name, &object)
            .await
            .map_err(rejected(namespace, name, write))?;
        return dry_run(
            cluster,
            namespace,
            name,
            stored,
            live.as_ref(),
            &revisions,
            progress,
        )
        .await;
    }

    let started = now();
    // One rollout at a time: the lock is held while the controller is followed.
    let me = crate::ops::lock::this_process(started);
    match &live {
        Some(live) => {
            check_manifest(cluster, namespace, name, &object, write).await?;
            crate::ops::lock::take_lock(cluster, live, &me, args.force, progress).await?;
        }
        None => {
            if !object["metadata"]["annotations"].is_object() {
                object["metadata"]["annotations"] = json!({});
            }
            object["metadata"]["annotations"][LOCK_ANNOTATION] =
                Value::String(serde_json::to_string(&me)?);
        }
    }
    let keeper = tokio::spawn(crate::ops::lock::keep_lock(
        cluster.clone(),
        namespace.to_string(),
        name.to_string(),
        me.clone(),
    ));
    let outcome = apply_and_follow(
        cluster,
        namespace,
        name,
        &object,
        write,
        manifest_sets_strategy,
        args,
        started,
        &revisions,
        current_before,
        progress,
    )
    .await;
    keeper.abort();
    crate::ops::lock::drop_lock(cluster, namespace, name, &me).await;
    outcome
}

/// Applies the manifest and follows the controller to the end of the rollout.
#[allow(clippy::too_many_arguments)]
async fn apply_and_follow(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    object: &Value,
    write: Write<'_>,
    manifest_sets_strategy: bool,
    args: &RolloutEngineArgs,
    started: i64,
    revisions: &[ControllerRevision],
    current_before: Option<String>,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let applied =
        apply_reported(cluster, namespace, name, object, write, "rolling", progress).await?;
    let applied = settle_applied(
        cluster,
        namespace,
        name,
        applied,
        manifest_sets_strategy,
        progress,
    )
    .await?;
    let follow = Follow {
        cluster,
        namespace,
        name,
        args,
        started,
        revisions: revisions
            .iter()
            .map(|r| {
                (
                    r.revision.unwrap_or_default(),
                    history::hash_of(r).to_string(),
                )
            })
            .collect(),
        templates: revisions
            .iter()
            .map(|r| (history::hash_of(r).to_string(), history::template_of(r)))
            .collect(),
        current_before,
    };
    follow.run(applied, progress).await
}

/// Where the rollout stands.
enum Stage {
    Forward,
    /// The gate failed and the previous template was put back; following the controller
    /// rolling the nodes back to revision `number`.
    RollingBack {
        number: i64,
        hash: String,
        failures: Vec<NodeFailure>,
        /// The number the controller gives the restored revision (the newest, max + 1).
        renumbered: Option<i64>,
    },
}

struct Follow<'a> {
    cluster: &'a Cluster,
    namespace: &'a str,
    name: &'a str,
    args: &'a RolloutEngineArgs,
    started: i64,
    /// The revisions before the apply: (number, hash), oldest first, and templates by hash.
    revisions: Vec<(i64, String)>,
    templates: BTreeMap<String, Value>,
    current_before: Option<String>,
}

impl Follow<'_> {
    /// Follows the controller from the applied DaemonSet until the rollout completes, fails its
    /// gate (halted or rolled back), or Ctrl-C pauses it.
    async fn run(&self, applied: DaemonSet, progress: &mut Progress) -> anyhow::Result<Outcome> {
        let name = self.name;
        let uid = applied.metadata.uid.clone().unwrap_or_default();
        let selector = selector::describe(&applied.spec.selector);
        let deadline = Some(self.args.progress_deadline)
            .filter(|d| !d.is_zero())
            .map(|d| i64::try_from(d.as_secs().max(1)).unwrap_or(i64::MAX));
        let mut changes = self
            .cluster
            .watch_daemonset_and_pods(self.namespace, name, &selector);
        let mut signals = Signals::new();
        // The generation whose revision is the target, and the one last checked for it.
        let mut required_generation = applied.metadata.generation.unwrap_or(0);
        let mut checked_generation = 0;
        let mut clock_start = self.started;
        let mut ds = applied;
        // The gate's view of the pods the DaemonSet owns, from the pod watch.
        let owner = uid.clone();
        let mut pods: Mirror<Pod, PodFacts> =
            Mirror::new(|pod| Some(key(pod)), move |pod| facts(&pod, &owner));
        let mut target: Option<String> = None;
        let mut gate: Option<Gate> = None;
        let mut stage = Stage::Forward;
        let mut shown: Option<(i32, i32, i32)> = None;
        let mut reported = 0usize;
        let mut wake: Option<i64> = None;
        let mut troubles = Troubles::default();
        let mut paused = pause::is_paused(&ds);
        loop {
            let sleep = async {
                match wake {
                    Some(at) => {
                        let wait = u64::try_from((at - now()).max(0)).unwrap_or(0);
                        tokio::time::sleep(Duration::from_secs(wait)).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                signal = signals.next() => {
                    if interrupt::answer(signal, name, progress).await == Interrupt::Pause {
                        halt(self.cluster, self.namespace, name, &ds, progress).await?;
                        progress.emit(Event::Paused {
                            message: format!(
                                "rollout of daemonset {name:?} paused; kubectl ds rollout resume {name} -n {namespace} continues it",
                                namespace = self.namespace
                            ),
                        });
                        return Ok(ExitStatus::Interrupted);
                    }
                }
                change = changes.next() => {
                    let Some(change) = change else {
                        return Err(Failure::api("the watch on the daemonset ended").into());
                    };
                    if let Some(message) = troubles.to_show(&change) {
                        progress.emit(Event::Warning {
                            message: format!("{message}; retrying"),
                        });
                    }
                    match change {
                        WatchChange::DaemonSet(Some(new)) => {
                            super::ensure_same(&new, &uid, name, "during the rollout")?;
                            ds = *new;
                        }
                        WatchChange::DaemonSet(None) => return Err(deleted(name).into()),
                        WatchChange::PodsListed(list) => pods.list(list),
                        WatchChange::PodApplied(pod) => pods.apply(*pod),
                        WatchChange::PodDeleted(pod) => pods.delete(&pod),
                        WatchChange::NodesListed(_)
                        | WatchChange::NodeApplied(_)
                        | WatchChange::NodeDeleted(_)
                        | WatchChange::Trouble(_) => continue,
                    }
                }
                () = sleep => {}
            }
            let Some(pods) = pods.entries() else {
                continue;
            };
            let facts: Vec<PodFacts> = pods.values().cloned().collect();
            let snapshot = Snapshot {
                counters: counters(&ds),
                pods: &facts,
                paused: pause::is_paused(&ds),
            };
            let c = snapshot.counters;
            let at = now();
            if snapshot.paused != paused {
                paused = snapshot.paused;
                progress.emit(Event::Note {
                    message: if paused {
                        format!(
                            "daemonset {name:?} was paused (kubectl ds rollout pause): the controller replaces no pods and the deadline stops until kubectl ds rollout resume {name} -n {namespace}",
                            namespace = self.namespace
                        )
                    } else {
                        format!("daemonset {name:?} was resumed; following the rollout again")
                    },
                });
            }

            // The controller has processed the generation the rollout (or the rollback) wrote:
            // its newest revision is the target. A later template change is someone else's.
            if c.observed_generation >= c.generation
                && c.generation >= required_generation
                && c.generation != checked_generation
            {
                let revisions = with_retry(progress, "listing the daemonset's revisions", || {
                    owned_revisions(self.cluster, self.namespace, &ds)
                })
                .await?;
                let Some(hash) = current_hash(&ds, &revisions) else {
                    continue;
                };
                let number = revisions.last().and_then(|r| r.revision);
                checked_generation = c.generation;
                match &target {
                    None => {
                        progress.emit(Event::Target { hash: hash.clone() });
                        let min_ready = i64::from(self.args.min_ready.unwrap_or(0))
                            .max(i64::from(ds.spec.min_ready_seconds.unwrap_or(0)));
                        if let Stage::RollingBack { renumbered, .. } = &mut stage {
                            *renumbered = number;
                        }
                        gate = Some(Gate::new(
                            &hash,
                            min_ready,
                            deadline,
                            clock_start,
                            &snapshot,
                            at,
                        ));
                        target = Some(hash);
                    }
                    Some(t) if *t != hash => {
                        progress.emit(Event::Failed {
                            message: format!(
                                "the pod template of daemonset {name:?} was changed by another writer during the rollout (now revision {hash}, not {t}); stopped following it, nothing was paused. Review the change, then run the rollout again, or kubectl ds rollout undo {name} -n {namespace}",
                                namespace = self.namespace
                            ),
                            nodes: vec![],
                        });
                        return Ok(ExitStatus::Findings);
                    }
                    Some(_) => {}
                }
            }
            let (Some(current), Some(target_hash)) = (gate.as_mut(), target.clone()) else {
                match rolling::before_target(clock_start, deadline, at) {
                    Verdict::Waiting { wake: next } => {
                        wake = next;
                        continue;
                    }
                    _ => {
                        halt(self.cluster, self.namespace, name, &ds, progress).await?;
                        progress.emit(Event::Failed {
                            message: format!(
                                "rollout of daemonset {name:?} failed: the DaemonSet controller did not process generation {required_generation} within {} (is kube-controller-manager running?). {}",
                                seconds(self.args.progress_deadline),
                                halted_text(name, self.namespace)
                            ),
                            nodes: vec![],
                        });
                        return Ok(ExitStatus::Findings);
                    }
                }
            };

            if c.observed_generation >= c.generation
                && shown != Some((c.updated, c.available, c.desired))
            {
                shown = Some((c.updated, c.available, c.desired));
                progress.emit(Event::Progress {
                    updated: c.updated,
                    available: c.available,
                    desired: c.desired,
                });
            }
            for ready in current.observe(&snapshot, at) {
                reported += 1;
                progress.emit(Event::NodeReady {
                    node: ready.node,
                    pod: ready.pod,
                    ready_since: ready.ready_since.and_then(rfc3339),
                    done: current.done.len(),
                    nodes: usize::try_from(c.desired).unwrap_or(0),
                });
            }
            wake = None;
            let (pod_failing, failing) = match current.decide(&snapshot, at) {
                Verdict::Waiting { wake: next } => {
                    wake = next;
                    continue;
                }
                Verdict::Complete => {
                    return Ok(self.complete(&stage, &target_hash, c.desired, reported, progress));
                }
                Verdict::Failed { pod_failing, nodes } => (pod_failing, node_failures(nodes)),
            };
            let deadline_text = seconds(self.args.progress_deadline);
            let why = match (pod_failing, failing.is_empty()) {
                (true, _) => "a new pod is failing".to_string(),
                (false, false) => {
                    format!("no node got an available new pod within {deadline_text}")
                }
                (false, true) => format!(
                    "no progress within {deadline_text}, and no node is waiting for a new pod (is the DaemonSet controller running?)"
                ),
            };
            if let Stage::RollingBack { number, hash, .. } = &stage {
                halt(self.cluster, self.namespace, name, &ds, progress).await?;
                progress.emit(Event::Failed {
                    message: format!(
                        "rollout of daemonset {name:?} failed, and the rollback to revision {number} ({hash}) failed too: {why}. {}",
                        halted_text(name, self.namespace)
                    ),
                    nodes: failing,
                });
                return Ok(ExitStatus::Findings);
            }
            let back = self
                .args
                .auto_rollback
                .then(|| {
                    rolling::rollback_to(
                        &self.revisions,
                        self.current_before.as_deref(),
                        &target_hash,
                    )
                })
                .flatten();
            let Some((number, hash)) = back else {
                halt(self.cluster, self.namespace, name, &ds, progress).await?;
                let no_previous = if self.args.auto_rollback {
                    " --auto-rollback found no previous revision to restore (the apply created the DaemonSet)."
                } else {
                    ""
                };
                progress.emit(Event::Failed {
                    message: format!(
                        "rollout of daemonset {name:?} to {target_hash} failed: {why}.{no_previous} {}",
                        halted_text(name, self.namespace)
                    ),
                    nodes: failing,
                });
                return Ok(ExitStatus::Findings);
            };

            // --auto-rollback: the previous template back, RollingUpdate kept: the controller
            // moves the nodes back by itself.
            progress.emit(Event::Failed {
                message: format!(
                    "rollout of daemonset {name:?} to {target_hash} failed: {why}; --auto-rollback restores revision {number} ({hash})"
                ),
                nodes: failing.clone(),
            });
            let template = self.templates.get(&hash).cloned().unwrap_or(Value::Null);
            let rollback = |ds: &DaemonSet| {
                Some(vec![
                    crate::daemonset::patch::precondition(ds),
                    crate::daemonset::patch::replace_template(template.clone()),
                ])
            };
            let Some(stored) = patch_retrying(
                self.cluster,
                self.namespace,
                name,
                ds.clone(),
                progress,
                rollback,
            )
            .await?
            else {
                unreachable!("the rollback plan always patches");
            };
            let updated: BTreeSet<String> = facts
                .iter()
                .filter(|p| p.hash == target_hash && !p.terminating && !p.node.is_empty())
                .map(|p| p.node.clone())
                .collect();
            progress.emit(Event::RollingBack {
                hash: hash.clone(),
                nodes: updated.into_iter().collect(),
            });
            required_generation = stored.metadata.generation.unwrap_or(0);
            ds = stored;
            target = None;
            gate = None;
            shown = None;
            reported = 0;
            clock_start = now();
            stage = Stage::RollingBack {
                number,
                hash,
                failures: failing,
                renumbered: None,
            };
        }
    }

    /// The end of a rollout whose gate says complete: the rollout's, or the rollback's (which
    /// still exits 1: the rollout failed).
    fn complete(
        &self,
        stage: &Stage,
        target: &str,
        desired: i32,
        reported: usize,
        progress: &mut Progress,
    ) -> ExitStatus {
        let name = self.name;
        let nodes = if desired == 1 { "node" } else { "nodes" };
        match stage {
            Stage::Forward => {
                let message = if reported == 0 && self.current_before.as_deref() == Some(target) {
                    format!(
                        "rollout of daemonset {name:?} complete: the template did not change; all {desired} {nodes} run {target}"
                    )
                } else {
                    format!(
                        "rollout of daemonset {name:?} complete: {desired} {nodes} updated to {target}"
                    )
                };
                progress.emit(Event::Complete { message });
                ExitStatus::Ok
            }
            Stage::RollingBack {
                number,
                hash,
                failures,
                renumbered,
            } => {
                let now_numbered = renumbered
                    .filter(|n| n != number)
                    .map(|n| format!(", now numbered {n}"))
                    .unwrap_or_default();
                progress.emit(Event::Failed {
                    message: format!(
                        "rollout of daemonset {name:?} failed and was rolled back to revision {number} ({hash}{now_numbered}): all {desired} {nodes} run it again. Fix the manifest and run kubectl ds rollout apply again"
                    ),
                    nodes: failures.clone(),
                });
                ExitStatus::Findings
            }
        }
    }
}

/// `--dry-run`: from the server-side dry run of the apply (`stored`), says whether the pod
/// template changes and which nodes the controller would replace, with its
/// maxUnavailable/maxSurge. Changes nothing.
async fn dry_run(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    stored: DaemonSet,
    live: Option<&DaemonSet>,
    revisions: &[ControllerRevision],
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let Some(live) = live else {
        progress.emit(Event::Complete {
            message: format!(
                "daemonset {name:?} does not exist: it would be created and the controller would start its pods; there is nothing to roll out (dry run: nothing was changed)"
            ),
        });
        return Ok(ExitStatus::Ok);
    };
    let changes = template::compare(&live.spec.template, &stored.spec.template);
    if changes.is_empty() {
        progress.emit(Event::Note {
            message: format!("daemonset {name:?}: the pod template does not change"),
        });
    }
    for line in changes.lines() {
        progress.emit(Event::Note {
            message: format!("template change: {line}"),
        });
    }
    // Pods of a revision whose template is the new one stay; the controller replaces the rest.
    let up_to_date: BTreeSet<String> = revisions
        .iter()
        .filter(|r| {
            template::compare(&history::typed_template(r), &stored.spec.template).is_empty()
        })
        .map(|r| history::hash_of(r).to_string())
        .collect();
    let uid = live.metadata.uid.clone().unwrap_or_default();
    let pods: Vec<PodFacts> = cluster
        .list_pods(namespace, &selector::describe(&live.spec.selector))
        .await?
        .iter()
        .filter_map(|p| facts(p, &uid))
        .collect();
    let template = stored.spec.template.spec.clone().unwrap_or_default();
    let inputs = cluster.placement_inputs(namespace, &template).await?;
    let summary = super::apply::emit_placement(&stored, !changes.is_empty(), &inputs, progress);
    // A node that loses its pod to the update (plan's `Lost:`) gets no replacement.
    let nodes: Vec<String> = rolling::nodes_to_replace(&pods, &up_to_date)
        .into_iter()
        .filter(|node| !summary.lost.iter().any(|(lost, _)| lost == node))
        .collect();
    let pace = UpdatePace::of(
        stored
            .spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.rolling_update.as_ref()),
    );
    let count = i32::try_from(nodes.len()).unwrap_or(i32::MAX);
    let waves = rolling_waves(count, pace.unavailable(), pace.surge());
    let surging = pace
        .surge_nodes(count)
        .map(|n| format!(": {}", budget::surge_words(n)))
        .unwrap_or_default();
    progress.emit(Event::Note {
        message: if count == 0 {
            "the controller would replace no pods: every node already runs this template".into()
        } else {
            format!(
                "the controller would replace the pods on {count} {} (RollingUpdate, maxUnavailable {}, maxSurge {}{surging} ⇒ about {waves} {}): {}",
                if count == 1 { "node" } else { "nodes" },
                pace.max_unavailable,
                pace.max_surge,
                if waves == 1 { "wave" } else { "waves" },
                nodes.join(", ")
            )
        },
    });
    if pause::is_paused(live) {
        progress.emit(Event::Note {
            message: format!(
                "daemonset {name:?} is paused now; the apply would end the pause (RollingUpdate)"
            ),
        });
    }
    progress.emit(Event::Complete {
        message: format!("dry run: daemonset {name:?} was not changed"),
    });
    Ok(ExitStatus::Ok)
}
