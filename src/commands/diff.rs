//! `kubectl ds diff -f`: live against a server-side apply dry run, the noise removed, then what
//! the change does to pods.

use anyhow::Context as _;
use k8s_openapi::api::apps::v1::DaemonSet;
use serde::Serialize;
use serde_json::Value;

use super::inputs::{read_daemonsets, ManifestDaemonSet};
use super::Outcome;
use crate::cli::{DiffArgs, DiffFormat, GlobalArgs};
use crate::cluster::{ApplyError, Cluster};
use crate::daemonset::budget::Budget;
use crate::diff::template::{self, TemplateChanges};
use crate::diff::verdict::{rolling_waves, Verdict};
use crate::diff::{self, Change};
use crate::error::{ExitStatus, Failure};
use crate::placement::evaluate;
use crate::render;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffResult {
    namespace: String,
    name: String,
    exists: bool,
    template_changed: bool,
    verdict: Verdict,
    template_changes: TemplateChanges,
    changes: Vec<Change>,
    #[serde(skip)]
    text: String,
}

pub async fn exec(args: &DiffArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, namespace) = super::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connected");
    let (manifests, others) = read_daemonsets(
        &args.filenames,
        &namespace,
        global.connection.namespace.as_deref(),
    )?;
    if others > 0 {
        eprintln!("warning: skipping {others} objects of other kinds; kubectl ds diff compares DaemonSets");
    }
    let color = render::use_color(global.color) && args.output == DiffFormat::Text;
    let mut results = Vec::new();
    for manifest in &manifests {
        results.push(diff_one(&cluster, manifest, color).await?);
    }
    let differs = results
        .iter()
        .any(|r| !matches!(r.verdict, Verdict::NoChanges));
    match args.output {
        DiffFormat::Json => render::print_json(&DiffList {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetDiffList",
            items: &results,
        })?,
        DiffFormat::Text => print_text(&results)?,
    }
    Ok(if differs {
        ExitStatus::Findings
    } else {
        ExitStatus::Ok
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffList<'a> {
    api_version: &'static str,
    kind: &'static str,
    items: &'a [DiffResult],
}

async fn diff_one(
    cluster: &Cluster,
    manifest: &ManifestDaemonSet,
    color: bool,
) -> anyhow::Result<DiffResult> {
    let (namespace, name) = (manifest.namespace.as_str(), manifest.name());
    let live = cluster.get_daemonset(namespace, name).await?;
    let mut body = manifest.object.value.clone();
    body["metadata"]["namespace"] = Value::String(namespace.to_string());
    let stored = match cluster.apply_dry_run(namespace, name, &body).await {
        Ok(stored) => stored,
        Err(ApplyError::Rejected(message)) => {
            return Err(rejected(manifest, &message).into());
        }
        Err(ApplyError::Failed(failure)) => return Err(failure.into()),
    };
    let mut old = match &live {
        Some(live) => serde_json::to_value(live)?,
        None => Value::Null,
    };
    let mut new = serde_json::to_value(&stored)?;
    diff::strip_noise(&mut old);
    diff::strip_noise(&mut new);
    diff::prune_unwritten(&mut old, &mut new, &manifest.object.value);
    let changes = diff::changes(&old, &new);
    let text = diff::text::unified(
        &yaml_or_empty(&old)?,
        &yaml(&new)?,
        &format!("live daemonset {namespace}/{name}"),
        &format!("{} (server-side dry run)", manifest.object.file),
        color,
    );
    let template_changes = match &live {
        Some(live) => template::compare(&live.spec.template, &stored.spec.template),
        None => TemplateChanges::default(),
    };
    let template_changed = live
        .as_ref()
        .is_some_and(|l| json_of(&l.spec.template) != json_of(&stored.spec.template));
    let verdict = match &live {
        None => Verdict::Create {
            nodes: eligible_nodes(cluster, &stored).await,
        },
        Some(_) if changes.is_empty() => Verdict::NoChanges,
        Some(_) if !template_changed => Verdict::NoPodsReplaced,
        Some(live) => pod_verdict(live, &stored),
    };
    Ok(DiffResult {
        namespace: namespace.to_string(),
        name: name.to_string(),
        exists: live.is_some(),
        template_changed,
        verdict,
        template_changes,
        changes,
        text,
    })
}

/// The server refused the change; for the immutable selector, say how to migrate.
fn rejected(manifest: &ManifestDaemonSet, message: &str) -> Failure {
    let name = manifest.name();
    if message.contains("field is immutable") && message.contains("selector") {
        let at = manifest.object.position_of("spec.selector");
        return Failure::usage(format!(
            "{}:{}: spec.selector of daemonset {name:?} is immutable and the server will reject this change; \
             to change it, delete the DaemonSet with --cascade=orphan (its pods keep running), then create \
             it from this manifest: the new DaemonSet adopts the pods whose labels match its new selector \
             and replaces them per its update strategy",
            manifest.object.file, at.line
        ));
    }
    Failure::usage(format!(
        "{}: the server would reject daemonset {name:?}: {message}",
        manifest.object.file
    ))
}

/// RollingUpdate replaces pods on every node that runs one, in waves; OnDelete waits.
fn pod_verdict(live: &DaemonSet, stored: &DaemonSet) -> Verdict {
    let nodes = live
        .status
        .as_ref()
        .map_or(0, |s| s.current_number_scheduled);
    let strategy = stored.spec.update_strategy.as_ref();
    if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
        return Verdict::OnDelete { nodes };
    }
    let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
    let text = |value: Option<&k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>,
                default: &str| {
        value.map_or(default.to_string(), |v| match v {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => n.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s.clone(),
        })
    };
    let unavailable = rolling.and_then(|r| r.max_unavailable.as_ref());
    let surge = rolling.and_then(|r| r.max_surge.as_ref());
    let budget = |value: Option<&_>, default: Budget| {
        value.and_then(|v| Budget::parse(v).ok()).unwrap_or(default)
    };
    Verdict::Rollout {
        nodes,
        max_unavailable: text(unavailable, "1"),
        max_surge: text(surge, "0"),
        waves: rolling_waves(
            nodes,
            budget(unavailable, Budget::Count(1)),
            budget(surge, Budget::Count(0)),
        ),
    }
}

/// For a new DaemonSet: the nodes the controller would run it on (plan's placement), or `None`
/// when nodes can't be listed.
async fn eligible_nodes(cluster: &Cluster, stored: &DaemonSet) -> Option<i32> {
    let nodes = cluster.list_nodes().await.ok()?;
    let pod = stored.spec.template.spec.clone().unwrap_or_default();
    let count = nodes
        .iter()
        .filter(|node| evaluate(&pod, node).should_run)
        .count();
    i32::try_from(count).ok()
}

fn json_of<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn yaml(value: &Value) -> anyhow::Result<String> {
    serde_yaml::to_string(value).context("rendering YAML")
}

fn yaml_or_empty(value: &Value) -> anyhow::Result<String> {
    if value.is_null() {
        Ok(String::new())
    } else {
        yaml(value)
    }
}

fn print_text(results: &[DiffResult]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for result in results {
        write!(out, "{}", result.text).context("writing output")?;
        let summary = result.template_changes.lines();
        if !summary.is_empty() {
            writeln!(out, "Pod template:").context("writing output")?;
            for line in summary {
                writeln!(out, "  {line}").context("writing output")?;
            }
        }
        writeln!(
            out,
            "daemonset {}/{}: {}",
            result.namespace,
            result.name,
            result.verdict.sentence()
        )
        .context("writing output")?;
    }
    out.flush().context("writing output")
}
