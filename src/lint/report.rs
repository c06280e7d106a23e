//! Findings and the machine-readable reports (JSON, SARIF 2.1.0) built from them.

use std::sync::Arc;

use serde::Serialize;

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

    /// The object as a heading names it, kubectl-style (`daemonset demo/agent`);
    /// `default_namespace` is the one in effect when the manifest writes none.
    pub fn display(&self, default_namespace: &str) -> String {
        let namespace = self.namespace.as_deref().unwrap_or(default_namespace);
        format!("{} {namespace}/{}", self.kind.to_lowercase(), self.name)
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
    pub fn to_sarif<'a>(&'a self, rules: &[&'static Rule], version: &'a str) -> sarif::Log<'a> {
        sarif::log(&self.findings, rules, version)
    }
}

/// The SARIF document as borrowed structs, so a large report is written without an
/// intermediate JSON tree.
pub mod sarif {
    use serde::Serialize;

    use super::{Finding, Rule, Severity};

    #[derive(Serialize)]
    pub struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        version: &'static str,
        runs: [Run<'a>; 1],
    }

    #[derive(Serialize)]
    struct Run<'a> {
        tool: Tool<'a>,
        results: Vec<SarifResult<'a>>,
    }

    #[derive(Serialize)]
    struct Tool<'a> {
        driver: Driver<'a>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Driver<'a> {
        name: &'static str,
        semantic_version: &'a str,
        information_uri: &'static str,
        rules: Vec<Descriptor>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Descriptor {
        id: &'static str,
        name: String,
        short_description: Text,
        full_description: Text,
        help: Help,
        default_configuration: Level,
        properties: Properties,
    }

    #[derive(Serialize)]
    struct Text {
        text: String,
    }

    #[derive(Serialize)]
    struct Help {
        text: String,
        markdown: String,
    }

    #[derive(Serialize)]
    struct Level {
        level: &'static str,
    }

    #[derive(Serialize)]
    struct Properties {
        tags: [&'static str; 2],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SarifResult<'a> {
        rule_id: &'static str,
        rule_index: Option<usize>,
        level: &'static str,
        message: Text,
        locations: [Location<'a>; 1],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Location<'a> {
        physical_location: PhysicalLocation,
        logical_locations: [LogicalLocation<'a>; 1],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct PhysicalLocation {
        artifact_location: ArtifactLocation,
        region: Region,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ArtifactLocation {
        uri: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri_base_id: Option<&'static str>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Region {
        start_line: u32,
        start_column: u32,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct LogicalLocation<'a> {
        name: &'a str,
        fully_qualified_name: String,
        kind: &'static str,
    }

    pub fn log<'a>(findings: &'a [Finding], rules: &[&'static Rule], version: &'a str) -> Log<'a> {
        let descriptors = rules
            .iter()
            .map(|rule| Descriptor {
                id: rule.id,
                name: pascal_case(rule.name),
                short_description: Text {
                    text: rule.summary.to_string(),
                },
                full_description: Text {
                    text: rule.description.to_string(),
                },
                help: Help {
                    text: format!("{}\n\nFix: {}", rule.description, rule.remediation),
                    markdown: format!("{}\n\n**Fix:** {}", rule.description, rule.remediation),
                },
                default_configuration: Level {
                    level: level(rule.severity),
                },
                properties: Properties {
                    tags: ["kubernetes", "daemonset"],
                },
            })
            .collect();
        let results = findings
            .iter()
            .map(|finding| SarifResult {
                rule_id: finding.rule_id,
                rule_index: rules.iter().position(|r| r.id == finding.rule_id),
                level: level(finding.severity),
                message: Text {
                    text: format!(
                        "{} ({}): {}",
                        finding.message, finding.field, finding.remediation
                    ),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact_location(&finding.file),
                        region: Region {
                            start_line: finding.line,
                            start_column: finding.column,
                        },
                    },
                    logical_locations: [LogicalLocation {
                        name: &finding.object.name,
                        fully_qualified_name: format!(
                            "{}/{}.{}",
                            finding.object.kind,
                            finding.object.display_name(),
                            finding.field
                        ),
                        kind: "object",
                    }],
                }],
            })
            .collect();
        Log {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "kubectl-ds",
                        semantic_version: version,
                        information_uri: "https://github.com/kubectl-ds/kubectl-ds",
                        rules: descriptors,
                    },
                },
                results,
            }],
        }
    }

    /// SARIF viewers expect rule names as Pascal-case identifiers: `host-port-with-surge` becomes
    /// `HostPortWithSurge`.
    fn pascal_case(name: &str) -> String {
        name.split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    }

    fn level(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        }
    }

    /// Relative paths are given against the checkout root, which is how code scanning resolves them.
    fn artifact_location(file: &str) -> ArtifactLocation {
        let uri = file.trim_start_matches("./").replace('\\', "/");
        if uri == "<stdin>" {
            ArtifactLocation {
                uri: "stdin".into(),
                uri_base_id: None,
            }
        } else if uri.starts_with('/') {
            ArtifactLocation {
                uri: format!("file://{uri}"),
                uri_base_id: None,
            }
        } else {
            ArtifactLocation {
                uri,
                uri_base_id: Some("%SRCROOT%"),
            }
        }
    }
}
