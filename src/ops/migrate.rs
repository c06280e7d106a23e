//! `kubectl ds migrate [NAME] -f new.yaml`: moves a DaemonSet to a manifest with another (immutable)
//! selector without taking its pods off the nodes. In order, each step skipped when already done
//! (so running the command again after an interruption finishes the job):
//! 1. preflight: the labels each running pod needs so the new selector matches it;
//! 2. set them on the pods (the old selector still matches, so nothing moves);
//! 3. orphan-delete the old DaemonSet (uid and resourceVersion preconditions), verified;
//! 4. create the new DaemonSet with OnDelete: the controller adopts the pods (old revision);
//! 5. the ondelete rollout engine replaces them in waves within --max-unavailable.
//!
//! No pod is deleted before step 5.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::delete;
use super::Outcome;
use super::{apply, ondelete as engine};
use crate::cli::{MigrateArgs, RolloutFormat};
use crate::cluster::{Cluster, Propagation};
use crate::daemonset::orphan::{self, Relabel};
use crate::daemonset::selector;
use crate::error::{ExitStatus, Failure};
use crate::manifest::inputs::ManifestDaemonSet;
use crate::manifest::Object;
use crate::render::progress::{Event, Progress};
use crate::render::{Cell, Table};

/// Where a migration stands, read from the live DaemonSets.
enum Situation {
    /// The old DaemonSet is there with another selector: steps 1-3 are still to do.
    Pending(Box<DaemonSet>),
    /// Neither DaemonSet is there: resuming after step 3 (the old one deleted, the new one not
    /// created).
    Released,
    /// The new DaemonSet is there with the manifest's selector: steps 1-4 are done.
    Created,
}

impl Situation {
    fn pending(&self) -> Option<&DaemonSet> {
        match self {
            Situation::Pending(old) => Some(old),
            Situation::Released | Situation::Created => None,
        }
    }
}

/// Moves the DaemonSet `args` name (or the manifest's) to `manifest`, each step skipped when
/// already done.
pub async fn run(
    cluster: &Cluster,
    manifest: &ManifestDaemonSet,
    args: &MigrateArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let namespace = manifest.namespace.as_str();
    let new_name = manifest.name();
    let old_name = args.name.as_deref().unwrap_or(new_name);
    let new_selector = &manifest.ds.spec.selector;
    let analysis = apply::analysis_of(&args.engine.gates)?;
    if let Some(analysis) = &analysis {
        super::gate::preflight(analysis).await?;
    }
    let situation = situation(cluster, namespace, old_name, new_name, new_selector).await?;
    let creates = !matches!(situation, Situation::Created);
    if creates {
        check_new_manifest(cluster, namespace, new_name, &manifest.object).await?;
    }
    match &situation {
        Situation::Pending(old) => {
            let labels = template_labels(manifest);
            let step = move_off(cluster, old, new_selector, &labels, args, progress).await?;
            if let Step::Stop(outcome) = step {
                return Ok(outcome);
            }
        }
        Situation::Released => {
            note_released(cluster, namespace, old_name, new_selector, progress).await?;
        }
        Situation::Created => note(
            progress,
            format!(
                "steps 1-4 already done: daemonset {namespace}/{new_name} exists with the selector {}",
                selector::describe(new_selector)
            ),
        ),
    }
    if args.engine.dry_run {
        let (pending, source) = (situation.pending(), &manifest.object);
        return dry_run_waves(
            cluster,
            (namespace, new_name),
            pending,
            args,
            progress,
            source,
            analysis,
        )
        .await;
    }
    if creates {
        check_claimable(cluster, namespace, new_selector, args.timeout).await?;
        note(
            progress,
            format!(
                "step 4: creating daemonset {namespace}/{new_name} with the OnDelete strategy; it adopts the running pods"
            ),
        );
    }
    note(
        progress,
        format!("step 5: replacing the adopted pods of daemonset {namespace}/{new_name} in waves"),
    );
    apply::run_ondelete(
        apply::Rollout {
            cluster,
            namespace,
            name: new_name,
            manifest: manifest.object.value.clone(),
            write: apply::Write::Apply(&manifest.object),
            args: &args.engine,
            progress,
        },
        analysis,
    )
    .await
}

fn template_labels(manifest: &ManifestDaemonSet) -> BTreeMap<String, String> {
    manifest
        .ds
        .spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default()
}

/// Reads both DaemonSets and says where the migration stands. Refused: a new DaemonSet with
/// another selector than the manifest's, and the old and the new one both there.
async fn situation(
    cluster: &Cluster,
    namespace: &str,
    old_name: &str,
    new_name: &str,
    new_selector: &LabelSelector,
) -> anyhow::Result<Situation> {
    let old = cluster.get_daemonset(namespace, old_name).await?;
    let new_live = match new_name == old_name {
        true => old.clone(),
        false => cluster.get_daemonset(namespace, new_name).await?,
    };
    // The old DaemonSet still to migrate: there, with another selector.
    let pending = old.filter(|o| o.spec.selector != *new_selector);
    if let Some(live) = new_live.as_ref().filter(|_| new_name != old_name) {
        if live.spec.selector != *new_selector {
            return Err(Failure::usage(format!(
                "daemonset {namespace}/{new_name} already exists with the selector {}, not the manifest's {}; pick another name",
                selector::describe(&live.spec.selector),
                selector::describe(new_selector)
            ))
            .into());
        }
        if pending.is_some() {
            return Err(Failure::usage(format!(
                "both daemonset {namespace}/{old_name} and the new {namespace}/{new_name} exist; two DaemonSets would fight over the pods: delete one of them first"
            ))
            .into());
        }
    }
    Ok(match (pending, new_live) {
        (Some(old), _) => Situation::Pending(Box::new(old)),
        (None, None) => Situation::Released,
        (None, Some(_)) => Situation::Created,
    })
}

/// Resuming after step 3: the pods the deleted DaemonSet released are there. Neither DaemonSet
/// nor such pods: a wrong name.
async fn note_released(
    cluster: &Cluster,
    namespace: &str,
    old_name: &str,
    new_selector: &LabelSelector,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let released = cluster
        .list_pods(namespace, &selector::describe(new_selector))
        .await?
        .iter()
        // Still naming the deleted DaemonSet: the garbage collector is about to release it.
        .filter(|p| {
            orphan::controller_of(p)
                .is_none_or(|(kind, name, _)| kind == "DaemonSet" && name == old_name)
        })
        .count();
    if released == 0 {
        return Err(super::not_found(old_name, namespace).into());
    }
    note(
        progress,
        format!(
            "steps 1-3 (relabel, orphan-delete): daemonset {namespace}/{old_name} is not there (already deleted); its {released} released pods matching {} are adopted as they are",
            selector::describe(new_selector)
        ),
    );
    Ok(())
}

/// The manifest checked the way step 4 creates it (a server-side dry run with strict field
/// validation) before step 1, so a manifest the server refuses (an unknown field) fails while
/// every pod still belongs to the old DaemonSet.
async fn check_new_manifest(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    source: &Object,
) -> Result<(), Failure> {
    let mut object = source.value.clone();
    object["metadata"]["namespace"] = serde_json::Value::String(namespace.to_string());
    cluster
        .check_create(namespace, &object)
        .await
        .map_err(apply::rejected(
            namespace,
            name,
            apply::Write::Apply(source),
        ))
}

enum Step {
    Continue,
    Stop(Outcome),
}

fn note(progress: &mut Progress, message: String) {
    progress.emit(Event::Note { message });
}

/// Steps 1-3 for a DaemonSet still there: preflight, relabel, orphan-delete with proof.
async fn move_off(
    cluster: &Cluster,
    old: &DaemonSet,
    new_selector: &LabelSelector,
    template_labels: &BTreeMap<String, String>,
    args: &MigrateArgs,
    progress: &mut Progress,
) -> anyhow::Result<Step> {
    let relabels = plan_relabels(cluster, old, new_selector, template_labels, progress).await?;
    show_relabels(&relabels, args.engine.output);
    let namespace = old.metadata.namespace.clone().unwrap_or_default();
    let name = old.metadata.name.clone().unwrap_or_default();
    let uid = old.metadata.uid.clone().unwrap_or_default();
    // The server checks permission and preconditions now, before anything changes.
    let resource_version = old.metadata.resource_version.clone().unwrap_or_default();
    cluster
        .delete_daemonset(
            &namespace,
            &name,
            Propagation::Orphan,
            &uid,
            &resource_version,
            true,
        )
        .await?;
    let to_label = count_to_label(&relabels);
    if args.engine.dry_run {
        note(
            progress,
            format!("step 2 (dry run): would set labels on {to_label} pods"),
        );
        note(
            progress,
            format!(
                "step 3 (dry run): would orphan-delete daemonset {namespace}/{name} (uid {uid}, resourceVersion {resource_version}); the server accepted it as a dry run"
            ),
        );
        return Ok(Step::Continue);
    }
    let question = format!(
        "Migrate daemonset {namespace}/{name}: set labels on {to_label} pods, orphan-delete it, create the new one and replace its {} pods in waves?",
        relabels.len()
    );
    if !crate::render::prompt::confirm(&question, args.yes, "migrate")? {
        eprintln!("Nothing was changed.");
        return Ok(Step::Stop(ExitStatus::Ok));
    }
    relabel(cluster, &namespace, &relabels, progress).await?;
    orphan_delete(
        cluster,
        old,
        new_selector,
        template_labels,
        args.timeout,
        progress,
    )
    .await
}

/// Pods that need new labels (the others match the new selector already).
fn count_to_label(relabels: &[Relabel]) -> usize {
    relabels.iter().filter(|r| !r.set.is_empty()).count()
}

/// Step 1: the labels each pod of `old` needs so that the new selector matches it.
async fn plan_relabels(
    cluster: &Cluster,
    old: &DaemonSet,
    new_selector: &LabelSelector,
    template_labels: &BTreeMap<String, String>,
    progress: &mut Progress,
) -> anyhow::Result<Vec<Relabel>> {
    let namespace = old.metadata.namespace.clone().unwrap_or_default();
    let name = old.metadata.name.clone().unwrap_or_default();
    let uid = old.metadata.uid.clone().unwrap_or_default();
    let old_selector = &old.spec.selector;
    let pods = cluster
        .list_pods(&namespace, &selector::describe(old_selector))
        .await?;
    let owned: Vec<Pod> = pods
        .into_iter()
        .filter(|p| orphan::owned_by(p, &uid))
        .collect();
    let relabels =
        orphan::preflight(old_selector, new_selector, template_labels, &owned).map_err(|e| {
            Failure::usage(format!(
                "cannot migrate daemonset {namespace}/{name} to the selector {}: {e}",
                selector::describe(new_selector)
            ))
        })?;
    note(
        progress,
        format!(
            "step 1 (preflight): the new selector {} matches the {} pods of daemonset {namespace}/{name} once {} of them get new labels",
            selector::describe(new_selector),
            relabels.len(),
            count_to_label(&relabels)
        ),
    );
    Ok(relabels)
}

/// Step 3 after the relabel: the orphan delete and its proof, then the labels for the pods the
/// old controller created meanwhile.
async fn orphan_delete(
    cluster: &Cluster,
    old: &DaemonSet,
    new_selector: &LabelSelector,
    template_labels: &BTreeMap<String, String>,
    timeout: std::time::Duration,
    progress: &mut Progress,
) -> anyhow::Result<Step> {
    let namespace = old.metadata.namespace.clone().unwrap_or_default();
    let name = old.metadata.name.clone().unwrap_or_default();
    let uid = old.metadata.uid.clone().unwrap_or_default();
    // What the delete is conditional on: the object as it is after the relabel (same uid and
    // generation as shown; only its status may have moved on).
    let Some(fresh) = cluster.get_daemonset(&namespace, &name).await? else {
        note(
            progress,
            format!("step 3: daemonset {namespace}/{name} is already gone"),
        );
        return Ok(Step::Continue);
    };
    if fresh.metadata.uid != old.metadata.uid
        || fresh.metadata.generation != old.metadata.generation
    {
        return Err(Failure::api(format!(
            "daemonset {namespace}/{name} was replaced or changed while it was being migrated: it was not deleted; run the command again"
        ))
        .into());
    }
    let preview = delete::preview(cluster, &fresh).await?;
    note(
        progress,
        format!(
            "step 3: orphan-deleting daemonset {namespace}/{name} (uid {uid}, resourceVersion {}); its {} pods keep running",
            preview.resource_version,
            preview.pods.len()
        ),
    );
    let verified = delete::delete_and_verify(cluster, &preview, Propagation::Orphan, timeout)
        .await?
        .unwrap_or_default();
    if !orphan::all_kept(&verified) {
        report_not_kept(progress, (&namespace, &name), &verified);
        return Ok(Step::Stop(ExitStatus::Findings));
    }
    note(
        progress,
        format!(
            "step 3: daemonset {namespace}/{name} deleted; all {} pods kept (same UIDs, none terminating) and released",
            verified.len()
        ),
    );
    relabel_stragglers(cluster, old, new_selector, template_labels, progress).await?;
    Ok(Step::Continue)
}

fn report_not_kept(
    progress: &mut Progress,
    (namespace, name): (&str, &str),
    verified: &[orphan::Verified],
) {
    let bad: Vec<String> = verified
        .iter()
        .filter(|v| v.fate != orphan::Fate::Kept)
        .map(|v| format!("{} on {} {}", v.pod.name, v.pod.node, v.fate.label()))
        .collect();
    progress.emit(Event::Failed {
        message: format!(
            "daemonset {namespace}/{name} was deleted but not every pod was kept and released ({}); run the command again to create the new DaemonSet",
            bad.join(", ")
        ),
        nodes: Vec::new(),
    });
}

/// A pod the old controller created between the relabel and the delete lacks the labels.
async fn relabel_stragglers(
    cluster: &Cluster,
    old: &DaemonSet,
    new_selector: &LabelSelector,
    template_labels: &BTreeMap<String, String>,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let namespace = old.metadata.namespace.clone().unwrap_or_default();
    let old_selector = &old.spec.selector;
    let stragglers: Vec<Pod> = cluster
        .list_pods(&namespace, &selector::describe(old_selector))
        .await?
        .into_iter()
        .filter(|p| orphan::controller_of(p).is_none())
        .collect();
    let late = orphan::preflight(old_selector, new_selector, template_labels, &stragglers)
        .map_err(Failure::usage)?;
    relabel(cluster, &namespace, &late, progress).await?;
    Ok(())
}

fn show_relabels(relabels: &[Relabel], format: RolloutFormat) {
    if format == RolloutFormat::Json || relabels.is_empty() {
        return;
    }
    let mut table = Table::new(&["NODE", "POD", "UID", "SET LABELS"]);
    for r in relabels {
        let set = match r.set.is_empty() {
            true => "<matches already>".to_string(),
            false => r
                .set
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        };
        table.push(vec![
            Cell::from(r.node.clone()),
            r.name.clone().into(),
            r.uid.clone().into(),
            set.into(),
        ]);
    }
    print!("{}", table.render(true, false));
}

async fn relabel(
    cluster: &Cluster,
    namespace: &str,
    relabels: &[Relabel],
    progress: &mut Progress,
) -> Result<(), Failure> {
    for r in relabels.iter().filter(|r| !r.set.is_empty()) {
        cluster
            .label_pod(namespace, &r.name, &r.uid, &r.set)
            .await?;
        let set: Vec<String> = r.set.iter().map(|(k, v)| format!("{k}={v}")).collect();
        note(
            progress,
            format!(
                "step 2: labelled pod {} on {} ({})",
                r.name,
                r.node,
                set.join(",")
            ),
        );
    }
    Ok(())
}

/// Before the new DaemonSet is created: the pods it is to adopt must have no controller. A
/// controller that no longer exists (the old DaemonSet, just deleted) is waited out while the
/// garbage collector releases its pods, up to `timeout`.
async fn check_claimable(
    cluster: &Cluster,
    namespace: &str,
    new_selector: &LabelSelector,
    timeout: std::time::Duration,
) -> Result<(), Failure> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let pods = cluster
            .list_pods(namespace, &selector::describe(new_selector))
            .await?;
        let Some((pod, (kind, name, uid))) = pods
            .iter()
            .find_map(|p| Some((p.metadata.name.clone()?, orphan::controller_of(p)?)))
        else {
            return Ok(());
        };
        let owner_gone = kind == "DaemonSet"
            && cluster
                .get_daemonset(namespace, &name)
                .await?
                .is_none_or(|ds| ds.metadata.uid.as_deref() != Some(uid.as_str()));
        if !owner_gone || std::time::Instant::now() > deadline {
            return Err(Failure::api(format!(
                "pod {pod:?} matches the new selector {} but is controlled by {} {namespace}/{name} (uid {uid}); the new DaemonSet could not adopt it: nothing was created",
                selector::describe(new_selector),
                kind.to_lowercase()
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

/// `--dry-run`, steps 4 and 5: the new DaemonSet and the waves over the nodes whose pods it
/// would adopt (all of them are on the old revision).
async fn dry_run_waves(
    cluster: &Cluster,
    (namespace, new_name): (&str, &str),
    pending: Option<&DaemonSet>,
    args: &MigrateArgs,
    progress: &mut Progress,
    source: &Object,
    analysis: Option<crate::rollout::analysis::Analysis>,
) -> anyhow::Result<Outcome> {
    let manifest = &source.value;
    let Some(old) = pending else {
        // The new DaemonSet exists: what is left is an ondelete rollout to it.
        return apply::dry_run(
            apply::Rollout {
                cluster,
                namespace,
                name: new_name,
                manifest: manifest.clone(),
                write: apply::Write::Apply(source),
                args: &args.engine,
                progress,
            },
            analysis,
        )
        .await;
    };
    let pods = cluster
        .list_pods(namespace, &selector::describe(&old.spec.selector))
        .await?;
    let uid = old.metadata.uid.clone().unwrap_or_default();
    let nodes: BTreeSet<String> = orphan::owned_pods(&pods, &uid)
        .into_iter()
        .map(|p| p.node)
        .filter(|n| !n.is_empty())
        .collect();
    note(
        progress,
        format!(
            "step 4 (dry run): would create daemonset {namespace}/{new_name} with the OnDelete strategy; it would adopt the pods on {} nodes, all on the old revision",
            nodes.len()
        ),
    );
    let labels = cluster.node_labels().await?;
    let eligible = crate::daemonset::desired_nodes(old).max(nodes.len());
    let min_ready = manifest
        .pointer("/spec/minReadySeconds")
        .and_then(serde_json::Value::as_i64)
        .and_then(|s| i32::try_from(s).ok())
        .unwrap_or(0);
    let state = engine::plan(
        &args.engine,
        min_ready,
        "(new)",
        None,
        nodes,
        &labels,
        eligible,
    )?;
    note(
        progress,
        "step 5 (dry run): would replace the adopted pods in these waves, then restore the manifest's update strategy".to_string(),
    );
    progress.emit(Event::planned(&state, eligible));
    progress.emit(Event::Complete {
        message: format!(
            "dry run: nothing was changed (daemonset {namespace}/{})",
            old.metadata.name.as_deref().unwrap_or_default()
        ),
    });
    Ok(ExitStatus::Ok)
}
