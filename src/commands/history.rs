//! `kubectl ds history NAME`: revisions with the pods on each; one revision's template; a diff of
//! two revisions' templates.

use anyhow::Context as _;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;
use serde_json::Value;

use super::Outcome;
use crate::cli::{GlobalArgs, HistoryArgs, HistoryFormat};
use crate::cluster::Cluster;
use crate::daemonset::history::{self, RevisionRow};
use crate::daemonset::selector;
use crate::diff::{self, template};
use crate::error::{ExitStatus, Failure};
use crate::render::{self, Cell, Table};

pub async fn exec(args: &HistoryArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, ds) = crate::ops::live_daemonset(global, name).await?;
    let revisions = crate::ops::owned_revisions(&cluster, &namespace, &ds).await?;
    if revisions.is_empty() {
        return Err(Failure::api(format!(
            "daemonset {namespace}/{name} has no revisions yet; the controller creates the first one right after the DaemonSet"
        ))
        .into());
    }
    let numbers: Vec<i64> = revisions.iter().filter_map(|r| r.revision).collect();
    let pick = |wanted: i64| -> Result<&ControllerRevision, Failure> {
        if numbers.is_empty() {
            return Err(unnumbered((&namespace, name)));
        }
        let number = history::resolve(wanted, &numbers).map_err(Failure::usage)?;
        Ok(revisions
            .iter()
            .find(|r| r.revision == Some(number))
            .expect("resolved numbers exist"))
    };

    if let Some(wanted) = args.revision {
        print_revision(pick(wanted)?, args)?;
        return Ok(ExitStatus::Ok);
    }

    if let Some(pair) = &args.diff {
        let (from, to) = diff_pair((&namespace, name), pair, &numbers)?;
        let (from, to) = (pick(from)?, pick(to)?);
        return diff_revisions(from, to, args, global);
    }

    let pods = owned_pods(&cluster, &namespace, &ds).await?;
    let rows = history::rows(&revisions, &pods);
    print_history(rows, &namespace, args, global)?;
    Ok(ExitStatus::Ok)
}

/// `history --revision N`: the template as YAML or JSON, or a short summary as a table.
fn print_revision(revision: &ControllerRevision, args: &HistoryArgs) -> anyhow::Result<()> {
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
    Ok(())
}

/// The pods `ds` owns. Pod counts are a detail of the list, so when the API refuses them the
/// history still prints, with a warning.
async fn owned_pods(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
) -> anyhow::Result<Vec<Pod>> {
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let selector = selector::describe(&ds.spec.selector);
    Ok(match cluster.list_pods(namespace, &selector).await {
        Ok(pods) => pods
            .into_iter()
            .filter(|p| history::is_owned_by(&p.metadata, &uid))
            .collect(),
        Err(failure) if failure.exit_status() == ExitStatus::Api => {
            eprintln!("warning: {}; pod counts show as 0", failure.message);
            Vec::new()
        }
        Err(failure) => return Err(failure.into()),
    })
}

fn print_history(
    rows: Vec<RevisionRow>,
    namespace: &str,
    args: &HistoryArgs,
    global: &GlobalArgs,
) -> anyhow::Result<()> {
    let name = &args.name;
    match args.output {
        HistoryFormat::Json => render::print_json(&HistoryList::new(name, namespace, rows))?,
        HistoryFormat::Yaml => render::print_yaml(&HistoryList::new(name, namespace, rows))?,
        HistoryFormat::Table => print!(
            "{}",
            render_table(
                &rows,
                k8s_openapi::jiff::Timestamp::now(),
                !args.no_headers,
                render::use_color(global.color),
            )
        ),
    }
    Ok(())
}

/// The revisions `--diff` compares, as numbers for `history::resolve`: both as given, or the one
/// given and the newest, or the newest and the one before it. `numbers` are the revision numbers
/// the DaemonSet's ControllerRevisions carry, oldest first.
fn diff_pair(
    (namespace, name): (&str, &str),
    pair: &[i64],
    numbers: &[i64],
) -> Result<(i64, i64), Failure> {
    let Some(&newest) = numbers.last() else {
        return Err(unnumbered((namespace, name)));
    };
    Ok(match pair {
        [] if numbers.len() < 2 => {
            return Err(Failure::usage(format!(
                "daemonset {namespace}/{name} has only revision {newest}: there is no previous one to compare with yet"
            )))
        }
        [] => (-1, newest),
        [one] => (*one, newest),
        [a, b, ..] => (*a, *b),
    })
}

/// ControllerRevisions whose `revision` is missing (the API server sets it on every one it
/// creates, so someone wrote them by hand) cannot be picked by number.
fn unnumbered((namespace, name): (&str, &str)) -> Failure {
    Failure::api(format!(
        "the ControllerRevisions of daemonset {namespace}/{name} carry no revision number, so none can be picked by number; \
         kubectl get controllerrevisions shows them"
    ))
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

/// The history table; AGE counts from `now`.
fn render_table(
    rows: &[RevisionRow],
    now: k8s_openapi::jiff::Timestamp,
    headers: bool,
    color: bool,
) -> String {
    let mut table = Table::new(&["REVISION", "HASH", "AGE", "PODS", "CHANGE-CAUSE", "IMAGES"]);
    for row in rows {
        let age = row
            .created
            .as_deref()
            .and_then(|t| t.parse::<k8s_openapi::jiff::Timestamp>().ok())
            .map(|t| render::age(now.as_second() - t.as_second()))
            .unwrap_or_else(|| "<unknown>".into());
        let revision = render::revision_cell(row.revision, row.current);
        table.push(vec![
            revision,
            Cell::from(row.hash.clone()),
            Cell::from(age),
            Cell::from(row.pods.to_string()),
            Cell::from(row.change_cause.clone().unwrap_or_else(|| "<none>".into())),
            Cell::from(row.images.join(",")),
        ]);
    }
    table.render(headers, color)
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
    let text = render_revision_diff(a, b, &old, &new, &summary, render::use_color(global.color))?;
    print!("{text}");
    Ok(ExitStatus::Ok)
}

/// `history --diff` as text: the template summary of revision `a` against `b`, then the unified
/// diff of the two templates (coloured when `color`).
fn render_revision_diff(
    a: i64,
    b: i64,
    old: &Value,
    new: &Value,
    summary: &template::TemplateChanges,
    color: bool,
) -> anyhow::Result<String> {
    let mut out = format!("Template of revision {a} against revision {b}:\n");
    if summary.is_empty() {
        out.push_str("no differences\n");
    } else {
        for line in summary.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&diff::text::unified(
        &yaml(old)?,
        &yaml(new)?,
        &format!("revision {a}"),
        &format!("revision {b}"),
        color,
    ));
    Ok(out)
}

fn yaml(value: &Value) -> anyhow::Result<String> {
    serde_yaml::to_string(value).context("rendering YAML")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(revision: i64, hash: &str, created: &str, pods: usize, image: &str) -> RevisionRow {
        RevisionRow {
            revision,
            hash: hash.into(),
            name: format!("agent-{hash}"),
            created: Some(created.into()),
            change_cause: (revision == 2).then(|| "kubectl set env ds/agent MODE=fast".into()),
            images: vec![image.into(), "busybox:1.36".into()],
            pods,
            current: revision == 3,
        }
    }

    fn rows() -> Vec<RevisionRow> {
        vec![
            row(1, "6d4f8b9c7", "2024-05-01T10:00:00Z", 0, "nginx:1.25"),
            row(2, "7f5c9d8b6", "2024-05-03T09:30:00Z", 1, "nginx:1.26"),
            row(3, "85b7c6d9f", "2024-05-03T11:55:30Z", 2, "nginx:1.27"),
        ]
    }

    fn now() -> k8s_openapi::jiff::Timestamp {
        "2024-05-03T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn diff_pairs_default_to_the_newest_and_never_index_an_empty_list() {
        type Case<'a> = (&'a [i64], &'a [i64], Result<(i64, i64), &'a str>);
        let cases: [Case; 7] = [
            (&[], &[1, 2, 3], Ok((-1, 3))),
            (&[1], &[1, 2, 3], Ok((1, 3))),
            (&[3, 1], &[1, 2, 3], Ok((3, 1))),
            (
                &[],
                &[4],
                Err("daemonset demo/agent has only revision 4: there is no previous one to compare with yet"),
            ),
            (&[4], &[4], Ok((4, 4))),
            (
                &[],
                &[],
                Err("the ControllerRevisions of daemonset demo/agent carry no revision number"),
            ),
            (
                &[1, 2],
                &[],
                Err("the ControllerRevisions of daemonset demo/agent carry no revision number"),
            ),
        ];
        for (pair, numbers, want) in cases {
            let got = diff_pair(("demo", "agent"), pair, numbers).map_err(|f| f.message);
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{pair:?} of {numbers:?}"),
                (Err(got), Err(want)) => assert!(got.starts_with(want), "{got}"),
                (got, _) => panic!("{pair:?} of {numbers:?}: {got:?}"),
            }
        }
    }

    #[test]
    fn table_without_colour() {
        insta::assert_snapshot!(
            "history_table_plain",
            render_table(&rows(), now(), true, false)
        );
        let bare = render_table(&rows(), now(), false, false);
        assert!(!bare.contains("REVISION"), "{bare}");
        assert_eq!(bare.lines().count(), 3, "{bare}");
    }

    #[test]
    fn table_with_colour() {
        let table = render_table(&rows(), now(), true, true);
        insta::assert_snapshot!("history_table_color", table.replace('\x1b', "␛"));
    }

    fn templates() -> (Value, Value) {
        let old = json!({"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [
            {"name": "main", "image": "nginx:1.25", "env": [{"name": "MODE", "value": "slow"}]}]}});
        let new = json!({"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [
            {"name": "main", "image": "nginx:1.26", "env": [{"name": "MODE", "value": "fast"}],
             "resources": {"limits": {"memory": "64Mi"}}}]}});
        (old, new)
    }

    fn summary(old: &Value, new: &Value) -> template::TemplateChanges {
        template::compare(
            &serde_json::from_value(old.clone()).unwrap(),
            &serde_json::from_value(new.clone()).unwrap(),
        )
    }

    #[test]
    fn revision_diff_without_colour() {
        let (old, new) = templates();
        let text = render_revision_diff(1, 2, &old, &new, &summary(&old, &new), false).unwrap();
        insta::assert_snapshot!("history_diff_plain", text);
        let same = render_revision_diff(2, 2, &new, &new, &summary(&new, &new), false).unwrap();
        assert_eq!(
            same,
            "Template of revision 2 against revision 2:\nno differences\n"
        );
    }

    #[test]
    fn revision_diff_with_colour() {
        let (old, new) = templates();
        let text = render_revision_diff(1, 2, &old, &new, &summary(&old, &new), true).unwrap();
        insta::assert_snapshot!("history_diff_color", text.replace('\x1b', "␛"));
    }
}
