//! Findings and the machine-readable reports (JSON, SARIF 2.1.0) built from them.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use super::context::Subject;
use super::{Hit, Rule, Severity};

/// One problem found, with everything a reviewer needs to act on it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule_id: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(serialize_with = "serialize_arc")]
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub object: ObjectRef,
    pub field: String,
    pub message: String,
    pub remediation: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    pub fn display_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }

    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

fn serialize_arc<S: serde::Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

impl Finding {
    pub fn new(rule: &'static Rule, severity: Severity, subject: &Subject, hit: Hit) -> Finding {
        let at = subject.position_of(&hit.path);
        Finding {
            rule_id: rule.id,
            rule: rule.name,
            severity,
            file: subject.file().clone(),
            line: at.line,
            column: at.column,
            object: ObjectRef {
                kind: "DaemonSet",
                namespace: subject.namespace().map(str::to_string),
                name: subject.name().to_string(),
            },
            field: hit.path,
            message: hit.message,
            remediation: rule.remediation,
        }
    }

    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonReport<'a> {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub summary: &'a Totals,
    pub findings: &'a [Finding],
    pub input_errors: &'a [String],
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub files: usize,
    pub objects: usize,
    pub daemon_sets: usize,
    /// Objects of other kinds, read only where a rule relates them to a DaemonSet.
    pub other_objects: usize,
    pub input_errors: usize,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

impl Report {
    /// File order, then line, then rule: the order a reviewer walks a diff in.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.rule_id).cmp(&(&b.file, b.line, b.column, b.rule_id))
        });
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }

    pub fn totals(&self) -> Totals {
        Totals {
            errors: self.count(Severity::Error),
            warnings: self.count(Severity::Warning),
            infos: self.count(Severity::Info),
            suppressed: self.suppressed,
            ..Totals::default()
        }
    }

    /// The `-o json` document; borrows the findings rather than copying them into a JSON tree.
    pub fn to_json<'a>(&'a self, totals: &'a Totals, input_errors: &'a [String]) -> JsonReport<'a> {
        JsonReport {
            api_version: "kubectl-ds/v1alpha1",
            kind: "LintReport",
            summary: totals,
            findings: &self.findings,
            input_errors,
        }
    }

    /// SARIF 2.1.0 as GitHub code scanning reads it: one run, every enabled rule described,
    /// one result per finding with its file and line.
    pub fn to_sarif(&self, rules: &[&'static Rule], version: &str) -> Value {
        let descriptors: Vec<Value> = rules
            .iter()
            .map(|rule| {
                json!({
                    "id": rule.id,
                    "name": rule.name,
                    "shortDescription": { "text": rule.summary },
                    "fullDescription": { "text": rule.description },
                    "help": {
                        "text": format!("{}\n\nFix: {}", rule.description, rule.remediation),
                        "markdown": format!("{}\n\n**Fix:** {}", rule.description, rule.remediation),
                    },
                    "defaultConfiguration": { "level": sarif_level(rule.severity) },
                    "properties": { "tags": ["kubernetes", "daemonset"] },
                })
            })
            .collect();
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|finding| {
                let index = rules.iter().position(|r| r.id == finding.rule_id);
                json!({
                    "ruleId": finding.rule_id,
                    "ruleIndex": index,
                    "level": sarif_level(finding.severity),
                    "message": {
                        "text": format!("{} ({}): {}", finding.message, finding.field, finding.remediation)
                    },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&finding.file),
                            "region": { "startLine": finding.line, "startColumn": finding.column },
                        },
                        "logicalLocations": [{
                            "name": finding.object.name,
                            "fullyQualifiedName": format!("{}/{}.{}", finding.object.kind, finding.object.display_name(), finding.field),
                            "kind": "object",
                        }],
                    }],
                })
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "kubectl-ds",
                        "semanticVersion": version,
                        "informationUri": "https://github.com/kubectl-ds/kubectl-ds",
                        "rules": descriptors,
                    }
                },
                "results": results,
            }],
        })
    }
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Relative paths are given against the checkout root, which is how code scanning resolves them.
fn artifact_location(file: &str) -> Value {
    let uri = file.trim_start_matches("./").replace('\\', "/");
    if uri.starts_with('/') || uri == "<stdin>" {
        json!({ "uri": if uri == "<stdin>" { "stdin".to_string() } else { format!("file://{uri}") } })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}
