//! `kubectl ds history NAME`: revisions with the pods on each; one revision's template; a diff of
//! two revisions' templates.

use anyhow::Context as _;
use serde::Serialize;
use serde_json::Value;

use super::Outcome;
use crate::cli::{GlobalArgs, HistoryArgs, HistoryFormat};
use crate::cluster::Scope;
use crate::daemonset::history::{self, RevisionRow};
use crate::daemonset::selector;
use crate::diff::{self, template};
use crate::error::{ExitStatus, Failure};
use crate::render::{self, Cell, Table, Tone};

pub async fn exec(args: &HistoryArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let (cluster, namespace) = super::connect_if(true, &global.connection).await?;
    let cluster = cluster.expect("connected");
    let name = &args.name;
    let ds = cluster
        .get_daemonset(&namespace, name)
        .await?
        .ok_or_else(|| super::not_found(name, &namespace))?;
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let revisions = history::owned_revisions(
        cluster
            .list_controller_revisions(&Scope::Namespace(namespace.clone()))
            .await?,
        &uid,
    );
    if revisions.is_empty() {
        return Err(Failure::api(format!(
            "daemonset {name:?} has no revisions yet; the controller creates the first one right after the DaemonSet"
        ))
        .into());
    }
    let numbers: Vec<i64> = revisions.iter().filter_map(|r| r.revision).collect();
    let pick = |wanted: i64| -> Result<&k8s_openapi::api::apps::v1::ControllerRevision, Failure> {
        let number = history::resolve(wanted, &numbers).map_err(Failure::usage)?;
        Ok(revisions
            .iter()
            .find(|r| r.revision == Some(number))
            .expect("resolved numbers exist"))
    };

    if let Some(wanted) = args.revision {
        let revision = pick(wanted)?;
        let template = history::template_of(revision);
        match args.output {
            HistoryFormat::Yaml => render::print_yaml(&template)?,
            HistoryFormat::Json => render::print_json(&template)?,
            HistoryFormat::Table => {
                let row = &history::rows(std::slice::from_ref(revision), &[])[0];
                render::print_lines([
                    format!(
                        "revision {} ({}), hash {}",
                        row.revision, row.name, row.hash
                    ),
                    format!(
                        "change-cause: {}",
                        row.change_cause.as_deref().unwrap_or("<none>")
                    ),
                    format!("images: {}", row.images.join(", ")),
                    "template: use -o yaml to print it".to_string(),
                ])?;
            }
        }
        return Ok(ExitStatus::Ok);
    }

    if let Some(pair) = &args.diff {
        let (from, to) = match pair.as_slice() {
            [] => (-1, *numbers.last().expect("not empty")),
            [one] => (*one, *numbers.last().expect("not empty")),
            [a, b, ..] => (*a, *b),
        };
        let (from, to) = (pick(from)?, pick(to)?);
        return diff_revisions(from, to, args, global);
    }

    let selector = selector::describe(&ds.spec.selector);
    let pods = match cluster.list_pods(&namespace, &selector).await {
        Ok(pods) => pods
            .into_iter()
            .filter(|p| {
                p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.uid == uid)
            })
            .collect(),
        Err(failure) if failure.exit_status() == ExitStatus::Api => {
            eprintln!("warning: {}; pod counts show as 0", failure.message);
            Vec::new()
        }
        Err(failure) => return Err(failure.into()),
    };
    let rows = history::rows(&revisions, &pods);
    match args.output {
        HistoryFormat::Json => render::print_json(&HistoryList::new(name, &namespace, rows))?,
        HistoryFormat::Yaml => render::print_yaml(&HistoryList::new(name, &namespace, rows))?,
        HistoryFormat::Table => print_table(&rows, args, global)?,
    }
    Ok(ExitStatus::Ok)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryList {
    api_version: &'static str,
    kind: &'static str,
    daemon_set: String,
    namespace: String,
    revisions: Vec<RevisionRow>,
}

impl HistoryList {
    fn new(name: &str, namespace: &str, revisions: Vec<RevisionRow>) -> Self {
        Self {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetHistory",
            daemon_set: name.to_string(),
            namespace: namespace.to_string(),
            revisions,
        }
    }
}

fn print_table(
    rows: &[RevisionRow],
    args: &HistoryArgs,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let now = k8s_openapi::jiff::Timestamp::now();
    let mut table = Table::new(&["REVISION", "HASH", "AGE", "PODS", "CHANGE-CAUSE", "IMAGES"]);
    for row in rows {
        let age = row
            .created
            .as_deref()
            .and_then(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok())
            .map(|t| render::age(now.as_second() - t.as_second()))
            .unwrap_or_else(|| "<unknown>".into());
        let revision = if row.current {
            Cell::toned(format!("{} (current)", row.revision), Tone::Good)
        } else {
            Cell::from(row.revision.to_string())
        };
        table.push(vec![
            revision,
            Cell::from(row.hash.clone()),
            Cell::from(age),
            Cell::from(row.pods.to_string()),
            Cell::from(row.change_cause.clone().unwrap_or_else(|| "<none>".into())),
            Cell::from(row.images.join(",")),
        ]);
    }
    print!(
        "{}",
        table.render(!args.no_headers, render::use_color(global.color))
    );
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RevisionDiff {
    api_version: &'static str,
    kind: &'static str,
    from: i64,
    to: i64,
    template_changes: template::TemplateChanges,
    changes: Vec<diff::Change>,
}

fn diff_revisions(
    from: &k8s_openapi::api::apps::v1::ControllerRevision,
    to: &k8s_openapi::api::apps::v1::ControllerRevision,
    args: &HistoryArgs,
    global: &GlobalArgs,
) -> anyhow::Result<Outcome> {
    let (old, new) = (history::template_of(from), history::template_of(to));
    let summary = template::compare(&history::typed_template(from), &history::typed_template(to));
    let (a, b) = (
        from.revision.unwrap_or_default(),
        to.revision.unwrap_or_default(),
    );
    if args.output != HistoryFormat::Table {
        let document = RevisionDiff {
            api_version: "kubectl-ds/v1alpha1",
            kind: "RevisionDiff",
            from: a,
            to: b,
            template_changes: summary,
            changes: diff::changes(&old, &new),
        };
        match args.output {
            HistoryFormat::Yaml => render::print_yaml(&document)?,
            _ => render::print_json(&document)?,
        }
        return Ok(ExitStatus::Ok);
    }
    let color = render::use_color(global.color);
    let text = diff::text::unified(
        &yaml(&old)?,
        &yaml(&new)?,
        &format!("revision {a}"),
        &format!("revision {b}"),
        color,
    );
    let mut lines = vec![format!("Template of revision {a} against revision {b}:")];
    if summary.is_empty() {
        lines.push("no differences".into());
    } else {
        lines.extend(summary.lines().into_iter().map(|l| format!("  {l}")));
    }
    render::print_lines(lines)?;
    print!("{text}");
    Ok(ExitStatus::Ok)
}

fn yaml(value: &Value) -> anyhow::Result<String> {
    serde_yaml::to_string(value).context("rendering YAML")
}
