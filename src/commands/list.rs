//! `kubectl ds list`: DaemonSets with counts, revision and rollout state.

use k8s_openapi::jiff::Timestamp;
use serde::Serialize;

use crate::cli::{GlobalArgs, ListArgs, OutputFormat};
use crate::cluster::{self, Scope};
use crate::daemonset::summary::{summarize, Rollout, Strategy, Summary};
use crate::error::{ExitStatus, FailureKind};
use crate::render::{self, Cell, Table, Tone};

use super::Outcome;

pub async fn exec(args: &ListArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let cluster = cluster::connect(&global.connection).await?;
    let scope = if args.all_namespaces {
        Scope::AllNamespaces
    } else {
        Scope::Namespace(cluster.namespace.clone())
    };
    let daemonsets = cluster
        .list_daemonsets(&scope, args.selector.as_deref())
        .await?;
    // Revisions only add the REVISION column; without permission to read them, say so and go on.
    let revisions = match cluster.list_controller_revisions(&scope).await {
        Ok(revisions) => Some(revisions),
        Err(failure) if failure.kind == FailureKind::Api => {
            tracing::warn!("REVISION unknown: {failure}");
            None
        }
        Err(failure) => return Err(failure.into()),
    };
    let mut summaries: Vec<Summary> = daemonsets
        .iter()
        .map(|ds| summarize(ds, revisions.as_deref()))
        .collect();
    summaries.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    if summaries.is_empty()
        && matches!(args.output.output, OutputFormat::Table | OutputFormat::Wide)
    {
        eprintln!("{}", nothing_found(&scope));
        return Ok(ExitStatus::Ok);
    }
    match args.output.output {
        OutputFormat::Json => render::print_json(&ListOutput::new(summaries))?,
        OutputFormat::Yaml => render::print_yaml(&ListOutput::new(summaries))?,
        OutputFormat::Name => render::print_lines(
            summaries
                .iter()
                .map(|s| format!("daemonset.apps/{}", s.name)),
        )?,
        format => {
            let table = table(
                &summaries,
                args.all_namespaces,
                format == OutputFormat::Wide,
                Timestamp::now(),
            );
            let text = table.render(!args.output.no_headers, render::use_color(global.color));
            render::print_lines(text.lines().map(str::to_string))?;
        }
    }
    Ok(ExitStatus::Ok)
}

fn nothing_found(scope: &Scope) -> String {
    match scope {
        Scope::Namespace(ns) => format!("No DaemonSets found in {ns} namespace."),
        Scope::AllNamespaces => "No DaemonSets found.".to_string(),
    }
}

/// `-o json|yaml` wraps the rows in a list object so the shape is stable for `jq`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListOutput {
    api_version: &'static str,
    kind: &'static str,
    items: Vec<Summary>,
}

impl ListOutput {
    fn new(items: Vec<Summary>) -> Self {
        Self {
            api_version: "kubectl-ds/v1alpha1",
            kind: "DaemonSetSummaryList",
            items,
        }
    }
}

fn table(summaries: &[Summary], with_namespace: bool, wide: bool, now: Timestamp) -> Table {
    let mut table = Table::new(&headers(with_namespace, wide));
    for s in summaries {
        let mut row: Vec<Cell> = vec![];
        if with_namespace {
            row.push(s.namespace.clone().into());
        }
        row.extend(cells(s, now));
        if wide {
            row.extend(wide_cells(s));
        }
        table.push(row);
    }
    table
}

fn headers(with_namespace: bool, wide: bool) -> Vec<&'static str> {
    let mut headers = vec![];
    if with_namespace {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "NAME",
        "STRATEGY",
        "DESIRED",
        "CURRENT",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "MISSCHEDULED",
        "REVISION",
        "ROLLOUT",
        "NODE SELECTOR",
        "AGE",
    ]);
    if wide {
        headers.extend([
            "MAX-UNAVAILABLE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR",
            "ROLLOUT DETAIL",
        ]);
    }
    headers
}

/// The columns from NAME to AGE.
fn cells(s: &Summary, now: Timestamp) -> [Cell; 12] {
    [
        s.name.clone().into(),
        strategy_text(s.strategy).into(),
        s.desired.to_string().into(),
        s.current.to_string().into(),
        count_cell(s.ready, s.desired),
        count_cell(s.up_to_date, s.desired),
        count_cell(s.available, s.desired),
        Cell::toned(
            s.misscheduled.to_string(),
            if s.misscheduled > 0 {
                Tone::Warn
            } else {
                Tone::Plain
            },
        ),
        s.revision
            .map_or("<unknown>".to_string(), |r| r.to_string())
            .into(),
        rollout_cell(&s.rollout),
        or_none(
            s.node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        )
        .into(),
        s.creation
            .as_ref()
            .map_or("<unknown>".to_string(), |t| {
                render::age(now.as_second() - t.0.as_second())
            })
            .into(),
    ]
}

/// The columns `-o wide` adds.
fn wide_cells(s: &Summary) -> [Cell; 5] {
    [
        s.max_unavailable
            .clone()
            .unwrap_or_else(|| "-".into())
            .into(),
        or_none(s.containers.join(",")).into(),
        or_none(s.images.join(",")).into(),
        or_none(s.selector.clone()).into(),
        s.rollout.detail().into(),
    ]
}

fn strategy_text(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::RollingUpdate => "RollingUpdate",
        Strategy::OnDelete => "OnDelete",
    }
}

fn count_cell(count: i32, desired: i32) -> Cell {
    let tone = match count {
        _ if count >= desired => Tone::Plain,
        0 => Tone::Bad,
        _ => Tone::Warn,
    };
    Cell::toned(count.to_string(), tone)
}

fn rollout_cell(rollout: &Rollout) -> Cell {
    let tone = match rollout {
        Rollout::Complete => Tone::Good,
        _ => Tone::Warn,
    };
    Cell::toned(rollout.label(), tone)
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}
