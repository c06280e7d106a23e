//! `kubectl ds delete`: preview (the DaemonSet, the pod on each node and what becomes of it, the
//! ControllerRevisions), confirmation, a delete conditional on the uid and resourceVersion shown,
//! then, orphaning, the proof: every pod still there with the same UID, not terminating, and
//! released by the garbage collector (`ops::delete`).

use k8s_openapi::api::apps::v1::DaemonSet;
use serde::Serialize;

use super::Outcome;
use crate::cli::{DeleteArgs, DeleteFormat, GlobalArgs};
use crate::cluster::{Cluster, Propagation, Scope};
use crate::daemonset::orphan::{self, PodBefore, Preview, Verified};
use crate::error::{ExitStatus, Failure};
use crate::ops::delete::{delete_and_verify, preview};
use crate::render::preview::{render_previews, what_happens};
use crate::render::prompt::confirm;
use crate::render::{Cell, Table, Tone};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    namespace: String,
    name: String,
    uid: String,
    resource_version: String,
    cascade: &'static str,
    dry_run: bool,
    deleted: bool,
    /// Orphaning: every pod kept and released.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<bool>,
    pods: Vec<PodBefore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<Vec<Verified>>,
    revisions: Vec<String>,
}

pub async fn exec(args: &DeleteArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, default_namespace) = crate::ops::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connect_if(true) connects");
    let targets = targets(args, &cluster, &default_namespace, global).await?;
    if targets.is_empty() {
        eprintln!("No DaemonSets match; nothing to delete.");
        return Ok(ExitStatus::Ok);
    }
    let propagation = args.propagation();
    let previews = checked_previews(&cluster, &targets, propagation).await?;
    let json = args.output == DeleteFormat::Json;
    let color = !json && crate::render::use_color(global.color);
    let shown = render_previews(&previews, propagation, args.dry_run, color);
    if json {
        eprint!("{shown}");
    } else {
        print!("{shown}");
    }
    if !args.dry_run && !confirm(&question(&previews, propagation), args.yes, "delete")? {
        eprintln!("Nothing was deleted.");
        return Ok(ExitStatus::Ok);
    }
    let report_color = (!json).then_some(color);
    let (items, all_kept) = delete_all(&cluster, previews, args, report_color).await?;
    if json {
        crate::render::print_json(&serde_json::json!({
            "apiVersion": "kubectl-ds/v1alpha1",
            "kind": "DeleteResultList",
            "items": items,
        }))?;
    }
    Ok(if all_kept {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}

/// The preview of each target, once the server has accepted its delete as a dry run: permission
/// and preconditions are checked before anything is read, shown or asked.
async fn checked_previews(
    cluster: &Cluster,
    targets: &[DaemonSet],
    propagation: Propagation,
) -> Result<Vec<Preview>, Failure> {
    let mut previews = Vec::new();
    for ds in targets {
        cluster
            .delete_daemonset(
                ds.metadata.namespace.as_deref().unwrap_or_default(),
                ds.metadata.name.as_deref().unwrap_or_default(),
                propagation,
                ds.metadata.uid.as_deref().unwrap_or_default(),
                ds.metadata.resource_version.as_deref().unwrap_or_default(),
                true,
            )
            .await?;
        previews.push(preview(cluster, ds).await?);
    }
    Ok(previews)
}

fn question(previews: &[Preview], propagation: Propagation) -> String {
    match previews {
        [one] => format!(
            "Delete daemonset {}/{} ({})?",
            one.namespace,
            one.name,
            what_happens(propagation)
        ),
        many => format!(
            "Delete these {} daemonsets ({})?",
            many.len(),
            what_happens(propagation)
        ),
    }
}

/// Deletes each previewed DaemonSet (a dry run only reports), verifying orphaned pods; the
/// result of each, and whether every orphaned pod was kept. `color` is `None` when the results
/// go out as JSON instead of one report each.
async fn delete_all(
    cluster: &Cluster,
    previews: Vec<Preview>,
    args: &DeleteArgs,
    color: Option<bool>,
) -> Result<(Vec<Item>, bool), Failure> {
    let propagation = args.propagation();
    let mut items = Vec::new();
    let mut all_kept = true;
    for preview in previews {
        let verification = if args.dry_run {
            // Already checked by the server above; nothing more to do.
            None
        } else {
            let verified = delete_and_verify(cluster, &preview, propagation, args.timeout).await?;
            if let Some(v) = &verified {
                all_kept &= orphan::all_kept(v);
            }
            verified
        };
        if let Some(color) = color {
            report(
                &preview,
                propagation,
                args.dry_run,
                verification.as_deref(),
                color,
            );
        }
        items.push(Item::new(preview, propagation, args.dry_run, verification));
    }
    Ok((items, all_kept))
}

impl Item {
    fn new(
        preview: Preview,
        propagation: Propagation,
        dry_run: bool,
        verification: Option<Vec<Verified>>,
    ) -> Item {
        Item {
            verified: verification.as_deref().map(orphan::all_kept),
            namespace: preview.namespace,
            name: preview.name,
            uid: preview.uid,
            resource_version: preview.resource_version,
            cascade: propagation.as_str(),
            dry_run,
            deleted: !dry_run,
            pods: preview.pods,
            verification,
            revisions: preview.revisions,
        }
    }
}

/// The DaemonSets named, selected with -l, or named in the manifests.
async fn targets(
    args: &DeleteArgs,
    cluster: &Cluster,
    namespace: &str,
    global: &GlobalArgs,
) -> anyhow::Result<Vec<DaemonSet>> {
    if let Some(labels) = &args.selector {
        let scope = Scope::Namespace(namespace.to_string());
        return Ok(cluster.list_daemonsets(&scope, Some(labels)).await?);
    }
    let mut wanted: Vec<(String, String)> = args
        .names
        .iter()
        .map(|n| (namespace.to_string(), n.clone()))
        .collect();
    if !args.filenames.is_empty() {
        let (found, _) = crate::manifest::inputs::read_daemonsets(
            &args.filenames,
            namespace,
            global.connection.namespace.as_deref(),
        )?;
        wanted.extend(
            found
                .iter()
                .map(|m| (m.namespace.clone(), m.name().to_string())),
        );
    }
    if wanted.is_empty() {
        return Err(Failure::usage(
            "name the DaemonSets to delete: NAME..., -l SELECTOR or -f FILE",
        )
        .into());
    }
    let mut out = Vec::new();
    for (ns, name) in wanted {
        let ds = cluster
            .get_daemonset(&ns, &name)
            .await?
            .ok_or_else(|| crate::ops::not_found(&name, &ns))?;
        out.push(ds);
    }
    Ok(out)
}

fn report(
    preview: &Preview,
    propagation: Propagation,
    dry_run: bool,
    verification: Option<&[Verified]>,
    color: bool,
) {
    let (ns, name) = (&preview.namespace, &preview.name);
    if dry_run {
        eprintln!(
            "daemonset {ns}/{name}: the server accepted the delete (cascade {}) as a dry run; nothing was deleted",
            propagation.as_str()
        );
        return;
    }
    let Some(verified) = verification else {
        eprintln!(
            "daemonset {ns}/{name} deleted (cascade {})",
            propagation.as_str()
        );
        return;
    };
    let mut table = Table::new(&["NODE", "POD", "UID", "RESULT", "OWNER"]);
    for v in verified {
        let tone = match v.fate {
            orphan::Fate::Kept => Tone::Good,
            _ => Tone::Bad,
        };
        table.push(vec![
            Cell::from(v.pod.node.clone()),
            v.pod.name.clone().into(),
            v.pod.uid.clone().into(),
            Cell::toned(v.fate.label(), tone),
            v.owner.clone().unwrap_or_else(|| "<none>".into()).into(),
        ]);
    }
    if !verified.is_empty() {
        print!("{}", table.render(true, color));
    }
    let kept = verified
        .iter()
        .filter(|v| v.fate == orphan::Fate::Kept)
        .count();
    if orphan::all_kept(verified) {
        eprintln!(
            "daemonset {ns}/{name} deleted (orphan): all {kept} pods kept, same UIDs, none terminating, no ownerReference to it left"
        );
    } else {
        eprintln!(
            "daemonset {ns}/{name} deleted (orphan), but only {kept} of {} pods were kept and released; see RESULT above",
            verified.len()
        );
    }
}
