//! `--mode rolling`: apply the template (server-side apply, RollingUpdate kept) and follow the
//! DaemonSet's own RollingUpdate controller with the health gate (`crate::rollout::rolling`):
//! live progress, and on a failing new pod or no progress within the deadline, halt it (pause:
//! OnDelete, the strategy recorded) or, with `--auto-rollback`, put the previous revision's
//! template back and follow the controller rolling the nodes back. Ctrl-C pauses the same way.
//! With an analysis gate (checks, metrics, a restart limit: `super::rolling_gate`), the gate is
//! checked while the controller rolls and runs once more over every node before the rollout is
//! complete; a failure of it acts like the health gate's.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::StreamExt as _;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

use super::apply::{apply_reported, check_manifest, rejected, Rollout};
use super::gating::GateMessage;
use super::interrupt::{self, Interrupt, Signals};
use super::ondelete as engine;
use super::retry::with_retry;
use super::rolling_gate::RollingGate;
use super::Outcome;
use crate::cli::RolloutEngineArgs;
use crate::clock::{now, rfc3339};
use crate::cluster::{Cluster, Mirror, Troubles, WatchChange};
use crate::daemonset::budget::{self, UpdatePace};
use crate::daemonset::history;
use crate::daemonset::history::current_hash;
use crate::daemonset::is_finished;
use crate::daemonset::key;
use crate::daemonset::patch;
use crate::daemonset::pause::{self, PausePlan, PAUSED_ANNOTATION};
use crate::daemonset::selector;
use crate::diff::template;
use crate::diff::verdict::rolling_waves;
use crate::error::{ExitStatus, Failure};
use crate::render::progress::{Event, NodeFailure, Progress};
use crate::rollout::analysis::Analysis;
use crate::rollout::follow::{Action, Follower, Halt, Listed, Report, Settings, Why};
use crate::rollout::health::pod_view;
use crate::rollout::lock::LOCK_ANNOTATION;
use crate::rollout::rolling::{self, Counters, Failing, PodView, Snapshot};
use crate::rollout::state::ORIGINAL_STRATEGY_ANNOTATION;
use crate::rollout::state::STATE_ANNOTATION;

fn deleted(namespace: &str, name: &str) -> Failure {
    Failure::api(format!(
        "daemonset {namespace}/{name} was deleted during the rollout"
    ))
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
    plan: impl Fn(&DaemonSet) -> Option<Vec<patch::PatchOperation>>,
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
        message: format!("daemonset {namespace}/{name}: {}", done.join("; ")),
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

/// The gate's view of a pod of the DaemonSet; `None` for finished pods and pods it does not own.
fn facts(pod: &Pod, uid: &str) -> Option<PodView> {
    if is_finished(pod) || !history::is_owned_by(&pod.metadata, uid) {
        return None;
    }
    Some(pod_view(pod, pod.metadata.deletion_timestamp.is_some()))
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

/// Refuses what rolling mode cannot do: ondelete-only flags, a DaemonSet that would not have
/// the RollingUpdate strategy, or one with a controlled rollout in progress.
fn check_rolling(
    manifest: &Value,
    live: Option<&DaemonSet>,
    rollout: (&str, &str),
    args: &RolloutEngineArgs,
) -> Result<(), Failure> {
    let (namespace, name) = rollout;
    if let Some(message) = rolling::ondelete_only_flag(&args.ondelete_only_given()) {
        return Err(Failure::usage(message));
    }
    let strategy = effective_strategy(manifest, live);
    if strategy != "RollingUpdate" {
        return Err(Failure::usage(format!(
            "--mode rolling follows the DaemonSet's RollingUpdate controller, but daemonset {namespace}/{name} would have the {strategy} strategy; use --mode ondelete, or set spec.updateStrategy.type RollingUpdate in the manifest"
        )));
    }
    match live.and_then(engine::recorded_state) {
        Some(state) if state.phase.unfinished() => Err(Failure::usage(format!(
            "daemonset {namespace}/{name} has a controlled (ondelete) rollout to {} in progress; continue it with kubectl ds rollout resume {name} -n {namespace}, or apply with --mode ondelete",
            state.target_hash
        ))),
        _ => Ok(()),
    }
}

/// The revisions before the apply, and which was current (for --auto-rollback).
struct Before {
    revisions: Vec<ControllerRevision>,
    current: Option<String>,
}

impl Before {
    async fn read(
        cluster: &Cluster,
        namespace: &str,
        live: Option<&DaemonSet>,
    ) -> anyhow::Result<Self> {
        let Some(ds) = live else {
            return Ok(Before {
                revisions: Vec::new(),
                current: None,
            });
        };
        let revisions = owned_revisions(cluster, namespace, ds).await?;
        let current = current_hash(ds, &revisions);
        Ok(Before { revisions, current })
    }
}

/// Rolls `manifest` out with the DaemonSet's own RollingUpdate controller, following it with
/// the health gate.
pub async fn run(rollout: Rollout<'_>, analysis: Option<Analysis>) -> anyhow::Result<Outcome> {
    let (cluster, namespace, name) = (rollout.cluster, rollout.namespace, rollout.name);
    if analysis.as_ref().is_some_and(|a| a.approve) {
        return Err(Failure::usage(
            "--approve stops after each wave of the ondelete engine; the RollingUpdate controller has no waves to stop between: use --mode ondelete, or kubectl ds rollout pause",
        )
        .into());
    }
    let live = cluster.get_daemonset(namespace, name).await?;
    check_rolling(
        &rollout.manifest,
        live.as_ref(),
        (namespace, name),
        rollout.args,
    )?;
    let before = Before::read(cluster, namespace, live.as_ref()).await?;
    let mut object = rollout.manifest.clone();
    object["metadata"]["namespace"] = Value::String(namespace.to_string());
    if rollout.args.dry_run {
        if let Some(analysis) = &analysis {
            rollout.progress.emit(Event::Note {
                message: format!(
                    "analysis gate, checked while the controller rolls and once more over every node at the end: {}",
                    analysis.summary()
                ),
            });
        }
        let stored = cluster
            .apply_dry_run(namespace, name, &object)
            .await
            .map_err(rejected(namespace, name, rollout.write))?;
        let live = live.as_ref();
        return dry_run(
            cluster,
            (namespace, name),
            stored,
            live,
            &before.revisions,
            rollout.progress,
        )
        .await;
    }
    let started = now();
    // One rollout at a time: the lock is held while the controller is followed.
    let me = crate::ops::lock::this_process(started);
    match &live {
        Some(live) => {
            check_manifest(cluster, namespace, name, &object, rollout.write).await?;
            crate::ops::lock::take_lock(cluster, live, &me, rollout.args.force, rollout.progress)
                .await?;
        }
        None => {
            if !object["metadata"]["annotations"].is_object() {
                object["metadata"]["annotations"] = json!({});
            }
            object["metadata"]["annotations"][LOCK_ANNOTATION] = Value::String(me.to_annotation());
        }
    }
    let keeper = tokio::spawn(crate::ops::lock::keep_lock(
        cluster.clone(),
        namespace.to_string(),
        name.to_string(),
        me.clone(),
    ));
    let outcome = apply_and_follow(rollout, &object, (started, before), analysis).await;
    keeper.abort();
    crate::ops::lock::drop_lock(cluster, namespace, name, &me).await;
    outcome
}

/// Applies the manifest and follows the controller to the end of the rollout (and its gate).
async fn apply_and_follow(
    rollout: Rollout<'_>,
    object: &Value,
    (started, before): (i64, Before),
    analysis: Option<Analysis>,
) -> anyhow::Result<Outcome> {
    let Rollout {
        cluster,
        namespace,
        name,
        manifest,
        write,
        args,
        progress,
    } = rollout;
    let sets_strategy = manifest.pointer("/spec/updateStrategy/type").is_some();
    let applied =
        apply_reported(cluster, namespace, name, object, write, "rolling", progress).await?;
    let applied =
        settle_applied(cluster, namespace, name, applied, sets_strategy, progress).await?;
    let settings = Settings {
        min_ready_seconds: i64::from(args.min_ready.unwrap_or(0)),
        deadline_seconds: Some(args.progress_deadline)
            .filter(|d| !d.is_zero())
            .map(|d| i64::try_from(d.as_secs().max(1)).unwrap_or(i64::MAX)),
        auto_rollback: args.auto_rollback,
        revisions: before
            .revisions
            .iter()
            .map(|r| {
                (
                    r.revision.unwrap_or_default(),
                    history::hash_of(r).to_string(),
                )
            })
            .collect(),
        current_before: before.current,
        gated: analysis.is_some(),
    };
    let follow = Follow {
        cluster,
        namespace,
        name,
        args,
        templates: before
            .revisions
            .iter()
            .map(|r| (history::hash_of(r).to_string(), history::template_of(r)))
            .collect(),
        analysis,
    };
    let generation = applied.metadata.generation.unwrap_or(0);
    let follower = Follower::new(settings, generation, started, pause::is_paused(&applied));
    follow.run(applied, follower, progress).await
}

/// The I/O around [`Follower`]: the watch, Ctrl-C, the revision list it asks for, the pause
/// and the rollback patch it decides on, and the words for what it reports.
struct Follow<'a> {
    cluster: &'a Cluster,
    namespace: &'a str,
    name: &'a str,
    args: &'a RolloutEngineArgs,
    /// The templates of the revisions before the apply, by hash (what --auto-rollback restores).
    templates: BTreeMap<String, Value>,
    /// The analysis gate, if one was asked for.
    analysis: Option<Analysis>,
}

/// A pod the DaemonSet owns as the watch shows it: the gate's view, and the pod itself while a
/// restart limit needs its container statuses.
#[derive(Clone)]
struct Seen {
    view: PodView,
    pod: Option<Pod>,
}

/// The DaemonSet and its pods as the watch shows them.
struct Watched {
    uid: String,
    ds: DaemonSet,
    pods: Mirror<Pod, Seen>,
    troubles: Troubles,
}

impl Watched {
    /// `ds` as applied, its pods not listed yet; `keep_pods`: the pods are kept whole.
    fn new(ds: DaemonSet, keep_pods: bool) -> Self {
        let uid = ds.metadata.uid.clone().unwrap_or_default();
        let owner = uid.clone();
        let project = move |pod: Pod| {
            let view = facts(&pod, &owner)?;
            Some(Seen {
                view,
                pod: keep_pods.then_some(pod),
            })
        };
        Watched {
            uid,
            ds,
            pods: Mirror::new(|pod| Some(key(pod)), project),
            troubles: Troubles::default(),
        }
    }

    /// The gate's view of the pods, once listed.
    fn views(&self) -> Option<Vec<PodView>> {
        let pods = self.pods.entries()?;
        Some(pods.values().map(|seen| seen.view.clone()).collect())
    }

    /// Takes in one watch change; false when it changes nothing the follower looks at.
    fn take(
        &mut self,
        change: WatchChange,
        (namespace, name): (&str, &str),
        progress: &mut Progress,
    ) -> Result<bool, Failure> {
        if let Some(message) = self.troubles.to_show(&change) {
            progress.emit(Event::Warning {
                message: format!("{message}; retrying"),
            });
        }
        match self.pods.take_pod_change(change) {
            None => Ok(true),
            Some(WatchChange::DaemonSet(Some(new))) => {
                crate::ops::ensure_same(&new, &self.uid, (namespace, name), "during the rollout")?;
                self.ds = *new;
                Ok(true)
            }
            Some(WatchChange::DaemonSet(None)) => Err(deleted(namespace, name)),
            Some(_) => Ok(false),
        }
    }
}

/// Sleeps until second `wake`; forever without one.
async fn sleep_until(wake: Option<i64>) {
    match wake {
        Some(at) => tokio::time::sleep(crate::clock::until_second(at)).await,
        None => std::future::pending::<()>().await,
    }
}

impl Follow<'_> {
    /// Follows the controller from the applied DaemonSet until the rollout completes, fails its
    /// gate (halted or rolled back), or Ctrl-C pauses it. The analysis gate, if any, runs beside
    /// it and is stopped on every way out.
    async fn run(
        &self,
        applied: DaemonSet,
        mut follower: Follower,
        progress: &mut Progress,
    ) -> anyhow::Result<Outcome> {
        let selector = selector::describe(&applied.spec.selector);
        let mut changes =
            self.cluster
                .watch_daemonset_and_pods(self.namespace, self.name, &selector);
        let mut signals = Signals::new();
        let mut gate = self
            .analysis
            .clone()
            .map(|a| RollingGate::start(a, self.cluster, self.namespace, self.name));
        let keep_pods = gate.as_ref().is_some_and(RollingGate::limits_restarts);
        let mut watched = Watched::new(applied, keep_pods);
        let mut wake: Option<i64> = None;
        loop {
            tokio::select! {
                signal = signals.next() => {
                    if interrupt::answer(signal, self.namespace, self.name, progress).await == Interrupt::Pause {
                        drop(gate.take());
                        return self.pause_on_interrupt(&watched.ds, progress).await;
                    }
                }
                change = changes.next() => {
                    let Some(change) = change else {
                        return Err(Failure::api("the watch on the daemonset ended").into());
                    };
                    if !watched.take(change, (self.namespace, self.name), progress)? {
                        continue;
                    }
                    self.watch_restarts(gate.as_mut(), &mut follower, &watched, progress);
                }
                message = RollingGate::next(&mut gate) => {
                    if !gate_message(message, gate.as_mut(), &mut follower, progress) {
                        continue;
                    }
                }
                () = sleep_until(wake) => {}
            }
            match self
                .decide(&mut follower, &mut watched, &mut gate, progress)
                .await?
            {
                Decided::Wait(next) => wake = next,
                Decided::End(outcome) => return Ok(outcome),
            }
        }
    }

    /// With a restart limit: a new pod over it fails the gate (acted on at the next step).
    fn watch_restarts(
        &self,
        gate: Option<&mut RollingGate>,
        follower: &mut Follower,
        watched: &Watched,
        progress: &mut Progress,
    ) {
        let Some(gate) = gate.filter(|g| g.limits_restarts()) else {
            return;
        };
        let (Some(pods), Some(views)) = (watched.pods.entries(), watched.views()) else {
            return;
        };
        let Some(scope) = follower.gate_scope(self.namespace, &views) else {
            return;
        };
        let new: Vec<&Pod> = pods
            .values()
            .filter(|seen| scope.pods.binary_search(&seen.view.name).is_ok())
            .filter_map(|seen| seen.pod.as_ref())
            .collect();
        if let Some((events, reason)) = gate.restarts_exceeded(&new) {
            for event in events {
                progress.emit(event);
            }
            follower.gate_done(Err(reason));
        }
    }

    /// Steps the follower on what the watch shows now until it waits or the rollout ends; the
    /// gate follows the nodes updated so far, runs once more at the end, and stops with the
    /// rollout (or its rollback).
    async fn decide(
        &self,
        follower: &mut Follower,
        watched: &mut Watched,
        gate: &mut Option<RollingGate>,
        progress: &mut Progress,
    ) -> anyhow::Result<Decided> {
        let Some(facts) = watched.views() else {
            return Ok(Decided::Wait(None));
        };
        let mut listed: Option<Listed> = None;
        loop {
            let snapshot = Snapshot {
                counters: counters(&watched.ds),
                pods: &facts,
                paused: pause::is_paused(&watched.ds),
            };
            let min_ready = i64::from(watched.ds.spec.min_ready_seconds.unwrap_or(0));
            let step = follower.step(&snapshot, min_ready, listed.as_ref(), now());
            for report in step.reports {
                progress.emit(self.event(report));
            }
            let scope = follower.gate_scope(self.namespace, &facts);
            match step.action {
                Action::Wait { wake } => {
                    if let (Some(gate), Some(scope)) = (gate.as_ref(), scope) {
                        gate.rescope(scope);
                    }
                    return Ok(Decided::Wait(wake));
                }
                Action::ListRevisions => {
                    let generation = snapshot.counters.generation;
                    listed = Some(
                        self.newest_revision(&watched.ds, generation, progress)
                            .await?,
                    );
                }
                Action::FinalGate => match (gate.as_mut(), scope) {
                    (Some(gate), Some(scope)) => {
                        progress.emit(gate.start_last(scope));
                        return Ok(Decided::Wait(None));
                    }
                    // No gate to run: nothing holds the rollout back.
                    _ => follower.gate_done(Ok(())),
                },
                Action::RollBack {
                    target,
                    why,
                    nodes,
                    number,
                    hash,
                    updated,
                } => {
                    drop(gate.take());
                    let (rollback, failed) = ((number, hash, nodes), (target, why));
                    self.roll_back(rollback, failed, updated, (follower, watched), progress)
                        .await?;
                    return Ok(Decided::Wait(None));
                }
                end => {
                    drop(gate.take());
                    return self.end(end, &watched.ds, progress).await.map(Decided::End);
                }
            }
        }
    }

    /// The rollout to `target` failed its gate and --auto-rollback restores revision `number`
    /// (`hash`): said, written, and the follower follows the controller rolling the `updated`
    /// nodes back.
    async fn roll_back(
        &self,
        (number, hash, nodes): (i64, String, Vec<Failing>),
        (target, why): (String, Why),
        updated: Vec<String>,
        (follower, watched): (&mut Follower, &mut Watched),
        progress: &mut Progress,
    ) -> anyhow::Result<()> {
        progress.emit(Event::Failed {
            message: format!(
                "rollout of daemonset {}/{} to {target} failed: {}; --auto-rollback restores revision {number} ({hash})",
                self.namespace,
                self.name,
                self.why(why)
            ),
            nodes: node_failures(nodes.clone()),
        });
        let stored = self.restore(&watched.ds, &hash, progress).await?;
        progress.emit(Event::RollingBack {
            hash: hash.clone(),
            nodes: updated,
        });
        let generation = stored.metadata.generation.unwrap_or(0);
        watched.ds = stored;
        follower.rolling_back((number, hash, nodes), generation, now());
        Ok(())
    }

    /// The newest revision the DaemonSet owns, after the controller processed `generation`.
    async fn newest_revision(
        &self,
        ds: &DaemonSet,
        generation: i64,
        progress: &mut Progress,
    ) -> anyhow::Result<Listed> {
        let revisions = with_retry(progress, "listing the daemonset's revisions", || {
            owned_revisions(self.cluster, self.namespace, ds)
        })
        .await?;
        let newest = current_hash(ds, &revisions)
            .map(|hash| (hash, revisions.last().and_then(|r| r.revision)));
        Ok(Listed { generation, newest })
    }

    /// --auto-rollback: the previous template back, RollingUpdate kept: the controller moves
    /// the nodes back by itself.
    async fn restore(
        &self,
        ds: &DaemonSet,
        hash: &str,
        progress: &mut Progress,
    ) -> anyhow::Result<DaemonSet> {
        let Some(template) = self.templates.get(hash).cloned() else {
            halt(self.cluster, self.namespace, self.name, ds, progress).await?;
            return Err(Failure::api(format!(
                "the template of revision {hash} of daemonset {}/{} was not read before the apply, so it cannot be restored; the rollout is halted. {}",
                self.namespace,
                self.name,
                halted_text(self.name, self.namespace)
            ))
            .into());
        };
        let rollback = |ds: &DaemonSet| {
            Some(vec![
                patch::precondition(ds),
                patch::replace_template(template.clone()),
            ])
        };
        patch_retrying(
            self.cluster,
            self.namespace,
            self.name,
            ds.clone(),
            progress,
            rollback,
        )
        .await?
        .ok_or_else(|| Failure::api("the rollback patch was not sent").into())
    }

    async fn pause_on_interrupt(
        &self,
        ds: &DaemonSet,
        progress: &mut Progress,
    ) -> anyhow::Result<Outcome> {
        halt(self.cluster, self.namespace, self.name, ds, progress).await?;
        let (name, namespace) = (self.name, self.namespace);
        progress.emit(Event::Paused {
            message: format!(
                "rollout of daemonset {namespace}/{name} paused; kubectl ds rollout resume {name} -n {namespace} continues it"
            ),
        });
        Ok(ExitStatus::Interrupted)
    }

    /// A report as a progress event.
    fn event(&self, report: Report) -> Event {
        let (name, namespace) = (self.name, self.namespace);
        match report {
            Report::Paused(true) => Event::Note {
                message: format!(
                    "daemonset {namespace}/{name} was paused (kubectl ds rollout pause): the controller replaces no pods and the deadline stops until kubectl ds rollout resume {name} -n {namespace}"
                ),
            },
            Report::Paused(false) => Event::Note {
                message: format!("daemonset {namespace}/{name} was resumed; following the rollout again"),
            },
            Report::Target(hash) => Event::Target { hash },
            Report::Progress {
                updated,
                available,
                desired,
            } => Event::Progress {
                updated,
                available,
                desired,
            },
            Report::NodeReady { ready, done, nodes } => Event::NodeReady {
                node: ready.node,
                pod: ready.pod,
                ready_since: ready.ready_since.map(rfc3339),
                done,
                nodes,
            },
        }
    }

    fn why(&self, why: Why) -> String {
        let deadline = seconds(self.args.progress_deadline);
        match why {
            Why::PodFailing => "a new pod is failing".to_string(),
            Why::NoNodeProgress => format!("no node got an available new pod within {deadline}"),
            Why::NoProgress => format!(
                "no progress within {deadline}, and no node is waiting for a new pod (is the DaemonSet controller running?)"
            ),
            Why::Analysis(reason) => format!("the analysis gate failed: {reason}"),
        }
    }

    /// The end of the rollout the follower decided on: halted (paused) and failed, superseded
    /// by another writer, complete, or rolled back (which still exits 1: the rollout failed).
    async fn end(
        &self,
        action: Action,
        ds: &DaemonSet,
        progress: &mut Progress,
    ) -> anyhow::Result<Outcome> {
        let (name, namespace) = (self.name, self.namespace);
        let (event, status) = match action {
            Action::Halt(why) => {
                halt(self.cluster, namespace, name, ds, progress).await?;
                (self.halted(why), ExitStatus::Findings)
            }
            Action::Superseded { target, now } => (
                Event::Failed {
                    message: format!(
                        "the pod template of daemonset {namespace}/{name} was changed by another writer during the rollout (now revision {now}, not {target}); stopped following it, nothing was paused. Review the change, then run the rollout again, or kubectl ds rollout undo {name} -n {namespace}"
                    ),
                    nodes: vec![],
                },
                ExitStatus::Findings,
            ),
            Action::Complete {
                target,
                desired,
                unchanged,
            } => (
                completed((namespace, name), &target, desired, unchanged),
                ExitStatus::Ok,
            ),
            Action::RolledBack {
                number,
                hash,
                renumbered,
                desired,
                failures,
            } => {
                let now_numbered = renumbered
                    .filter(|n| *n != number)
                    .map(|n| format!(", now numbered {n}"))
                    .unwrap_or_default();
                let message = format!(
                    "rollout of daemonset {namespace}/{name} failed and was rolled back to revision {number} ({hash}{now_numbered}): all {desired} {} run it again. Fix the manifest and run kubectl ds rollout apply again",
                    plural_nodes(desired)
                );
                let nodes = node_failures(failures);
                (Event::Failed { message, nodes }, ExitStatus::Findings)
            }
            Action::Wait { .. }
            | Action::ListRevisions
            | Action::FinalGate
            | Action::RollBack { .. } => {
                return Err(Failure::api("the rolling follower ended on a step that does not end it").into())
            }
        };
        progress.emit(event);
        Ok(status)
    }

    /// The failure of a halted rollout, and what to do next.
    fn halted(&self, halt: Halt) -> Event {
        let (name, namespace) = (self.name, self.namespace);
        let next = halted_text(name, namespace);
        let (message, nodes) = match halt {
            Halt::ControllerIdle { generation } => (
                format!(
                    "rollout of daemonset {namespace}/{name} failed: the DaemonSet controller did not process generation {generation} within {} (is kube-controller-manager running?). {next}",
                    seconds(self.args.progress_deadline)
                ),
                vec![],
            ),
            Halt::RollbackFailed { number, hash, why, nodes } => (
                format!(
                    "rollout of daemonset {namespace}/{name} failed, and the rollback to revision {number} ({hash}) failed too: {}. {next}",
                    self.why(why)
                ),
                nodes,
            ),
            Halt::Failed { target, why, nodes, no_previous } => {
                let no_previous = match no_previous {
                    true => " --auto-rollback found no previous revision to restore (the apply created the DaemonSet).",
                    false => "",
                };
                (
                    format!(
                        "rollout of daemonset {namespace}/{name} to {target} failed: {}.{no_previous} {next}",
                        self.why(why)
                    ),
                    nodes,
                )
            }
        };
        Event::Failed {
            message,
            nodes: node_failures(nodes),
        }
    }
}

/// A message of the analysis gate's run: its events shown, its end told to the follower. True
/// when the follower must step on it.
fn gate_message(
    message: GateMessage,
    gate: Option<&mut RollingGate>,
    follower: &mut Follower,
    progress: &mut Progress,
) -> bool {
    match message {
        GateMessage::Event(event) => {
            progress.emit(event);
            false
        }
        GateMessage::Done(result) => {
            for event in gate.map(|g| g.finished(&result)).unwrap_or_default() {
                progress.emit(event);
            }
            follower.gate_done(result);
            true
        }
    }
}

/// What one round of decisions came to.
enum Decided {
    Wait(Option<i64>),
    End(Outcome),
}

fn plural_nodes(count: i32) -> &'static str {
    if count == 1 {
        "node"
    } else {
        "nodes"
    }
}

/// A rollout whose gate says complete.
fn completed(
    (namespace, name): (&str, &str),
    target: &str,
    desired: i32,
    unchanged: bool,
) -> Event {
    let nodes = plural_nodes(desired);
    let message = if unchanged {
        format!(
            "rollout of daemonset {namespace}/{name} complete: the template did not change; all {desired} {nodes} run {target}"
        )
    } else {
        format!("rollout of daemonset {namespace}/{name} complete: {desired} {nodes} updated to {target}")
    };
    Event::Complete { message }
}

/// `--dry-run`: from the server-side dry run of the apply (`stored`), says whether the pod
/// template changes and which nodes the controller would replace, with its
/// maxUnavailable/maxSurge. Changes nothing.
async fn dry_run(
    cluster: &Cluster,
    (namespace, name): (&str, &str),
    stored: DaemonSet,
    live: Option<&DaemonSet>,
    revisions: &[ControllerRevision],
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let Some(live) = live else {
        progress.emit(Event::Complete {
            message: format!(
                "daemonset {namespace}/{name} does not exist: it would be created and the controller would start its pods; there is nothing to roll out (dry run: nothing was changed)"
            ),
        });
        return Ok(ExitStatus::Ok);
    };
    let changes = template::compare(&live.spec.template, &stored.spec.template);
    note_template_changes((namespace, name), &changes, progress);
    let pods = owned_pod_facts(cluster, namespace, live).await?;
    let template = stored.spec.template.spec.clone().unwrap_or_default();
    let inputs = cluster.placement_inputs(namespace, &template).await?;
    let summary = super::apply::emit_placement(&stored, !changes.is_empty(), &inputs, progress);
    let nodes = replaced_nodes(&pods, revisions, &stored, &summary.lost);
    note_replacements(&stored, &nodes, progress);
    if pause::is_paused(live) {
        progress.emit(Event::Note {
            message: format!(
                "daemonset {namespace}/{name} is paused now; the apply would end the pause (RollingUpdate)"
            ),
        });
    }
    progress.emit(Event::Complete {
        message: format!("dry run: daemonset {namespace}/{name} was not changed"),
    });
    Ok(ExitStatus::Ok)
}

fn note_template_changes(
    (namespace, name): (&str, &str),
    changes: &template::TemplateChanges,
    progress: &mut Progress,
) {
    if changes.is_empty() {
        progress.emit(Event::Note {
            message: format!("daemonset {namespace}/{name}: the pod template does not change"),
        });
    }
    for line in changes.lines() {
        progress.emit(Event::Note {
            message: format!("template change: {line}"),
        });
    }
}

/// The facts of the pods `live` owns.
async fn owned_pod_facts(
    cluster: &Cluster,
    namespace: &str,
    live: &DaemonSet,
) -> anyhow::Result<Vec<PodView>> {
    let uid = live.metadata.uid.clone().unwrap_or_default();
    Ok(cluster
        .list_pods(namespace, &selector::describe(&live.spec.selector))
        .await?
        .iter()
        .filter_map(|p| facts(p, &uid))
        .collect())
}

/// The nodes whose pods the controller would replace to move them to `stored`'s template.
fn replaced_nodes(
    pods: &[PodView],
    revisions: &[ControllerRevision],
    stored: &DaemonSet,
    lost: &[(String, String)],
) -> Vec<String> {
    // Pods of a revision whose template is the new one stay; the controller replaces the rest.
    let up_to_date: BTreeSet<String> = revisions
        .iter()
        .filter(|r| {
            template::compare(&history::typed_template(r), &stored.spec.template).is_empty()
        })
        .map(|r| history::hash_of(r).to_string())
        .collect();
    // A node that loses its pod to the update (plan's `Lost:`) gets no replacement.
    rolling::nodes_to_replace(pods, &up_to_date)
        .into_iter()
        .filter(|node| !lost.iter().any(|(gone, _)| gone == node))
        .collect()
}

/// Which nodes the controller would replace, at what pace and in about how many waves.
fn note_replacements(stored: &DaemonSet, nodes: &[String], progress: &mut Progress) {
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
}
