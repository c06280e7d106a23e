//! `kubectl ds plan`: read the DaemonSet(s) and the nodes (and pods), plan each node, render.

use crate::render::plural;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

use super::Outcome;
use crate::cli::{GlobalArgs, PlanArgs, PlanFormat};
use crate::cluster::{Cluster, Scope};
use crate::daemonset::budget::UpdatePace;
use crate::daemonset::{history, selector};
use crate::error::{ExitStatus, Failure};
use crate::manifest::{self, files, is_subset, InputError, Object};
use crate::placement::admission::AdmissionFacts;
use crate::placement::plan::{self, Action, FitStatus, NodePlan, PodIndex, Summary};
use crate::placement::report;
use crate::placement::validate::{check_template, Origin};
use crate::render::{self, Cell, Table, Tone};
use crate::rollout::nodes::NodeHealth;

/// One DaemonSet to plan, and where it came from.
struct Target {
    ds: DaemonSet,
    /// The manifest object, for file:line in messages; `None` for a live DaemonSet.
    object: Option<Object>,
    namespace: String,
}

impl Target {
    fn name(&self) -> &str {
        self.ds.metadata.name.as_deref().unwrap_or("")
    }

    fn strategy(&self) -> &str {
        self.ds
            .spec
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
    }

    /// `file:line: ` of a field for a manifest, `daemonset NAME: ` for a live object.
    fn locate(&self, path: &str) -> String {
        match &self.object {
            Some(object) => {
                let at = object.position_of(path);
                format!("{}:{}:{}: {path}", object.file, at.line, at.column)
            }
            None => format!("daemonset {}/{}: {path}", self.namespace, self.name()),
        }
    }
}

/// What the live cluster says about one DaemonSet: the object, and its revisions by hash.
#[derive(Default)]
struct Live {
    ds: Option<DaemonSet>,
    revisions: HashMap<String, i64>,
    current_hash: Option<String>,
}

pub async fn exec(args: &PlanArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    if args.name.is_none() && args.filenames.is_empty() {
        return Err(Failure::usage(
            "name a live DaemonSet (kubectl ds plan NAME) or give a manifest with -f",
        )
        .into());
    }
    let shown = args
        .node_selector
        .as_deref()
        .map(selector::parse)
        .transpose()
        .map_err(Failure::usage)?;
    let offline = args.nodes.is_some();
    let (cluster, default_namespace) =
        crate::ops::connect_if(!offline || args.name.is_some(), &global.connection).await?;
    let targets = match (&args.name, &cluster) {
        (Some(name), Some(cluster)) => vec![live_target(cluster, &default_namespace, name).await?],
        _ => manifest_targets(
            &args.filenames,
            &default_namespace,
            global.connection.namespace.as_deref(),
        )?,
    };
    for target in &targets {
        let pod = target.ds.spec.template.spec.clone().unwrap_or_default();
        let origin = match target.object {
            Some(_) => Origin::Manifest,
            None => Origin::Live,
        };
        check_template(&pod, origin).map_err(|(path, message)| {
            Failure::usage(format!("{}: {message}", target.locate(&path)))
        })?;
    }
    let (nodes, pods) = nodes_and_pods(args, cluster.as_ref()).await?;
    let mut documents = Vec::new();
    let mut facts_by_namespace: HashMap<String, AdmissionFacts> = HashMap::new();
    for target in &targets {
        let live = match &cluster {
            Some(cluster) if !offline || args.name.is_some() => read_live(cluster, target).await?,
            _ => Live::default(),
        };
        let facts = match &cluster {
            Some(cluster) if !offline => {
                admission_facts(
                    cluster,
                    &mut facts_by_namespace,
                    &targets,
                    &target.namespace,
                )
                .await
            }
            _ => AdmissionFacts::default(),
        };
        documents.push(plan_target(target, &live, &nodes, pods.as_ref(), &facts));
    }
    render_plans(args, global, &documents, &nodes, shown.as_ref())?;
    Ok(ExitStatus::Ok)
}

/// The namespace's admission facts for the targets in it, read once per namespace (warnings
/// printed once).
async fn admission_facts(
    cluster: &Cluster,
    cache: &mut HashMap<String, AdmissionFacts>,
    targets: &[Target],
    namespace: &str,
) -> AdmissionFacts {
    if let Some(facts) = cache.get(namespace) {
        return facts.clone();
    }
    let templates: Vec<&k8s_openapi::api::core::v1::PodSpec> = targets
        .iter()
        .filter(|t| t.namespace == namespace)
        .filter_map(|t| t.ds.spec.template.spec.as_ref())
        .collect();
    let (facts, warnings) = cluster.admission_facts(namespace, &templates).await;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    cache.insert(namespace.to_string(), facts.clone());
    facts
}

async fn live_target(cluster: &Cluster, namespace: &str, name: &str) -> Result<Target, Failure> {
    let ds = cluster
        .get_daemonset(namespace, name)
        .await?
        .ok_or_else(|| crate::ops::not_found(name, namespace))?;
    Ok(Target {
        ds,
        object: None,
        namespace: namespace.to_string(),
    })
}

fn manifest_targets(
    paths: &[PathBuf],
    default_namespace: &str,
    explicit_namespace: Option<&str>,
) -> Result<Vec<Target>, Failure> {
    let (found, _) =
        crate::manifest::inputs::read_daemonsets(paths, default_namespace, explicit_namespace)?;
    Ok(found
        .into_iter()
        .map(|m| Target {
            ds: m.ds,
            object: Some(m.object),
            namespace: m.namespace,
        })
        .collect())
}

/// Objects of one kind from a `kubectl get ... -o json|yaml` dump.
fn read_dump<T: serde::de::DeserializeOwned>(path: &Path, kind: &str) -> Result<Vec<T>, Failure> {
    let usage = |e: InputError| Failure::usage(e.to_string());
    let input = files::Input::File(path.to_path_buf());
    let text = files::read_text(&input).map_err(usage)?;
    let objects = manifest::parse_objects(&input.display_name(), &text).map_err(usage)?;
    objects
        .iter()
        .map(|object| {
            if object.kind() != kind {
                let at = object.position();
                return Err(Failure::usage(format!(
                    "{}:{}: expected {kind} objects (kubectl get {}s -o json), found {}",
                    object.file,
                    at.line,
                    kind.to_lowercase(),
                    object.kind()
                )));
            }
            // Nodes are cluster-scoped; pods from `kubectl get pods -o json` name their namespace.
            object.typed(object.value.clone(), None).map_err(usage)
        })
        .collect()
}

fn read_nodes(path: &Path) -> Result<Vec<Node>, Failure> {
    read_dump(path, "Node")
}

fn read_pods(path: &Path) -> Result<PodIndex, Failure> {
    let mut index = PodIndex::default();
    for pod in read_dump::<Pod>(path, "Pod")? {
        index.add(&pod);
    }
    Ok(index)
}

/// The nodes and the pods to plan against: from the files given, else from the cluster (both
/// lists at once). `--nodes` alone plans offline, without pods.
async fn nodes_and_pods(
    args: &PlanArgs,
    cluster: Option<&Cluster>,
) -> Result<(Vec<Node>, Option<PodIndex>), Failure> {
    if let (None, None, Some(cluster)) = (&args.nodes, &args.pods, cluster) {
        let (nodes, pods) = cluster.nodes_and_pod_index().await;
        return Ok((nodes?, cluster_pods(pods?)));
    }
    let nodes = match (&args.nodes, cluster) {
        (Some(path), _) => read_nodes(path)?,
        (None, Some(cluster)) => cluster.list_nodes().await?,
        (None, None) => unreachable!("a cluster is connected unless --nodes is given"),
    };
    let pods = match (&args.pods, cluster, args.nodes.is_some()) {
        (Some(path), _, _) => Some(read_pods(path)?),
        (None, Some(cluster), false) => cluster_pods(cluster.pod_index().await?),
        _ => None,
    };
    Ok((nodes, pods))
}

/// The cluster's pods folded per node. Without permission to list pods the plan still shows
/// placement, with one warning.
fn cluster_pods(listed: Result<PodIndex, String>) -> Option<PodIndex> {
    match listed {
        Ok(index) => Some(index),
        Err(why) => {
            eprintln!("warning: {why}; showing placement only (no FIT, no CURRENT)");
            None
        }
    }
}

async fn read_live(cluster: &Cluster, target: &Target) -> Result<Live, Failure> {
    let ds = match &target.object {
        None => Some(target.ds.clone()),
        Some(_) => match cluster
            .get_daemonset(&target.namespace, target.name())
            .await
        {
            Ok(found) => found,
            Err(failure) if failure.exit_status() == ExitStatus::Api => {
                eprintln!(
                    "warning: {}; planning the manifest as a new DaemonSet",
                    failure.message
                );
                None
            }
            Err(failure) => return Err(failure),
        },
    };
    let Some(uid) = ds.as_ref().and_then(|d| d.metadata.uid.clone()) else {
        return Ok(Live {
            ds,
            ..Live::default()
        });
    };
    let revisions = match cluster
        .list_controller_revisions(&Scope::Namespace(target.namespace.clone()))
        .await
    {
        Ok(revisions) => revisions,
        Err(failure) if failure.exit_status() == ExitStatus::Api => {
            eprintln!("warning: {}; revisions show as hashes", failure.message);
            Vec::new()
        }
        Err(failure) => return Err(failure),
    };
    let mut by_hash = HashMap::new();
    let mut newest: Option<(i64, String)> = None;
    for revision in revisions {
        let owned = history::is_owned_by(&revision.metadata, &uid);
        let hash = Some(history::hash_of(&revision).to_string()).filter(|h| !h.is_empty());
        if let (true, Some(hash), Some(number)) = (owned, hash, revision.revision) {
            by_hash.insert(hash.clone(), number);
            if newest.as_ref().is_none_or(|(n, _)| number > *n) {
                newest = Some((number, hash));
            }
        }
    }
    Ok(Live {
        ds,
        revisions: by_hash,
        current_hash: newest.map(|(_, hash)| hash),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanDocument {
    daemon_set: DaemonSetRef,
    /// "manifest" or "live".
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    strategy: String,
    /// For a manifest: whether the DaemonSet exists in the cluster (then the plan is a change).
    exists: bool,
    /// For a manifest of an existing DaemonSet: whether its pod template differs from the live one.
    #[serde(skip_serializing_if = "Option::is_none")]
    template_changed: Option<bool>,
    pods_known: bool,
    /// RollingUpdate with maxSurge: how many nodes run an old and a new pod at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    surge_nodes: Option<i32>,
    /// RollingUpdate: how the controller paces the replacements.
    #[serde(skip)]
    pace: Option<UpdatePace>,
    summary: Summary,
    nodes: Vec<NodePlan>,
}

#[derive(Serialize)]
struct DaemonSetRef {
    namespace: String,
    name: String,
}

fn plan_target(
    target: &Target,
    live: &Live,
    nodes: &[Node],
    pods: Option<&PodIndex>,
    facts: &AdmissionFacts,
) -> PlanDocument {
    let template_changed = match (&target.object, &live.ds) {
        (Some(_), Some(live_ds)) => Some(!same_template(&target.ds, live_ds)),
        _ => None,
    };
    let mut ds = target.ds.clone();
    ds.metadata.namespace = Some(target.namespace.clone());
    let change = plan::Target {
        ds: &ds,
        template_changed: template_changed.unwrap_or(false),
        current_hash: live.current_hash.as_deref(),
        revisions: &live.revisions,
    };
    let rolling = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let plans = plan::plan_daemonset(&change, nodes, pods, facts);
    let summary = plan::summarize(&plans);
    let pace = (target.strategy() == "RollingUpdate").then(|| UpdatePace::of(rolling));
    let desired = i32::try_from(summary.desired).unwrap_or(i32::MAX);
    PlanDocument {
        daemon_set: DaemonSetRef {
            namespace: target.namespace.clone(),
            name: target.name().to_string(),
        },
        source: if target.object.is_some() {
            "manifest"
        } else {
            "live"
        },
        file: target.object.as_ref().map(|o| o.file.to_string()),
        strategy: target.strategy().to_string(),
        exists: live.ds.is_some(),
        template_changed,
        pods_known: pods.is_some(),
        surge_nodes: pace.as_ref().and_then(|p| p.surge_nodes(desired)),
        pace,
        summary,
        nodes: plans,
    }
}

/// Whether every field the manifest's template sets has the same value live (the server adds
/// defaults the manifest never wrote, so plain equality would always differ).
fn same_template(manifest: &DaemonSet, live: &DaemonSet) -> bool {
    match (
        serde_json::to_value(&manifest.spec.template),
        serde_json::to_value(&live.spec.template),
    ) {
        (Ok(written), Ok(stored)) => is_subset(&written, &stored),
        _ => false,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanList<'a> {
    api_version: &'static str,
    kind: &'static str,
    items: Vec<&'a PlanDocument>,
}

fn render_plans(
    args: &PlanArgs,
    global: &GlobalArgs,
    documents: &[PlanDocument],
    nodes: &[Node],
    shown: Option<&LabelSelector>,
) -> anyhow::Result<()> {
    let labels_of: HashMap<&str, &Node> = nodes
        .iter()
        .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
        .collect();
    let visible = |plan: &NodePlan| {
        let node = labels_of.get(plan.node.as_str());
        let labels = node
            .and_then(|n| n.metadata.labels.clone())
            .unwrap_or_default();
        (!args.only_excluded || !plan.run)
            && shown.is_none_or(|s| selector::matches(s, &labels) == Ok(true))
    };
    let filtered: Vec<PlanDocument> = documents
        .iter()
        .map(|d| PlanDocument {
            daemon_set: DaemonSetRef {
                namespace: d.daemon_set.namespace.clone(),
                name: d.daemon_set.name.clone(),
            },
            source: d.source,
            file: d.file.clone(),
            strategy: d.strategy.clone(),
            exists: d.exists,
            template_changed: d.template_changed,
            pods_known: d.pods_known,
            surge_nodes: d.surge_nodes,
            pace: d.pace.clone(),
            summary: d.summary.clone(),
            nodes: d.nodes.iter().filter(|p| visible(p)).cloned().collect(),
        })
        .collect();
    let list = PlanList {
        api_version: "kubectl-ds/v1alpha1",
        kind: "PlacementPlanList",
        items: filtered.iter().collect(),
    };
    match args.output {
        PlanFormat::Json => render::print_json(&list),
        PlanFormat::Yaml => render::print_yaml(&list),
        PlanFormat::Table | PlanFormat::Wide => {
            let color = render::use_color(global.color);
            let wide = args.output == PlanFormat::Wide;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let style = TableStyle {
                wide,
                headers: !args.no_headers,
                color,
                now: crate::clock::now(),
            };
            for (i, document) in filtered.iter().enumerate() {
                if i > 0 {
                    writeln!(out).context("writing output")?;
                }
                write_table(&mut out, document, &labels_of, &style)?;
            }
            out.flush().context("writing output")
        }
    }
}

/// How a table is written: `-o wide`, headers, color, and the time node marks count from.
struct TableStyle {
    wide: bool,
    headers: bool,
    color: bool,
    now: i64,
}

fn write_table(
    out: &mut impl Write,
    document: &PlanDocument,
    nodes: &HashMap<&str, &Node>,
    style: &TableStyle,
) -> anyhow::Result<()> {
    let wide = style.wide;
    let d = &document.daemon_set;
    let source = match &document.file {
        Some(file) => format!("manifest {file}"),
        None => "live".to_string(),
    };
    writeln!(
        out,
        "daemonset {}/{} ({source}, {})",
        d.namespace, d.name, document.strategy
    )
    .context("writing output")?;
    // Only a plan with a sick node shows their health, so that the usual table stays narrow.
    let marked = document.nodes.iter().any(|p| p.health.is_some());
    let mut columns = vec!["NODE"];
    if marked {
        columns.push("NODE-STATUS");
    }
    columns.extend(["RUN", "REASON", "FIT", "CURRENT", "ACTION"]);
    if wide {
        columns.extend(["LABELS", "TAINTS"]);
    }
    let mut table = Table::new(&columns);
    for plan in &document.nodes {
        let mut row = vec![Cell::from(plan.node.clone())];
        if marked {
            row.push(health_cell(plan.health.as_ref(), style.now));
        }
        row.extend([
            Cell::toned(
                if plan.run { "yes" } else { "no" },
                if plan.run { Tone::Good } else { Tone::Warn },
            ),
            Cell::from(reason_text(plan)),
            fit_cell(plan, document.pods_known),
            Cell::from(current_text(plan)),
            action_cell(plan.action),
        ]);
        if wide {
            let node = nodes.get(plan.node.as_str());
            row.push(Cell::from(node_labels(node.copied())));
            row.push(Cell::from(node_taints(node.copied())));
        }
        table.push(row);
    }
    write!(out, "{}", table.render(style.headers, style.color)).context("writing output")?;
    for line in summary_lines(document, style.now) {
        writeln!(out, "{line}").context("writing output")?;
    }
    Ok(())
}

/// NODE-STATUS: `Ready`, or `NotReady 4m` / `Unreachable 2m`.
fn health_cell(health: Option<&NodeHealth>, now: i64) -> Cell {
    match health {
        Some(h) => Cell::toned(h.mark(now), Tone::Bad),
        None => Cell::from("Ready"),
    }
}

fn fit_cell(plan: &NodePlan, pods_known: bool) -> Cell {
    match (&plan.fit, pods_known, plan.run) {
        (None, false, _) => Cell::from("?"),
        (None, true, _) | (Some(_), _, false) => Cell::from("-"),
        (Some(fit), _, true) => {
            let why = fit.why().join("; ");
            match fit.status {
                FitStatus::Fits => Cell::toned("ok", Tone::Good),
                FitStatus::Pending => Cell::toned(format!("no: {why}"), Tone::Bad),
                FitStatus::Gated => Cell::toned(format!("gated: {why}"), Tone::Warn),
                FitStatus::Unknown => Cell::toned(format!("unknown ({why})"), Tone::Warn),
                FitStatus::Rejected => Cell::toned("rejected (see below)", Tone::Bad),
            }
        }
    }
}

/// REASON: why the node gets no pod, and what the action does beyond the obvious.
fn reason_text(plan: &NodePlan) -> String {
    match (&plan.reason, &plan.note) {
        (Some(reason), Some(note)) => format!("{reason}; {note}"),
        (Some(text), None) | (None, Some(text)) => text.clone(),
        (None, None) => String::new(),
    }
}

fn current_text(plan: &NodePlan) -> String {
    let Some(current) = &plan.current else {
        return "?".into();
    };
    if current.is_empty() {
        return "none".into();
    }
    current
        .iter()
        .map(|pod| {
            let revision = match (pod.revision, &pod.revision_hash) {
                (Some(n), _) => format!("rev {n}"),
                (None, Some(hash)) => format!("hash {hash}"),
                (None, None) => "rev ?".into(),
            };
            let mut text = format!(
                "{revision} {}",
                if pod.ready { "ready" } else { "not ready" }
            );
            if !pod.up_to_date {
                text.push_str(", outdated");
            }
            if pod.terminating {
                text.push_str(", terminating");
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn action_cell(action: Action) -> Cell {
    let tone = match action {
        Action::Create | Action::Replace => Tone::Good,
        Action::Delete => Tone::Bad,
        Action::Keep | Action::None => Tone::Plain,
    };
    Cell::toned(action.label(), tone)
}

fn node_labels(node: Option<&Node>) -> String {
    node.and_then(|n| n.metadata.labels.as_ref())
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn node_taints(node: Option<&Node>) -> String {
    let taints: Vec<String> = node
        .and_then(|n| n.spec.as_ref())
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .map(|t| match t.value.as_deref().filter(|v| !v.is_empty()) {
            Some(value) => format!("{}={value}:{}", t.key, t.effect),
            None => format!("{}:{}", t.key, t.effect),
        })
        .collect();
    if taints.is_empty() {
        "<none>".into()
    } else {
        taints.join(",")
    }
}

/// `Not Ready: ...`: the nodes of the DaemonSet that are sick, which the controller still counts
/// (it keeps their pods) and a controlled rollout leaves for later.
fn not_ready_line(document: &PlanDocument, now: i64) -> Option<String> {
    let s = &document.summary;
    if s.not_ready.is_empty() {
        return None;
    }
    let marks: Vec<String> = s
        .not_ready
        .iter()
        .map(|sick| format!("{} ({})", sick.node, sick.health.mark(now)))
        .collect();
    Some(format!(
        "Not Ready: {} of {} the DaemonSet's pod: {}; a controlled rollout (kubectl ds rollout apply --mode ondelete) defers {} by default.",
        s.not_ready.len(),
        plural(
            s.with_daemon,
            "node that runs or keeps",
            "nodes that run or keep"
        ),
        report::some_of(&marks),
        if s.not_ready.len() == 1 { "it" } else { "them" }
    ))
}

fn summary_lines(document: &PlanDocument, now: i64) -> Vec<String> {
    let s = &document.summary;
    let mut lines = vec![format!(
        "Desired: {} of {} will run the DaemonSet.",
        s.desired,
        plural(s.nodes, "node", "nodes")
    )];
    for group in &s.excluded {
        lines.push(format!(
            "Excluded: {}: {} ({}).",
            plural(group.count, "node", "nodes"),
            group.reason,
            report::some_of(&group.nodes)
        ));
    }
    if !s.deleted.is_empty() {
        let shown: Vec<String> = s
            .deleted
            .iter()
            .map(|(node, pod)| format!("{pod} on {node}"))
            .collect();
        lines.push(format!(
            "Deleted: {} on nodes that no longer qualify: {}.",
            plural(s.deleted.len(), "misscheduled pod", "misscheduled pods"),
            report::some_of(&shown)
        ));
    }
    lines.extend(not_ready_line(document, now));
    lines.extend(report::risks(s));
    if let Some(pace) = document.pace.as_ref().filter(|_| s.replaced > 0) {
        lines.push(format!(
            "Update: RollingUpdate replaces the pods on {}, {}.",
            plural(s.replaced, "node", "nodes"),
            pace.describe(i32::try_from(s.desired).unwrap_or(i32::MAX))
        ));
    }
    if !document.pods_known {
        lines.push("Pods could not be read: FIT and CURRENT are unknown (?).".into());
    } else if document.exists || document.source == "live" {
        let change = match document.template_changed {
            Some(true) => "the new template",
            Some(false) => "the manifest (template unchanged)",
            None => "the current state",
        };
        lines.push(format!(
            "Change: {change} touches {} (create, replace or delete).",
            plural(s.touched, "node", "nodes")
        ));
    } else {
        lines.push(format!(
            "Change: a new DaemonSet; pods will be created on {}.",
            plural(s.touched, "node", "nodes")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_dumps_in_json_are_read_and_a_truncated_one_says_so() {
        let dump = serde_json::to_string_pretty(&serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": [
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}},
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"}}
            ]
        }))
        .unwrap();
        let half = &dump[..dump.len() / 2];
        // serde_json counts the line the text ends on.
        let end_line = |text: &str| text.matches('\n').count() + 1;
        let cases = [
            (dump.clone(), Ok(vec!["n1", "n2"])),
            (format!("\n{dump}\n"), Ok(vec!["n1", "n2"])),
            (
                half.to_string(),
                Err(format!("unexpected end of JSON at line {}", end_line(half))),
            ),
            (
                dump[..dump.len() - 1].to_string(),
                Err(format!(
                    "unexpected end of JSON at line {}",
                    dump.lines().count()
                )),
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (text, want) in cases {
            let path = dir.path().join("nodes.json");
            std::fs::write(&path, &text).unwrap();
            match (read_nodes(&path), want) {
                (Ok(nodes), Ok(names)) => {
                    let read: Vec<_> = nodes
                        .iter()
                        .map(|n| n.metadata.name.as_deref().unwrap())
                        .collect();
                    assert_eq!(read, names);
                }
                (Err(failure), Err(want)) => {
                    let shown = failure.message;
                    let head = format!("{}: {want} (the file looks truncated); ", path.display());
                    assert!(shown.starts_with(&head), "{text}\n{shown}");
                    assert_eq!(failure.kind, crate::error::FailureKind::Usage, "{shown}");
                }
                (got, want) => panic!("{text}\n{:?}, want {want:?}", got.map(|n| n.len())),
            }
        }
    }

    const NOW: i64 = 1_800_000_000;

    /// A node as a cluster reports it: Ready `True`, `False` or `Unknown` since `since`, with
    /// the taints the node-lifecycle controller adds.
    fn cluster_node(name: &str, ready: &str, since: i64) -> Node {
        let key = match ready {
            "False" => Some("node.kubernetes.io/not-ready"),
            "Unknown" => Some("node.kubernetes.io/unreachable"),
            _ => None,
        };
        let taints: Vec<serde_json::Value> = key
            .into_iter()
            .flat_map(|key| {
                ["NoSchedule", "NoExecute"]
                    .map(|effect| serde_json::json!({"key": key, "effect": effect}))
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {"taints": taints},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": ready,
                                       "lastTransitionTime": crate::clock::rfc3339(since)}]}
        }))
        .unwrap()
    }

    fn agent_pod(name: &str, node: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "ops", "labels": {"controller-revision-hash": "h1"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet",
                                              "name": "agent", "uid": "u", "controller": true}]},
            "spec": {"nodeName": node, "containers": [{"name": "c"}]},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap()
    }

    /// A live `agent` on n1 (Ready), n2 (NotReady for 4m, which keeps its pod) and n3
    /// (unreachable for 2m, without a pod: the taint keeps a new one off).
    fn sick_plan() -> PlanDocument {
        let ds: DaemonSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "agent", "namespace": "ops", "uid": "u"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "c", "image": "agent:1"}]}}}
        }))
        .unwrap();
        let target = Target {
            ds: ds.clone(),
            object: None,
            namespace: "ops".into(),
        };
        let live = Live {
            ds: Some(ds),
            revisions: HashMap::from([("h1".to_string(), 1)]),
            current_hash: Some("h1".into()),
        };
        let nodes = [
            cluster_node("n1", "True", NOW - 86_400),
            cluster_node("n2", "False", NOW - 240),
            cluster_node("n3", "Unknown", NOW - 120),
        ];
        let mut pods = PodIndex::default();
        pods.add(&agent_pod("agent-1", "n1"));
        pods.add(&agent_pod("agent-2", "n2"));
        plan_target(
            &target,
            &live,
            &nodes,
            Some(&pods),
            &AdmissionFacts::default(),
        )
    }

    #[test]
    fn sick_nodes_are_marked_and_the_ones_with_the_daemonset_counted() {
        let document = sick_plan();
        let mut out = Vec::new();
        let style = TableStyle {
            wide: false,
            headers: true,
            color: false,
            now: NOW,
        };
        write_table(&mut out, &document, &HashMap::new(), &style).unwrap();
        insta::assert_snapshot!("plan_sick_nodes_plain", String::from_utf8(out).unwrap());
        let doc = serde_json::to_value(&document).unwrap();
        let health: Vec<&serde_json::Value> = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| &n["health"])
            .collect();
        assert_eq!(
            health,
            [
                &serde_json::Value::Null,
                &serde_json::json!({"state": "not-ready", "since": crate::clock::rfc3339(NOW - 240)}),
                &serde_json::json!({"state": "unreachable", "since": crate::clock::rfc3339(NOW - 120)}),
            ]
        );
        assert_eq!(
            doc["summary"]["notReady"],
            serde_json::json!([{"node": "n2", "health": {"state": "not-ready", "since": crate::clock::rfc3339(NOW - 240)}}])
        );
    }

    #[test]
    fn a_plan_without_sick_nodes_keeps_its_columns() {
        let mut document = sick_plan();
        document.nodes.truncate(1);
        document.summary.not_ready.clear();
        let mut out = Vec::new();
        let style = TableStyle {
            wide: false,
            headers: true,
            color: false,
            now: NOW,
        };
        write_table(&mut out, &document, &HashMap::new(), &style).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .starts_with("NODE   RUN   REASON"),
            "{text}"
        );
        assert!(!text.contains("Not Ready"), "{text}");
    }
}
