//! The analysis gate while the RollingUpdate controller rolls, without I/O: the samples of every
//! metric so far under the failure limit (open-ended: no number of samples is wanted, a metric
//! only fails), what one sample showed, and the restart limit over the new pods as one reason.
//! The I/O (the ticks, the checks, the queries) is `crate::ops::rolling_gate`.

use super::gate::{decide, Sample, Verdict};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
