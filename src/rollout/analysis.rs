//! What a gate between waves is asked to check, as one model whether it comes from flags or from
//! an analysis file (YAML): command checks, Prometheus metrics sampled over a duration under a
//! failure limit, a restart limit, and approvals. Read and validated before anything changes.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::gate::MetricCondition;
use crate::clock::{format_duration, parse_duration};

/// A command run through the shell after a wave's soak; exit 0 passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub command: String,
    pub timeout: Duration,
}

/// Where the metrics are queried, and how to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prometheus {
    pub url: String,
    pub bearer_token_file: Option<String>,
    pub ca_file: Option<String>,
}

/// A metric condition and whether a query that matches no series passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub condition: MetricCondition,
    pub empty_passes: bool,
}

/// The gate between waves. It is recorded in the rollout state in the analysis file's own form,
/// so `rollout resume` runs the same gate, and a file and a record read alike.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawAnalysis")]
pub struct Analysis {
    pub checks: Vec<Check>,
    pub prometheus: Option<Prometheus>,
    pub metrics: Vec<Metric>,
    /// Time between two samples of every metric.
    pub interval: Duration,
    /// How long metrics are sampled after a wave's soak.
    pub duration: Duration,
    /// Bad samples a metric may have before the gate fails.
    pub failure_limit: usize,
    /// Restarts a new pod may have in all before the gate fails.
    pub max_restarts: Option<i32>,
    /// Stop after every wave until `rollout resume`.
    pub approve: bool,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            checks: Vec::new(),
            prometheus: None,
            metrics: Vec::new(),
            interval: DEFAULT_INTERVAL,
            duration: Duration::ZERO,
            failure_limit: 0,
            max_restarts: None,
            approve: false,
        }
    }
}

const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(60);

impl Analysis {
    /// Nothing to check: the gate is readiness alone, as without any of this.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
            && self.metrics.is_empty()
            && self.max_restarts.is_none()
            && !self.approve
    }

    /// Reads an analysis file; `file` names it in the messages.
    /// The flags over this analysis (a file's, or the defaults): checks and metrics are added,
    /// the Prometheus and the limits replaced where given. Validated.
    pub fn with_flags(mut self, flags: &crate::cli::GateArgs) -> Result<Self, String> {
        let timeout = flags.check_timeout.unwrap_or(DEFAULT_CHECK_TIMEOUT);
        self.checks.extend(flags.checks.iter().map(|command| Check {
            command: command.clone(),
            timeout,
        }));
        if flags.checks.iter().any(|c| c.trim().is_empty()) {
            return Err("--check needs a command".into());
        }
        if let Some(url) = &flags.prometheus {
            let previous = self.prometheus.take();
            self.prometheus = Some(Prometheus {
                url: url.clone(),
                bearer_token_file: previous.as_ref().and_then(|p| p.bearer_token_file.clone()),
                ca_file: previous.and_then(|p| p.ca_file),
            });
        }
        let auth_given =
            flags.prometheus_token_file.is_some() || flags.prometheus_ca_file.is_some();
        match self.prometheus.as_mut() {
            Some(prometheus) => {
                if let Some(file) = &flags.prometheus_token_file {
                    prometheus.bearer_token_file = Some(file.clone());
                }
                if let Some(file) = &flags.prometheus_ca_file {
                    prometheus.ca_file = Some(file.clone());
                }
            }
            None if auth_given => {
                return Err(
                    "--prometheus-token-file and --prometheus-ca-file need --prometheus URL".into(),
                )
            }
            None => {}
        }
        self.metrics
            .extend(flags.metrics.iter().map(|condition| Metric {
                condition: condition.clone(),
                empty_passes: flags.metric_empty_passes,
            }));
        self.interval = flags.analysis_interval.unwrap_or(self.interval);
        self.duration = flags.analysis_duration.unwrap_or(self.duration);
        self.failure_limit = flags.failure_limit.unwrap_or(self.failure_limit);
        if let Some(limit) = flags.max_restarts {
            self.max_restarts = Some(i32::try_from(limit).unwrap_or(i32::MAX));
        }
        self.approve |= flags.approve;
        self.validate()?;
        Ok(self)
    }

    /// The samples each metric takes in one gate run: one per interval over the duration, at
    /// least one; 0 without metrics.
    pub fn samples_per_run(&self) -> usize {
        match self.metrics.is_empty() {
            true => 0,
            false => super::gate::samples_wanted(self.duration.as_secs(), self.interval.as_secs()),
        }
    }

    /// The gate in one line, for a dry run's plan.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for check in &self.checks {
            parts.push(format!(
                "check {:?} (timeout {})",
                check.command,
                format_duration(check.timeout)
            ));
        }
        if let Some(prometheus) = &self.prometheus {
            let names: Vec<&str> = self
                .metrics
                .iter()
                .map(|m| m.condition.name.as_str())
                .collect();
            parts.push(format!(
                "metric(s) {} from {} every {} for {} (failure limit {})",
                names.join(", "),
                prometheus.url,
                format_duration(self.interval),
                format_duration(self.duration),
                self.failure_limit
            ));
        }
        if let Some(limit) = self.max_restarts {
            parts.push(format!("at most {limit} restart(s) per new pod"));
        }
        if self.approve {
            parts.push("an approval (--approve)".into());
        }
        parts.join("; ")
    }

    pub fn from_yaml(file: &str, text: &str) -> Result<Self, String> {
        let raw: RawAnalysis = serde_yaml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        raw.validate().map_err(|e| format!("{file}: {e}"))
    }

    /// The metrics need somewhere to query; the sampling must be able to take a sample.
    pub fn validate(&self) -> Result<(), String> {
        if !self.metrics.is_empty() && self.prometheus.is_none() {
            return Err(
                "metrics need a Prometheus to query: set prometheus.url (or --prometheus URL)"
                    .into(),
            );
        }
        if self.prometheus.is_some() && self.metrics.is_empty() {
            return Err(
                "a Prometheus is set but there is no metric to query: add --metric 'NAME: PROMQL OP THRESHOLD' (or metrics in the analysis file)"
                    .into(),
            );
        }
        if let Some(prometheus) = &self.prometheus {
            let scheme_ok = ["http://", "https://"]
                .iter()
                .any(|s| prometheus.url.starts_with(s) && prometheus.url.len() > s.len());
            if !scheme_ok {
                return Err(format!(
                    "invalid Prometheus URL {:?}: use http://HOST:PORT or https://HOST:PORT",
                    prometheus.url
                ));
            }
        }
        if self.interval.is_zero() {
            return Err("the analysis interval must be longer than 0s".into());
        }
        if self.max_restarts.is_some_and(|n| n < 0) {
            return Err("maxRestarts must be 0 or more".into());
        }
        Ok(())
    }
}

/// The environment a check command runs with: the wave it judges, and the kubeconfig and
/// context in use so that `kubectl` in the check talks to the same cluster.
pub fn check_env(
    scope: &super::gate::WaveScope,
    daemonset: &str,
    wave: usize,
    updated_nodes: &[String],
    connection: (Option<&str>, Option<&str>),
) -> Vec<(String, String)> {
    let (kubeconfig, context) = connection;
    let mut env = vec![
        ("KDS_NAMESPACE", scope.namespace.clone()),
        ("KDS_DAEMONSET", daemonset.to_string()),
        ("KDS_REVISION", scope.revision.clone()),
        ("KDS_WAVE", wave.to_string()),
        ("KDS_WAVE_NODES", scope.nodes.join(",")),
        ("KDS_UPDATED_NODES", updated_nodes.join(",")),
        ("KDS_PODS", scope.pods.join(",")),
    ];
    if let Some(kubeconfig) = kubeconfig {
        env.push(("KUBECONFIG", kubeconfig.to_string()));
    }
    if let Some(context) = context {
        env.push(("KDS_CONTEXT", context.to_string()));
    }
    env.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl TryFrom<RawAnalysis> for Analysis {
    type Error = String;

    fn try_from(raw: RawAnalysis) -> Result<Self, String> {
        raw.validate()
    }
}

impl Serialize for Analysis {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RecordedAnalysis::of(self).serialize(serializer)
    }
}

/// The analysis in the file's long form.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordedAnalysis {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<RecordedCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prometheus: Option<RecordedPrometheus>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    metrics: Vec<RecordedMetric>,
    interval: String,
    duration: String,
    failure_limit: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_restarts: Option<i32>,
    approve: bool,
}

#[derive(Serialize)]
struct RecordedCheck {
    command: String,
    timeout: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordedPrometheus {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bearer_token_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ca_file: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordedMetric {
    name: String,
    query: String,
    condition: String,
    empty_passes: bool,
}

impl RecordedAnalysis {
    fn of(analysis: &Analysis) -> Self {
        RecordedAnalysis {
            checks: analysis
                .checks
                .iter()
                .map(|c| RecordedCheck {
                    command: c.command.clone(),
                    timeout: format_duration(c.timeout),
                })
                .collect(),
            prometheus: analysis.prometheus.as_ref().map(|p| RecordedPrometheus {
                url: p.url.clone(),
                bearer_token_file: p.bearer_token_file.clone(),
                ca_file: p.ca_file.clone(),
            }),
            metrics: analysis
                .metrics
                .iter()
                .map(|m| RecordedMetric {
                    name: m.condition.name.clone(),
                    query: m.condition.query.clone(),
                    condition: format!(
                        "{} {}",
                        m.condition.comparison.as_str(),
                        m.condition.threshold
                    ),
                    empty_passes: m.empty_passes,
                })
                .collect(),
            interval: format_duration(analysis.interval),
            duration: format_duration(analysis.duration),
            failure_limit: analysis.failure_limit,
            max_restarts: analysis.max_restarts,
            approve: analysis.approve,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawAnalysis {
    #[serde(default)]
    checks: Vec<RawCheck>,
    prometheus: Option<RawPrometheus>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
    interval: Option<String>,
    duration: Option<String>,
    failure_limit: Option<usize>,
    max_restarts: Option<i32>,
    #[serde(default)]
    approve: bool,
    /// How the nodes are treated: read by `NodePolicy::from_analysis_yaml`, not part of the gate.
    #[serde(default, rename = "nodes")]
    _nodes: Option<serde_yaml::Value>,
}

/// `- CMD` or `- {command: CMD, timeout: 30s}`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a check: a command (a quoted string) or {command: ..., timeout: ...}"
)]
enum RawCheck {
    Command(String),
    #[serde(rename_all = "camelCase")]
    Full {
        command: String,
        timeout: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawPrometheus {
    url: String,
    bearer_token_file: Option<String>,
    ca_file: Option<String>,
}

/// `- 'NAME: PROMQL OP THRESHOLD'` or `- {name, query, condition: 'OP THRESHOLD', emptyPasses}`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a metric: 'NAME: PROMQL OP THRESHOLD' or {name: ..., query: ..., condition: ..., emptyPasses: ...}"
)]
enum RawMetric {
    Line(String),
    #[serde(rename_all = "camelCase")]
    Full {
        name: String,
        query: String,
        condition: String,
        #[serde(default)]
        empty_passes: bool,
    },
}

impl RawAnalysis {
    fn validate(self) -> Result<Analysis, String> {
        let duration_of = |what: &str, text: Option<String>, default: Duration| match text {
            Some(text) => parse_duration(&text).map_err(|e| format!("{what}: {e}")),
            None => Ok(default),
        };
        let checks = self
            .checks
            .into_iter()
            .map(|check| {
                let (command, timeout) = match check {
                    RawCheck::Command(command) => (command, DEFAULT_CHECK_TIMEOUT),
                    RawCheck::Full { command, timeout } => (
                        command,
                        duration_of("timeout", timeout, DEFAULT_CHECK_TIMEOUT)?,
                    ),
                };
                match command.trim().is_empty() {
                    true => Err("a check has an empty command".to_string()),
                    false => Ok(Check { command, timeout }),
                }
            })
            .collect::<Result<Vec<_>, String>>()?;
        let metrics = self
            .metrics
            .into_iter()
            .map(|metric| match metric {
                RawMetric::Line(line) => Ok(Metric {
                    condition: line.parse()?,
                    empty_passes: false,
                }),
                RawMetric::Full {
                    name,
                    query,
                    condition,
                    empty_passes,
                } => Ok(Metric {
                    condition: format!("{name}: {query} {condition}").parse()?,
                    empty_passes,
                }),
            })
            .collect::<Result<Vec<_>, String>>()?;
        let interval = duration_of("interval", self.interval, DEFAULT_INTERVAL)?;
        let analysis = Analysis {
            checks,
            prometheus: self.prometheus.map(|p| Prometheus {
                url: p.url,
                bearer_token_file: p.bearer_token_file,
                ca_file: p.ca_file,
            }),
            metrics,
            interval,
            duration: duration_of("duration", self.duration, Duration::ZERO)?,
            failure_limit: self.failure_limit.unwrap_or(0),
            max_restarts: self.max_restarts,
            approve: self.approve,
        };
        analysis.validate()?;
        Ok(analysis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_analysis_file_reads_short_and_long_forms() {
        let text = r#"
checks:
  - curl -sf http://localhost:9102/healthz
  - command: ./probe-network.sh
    timeout: 2m
prometheus:
  url: https://prometheus.monitoring:9090
  bearerTokenFile: /var/run/secrets/prometheus/token
  caFile: /etc/prometheus/ca.crt
metrics:
  - 'errors: sum(rate(agent_errors_total{node=~"{{nodes}}"}[1m])) < 0.1'
  - name: dropped
    query: sum(agent_dropped_lines{pod=~"{{pods}}"})
    condition: '== 0'
    emptyPasses: true
interval: 15s
duration: 2m
failureLimit: 1
maxRestarts: 2
approve: true
"#;
        let analysis = Analysis::from_yaml("gates.yaml", text).unwrap();
        assert_eq!(
            analysis.checks,
            [
                Check {
                    command: "curl -sf http://localhost:9102/healthz".into(),
                    timeout: DEFAULT_CHECK_TIMEOUT
                },
                Check {
                    command: "./probe-network.sh".into(),
                    timeout: Duration::from_secs(120)
                },
            ]
        );
        let prometheus = analysis.prometheus.clone().unwrap();
        assert_eq!(prometheus.url, "https://prometheus.monitoring:9090");
        assert_eq!(
            prometheus.ca_file.as_deref(),
            Some("/etc/prometheus/ca.crt")
        );
        let names: Vec<(&str, bool)> = analysis
            .metrics
            .iter()
            .map(|m| (m.condition.name.as_str(), m.empty_passes))
            .collect();
        assert_eq!(names, [("errors", false), ("dropped", true)]);
        assert_eq!(analysis.interval, Duration::from_secs(15));
        assert_eq!(analysis.duration, Duration::from_secs(120));
        assert_eq!(
            (
                analysis.failure_limit,
                analysis.max_restarts,
                analysis.approve
            ),
            (1, Some(2), true)
        );
        assert!(!analysis.is_empty());
        assert!(Analysis::default().is_empty());
    }

    #[test]
    fn a_bad_analysis_file_is_one_line_naming_the_file() {
        let cases = [
            (
                "metrics: ['errors: x < 1']",
                "gates.yaml: metrics need a Prometheus to query",
            ),
            (
                "prometheus: {url: prometheus:9090}\nmetrics: ['errors: x < 1']",
                "invalid Prometheus URL \"prometheus:9090\"",
            ),
            (
                "prometheus: {url: 'http://p:9090'}",
                "a Prometheus is set but there is no metric to query",
            ),
            (
                "interval: soon",
                "gates.yaml: interval: invalid duration \"soon\"",
            ),
            (
                "interval: 0s",
                "the analysis interval must be longer than 0s",
            ),
            ("checks: ['  ']", "a check has an empty command"),
            ("maxRestarts: -1", "maxRestarts must be 0 or more"),
            ("failurelimit: 1", "unknown field `failurelimit`"),
            (
                "prometheus: {url: 'http://p:9090'}\nmetrics: ['errors: x lt 1']",
                "invalid metric \"errors: x lt 1\"",
            ),
        ];
        for (text, fragment) in cases {
            let error = Analysis::from_yaml("gates.yaml", text).unwrap_err();
            assert!(error.contains(fragment), "{text}: {error}");
            assert!(error.starts_with("gates.yaml: "), "{text}: {error}");
        }
    }

    #[test]
    fn a_check_runs_with_the_wave_and_the_connection_in_its_environment() {
        let scope = crate::rollout::gate::WaveScope {
            namespace: "kube-system".into(),
            revision: "6d9f7c8b5".into(),
            nodes: vec!["n3".into(), "n4".into()],
            pods: vec!["agent-a".into(), "agent-b".into()],
        };
        let updated = ["n1".to_string(), "n2".into(), "n3".into(), "n4".into()];
        let env = check_env(
            &scope,
            "agent",
            2,
            &updated,
            (Some("/tmp/kc"), Some("prod")),
        );
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            env,
            [
                ("KDS_NAMESPACE", "kube-system"),
                ("KDS_DAEMONSET", "agent"),
                ("KDS_REVISION", "6d9f7c8b5"),
                ("KDS_WAVE", "2"),
                ("KDS_WAVE_NODES", "n3,n4"),
                ("KDS_UPDATED_NODES", "n1,n2,n3,n4"),
                ("KDS_PODS", "agent-a,agent-b"),
                ("KUBECONFIG", "/tmp/kc"),
                ("KDS_CONTEXT", "prod"),
            ]
        );
        assert_eq!(check_env(&scope, "agent", 1, &[], (None, None)).len(), 7);
    }

    #[test]
    fn an_analysis_recorded_as_json_reads_back_the_same() {
        let text = r#"
checks: ["true", {command: "exit 3", timeout: 1500ms}]
prometheus: {url: "http://127.0.0.1:9090", caFile: /ca.pem}
metrics:
  - 'errors: sum(agent_errors{node=~"{{nodes}}"}) <= 0.5'
  - {name: up, query: 'min(up)', condition: '>= 1', emptyPasses: true}
interval: 2s
duration: 10s
failureLimit: 2
maxRestarts: 0
approve: true
"#;
        let analysis = Analysis::from_yaml("a.yaml", text).unwrap();
        let json = serde_json::to_string(&analysis).unwrap();
        let back: Analysis = serde_json::from_str(&json).unwrap();
        assert_eq!(back, analysis);
        assert!(
            json.contains(r#""timeout":"1500ms""#) || json.contains(r#""timeout":"1.5s""#),
            "{json}"
        );
        let invalid = serde_json::from_str::<Analysis>(r#"{"metrics":["x: up <"]}"#);
        assert!(invalid.is_err());
    }
}
