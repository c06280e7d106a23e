//! The DaemonSet linter: rules (one file per family), the engine that runs them over the input,
//! and the report. Pure: the command reads files and the cluster, this module only decides.
//!
//! Rule IDs are stable: DS1xx invalid or silently broken, DS2xx DaemonSet pitfalls, DS3xx security
//! and hygiene, DS4xx rules that need the cluster (`--cluster`).

mod cluster;
pub mod config;
mod context;
mod host;
mod pitfalls;
mod placeholder;
pub mod report;
mod security;
mod validity;

#[cfg(test)]
mod testing;

use std::fmt;

use serde::Serialize;

pub use cluster::ClusterFacts;
pub use config::Config;
pub use context::{Ctx, Input, OtherObject, Subject};
pub use report::{Finding, Report};

/// How much a finding matters; `--fail-on` and the config compare against this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a rule needs to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The manifests alone.
    Manifest,
    /// Read access to the cluster (`--cluster`).
    Cluster,
}

/// One check. `check` looks at one DaemonSet (with the rest of the input and, for cluster rules,
/// the cluster in reach) and returns a hit per problem found.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub needs: Needs,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters, for `--explain`.
    pub description: &'static str,
    /// What to do about it.
    pub remediation: &'static str,
    pub check: fn(&Ctx) -> Vec<Hit>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// A problem at one field of the DaemonSet. `path` is relative to the object, e.g.
/// `spec.template.spec.containers[0].image`; for a missing field, the path where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub path: String,
    pub message: String,
}

impl Hit {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Every rule, in ID order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    validity::RULES
        .iter()
        .chain(pitfalls::RULES)
        .chain(security::RULES)
        .chain(cluster::RULES)
}

/// A rule by ID (`DS201`, any case) or short name (`host-network-dns-policy`).
pub fn find_rule(key: &str) -> Option<&'static Rule> {
    rules().find(|rule| rule.id.eq_ignore_ascii_case(key) || rule.name == key)
}

/// The annotation that suppresses rules on one object: IDs or names, separated by commas.
pub const IGNORE_ANNOTATION: &str = "lint.kubectl-ds.io/ignore";

/// The annotation that declares a privileged node agent on purpose; its value says why.
pub const PRIVILEGED_AGENT_ANNOTATION: &str = "lint.kubectl-ds.io/privileged-agent";

/// The host-access rules such a declaration acknowledges (reported as suppressed). Hardening
/// that still applies to a privileged agent (allowPrivilegeEscalation, read-only root, resources,
/// images) and every DaemonSet rule stay on.
pub const PRIVILEGED_AGENT_RULES: &[&str] = &["DS301", "DS303", "DS304", "DS305", "DS306", "DS307"];

/// Runs every enabled rule over every DaemonSet of the input.
pub fn lint(input: &Input, config: &Config, cluster: Option<&ClusterFacts>) -> Report {
    let mut report = Report::default();
    for subject in &input.daemonsets {
        let ctx = Ctx {
            subject,
            input,
            cluster,
        };
        let ignored = subject.ignored_rules();
        for rule in rules() {
            if rule.needs == Needs::Cluster && cluster.is_none() {
                continue;
            }
            let Some(severity) = config.severity_of(rule) else {
                continue;
            };
            for hit in (rule.check)(&ctx) {
                if ignored
                    .iter()
                    .any(|key| key.eq_ignore_ascii_case(rule.id) || *key == rule.name)
                {
                    report.suppressed += 1;
                    continue;
                }
                report
                    .findings
                    .push(Finding::new(rule, severity, subject, hit));
            }
        }
    }
    report.sort();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_and_names_are_unique_and_well_formed() {
        let all: Vec<_> = rules().collect();
        for (i, rule) in all.iter().enumerate() {
            assert!(
                rule.id.len() == 5 && rule.id.starts_with("DS"),
                "{}",
                rule.id
            );
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                rule.name
            );
            assert!(
                !rule.summary.is_empty()
                    && !rule.description.is_empty()
                    && !rule.remediation.is_empty(),
                "{}",
                rule.id
            );
            for other in &all[i + 1..] {
                assert_ne!(rule.id, other.id);
                assert_ne!(rule.name, other.name);
            }
        }
        let ids: Vec<_> = all.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "rules are listed in ID order");
    }

    #[test]
    fn rules_are_found_by_id_or_name() {
        let first = rules().next().unwrap();
        assert_eq!(find_rule(&first.id.to_lowercase()).unwrap().id, first.id);
        assert_eq!(find_rule(first.name).unwrap().id, first.id);
        assert!(find_rule("DS999").is_none());
    }
}
