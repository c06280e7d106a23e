//! `kubectl ds diff -f`: live against a server-side apply dry run, the noise removed, then what
//! the change does to pods.

use anyhow::Context as _;
use k8s_openapi::api::apps::v1::DaemonSet;
use serde::Serialize;
use serde_json::Value;

use super::Outcome;
use crate::cli::{DiffArgs, DiffFormat, GlobalArgs};
use crate::cluster::{ApplyError, Cluster};
use crate::daemonset::budget::UpdatePace;
use crate::diff::template::{self, TemplateChanges};
use crate::diff::verdict::{rolling_waves, Verdict};
use crate::diff::{self, Change};
use crate::error::{ExitStatus, Failure};
use crate::manifest::inputs::{read_daemonsets, ManifestDaemonSet};
use crate::placement::report;
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
    /// What goes wrong on nodes, as `kubectl ds plan` says it (rejected, lost, Pending, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    risks: Vec<String>,
    /// The two sides as YAML and their labels, for the text diff.
    #[serde(skip)]
    sides: Sides,
}

#[derive(Default)]
struct Sides {
    old: String,
    new: String,
    old_label: String,
    new_label: String,
}

pub async fn exec(args: &DiffArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, namespace) = crate::ops::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connected");
    let (manifests, others) = read_daemonsets(
        &args.filenames,
        &namespace,
        global.connection.namespace.as_deref(),
    )?;
    if others > 0 {
        eprintln!("warning: skipping {others} objects of other kinds; kubectl ds diff compares DaemonSets");
    }
    let mut results = Vec::new();
    for manifest in &manifests {
        let alone = manifests
            .iter()
            .filter(|m| m.object.file == manifest.object.file)
            .count()
            == 1;
        results.push(diff_one(&cluster, manifest, alone).await?);
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
        DiffFormat::Text => {
            use std::io::Write;
            let text = render_text(&results, render::use_color(global.color));
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .context("writing output")?;
        }
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
    alone: bool,
) -> anyhow::Result<DiffResult> {
    let (namespace, name) = (manifest.namespace.as_str(), manifest.name());
    let live = cluster.get_daemonset(namespace, name).await?;
    let mut body = manifest.object.value.clone();
    body["metadata"]["namespace"] = Value::String(namespace.to_string());
    let stored = match cluster.apply_dry_run(namespace, name, &body).await {
        Ok(stored) => stored,
        Err(ApplyError::Rejected(message)) => {
            return Err(rejected(manifest, alone, &message).into());
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
    let sides = Sides {
        old: yaml_or_empty(&old)?,
        new: yaml(&new)?,
        old_label: format!("live daemonset {namespace}/{name}"),
        new_label: format!("{} (server-side dry run)", manifest.object.file),
    };
    let template_changes = match &live {
        Some(live) => template::compare(&live.spec.template, &stored.spec.template),
        None => TemplateChanges::default(),
    };
    let template_changed = live
        .as_ref()
        .is_some_and(|l| json_of(&l.spec.template) != json_of(&stored.spec.template));
    let placement = match &live {
        None => Some(placement_of(cluster, &stored, false).await),
        Some(_) if template_changed => Some(placement_of(cluster, &stored, true).await),
        Some(_) => None,
    };
    let (counts, risks) = match placement.flatten() {
        Some((counts, risks)) => (Some(counts), risks),
        None => (None, Vec::new()),
    };
    let (desired, replaced) = counts.unzip();
    let verdict = match &live {
        None => Verdict::Create { nodes: desired },
        Some(_) if changes.is_empty() => Verdict::NoChanges,
        Some(_) if !template_changed => Verdict::NoPodsReplaced,
        Some(live) => pod_verdict(live, &stored, replaced),
    };
    Ok(DiffResult {
        namespace: namespace.to_string(),
        name: name.to_string(),
        exists: live.is_some(),
        template_changed,
        verdict,
        template_changes,
        changes,
        risks,
        sides,
    })
}

/// The server refused the change; for the immutable selector, say how to migrate. `alone`: the
/// DaemonSet is the only one in its file, so `migrate -f` can take that file as it is.
fn rejected(manifest: &ManifestDaemonSet, alone: bool, message: &str) -> Failure {
    let (namespace, name) = (&manifest.namespace, manifest.name());
    if message.contains("field is immutable") && message.contains("selector") {
        let at = manifest.object.position_of("spec.selector");
        return Failure::usage(format!(
            "{}:{}: spec.selector of daemonset {namespace}/{name} is immutable and the server will reject this change; \
             to change it, run {} (add --dry-run to see its steps): it relabels the pods, orphan-deletes \
             and re-creates the DaemonSet and replaces the pods in waves within --max-unavailable; or by hand: delete the DaemonSet with --cascade=orphan (its pods keep running), then \
             create it from this manifest: the new DaemonSet adopts the pods whose labels match its new \
             selector and replaces them per its update strategy",
            manifest.object.file,
            at.line,
            migrate_command(manifest, alone)
        ));
    }
    crate::manifest::rejection::rejected_manifest(
        Some(&manifest.object),
        &manifest.namespace,
        name,
        "would reject",
        message,
    )
}

/// The `kubectl ds migrate` command line for this manifest: its file (`-` for stdin), and `-n`
/// when the manifest leaves the namespace to the command line or kubeconfig. migrate takes one
/// DaemonSet per file, so a file holding several is named as the source of a FILE to write.
fn migrate_command(manifest: &ManifestDaemonSet, alone: bool) -> String {
    let written = &*manifest.object.file;
    let file = if written == "<stdin>" {
        "-".to_string()
    } else {
        shell_word(written)
    };
    let namespace = match manifest.object.namespace() {
        Some(_) => String::new(),
        None => format!(" -n {}", shell_word(&manifest.namespace)),
    };
    if alone {
        format!("`kubectl ds migrate -f {file}{namespace}`")
    } else {
        format!(
            "`kubectl ds migrate -f FILE{namespace}` with FILE holding daemonset {}/{} alone (out of {file})",
            manifest.namespace,
            manifest.name()
        )
    }
}

/// `word` as one shell word: quoted only when it has characters a shell would act on.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// RollingUpdate replaces pods on every node that runs one and may start one (`replaced`, from
/// plan, when known), in waves; OnDelete waits.
fn pod_verdict(live: &DaemonSet, stored: &DaemonSet, replaced: Option<i32>) -> Verdict {
    let scheduled = live
        .status
        .as_ref()
        .map_or(0, |s| s.current_number_scheduled);
    let nodes = replaced.unwrap_or(scheduled);
    let strategy = stored.spec.update_strategy.as_ref();
    if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
        return Verdict::OnDelete { nodes };
    }
    let pace = UpdatePace::of(strategy.and_then(|s| s.rolling_update.as_ref()));
    Verdict::Rollout {
        nodes,
        surge_nodes: pace.surge_nodes(nodes),
        waves: rolling_waves(nodes, pace.unavailable(), pace.surge()),
        max_unavailable: pace.max_unavailable,
        max_surge: pace.max_surge,
    }
}

/// What `kubectl ds plan` says applying `stored` does: the nodes that would run it and those
/// whose pod is replaced, and the risk sentences. `None` when the nodes cannot be listed (a
/// warning says so).
async fn placement_of(
    cluster: &Cluster,
    stored: &DaemonSet,
    template_changed: bool,
) -> Option<((i32, i32), Vec<String>)> {
    let namespace = stored.metadata.namespace.as_deref().unwrap_or("default");
    let template = stored.spec.template.spec.clone().unwrap_or_default();
    let inputs = match cluster.placement_inputs(namespace, &template).await {
        Ok(inputs) => inputs,
        Err(failure) => {
            eprintln!(
                "warning: {}; the verdict leaves out placement",
                failure.message
            );
            return None;
        }
    };
    for warning in &inputs.warnings {
        eprintln!("warning: {warning}");
    }
    let (summary, risks) = report::change(stored, template_changed, &inputs);
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Some(((count(summary.desired), count(summary.replaced)), risks))
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

/// The text output: per DaemonSet, the unified diff (coloured when `color`), the pod template
/// summary, and the verdict line.
fn render_text(results: &[DiffResult], color: bool) -> String {
    let mut out = String::new();
    for result in results {
        let sides = &result.sides;
        out.push_str(&diff::text::unified(
            &sides.old,
            &sides.new,
            &sides.old_label,
            &sides.new_label,
            color,
        ));
        let summary = result.template_changes.lines();
        if !summary.is_empty() {
            out.push_str("Pod template:\n");
            for line in summary {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push_str(&format!(
            "daemonset {}/{}: {}\n",
            result.namespace,
            result.name,
            result.verdict.sentence()
        ));
        for risk in &result.risks {
            out.push_str(&format!("  {risk}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::template::ImageChange;

    const LIVE: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    team: infra
  name: agent
  namespace: prod
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - image: busybox:1.36
        name: main
";

    fn result(
        name: &str,
        new: &str,
        verdict: Verdict,
        template_changes: TemplateChanges,
    ) -> DiffResult {
        DiffResult {
            namespace: "prod".into(),
            name: name.into(),
            exists: !matches!(verdict, Verdict::Create { .. }),
            template_changed: !template_changes.is_empty(),
            verdict,
            template_changes,
            changes: Vec::new(),
            risks: Vec::new(),
            sides: Sides {
                old: if name == "new-agent" {
                    String::new()
                } else {
                    LIVE.into()
                },
                new: new.into(),
                old_label: format!("live daemonset prod/{name}"),
                new_label: "agent.yaml (server-side dry run)".into(),
            },
        }
    }

    /// An unchanged DaemonSet, a label-only change, an image change under RollingUpdate, and a new
    /// DaemonSet, in one output.
    fn results() -> Vec<DiffResult> {
        vec![
            result("same", LIVE, Verdict::NoChanges, TemplateChanges::default()),
            result(
                "labelled",
                &LIVE.replace("team: infra", "team: platform"),
                Verdict::NoPodsReplaced,
                TemplateChanges::default(),
            ),
            result(
                "agent",
                &LIVE.replace("busybox:1.36", "busybox:1.37"),
                Verdict::Rollout {
                    nodes: 5,
                    max_unavailable: "2".into(),
                    max_surge: "0".into(),
                    surge_nodes: None,
                    waves: 3,
                },
                TemplateChanges {
                    images: vec![ImageChange {
                        container: "main".into(),
                        old: "busybox:1.36".into(),
                        new: "busybox:1.37".into(),
                    }],
                    changed: vec!["env"],
                    ..TemplateChanges::default()
                },
            ),
            result(
                "new-agent",
                &LIVE.replace("name: agent", "name: new-agent"),
                Verdict::Create { nodes: Some(2) },
                TemplateChanges::default(),
            ),
        ]
    }

    fn manifest(file: &str, namespace: Option<&str>) -> ManifestDaemonSet {
        let written = namespace.map_or(String::new(), |ns| format!("\n  namespace: {ns}"));
        let text = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent{written}\nspec:\n  selector:\n    matchLabels:\n      app: agent-v2\n"
        );
        let object = crate::manifest::parse_objects(file, &text)
            .unwrap()
            .remove(0);
        ManifestDaemonSet {
            ds: object.typed(object.value.clone(), namespace).unwrap(),
            namespace: namespace.unwrap_or("team-a").to_string(),
            object,
        }
    }

    #[test]
    fn an_immutable_selector_names_migrate_with_the_file_then_the_manual_route() {
        let refusal = "DaemonSet.apps \"agent\" is invalid: spec.selector: Invalid value: ...: field is immutable";
        let message = rejected(&manifest("agent-v2.yaml", None), true, refusal).message;
        assert_eq!(
            message,
            "agent-v2.yaml:6: spec.selector of daemonset team-a/agent is immutable and the server will reject this change; \
             to change it, run `kubectl ds migrate -f agent-v2.yaml -n team-a` (add --dry-run to see its steps): \
             it relabels the pods, orphan-deletes and re-creates the DaemonSet and replaces the pods in waves within \
             --max-unavailable; or by hand: delete the DaemonSet with --cascade=orphan (its pods keep running), then \
             create it from this manifest: the new DaemonSet adopts the pods whose labels match its new selector and \
             replaces them per its update strategy"
        );
        let cases = [
            // The namespace the manifest writes needs no -n.
            (
                manifest("agent-v2.yaml", Some("prod")),
                true,
                "`kubectl ds migrate -f agent-v2.yaml`",
            ),
            (
                manifest("<stdin>", Some("prod")),
                true,
                "`kubectl ds migrate -f -`",
            ),
            (
                manifest("my agents/it's.yaml", Some("prod")),
                true,
                r"`kubectl ds migrate -f 'my agents/it'\''s.yaml'`",
            ),
            (
                manifest("all.yaml", Some("prod")),
                false,
                "`kubectl ds migrate -f FILE` with FILE holding daemonset prod/agent alone (out of all.yaml)",
            ),
        ];
        for (manifest, alone, want) in cases {
            let message = rejected(&manifest, alone, refusal).message;
            assert!(message.contains(&format!("run {want} (")), "{message}");
            assert_eq!(message.lines().count(), 1, "{message}");
        }
    }

    #[test]
    fn text_without_colour() {
        insta::assert_snapshot!("diff_text_plain", render_text(&results(), false));
    }

    #[test]
    fn text_with_colour() {
        let text = render_text(&results(), true);
        assert!(
            text.contains("\x1b[32m+      - image: busybox:1.37\x1b[0m"),
            "{text}"
        );
        // Escapes shown as ␛ so the snapshot stays readable.
        insta::assert_snapshot!("diff_text_color", text.replace('\x1b', "␛"));
    }
}
