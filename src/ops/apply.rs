//! Applying a manifest as a rollout, in the mode asked for (or the one its update strategy
//! implies). ondelete: take the rollout lock, apply with the OnDelete strategy (the wanted one
//! recorded in an annotation) and hand over to the engine, which replaces the pods wave by wave.
//! `--dry-run` prints the wave plan and changes nothing. rolling: `super::rolling`.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{json, Value};

use super::ondelete::{self as engine, Driver, Start};
use super::Outcome;
use crate::cli::{GateArgs, RolloutEngineArgs, RolloutMode};
use crate::cluster::{ApplyError, Cluster};
use crate::daemonset::history::current_hash;
use crate::daemonset::patch::{self, PatchOperation};
use crate::daemonset::pod_hash;
use crate::daemonset::{pause, selector};
use crate::diff::template;
use crate::error::{ExitStatus, Failure};
use crate::manifest::Object;
use crate::placement::plan::{PlacementInputs, Summary};
use crate::placement::report;
use crate::render::progress::{Event, Progress};
use crate::rollout::analysis::Analysis;
use crate::rollout::lock::LOCK_ANNOTATION;
use crate::rollout::node_policy::NodePolicy;
use crate::rollout::state::{RolloutState, ORIGINAL_STRATEGY_ANNOTATION};

/// The mode asked for, or the one the manifest's own update strategy implies.
pub fn mode_of(manifest: &Value, args: &RolloutEngineArgs) -> RolloutMode {
    args.mode.unwrap_or_else(|| {
        match manifest
            .pointer("/spec/updateStrategy/type")
            .and_then(Value::as_str)
        {
            Some("OnDelete") => RolloutMode::Ondelete,
            _ => RolloutMode::Rolling,
        }
    })
}

/// What a rollout is about: the cluster, the DaemonSet, the manifest to roll out and how it is
/// written, the flags, and where its progress goes.
pub struct Rollout<'a> {
    pub cluster: &'a Cluster,
    pub namespace: &'a str,
    pub name: &'a str,
    /// The DaemonSet with its wanted update strategy.
    pub manifest: Value,
    pub write: Write<'a>,
    pub args: &'a RolloutEngineArgs,
    pub progress: &'a mut Progress,
}

/// How a rollout writes its change.
#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    /// `rollout apply -f`, `migrate`: the manifest as read from its file, server-side applied
    /// (field manager kubectl-ds owns it) with strict field validation.
    Apply(&'a Object),
    /// restart, set-image, undo: the live DaemonSet's pod template (and the strategy) edited by a
    /// JSON patch, as kubectl does, so the plugin takes over only the fields it changes.
    Edit,
}

/// Rolls `manifest` (a DaemonSet with its wanted update strategy) out in the mode asked for.
pub async fn run(rollout: Rollout<'_>) -> anyhow::Result<Outcome> {
    let analysis = analysis_of(&rollout.args.gates)?;
    node_policy_of(rollout.args)?;
    if let Some(analysis) = &analysis {
        super::gate::preflight(analysis).await?;
    }
    match mode_of(&rollout.manifest, rollout.args) {
        RolloutMode::Rolling => super::rolling::run(rollout, analysis).await,
        RolloutMode::Ondelete if rollout.args.dry_run => dry_run(rollout, analysis).await,
        RolloutMode::Ondelete => run_ondelete(rollout, analysis).await,
    }
}

/// The analysis file's name (for messages) and text, when `--analysis` names one.
fn analysis_file(flags: &GateArgs) -> Result<Option<(String, String)>, Failure> {
    let Some(path) = &flags.analysis else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the analysis file {}: {e}",
            path.display()
        ))
    })?;
    Ok(Some((path.display().to_string(), text)))
}

/// How the engine treats the nodes, from the flags over the analysis file's `nodes:`, validated.
pub fn node_policy_of(args: &RolloutEngineArgs) -> Result<NodePolicy, Failure> {
    let base = match analysis_file(&args.gates)? {
        Some((file, text)) => {
            NodePolicy::from_analysis_yaml(&file, &text).map_err(Failure::usage)?
        }
        None => NodePolicy::default(),
    };
    base.with_flags(&args.nodes).map_err(Failure::usage)
}

/// The gate the flags (and the --analysis file) ask for, validated; `None` without one.
pub fn analysis_of(flags: &GateArgs) -> Result<Option<Analysis>, Failure> {
    let base = match analysis_file(flags)? {
        Some((file, text)) => Analysis::from_yaml(&file, &text).map_err(Failure::usage)?,
        None => Analysis::default(),
    };
    let analysis = base.with_flags(flags).map_err(Failure::usage)?;
    Ok((!analysis.is_empty()).then_some(analysis))
}

/// The manifest as applied during an ondelete rollout: OnDelete, the wanted strategy recorded.
fn with_on_delete(manifest: Value, namespace: &str) -> Value {
    let original = manifest
        .pointer("/spec/updateStrategy")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| json!({"type": "RollingUpdate"}));
    let mut object = manifest;
    object["metadata"]["namespace"] = Value::String(namespace.to_string());
    object["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    if !object["metadata"]["annotations"].is_object() {
        object["metadata"]["annotations"] = json!({});
    }
    object["metadata"]["annotations"][ORIGINAL_STRATEGY_ANNOTATION] =
        Value::String(original.to_string());
    object
}

impl<'a> Write<'a> {
    /// The manifest as read, when the change comes from one.
    pub fn source(self) -> Option<&'a Object> {
        match self {
            Write::Apply(object) => Some(object),
            Write::Edit => None,
        }
    }
}

/// A server-side apply error as the user's failure: a rejected manifest is bad input, named
/// with its file (and the line of the field at fault) when it came from one.
pub(crate) fn rejected<'a>(
    namespace: &'a str,
    name: &'a str,
    write: Write<'a>,
) -> impl Fn(ApplyError) -> Failure + 'a {
    move |e| match e {
        ApplyError::Rejected(message) => crate::manifest::rejection::rejected_manifest(
            write.source(),
            namespace,
            name,
            "rejected",
            &message,
        ),
        ApplyError::Failed(failure) => failure,
    }
}

/// A server-side dry run of applying a manifest before the rollout writes anything (the lock
/// first), so a manifest the server refuses (an unknown field, an immutable selector) leaves the
/// DaemonSet as it was. Changes the plugin makes itself (`Write::Edit`) need no check.
pub(super) async fn check_manifest(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    object: &Value,
    write: Write<'_>,
) -> Result<(), Failure> {
    if write.source().is_none() {
        return Ok(());
    }
    cluster
        .apply_dry_run(namespace, name, object)
        .await
        .map(drop)
        .map_err(rejected(namespace, name, write))
}

/// The JSON patch that turns `live` into `object` where a rollout changes it: the pod template,
/// the update strategy, and the rollout's own annotations.
fn edit_ops(live: &DaemonSet, object: &Value) -> anyhow::Result<Vec<PatchOperation>> {
    let current = serde_json::to_value(live)?;
    let mut ops = vec![patch::precondition(live)];
    for (pointer, replace) in [
        (
            "/spec/template",
            patch::replace_template as fn(Value) -> PatchOperation,
        ),
        ("/spec/updateStrategy", patch::replace_update_strategy),
    ] {
        if let Some(wanted) = object.pointer(pointer).filter(|v| !v.is_null()) {
            if current.pointer(pointer) != Some(wanted) {
                ops.push(replace(wanted.clone()));
            }
        }
    }
    let annotations: Vec<(&str, String)> = [ORIGINAL_STRATEGY_ANNOTATION, LOCK_ANNOTATION]
        .into_iter()
        .filter_map(|key| {
            let wanted = object["metadata"]["annotations"][key].as_str()?;
            (pause::annotation(live, key).map(String::as_str) != Some(wanted))
                .then(|| (key, wanted.to_string()))
        })
        .collect();
    if !annotations.is_empty() {
        ops.extend(patch::set_annotations(live, annotations));
    }
    Ok(ops)
}

/// The edit planned from `fresh`, the DaemonSet as read (again, after a conflict): refused when
/// its pod template is no longer `read`, the one it had when this command read it first, so a
/// template another writer set meanwhile is not overwritten.
fn edit_plan(
    read: &PodTemplateSpec,
    fresh: &DaemonSet,
    object: &Value,
) -> anyhow::Result<Vec<PatchOperation>> {
    if fresh.spec.template != *read {
        let namespace = fresh.metadata.namespace.as_deref().unwrap_or_default();
        let name = fresh.metadata.name.as_deref().unwrap_or_default();
        return Err(Failure::api(format!(
            "the pod template of daemonset {namespace}/{name} was changed by another writer while this command ran; nothing was changed, run the command again"
        ))
        .into());
    }
    edit_ops(fresh, object)
}

/// Writes the change (`write`) and reports it.
pub(super) async fn apply_reported(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    object: &Value,
    write: Write<'_>,
    mode: &str,
    progress: &mut Progress,
) -> anyhow::Result<DaemonSet> {
    let ds = match write {
        Write::Apply(_) => cluster
            .apply_daemonset(namespace, name, object)
            .await
            .map_err(rejected(namespace, name, write))?,
        Write::Edit => {
            let live = cluster
                .get_daemonset(namespace, name)
                .await?
                .ok_or_else(|| super::not_found(name, namespace))?;
            // Planned anew from the DaemonSet read again after a conflict.
            let read = live.spec.template.clone();
            let (_, stored) = cluster
                .patch_daemonset_with_retry(namespace, name, live, false, |fresh| {
                    edit_plan(&read, fresh, object)
                })
                .await?;
            stored
        }
    };
    let strategy = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.type_.clone())
        .unwrap_or_else(|| "RollingUpdate".into());
    progress.emit(Event::Applied {
        daemonset: name.to_string(),
        namespace: namespace.to_string(),
        generation: ds.metadata.generation.unwrap_or(0),
        mode: mode.into(),
        strategy,
    });
    Ok(ds)
}

/// The revision the live DaemonSet's pods are meant to be on now (the rollback target).
async fn live_hash(
    cluster: &Cluster,
    namespace: &str,
    live: &DaemonSet,
) -> anyhow::Result<Option<String>> {
    let selector = selector::describe(&live.spec.selector);
    let revisions = cluster
        .list_controller_revisions_matching(namespace, &selector)
        .await?;
    Ok(current_hash(live, &revisions))
}

pub(crate) async fn run_ondelete(
    rollout: Rollout<'_>,
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
    let me = crate::ops::lock::this_process(crate::clock::now());
    let live = cluster.get_daemonset(namespace, name).await?;
    let mut previous_hash = None;
    let mut object = with_on_delete(manifest, namespace);
    if let Some(live) = &live {
        previous_hash = live_hash(cluster, namespace, live).await?;
        // A rollout already running to this template keeps its rollback target.
        if let Some(recorded) = engine::recorded_state(live) {
            if recorded.previous_hash.is_some() {
                previous_hash = recorded.previous_hash;
            }
        }
        check_manifest(cluster, namespace, name, &object, write).await?;
        // Taken before anything changes, so a second run is refused before it applies.
        crate::ops::lock::take_lock(cluster, live, &me, args.force, progress).await?;
    } else {
        object["metadata"]["annotations"][LOCK_ANNOTATION] = Value::String(me.to_annotation());
    }
    let ds = apply_reported(
        cluster, namespace, name, &object, write, "ondelete", progress,
    )
    .await?;
    Driver::new(
        cluster,
        ds,
        me,
        Start::Applied {
            args,
            previous_hash,
            analysis,
        },
        progress,
    )
    .drive()
    .await
}

/// `--dry-run`: the server's view of the applied template against the live one, and the waves
/// over the nodes whose pods would be replaced. Nothing is changed.
pub(crate) async fn dry_run(
    rollout: Rollout<'_>,
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
    let object = with_on_delete(manifest, namespace);
    let applied = cluster
        .apply_dry_run(namespace, name, &object)
        .await
        .map_err(rejected(namespace, name, write))?;
    let Some(live) = cluster.get_daemonset(namespace, name).await? else {
        progress.emit(Event::Complete {
            message: format!(
                "daemonset {namespace}/{name} does not exist: it would be created and the controller would start its pods; there is nothing to roll out (dry run: nothing was changed)"
            ),
        });
        return Ok(ExitStatus::Ok);
    };
    let changes = template::compare(&live.spec.template, &applied.spec.template);
    let selector = selector::describe(&live.spec.selector);
    let pods = cluster.list_pods(namespace, &selector).await?;
    let current = live_hash(cluster, namespace, &live).await?;
    // With a new template every pod is replaced; without one, those not on the current revision.
    let nodes: BTreeSet<String> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| !changes.is_empty() || pod_hash(p) != current.as_deref())
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .collect();
    let template = applied.spec.template.spec.clone().unwrap_or_default();
    let inputs = cluster.placement_inputs(namespace, &template).await?;
    let (nodes, stranded) = engine::split_stranded(nodes, &inputs.nodes, &template);
    let labels = crate::daemonset::labels_by_node(&inputs.nodes);
    let eligible = crate::daemonset::desired_nodes(&live);
    for line in changes.lines() {
        progress.emit(Event::Note {
            message: format!("template change: {line}"),
        });
    }
    emit_placement(&applied, !changes.is_empty(), &inputs, progress);
    for message in stranded.iter().map(engine::stranded_warning) {
        progress.emit(Event::Warning { message });
    }
    let min_ready_default = applied.spec.min_ready_seconds.unwrap_or(0);
    let state = engine::plan(
        args,
        min_ready_default,
        "(new)",
        None,
        nodes,
        &labels,
        eligible,
    )?;
    progress.emit(Event::planned(&state, eligible));
    if let Some(analysis) = &analysis {
        progress.emit(Event::Note {
            message: format!("after every wave: {}", analysis.summary()),
        });
    }
    let policy = node_policy_of(args)?;
    for message in engine::node_plan(&state, &policy, &inputs.nodes, &applied) {
        progress.emit(Event::Note { message });
    }
    let recorded = RolloutState {
        analysis,
        nodes: policy,
        ..state
    };
    if let Err(message) = crate::rollout::record::check_budget(&recorded, &live) {
        progress.emit(Event::Warning {
            message: format!("the rollout would stop before deleting any pod: {message}"),
        });
    }
    progress.emit(Event::Complete {
        message: format!("dry run: daemonset {namespace}/{name} was not changed"),
    });
    Ok(ExitStatus::Ok)
}

/// plan's answer for the template a dry run would store, as warnings: the reads that were not
/// allowed, then the `Rejected:`, `Lost:`, `Pending:`, `Gated:` and `Unknown:` lines.
pub(super) fn emit_placement(
    stored: &DaemonSet,
    template_changed: bool,
    inputs: &PlacementInputs,
    progress: &mut Progress,
) -> Summary {
    let (summary, risks) = report::change(stored, template_changed, inputs);
    for message in inputs.warnings.iter().cloned().chain(risks) {
        progress.emit(Event::Warning { message });
    }
    summary
}

/// `rollout undo --mode ...`: the live DaemonSet with `revision`'s pod template, rolled out by the
/// engine of that mode.
pub async fn roll_back(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
    revision: &k8s_openapi::api::apps::v1::ControllerRevision,
    engine: &RolloutEngineArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let mut ds = ds.clone();
    ds.spec.template = crate::daemonset::history::typed_template(revision);
    roll_out(cluster, namespace, &ds, engine, progress).await
}

/// Rolls the changed live DaemonSet out with the engine the flags choose.
pub async fn roll_out(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
    engine: &RolloutEngineArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let name = ds.metadata.name.clone().unwrap_or_default();
    let manifest = crate::rollout::live::manifest_from_live(ds)?;
    run(Rollout {
        cluster,
        namespace,
        name: &name,
        manifest,
        write: Write::Edit,
        args: engine,
        progress,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(resource_version: &str, image: &str) -> DaemonSet {
        crate::ops::test_daemonset(resource_version, image, json!({}))
    }

    #[test]
    fn an_edit_is_planned_anew_unless_another_writer_changed_the_template() {
        let read = live("1", "agent:1");
        let mut wanted = serde_json::to_value(live("1", "agent:2")).unwrap();
        wanted["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        let cases = [
            ("as first read", live("1", "agent:1"), Ok(())),
            ("status written meanwhile", live("7", "agent:1"), Ok(())),
            (
                "template changed meanwhile",
                live("7", "agent:3"),
                Err("changed by another writer"),
            ),
            (
                "template already the wanted one",
                live("7", "agent:2"),
                Err("changed by another writer"),
            ),
        ];
        for (what, fresh, expected) in cases {
            let planned = edit_plan(&read.spec.template, &fresh, &wanted);
            match (planned, expected) {
                (Ok(ops), Ok(())) => {
                    let want = [
                        patch::precondition(&fresh),
                        patch::replace_template(wanted["spec"]["template"].clone()),
                        patch::replace_update_strategy(json!({"type": "OnDelete"})),
                    ];
                    assert_eq!(ops, want, "{what}");
                }
                (Err(e), Err(fragment)) => {
                    let message = e.to_string();
                    assert!(message.contains(fragment), "{what}: {message}");
                    assert!(message.contains("nothing was changed"), "{what}: {message}");
                }
                (planned, expected) => panic!("{what}: {planned:?} instead of {expected:?}"),
            }
        }
    }
}
