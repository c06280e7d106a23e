//! `kubectl ds lint`: read manifests, optionally read the cluster, run the rules, render.

use crate::render::plural;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::Context;
use k8s_openapi::api::core::v1::Node;

use super::Outcome;
use crate::cli::{GlobalArgs, InputErrors, LintArgs, LintFormat};
use crate::cluster::{Cluster, Scope};
use crate::error::{ExitStatus, Failure};
use crate::lint::report::Totals;
use crate::lint::{self, ClusterFacts, Config, Finding, Input, Needs, Report, Rule, Severity};
use crate::manifest::{self, files, InputError};
use crate::placement::admission;
use crate::render::{self, Cell, Table, Tone};

pub async fn exec(args: &LintArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    if args.list_rules {
        return list_rules(args, global);
    }
    if let Some(key) = &args.explain {
        return explain(key);
    }
    let inputs = args.inputs();
    if inputs.is_empty() {
        return Err(Failure::usage(
            "no manifests given; pass files or directories with -f (use -f - for stdin)",
        )
        .into());
    }
    let config = load_config(args)?;
    let with_cluster = global.connection.cluster.is_some();
    let (cluster, default_namespace) =
        crate::ops::connect_if(with_cluster, &global.connection).await?;
    let (input, mut totals, errors) = read_input(&inputs, &default_namespace)?;
    let facts = match &cluster {
        Some(cluster) => Some(read_cluster(cluster, &input).await?),
        None => None,
    };
    let report = lint::lint(&input, &config, facts.as_ref());
    let counts = report.totals();
    totals.errors = counts.errors;
    totals.warnings = counts.warnings;
    totals.infos = counts.infos;
    totals.suppressed = counts.suppressed;
    totals.input_errors = errors.len();

    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    // Input errors first, so they lead on a terminal; the report on stdout stays clean for tools.
    for message in &messages {
        eprintln!("error: {message}");
    }
    match args.output {
        LintFormat::Table | LintFormat::Wide => {
            let color = render::use_color(global.color);
            print_table(&report, &totals, args, &default_namespace, color)?;
        }
        LintFormat::Json => render::print_json(&report.to_json(&totals, &messages))?,
        LintFormat::Sarif => {
            let rules = enabled_rules(&config, facts.is_some());
            render::print_json(&report.to_sarif(&rules, env!("CARGO_PKG_VERSION")))?
        }
    }
    Ok(exit_status(
        args,
        errors.len(),
        report.fails(args.fail_on.threshold()),
    ))
}

/// 2 for unreadable inputs (unless they are reported: then they count as error-level findings),
/// 1 for findings at or above --fail-on, else 0.
fn exit_status(args: &LintArgs, input_errors: usize, findings_fail: bool) -> ExitStatus {
    let errors_fail = input_errors > 0 && args.fail_on.threshold().is_some();
    match args.input_errors {
        InputErrors::Fail if input_errors > 0 => ExitStatus::Usage,
        InputErrors::Report if errors_fail => ExitStatus::Findings,
        _ if findings_fail => ExitStatus::Findings,
        _ => ExitStatus::Ok,
    }
}

fn load_config(args: &LintArgs) -> Result<Config, Failure> {
    let Some(path) = &args.config else {
        return Ok(Config::default());
    };
    let input = files::Input::File(path.clone());
    let text = files::read_text(&input).map_err(|e| Failure::usage(format!("config {e}")))?;
    Config::parse(&input.display_name(), &text).map_err(|e| Failure::usage(format!("config {e}")))
}

/// Reads every input; unreadable files and invalid objects become errors, the rest is linted.
fn read_input(
    paths: &[std::path::PathBuf],
    default_namespace: &str,
) -> Result<(Input, Totals, Vec<InputError>), Failure> {
    let expanded = files::expand(paths).map_err(|e| Failure::usage(e.to_string()))?;
    let mut input = Input::new(default_namespace);
    let mut totals = Totals::default();
    let mut errors = Vec::new();
    for source in &expanded {
        totals.files += 1;
        let objects = files::read_text(source)
            .and_then(|text| manifest::parse_objects(&source.display_name(), &text));
        match objects {
            Ok(objects) => {
                for object in objects {
                    totals.objects += 1;
                    if let Err(error) = input.add(object) {
                        errors.push(error);
                    }
                }
            }
            Err(error) => errors.push(error),
        }
    }
    totals.daemon_sets = input.daemonsets.len();
    totals.other_objects = input.others.len();
    Ok((input, totals, errors))
}

/// Nodes are required; pods, PriorityClasses, ServiceAccounts, namespaces and RuntimeClasses the
/// user may not read only switch their rules off, with one warning each.
async fn read_cluster(cluster: &Cluster, input: &Input) -> Result<ClusterFacts, Failure> {
    let (nodes, listed) = cluster.nodes_and_pod_index().await;
    let nodes: Vec<Node> =
        nodes.map_err(|e| Failure::api(format!("{}; --cluster needs to list nodes", e.message)))?;
    let pods = optional(
        listed.and_then(|index| index.map_err(Failure::api)),
        "DS405",
    );
    let priority_classes = optional(cluster.list_priority_classes().await, "DS402")
        .map(|list| list.into_iter().filter_map(|pc| pc.metadata.name).collect());
    let service_accounts = optional(
        cluster.list_service_accounts(&Scope::AllNamespaces).await,
        "DS403",
    )
    .map(|list| {
        list.into_iter()
            .filter_map(|sa| Some((sa.metadata.namespace?, sa.metadata.name?)))
            .collect()
    });
    let namespaces = optional(read_namespaces(cluster, input).await, "DS406 and DS407");
    // Read only when a DaemonSet names a class: most never do, and many users may not list them.
    let names_class = input.daemonsets.iter().any(|subject| {
        subject
            .ds
            .spec
            .template
            .spec
            .as_ref()
            .is_some_and(admission::names_runtime_class)
    });
    let runtime_classes = match names_class {
        true => optional(cluster.list_runtime_classes().await, "DS408"),
        false => Some(Vec::new()),
    };
    Ok(ClusterFacts {
        nodes,
        pods,
        priority_classes,
        service_accounts,
        namespaces,
        runtime_classes,
    })
}

/// The labels of each namespace the input's DaemonSets live in, read one by one (a user may be
/// allowed to get a namespace without listing them all); one that does not exist is left out.
async fn read_namespaces(
    cluster: &Cluster,
    input: &Input,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, Failure> {
    let names: BTreeSet<&str> = input
        .daemonsets
        .iter()
        .map(|ds| input.namespace_of(ds))
        .collect();
    let mut labels = BTreeMap::new();
    for name in names {
        if let Some(namespace) = cluster.get_namespace(name).await? {
            labels.insert(
                name.to_string(),
                namespace.metadata.labels.unwrap_or_default(),
            );
        }
    }
    Ok(labels)
}

fn optional<T>(result: Result<T, Failure>, rule: &str) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(failure) => {
            eprintln!("warning: {}; skipping {rule}", failure.message);
            None
        }
    }
}

fn enabled_rules(config: &Config, with_cluster: bool) -> Vec<&'static Rule> {
    lint::rules()
        .filter(|rule| config.severity_of(rule).is_some())
        .filter(|rule| with_cluster || rule.needs == Needs::Manifest)
        .collect()
}

fn severity_cell(severity: Severity) -> Cell {
    let tone = match severity {
        Severity::Error => Tone::Bad,
        Severity::Warning => Tone::Warn,
        Severity::Info => Tone::Plain,
    };
    Cell::toned(severity.label(), tone)
}

fn print_table(
    report: &Report,
    totals: &Totals,
    args: &LintArgs,
    default_namespace: &str,
    color: bool,
) -> anyhow::Result<()> {
    let wide = args.output == LintFormat::Wide;
    let mut out = std::io::stdout().lock();
    let mut groups: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for finding in &report.findings {
        match groups
            .iter_mut()
            .find(|(first, _)| first.file == finding.file && first.object == finding.object)
        {
            Some((_, members)) => members.push(finding),
            None => groups.push((finding, vec![finding])),
        }
    }
    for (first, members) in &groups {
        writeln!(
            out,
            "{} ({})",
            first.object.display(default_namespace),
            first.file
        )
        .context("writing output")?;
        let mut headers = vec!["LOCATION", "SEVERITY", "RULE", "MESSAGE"];
        if wide {
            headers.extend(["FIELD", "FIX"]);
        }
        let mut table = Table::new(&headers);
        for finding in members {
            let mut row = vec![
                Cell::from(finding.location()),
                severity_cell(finding.severity),
                Cell::from(format!("{} {}", finding.rule_id, finding.rule)),
                Cell::from(finding.message.clone()),
            ];
            if wide {
                row.push(Cell::from(finding.field.clone()));
                row.push(Cell::from(finding.remediation));
            }
            table.push(row);
        }
        write!(out, "{}", table.render(!args.no_headers, color)).context("writing output")?;
        writeln!(out).context("writing output")?;
    }
    writeln!(out, "{}", summary_line(totals)).context("writing output")?;
    if !report.findings.is_empty() && !wide {
        writeln!(
            out,
            "Run `kubectl ds lint --explain RULE` for why and how to fix, or -o wide for the fix of each finding."
        )
        .context("writing output")?;
    }
    Ok(())
}

pub fn summary_line(t: &Totals) -> String {
    let found = if t.errors + t.warnings + t.infos == 0 {
        "No problems found".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(t.errors, "error", "errors"),
            plural(t.warnings, "warning", "warnings"),
            plural(t.infos, "info", "infos")
        )
    };
    let mut line = format!(
        "{found} in {} ({}, {}; {} of other kinds read for cross-checks only)",
        plural(t.daemon_sets, "DaemonSet", "DaemonSets"),
        plural(t.files, "file", "files"),
        plural(t.objects, "object", "objects"),
        t.other_objects
    );
    if t.suppressed > 0 {
        line.push_str(&format!("; {} suppressed by annotation", t.suppressed));
    }
    if t.input_errors > 0 {
        line.push_str(&format!(
            "; {} could not be read or understood (errors above)",
            plural(t.input_errors, "input", "inputs")
        ));
    }
    line.push('.');
    line
}

fn list_rules(args: &LintArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    if args.output == LintFormat::Json {
        let rules: Vec<_> = lint::rules()
            .map(|rule| {
                serde_json::json!({
                    "id": rule.id,
                    "name": rule.name,
                    "severity": rule.severity,
                    "needsCluster": rule.needs == Needs::Cluster,
                    "summary": rule.summary,
                    "description": rule.description,
                    "remediation": rule.remediation,
                })
            })
            .collect();
        render::print_json(&rules)?;
        return Ok(ExitStatus::Ok);
    }
    let mut table = Table::new(&["ID", "NAME", "SEVERITY", "NEEDS", "SUMMARY"]);
    for rule in lint::rules() {
        let needs = match rule.needs {
            Needs::Manifest => "manifest",
            Needs::Cluster => "--cluster",
        };
        table.push(vec![
            Cell::from(rule.id),
            Cell::from(rule.name),
            severity_cell(rule.severity),
            Cell::from(needs),
            Cell::from(rule.summary),
        ]);
    }
    print!(
        "{}",
        table.render(!args.no_headers, render::use_color(global.color))
    );
    Ok(ExitStatus::Ok)
}

fn explain(key: &str) -> anyhow::Result<Outcome> {
    let rule = lint::find_rule(key).ok_or_else(|| {
        Failure::usage(format!(
            "unknown rule {key:?}; see `kubectl ds lint --list-rules` for IDs and names"
        ))
    })?;
    let needs = match rule.needs {
        Needs::Manifest => "",
        Needs::Cluster => " Runs only with --cluster.",
    };
    render::print_lines([
        format!("{} {} ({})", rule.id, rule.name, rule.severity),
        rule.summary.to_string(),
        String::new(),
        format!("Why: {}{needs}", rule.description),
        String::new(),
        format!("Fix: {}", rule.remediation),
        String::new(),
        format!(
            "Suppress: annotate the DaemonSet with {}: \"{}\", or set `rules: {{{}: off}}` in a --config file.",
            lint::IGNORE_ANNOTATION,
            rule.id,
            rule.id
        ),
    ])?;
    Ok(ExitStatus::Ok)
}
