//! The analysis gate while the RollingUpdate controller rolls, without I/O: the samples of every
//! metric so far under the failure limit (open-ended: no number of samples is wanted, a metric
//! only fails), what one sample showed, and the restart limit over the new pods as one reason.
//! The I/O (the ticks, the checks, the queries) is `crate::ops::rolling_gate`.

use k8s_openapi::api::core::v1::Pod;

use super::gate::{decide, over_restart_limit, Answer, MetricCondition, Sample, Verdict};

/// Every metric's samples so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally {
    samples: Vec<Vec<Sample>>,
    failure_limit: usize,
}

impl Tally {
    pub fn new(metrics: usize, failure_limit: usize) -> Self {
        Tally {
            samples: vec![Vec::new(); metrics],
            failure_limit,
        }
    }

    /// Adds a sample of metric `metric`: its 1-based number, and `Failed` once the metric's bad
    /// samples exceed the failure limit (`Pending` until then: it never passes by itself).
    pub fn record(&mut self, metric: usize, sample: Sample) -> (usize, Verdict) {
        let Some(samples) = self.samples.get_mut(metric) else {
            return (0, Verdict::Pending);
        };
        samples.push(sample);
        (
            samples.len(),
            decide(samples, usize::MAX, self.failure_limit),
        )
    }
}

/// Values shown of a good sample with many series.
const SHOWN_VALUES: usize = 5;

/// What a sample showed, for its `gate-sample` event (worded as the ondelete engine's gate
/// words it): a bad sample's reason, or the value(s) against the threshold.
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

    fn condition() -> MetricCondition {
        "errors: sum(agent_errors) < 1".parse().unwrap()
    }

    fn bad(why: &str) -> Sample {
        Sample::Bad(why.into())
    }

    #[test]
    fn a_metric_fails_once_its_bad_samples_exceed_the_limit_and_never_passes() {
        let cases: [(&str, usize, Vec<Sample>, Vec<Verdict>); 3] = [
            (
                "good samples only",
                0,
                vec![Sample::Good, Sample::Good, Sample::Good],
                vec![Verdict::Pending, Verdict::Pending, Verdict::Pending],
            ),
            (
                "no bad sample allowed",
                0,
                vec![Sample::Good, bad("2 is not < 1")],
                vec![
                    Verdict::Pending,
                    Verdict::Failed(
                        "1 of 2 samples bad (failure limit 0); last: 2 is not < 1".into(),
                    ),
                ],
            ),
            (
                "one bad sample allowed",
                1,
                vec![bad("2 is not < 1"), Sample::Good, bad("3 is not < 1")],
                vec![
                    Verdict::Pending,
                    Verdict::Pending,
                    Verdict::Failed(
                        "2 of 3 samples bad (failure limit 1); last: 3 is not < 1".into(),
                    ),
                ],
            ),
        ];
        for (what, limit, samples, want) in cases {
            let mut tally = Tally::new(2, limit);
            let got: Vec<(usize, Verdict)> = samples
                .into_iter()
                .map(|sample| tally.record(1, sample))
                .collect();
            let want: Vec<(usize, Verdict)> = (1..).zip(want).collect();
            assert_eq!(got, want, "{what}");
            assert_eq!(
                tally.record(0, Sample::Good),
                (1, Verdict::Pending),
                "{what}"
            );
        }
        assert_eq!(
            Tally::new(1, 0).record(3, Sample::Good),
            (0, Verdict::Pending),
            "no such metric"
        );
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
