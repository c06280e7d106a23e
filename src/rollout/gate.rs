//! Analysis gates without I/O: how a metric condition reads (`NAME: PROMQL <op> THRESHOLD`), how a
//! query names the wave it judges (`{{nodes}}`, `{{pods}}`, `{{namespace}}`, `{{revision}}`), what
//! one answer of Prometheus says, what the samples so far decide under a failure limit, and which
//! new pods restarted more than a limit allows. The I/O (querying, running checks, waiting between
//! samples) belongs to the ops layer.

use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::core::v1::Pod;

/// How a sample compares with the threshold for the gate to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Comparison {
    const ALL: [(&'static str, Comparison); 6] = [
        ("<", Comparison::Lt),
        ("<=", Comparison::Le),
        (">", Comparison::Gt),
        (">=", Comparison::Ge),
        ("==", Comparison::Eq),
        ("!=", Comparison::Ne),
    ];

    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Lt => value < threshold,
            Comparison::Le => value <= threshold,
            Comparison::Gt => value > threshold,
            Comparison::Ge => value >= threshold,
            Comparison::Eq => value == threshold,
            Comparison::Ne => value != threshold,
        }
    }

    pub fn as_str(self) -> &'static str {
        Comparison::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("?", |(word, _)| word)
    }
}

/// A metric the gate checks: `NAME: PROMQL <op> THRESHOLD`, the operator and the threshold being
/// the last two words (the query itself may compare).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricCondition {
    pub name: String,
    pub query: String,
    pub comparison: Comparison,
    pub threshold: f64,
}

impl FromStr for MetricCondition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let form = || {
            format!(
                "invalid metric {text:?}: write NAME: PROMQL OP THRESHOLD, OP one of < <= > >= == != (e.g. 'errors: sum(rate(agent_errors_total{{node=~\"{{{{nodes}}}}\"}}[1m])) < 0.1')"
            )
        };
        let (name, rest) = text.split_once(':').ok_or_else(form)?;
        let name = name.trim();
        let named = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !named {
            return Err(form());
        }
        let mut words = rest.trim().rsplitn(3, char::is_whitespace);
        let (Some(threshold), Some(op), Some(query)) = (words.next(), words.next(), words.next())
        else {
            return Err(form());
        };
        let threshold: f64 = threshold.parse().map_err(|_| form())?;
        let comparison = Comparison::ALL
            .iter()
            .find(|(word, _)| *word == op)
            .map(|(_, c)| *c)
            .ok_or_else(form)?;
        let query = query.trim().to_string();
        if query.is_empty() || !threshold.is_finite() {
            return Err(form());
        }
        placeholders_known(&query).map_err(|p| {
            format!("invalid metric {name:?}: unknown placeholder {{{{{p}}}}} (known: {{{{nodes}}}}, {{{{pods}}}}, {{{{namespace}}}}, {{{{revision}}}})")
        })?;
        Ok(MetricCondition {
            name: name.to_string(),
            query,
            comparison,
            threshold,
        })
    }
}

impl fmt::Display for MetricCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, query, op) = (&self.name, &self.query, self.comparison.as_str());
        write!(f, "{name}: {query} {op} {}", self.threshold)
    }
}

const PLACEHOLDERS: [&str; 4] = ["nodes", "pods", "namespace", "revision"];

/// The first `{{x}}` that is not a known placeholder, if any.
fn placeholders_known(query: &str) -> Result<(), String> {
    let mut rest = query;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Ok(());
        };
        let word = after[..end].trim();
        if !PLACEHOLDERS.contains(&word) {
            return Err(word.to_string());
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

/// What a query may name of the wave it judges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WaveScope {
    pub namespace: String,
    pub revision: String,
    pub nodes: Vec<String>,
    pub pods: Vec<String>,
}

/// The query with the wave filled in: `{{nodes}}` and `{{pods}}` as regular expressions matching
/// exactly those names (for `=~`, which Prometheus anchors), escaped for a PromQL string.
pub fn render_query(query: &str, scope: &WaveScope) -> String {
    query
        .replace("{{nodes}}", &alternatives(&scope.nodes))
        .replace("{{pods}}", &alternatives(&scope.pods))
        .replace("{{namespace}}", &scope.namespace)
        .replace("{{revision}}", &scope.revision)
}

/// `a|b\\.c`: names as a regex alternation, regex metacharacters escaped, and the backslashes
/// doubled for the PromQL string literal the regex is written in. No names: a regex that
/// matches nothing a name can be.
fn alternatives(names: &[String]) -> String {
    if names.is_empty() {
        return "$^".into();
    }
    names
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| match c {
                    '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$'
                    | '\\' => format!("\\\\{c}"),
                    _ => c.to_string(),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// One answer of Prometheus to an instant query.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The value of each series (its labels, as Prometheus prints them, and the value).
    Series(Vec<(String, f64)>),
    /// A scalar result.
    Scalar(f64),
    /// The query failed or Prometheus could not be reached.
    Error(String),
}

/// What one sample says.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    Good,
    Bad(String),
}

/// Judges one answer: every series must meet the condition. An empty answer is bad unless
/// `empty_passes`: a query that matches nothing usually names a metric or label that is not
/// there (a typo, an agent that exports nothing), which must not pass a gate silently.
pub fn judge(condition: &MetricCondition, answer: &Answer, empty_passes: bool) -> Sample {
    let (op, threshold) = (condition.comparison, condition.threshold);
    let series = match answer {
        Answer::Error(why) => return Sample::Bad(format!("query failed: {why}")),
        Answer::Scalar(value) => vec![(String::new(), *value)],
        Answer::Series(series) => series.clone(),
    };
    if series.is_empty() {
        return match empty_passes {
            true => Sample::Good,
            false => Sample::Bad("no data: the query matched no series".into()),
        };
    }
    let failing: Vec<String> = series
        .iter()
        .filter(|(_, value)| !op.holds(*value, threshold))
        .map(|(labels, value)| match labels.is_empty() {
            true => format!("{value}"),
            false => format!("{labels} = {value}"),
        })
        .collect();
    match failing.is_empty() {
        true => Sample::Good,
        false => Sample::Bad(format!(
            "{} is not {} {threshold}",
            failing.join(", "),
            op.as_str()
        )),
    }
}

/// Where a metric stands after its samples so far.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// More samples are due.
    Pending,
    Passed,
    /// More bad samples than the failure limit allows; the last reason.
    Failed(String),
}

/// The samples so far against `wanted` samples with at most `failure_limit` bad ones: failed as
/// soon as the limit is exceeded, passed once all are in within it.
pub fn decide(samples: &[Sample], wanted: usize, failure_limit: usize) -> Verdict {
    let bad: Vec<&String> = samples
        .iter()
        .filter_map(|s| match s {
            Sample::Bad(why) => Some(why),
            Sample::Good => None,
        })
        .collect();
    if bad.len() > failure_limit {
        let last = bad.last().map_or(String::new(), |why| why.to_string());
        return Verdict::Failed(format!(
            "{} of {} samples bad (failure limit {failure_limit}); last: {last}",
            bad.len(),
            samples.len()
        ));
    }
    match samples.len() >= wanted.max(1) {
        true => Verdict::Passed,
        false => Verdict::Pending,
    }
}

/// How many samples a metric takes: one per interval over the duration, at least one.
pub fn samples_wanted(duration_seconds: u64, interval_seconds: u64) -> usize {
    usize::try_from(duration_seconds / interval_seconds.max(1))
        .unwrap_or(usize::MAX)
        .max(1)
}

/// A pod that restarted more often than the limit allows: its name, node, and restarts in total
/// with the container that restarted most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restarted {
    pub pod: String,
    pub node: String,
    pub restarts: i32,
    pub container: String,
}

/// The new pods whose containers, init containers and sidecars restarted more than `limit`
/// times in all.
pub fn over_restart_limit(pods: &[&Pod], limit: i32) -> Vec<Restarted> {
    pods.iter()
        .filter_map(|pod| {
            let status = pod.status.as_ref()?;
            let containers = [
                status.container_statuses.as_deref(),
                status.init_container_statuses.as_deref(),
            ];
            let counts: Vec<(&str, i32)> = containers
                .into_iter()
                .flatten()
                .flatten()
                .map(|c| (c.name.as_str(), c.restart_count))
                .collect();
            let restarts: i32 = counts.iter().map(|(_, n)| n).sum();
            let most = counts.iter().max_by_key(|(_, n)| *n)?;
            (restarts > limit).then(|| Restarted {
                pod: pod.metadata.name.clone().unwrap_or_default(),
                node: crate::daemonset::node_of(pod).unwrap_or_default(),
                restarts,
                container: most.0.to_string(),
            })
        })
        .collect()
}

/// Values shown of a good sample with many series.
const SHOWN_VALUES: usize = 5;

/// What a sample showed, for its `gate-sample` event (the same in both modes): a bad sample's reason, or the value(s) against the threshold.
pub fn sample_detail(condition: &MetricCondition, answer: &Answer, sample: &Sample) -> String {
    let against = format!("{} {}", condition.comparison.as_str(), condition.threshold);
    match (sample, answer) {
        (Sample::Bad(why), _) => why.clone(),
        (Sample::Good, Answer::Scalar(value)) => format!("{value} {against}"),
        (Sample::Good, Answer::Series(series)) => match series.as_slice() {
            [] => "no data (emptyPasses)".into(),
            [(_, value)] => format!("{value} {against}"),
            many => {
                let mut values: Vec<String> = many
                    .iter()
                    .take(SHOWN_VALUES)
                    .map(|(_, value)| value.to_string())
                    .collect();
                if many.len() > SHOWN_VALUES {
                    values.push("...".into());
                }
                format!(
                    "{} series, all {against}: {}",
                    many.len(),
                    values.join(", ")
                )
            }
        },
        (Sample::Good, Answer::Error(why)) => why.clone(),
    }
}

/// With the restart limit `limit`: why the given new pods exceed it, naming each pod over it.
pub fn restarts_over(pods: &[&Pod], limit: i32) -> Option<String> {
    let named: Vec<String> = over_restart_limit(pods, limit)
        .iter()
        .map(|r| {
            format!(
                "pod {} on {} restarted {} times (most: container {})",
                r.pod, r.node, r.restarts, r.container
            )
        })
        .collect();
    (!named.is_empty()).then(|| format!("{} (--max-restarts {limit})", named.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metric_conditions_read_name_query_operator_and_threshold() {
        let cases = [
            (
                r#"errors: sum(rate(agent_errors_total{node=~"{{nodes}}"}[1m])) < 0.1"#,
                Ok((
                    "errors",
                    r#"sum(rate(agent_errors_total{node=~"{{nodes}}"}[1m]))"#,
                    Comparison::Lt,
                    0.1,
                )),
            ),
            (
                "up-ratio: avg(up{job=\"agent\"} > 0) >= 1",
                Ok((
                    "up-ratio",
                    "avg(up{job=\"agent\"} > 0)",
                    Comparison::Ge,
                    1.0,
                )),
            ),
            ("dropped: x != 0", Ok(("dropped", "x", Comparison::Ne, 0.0))),
            ("no name x < 1", Err("invalid metric")),
            (": x < 1", Err("invalid metric")),
            ("errors: x < lots", Err("invalid metric")),
            ("errors: x =< 1", Err("invalid metric")),
            ("errors: < 1", Err("invalid metric")),
            ("errors: x < NaN", Err("invalid metric")),
            (
                "errors: x{n=~\"{{node}}\"} < 1",
                Err("unknown placeholder {{node}}"),
            ),
        ];
        for (text, want) in cases {
            match (text.parse::<MetricCondition>(), want) {
                (Ok(got), Ok((name, query, comparison, threshold))) => {
                    assert_eq!(
                        (
                            got.name.as_str(),
                            got.query.as_str(),
                            got.comparison,
                            got.threshold
                        ),
                        (name, query, comparison, threshold),
                        "{text}"
                    );
                    assert_eq!(
                        got.to_string().parse::<MetricCondition>(),
                        Ok(got),
                        "{text}"
                    );
                }
                (Err(e), Err(fragment)) => assert!(e.contains(fragment), "{text}: {e}"),
                (got, want) => panic!("{text}: {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn a_query_names_the_wave_with_escaped_regular_expressions() {
        let scope = WaveScope {
            namespace: "kube-system".into(),
            revision: "6d9f7c8b5".into(),
            nodes: vec!["ip-10-0-1-2.ec2.internal".into(), "n2".into()],
            pods: vec!["agent-x7k2p".into()],
        };
        let query = r#"sum(errors{node=~"{{nodes}}",pod=~"{{pods}}",namespace="{{namespace}}",rev="{{revision}}"})"#;
        assert_eq!(
            render_query(query, &scope),
            r#"sum(errors{node=~"ip-10-0-1-2\\.ec2\\.internal|n2",pod=~"agent-x7k2p",namespace="kube-system",rev="6d9f7c8b5"})"#
        );
        let empty = WaveScope::default();
        assert_eq!(
            render_query("x{node=~\"{{nodes}}\"}", &empty),
            "x{node=~\"$^\"}"
        );
    }

    #[test]
    fn one_answer_is_good_only_when_every_series_meets_the_condition() {
        let below: MetricCondition = "errors: x < 0.5".parse().unwrap();
        let series = |values: &[(&str, f64)]| {
            Answer::Series(values.iter().map(|(l, v)| (l.to_string(), *v)).collect())
        };
        let cases = [
            (
                "all below",
                series(&[("{node=\"n1\"}", 0.1), ("{node=\"n2\"}", 0.0)]),
                false,
                Sample::Good,
            ),
            (
                "one above",
                series(&[("{node=\"n1\"}", 0.1), ("{node=\"n2\"}", 2.0)]),
                false,
                Sample::Bad("{node=\"n2\"} = 2 is not < 0.5".into()),
            ),
            ("a scalar", Answer::Scalar(0.2), false, Sample::Good),
            (
                "empty",
                series(&[]),
                false,
                Sample::Bad("no data: the query matched no series".into()),
            ),
            ("empty, allowed", series(&[]), true, Sample::Good),
            (
                "unreachable",
                Answer::Error("connection refused".into()),
                true,
                Sample::Bad("query failed: connection refused".into()),
            ),
        ];
        for (what, answer, empty_passes, want) in cases {
            assert_eq!(judge(&below, &answer, empty_passes), want, "{what}");
        }
    }

    #[test]
    fn samples_pass_once_all_are_in_and_fail_past_the_failure_limit() {
        let bad = || Sample::Bad("x is not < 1".into());
        let cases = [
            ("none yet", vec![], 3, 0, Verdict::Pending),
            (
                "two good of three",
                vec![Sample::Good, Sample::Good],
                3,
                0,
                Verdict::Pending,
            ),
            ("three good", vec![Sample::Good; 3], 3, 0, Verdict::Passed),
            (
                "one bad within the limit",
                vec![Sample::Good, bad(), Sample::Good],
                3,
                1,
                Verdict::Passed,
            ),
            (
                "the first bad past a zero limit",
                vec![bad()],
                3,
                0,
                Verdict::Failed("1 of 1 samples bad (failure limit 0); last: x is not < 1".into()),
            ),
            (
                "two bad past a limit of one",
                vec![bad(), Sample::Good, bad()],
                5,
                1,
                Verdict::Failed("2 of 3 samples bad (failure limit 1); last: x is not < 1".into()),
            ),
        ];
        for (what, samples, wanted, limit, want) in cases {
            assert_eq!(decide(&samples, wanted, limit), want, "{what}");
        }
        assert_eq!(samples_wanted(300, 60), 5);
        assert_eq!(samples_wanted(30, 60), 1);
        assert_eq!(samples_wanted(0, 0), 1);
    }

    #[test]
    fn restarts_count_containers_init_containers_and_sidecars() {
        // As the kubelet reports a crash-looping agent with a restartable init (sidecar).
        let pod = |name: &str, main: i32, sidecar: i32| -> Pod {
            serde_json::from_value(json!({
                "metadata": {"name": name},
                "spec": {"nodeName": "n1", "containers": [{"name": "agent"}]},
                "status": {
                    "phase": "Running",
                    "initContainerStatuses": [{"name": "shipper", "restartCount": sidecar, "ready": true,
                        "image": "shipper:1", "imageID": "", "state": {"running": {}}}],
                    "containerStatuses": [{"name": "agent", "restartCount": main, "ready": false,
                        "image": "agent:2", "imageID": "",
                        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                        "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]
                }
            }))
            .unwrap()
        };
        let (calm, agent, sidecar) = (pod("calm", 0, 1), pod("crashing", 3, 0), pod("side", 1, 2));
        let over = over_restart_limit(&[&calm, &agent, &sidecar], 2);
        assert_eq!(
            over,
            [
                Restarted {
                    pod: "crashing".into(),
                    node: "n1".into(),
                    restarts: 3,
                    container: "agent".into()
                },
                Restarted {
                    pod: "side".into(),
                    node: "n1".into(),
                    restarts: 3,
                    container: "shipper".into()
                },
            ]
        );
        assert!(over_restart_limit(&[&calm], 1).is_empty());
    }

    fn condition() -> MetricCondition {
        "errors: sum(agent_errors) < 1".parse().unwrap()
    }

    fn bad(why: &str) -> Sample {
        Sample::Bad(why.into())
    }

    #[test]
    fn a_sample_shows_its_values_against_the_threshold_or_why_it_is_bad() {
        let series = |s: &[(&str, f64)]| {
            Answer::Series(s.iter().map(|(l, v)| (l.to_string(), *v)).collect())
        };
        let cases = [
            ("a scalar", Answer::Scalar(0.5), Sample::Good, "0.5 < 1"),
            (
                "one series",
                series(&[("{node=\"n1\"}", 0.25)]),
                Sample::Good,
                "0.25 < 1",
            ),
            (
                "several series",
                series(&[("{node=\"n1\"}", 0.0), ("{node=\"n2\"}", 0.5)]),
                Sample::Good,
                "2 series, all < 1: 0, 0.5",
            ),
            (
                "more series than are shown",
                series(&[
                    ("a", 0.0),
                    ("b", 0.1),
                    ("c", 0.2),
                    ("d", 0.3),
                    ("e", 0.4),
                    ("f", 0.5),
                ]),
                Sample::Good,
                "6 series, all < 1: 0, 0.1, 0.2, 0.3, 0.4, ...",
            ),
            (
                "no data, allowed",
                series(&[]),
                Sample::Good,
                "no data (emptyPasses)",
            ),
            (
                "a bad sample",
                Answer::Scalar(2.0),
                bad("2 is not < 1"),
                "2 is not < 1",
            ),
        ];
        for (what, answer, sample, want) in cases {
            assert_eq!(
                sample_detail(&condition(), &answer, &sample),
                want,
                "{what}"
            );
        }
    }

    fn pod(name: &str, node: &str, restarts: &[(&str, i32)]) -> Pod {
        let statuses: Vec<serde_json::Value> = restarts
            .iter()
            .map(|(c, n)| {
                json!({"name": c, "image": "agent:2", "imageID": "", "ready": true, "restartCount": n})
            })
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "agent", "image": "agent:2"}]},
            "status": {"containerStatuses": statuses}
        }))
        .unwrap()
    }

    #[test]
    fn the_restart_limit_names_every_new_pod_over_it() {
        let calm = pod("agent-a", "n1", &[("agent", 1)]);
        let restless = pod("agent-b", "n2", &[("agent", 1), ("proxy", 2)]);
        let cases: [(&str, Vec<&Pod>, i32, Option<&str>); 4] = [
            ("no pods", vec![], 0, None),
            ("within the limit", vec![&calm, &restless], 3, None),
            (
                "one over it",
                vec![&calm, &restless],
                2,
                Some("pod agent-b on n2 restarted 3 times (most: container proxy) (--max-restarts 2)"),
            ),
            (
                "both over it",
                vec![&calm, &restless],
                0,
                Some("pod agent-a on n1 restarted 1 times (most: container agent), pod agent-b on n2 restarted 3 times (most: container proxy) (--max-restarts 0)"),
            ),
        ];
        for (what, pods, limit, want) in cases {
            assert_eq!(restarts_over(&pods, limit).as_deref(), want, "{what}");
        }
    }
}
