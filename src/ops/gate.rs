//! Runs an analysis gate: the command checks through the shell with the wave in their
//! environment, then every metric queried from Prometheus each interval over the duration, each
//! result reported as a `gate-sample` event. What a result means (`crate::rollout::gate`) and
//! what was asked (`crate::rollout::analysis`) are decided in the core; this is the I/O.

mod check;
mod prometheus;
#[cfg(test)]
mod testing;

use std::time::Duration;

use futures::future::join_all;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::MissedTickBehavior;

use crate::error::Failure;
use crate::render::progress::{Event, GateKind};
use crate::rollout::analysis::{check_env, Analysis};
use crate::rollout::gate::{self, sample_detail, Sample, Verdict, WaveScope};

pub use prometheus::{query_timeout, PrometheusClient, QueryError, DEFAULT_QUERY_TIMEOUT};

/// What one gate run judges.
#[derive(Debug, Clone)]
pub struct GateInput {
    pub analysis: Analysis,
    pub scope: WaveScope,
    pub daemonset: String,
    /// 1-based, as events show it; 0 in rolling mode.
    pub wave: usize,
    /// Every node on the new revision so far, this wave's included.
    pub updated_nodes: Vec<String>,
    /// The kubeconfig and context this run uses, handed to the checks.
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
}

/// Runs the checks one after the other (stopping at the first that fails), then samples every
/// metric each interval for the duration; reports one `gate-sample` event per result on
/// `events`. `Ok` when the gate passed, `Err(why)` when it failed.
pub async fn run(input: GateInput, events: UnboundedSender<Event>) -> Result<(), String> {
    run_checks(&input, &events).await?;
    if input.analysis.metrics.is_empty() {
        return Ok(());
    }
    let Some(prometheus) = &input.analysis.prometheus else {
        return Err(
            "metrics need a Prometheus to query: set prometheus.url (or --prometheus URL)".into(),
        );
    };
    let client = PrometheusClient::new(prometheus)
        .map_err(|failure| failure.message)?
        .with_timeout(query_timeout(input.analysis.interval));
    sample_metrics(&input, &client, &events).await
}

/// Runs every check once; `Err(why)` at the first that fails.
pub async fn run_checks(input: &GateInput, events: &UnboundedSender<Event>) -> Result<(), String> {
    let env = check_env(
        &input.scope,
        &input.daemonset,
        input.wave,
        &input.updated_nodes,
        (input.kubeconfig.as_deref(), input.context.as_deref()),
    );
    for check in &input.analysis.checks {
        let outcome = check::run(&check.command, check.timeout, &env).await;
        let (passed, detail) = (outcome.ending.passed(), outcome.ending.detail());
        // A closed receiver means nobody renders progress any more; the verdict still counts.
        let _ = events.send(Event::GateSample {
            wave: input.wave,
            kind: GateKind::Check,
            name: check.command.clone(),
            passed,
            detail: detail.clone(),
            output: outcome.output,
            sample: 1,
            samples: 1,
        });
        if !passed {
            return Err(format!("check {:?} failed: {detail}", check.command));
        }
    }
    Ok(())
}

/// Samples every metric at once, then once per interval, until each has its samples or one
/// fails. A slow tick delays the next rather than bunching samples together.
async fn sample_metrics(
    input: &GateInput,
    client: &PrometheusClient,
    events: &UnboundedSender<Event>,
) -> Result<(), String> {
    let analysis = &input.analysis;
    let wanted = analysis.samples_per_run();
    let queries: Vec<String> = analysis
        .metrics
        .iter()
        .map(|metric| gate::render_query(&metric.condition.query, &input.scope))
        .collect();
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); queries.len()];
    // `interval` panics on a zero period; a validated analysis never has one.
    let mut ticks = tokio::time::interval(analysis.interval.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    for number in 1..=wanted {
        ticks.tick().await;
        let answers = join_all(queries.iter().map(|query| client.query(query))).await;
        for ((metric, answer), taken) in analysis.metrics.iter().zip(&answers).zip(&mut samples) {
            let sample = gate::judge(&metric.condition, answer, metric.empty_passes);
            let _ = events.send(Event::GateSample {
                wave: input.wave,
                kind: GateKind::Metric,
                name: metric.condition.name.clone(),
                passed: sample == Sample::Good,
                detail: sample_detail(&metric.condition, answer, &sample),
                output: Vec::new(),
                sample: number,
                samples: wanted,
            });
            taken.push(sample);
        }
        for (metric, taken) in analysis.metrics.iter().zip(&samples) {
            if let Verdict::Failed(why) = gate::decide(taken, wanted, analysis.failure_limit) {
                return Err(format!("metric {} failed: {why}", metric.condition.name));
            }
        }
    }
    Ok(())
}

/// Before anything changes: every check's command exists, the token and CA files can be read,
/// and Prometheus answers a query. Usage failures (exit 2) for bad input, a connection failure
/// (exit 3) for a Prometheus that cannot be reached.
pub async fn preflight(analysis: &Analysis) -> Result<(), Failure> {
    for check in &analysis.checks {
        command_exists(&check.command).await?;
    }
    let Some(prometheus) = &analysis.prometheus else {
        return Ok(());
    };
    let client = PrometheusClient::new(prometheus)?;
    client.ping().await?;
    let example = WaveScope {
        namespace: "preflight-namespace".into(),
        revision: "preflight-revision".into(),
        nodes: vec!["preflight-node".into()],
        pods: vec!["preflight-pod".into()],
    };
    for metric in &analysis.metrics {
        let query = gate::render_query(&metric.condition.query, &example);
        client.accepts(&metric.condition.name, &query).await?;
    }
    Ok(())
}

/// The check's command can be found, as far as its first word tells.
async fn command_exists(command: &str) -> Result<(), Failure> {
    match check::command_word(command) {
        check::CommandWord::Unknown => Ok(()),
        check::CommandWord::Name(word) if check::on_path(&word).await => Ok(()),
        check::CommandWord::Path(path) if check::executable(&path) => Ok(()),
        check::CommandWord::Name(word) => Err(Failure::usage(format!(
            "check {command:?}: command {word:?} not found (not on PATH)"
        ))),
        check::CommandWord::Path(path) => Err(Failure::usage(format!(
            "check {command:?}: command {path:?} not found (no executable file there)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FailureKind;
    use crate::rollout::analysis::{Check, Metric, Prometheus};
    use crate::rollout::gate::Answer;
    use testing::FakePrometheus;
    use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

    fn check(command: &str, timeout: Duration) -> Check {
        Check {
            command: command.into(),
            timeout,
        }
    }

    fn input(checks: Vec<Check>) -> GateInput {
        GateInput {
            analysis: Analysis {
                checks,
                ..Analysis::default()
            },
            scope: WaveScope {
                namespace: "kube-system".into(),
                revision: "6d9f7c8b5".into(),
                nodes: vec!["n3".into(), "n4".into()],
                pods: vec!["agent-a".into(), "agent-b".into()],
            },
            daemonset: "agent".into(),
            wave: 2,
            updated_nodes: vec!["n1".into(), "n2".into(), "n3".into(), "n4".into()],
            kubeconfig: Some("/tmp/kds-kubeconfig".into()),
            context: Some("prod".into()),
        }
    }

    fn metric(line: &str, empty_passes: bool) -> Metric {
        Metric {
            condition: line.parse().unwrap(),
            empty_passes,
        }
    }

    /// (kind, name, passed, detail, output, sample, samples) of every event sent.
    type Seen = (GateKind, String, bool, String, Vec<String>, usize, usize);

    fn sent(events: &mut UnboundedReceiver<Event>) -> Vec<Seen> {
        let mut seen = Vec::new();
        while let Ok(event) = events.try_recv() {
            match event {
                Event::GateSample {
                    wave: 2,
                    kind,
                    name,
                    passed,
                    detail,
                    output,
                    sample,
                    samples,
                } => seen.push((kind, name, passed, detail, output, sample, samples)),
                other => panic!("unexpected event {other:?}"),
            }
        }
        seen
    }

    #[test]
    fn a_gate_can_run_as_a_task_of_its_own() {
        // The engine spawns the gate (`tokio::spawn`) and aborts it when it stops waiting.
        fn spawnable<T: Send + 'static>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let (sender, _events) = unbounded_channel();
        spawnable(&run(input(Vec::new()), sender));
        send(&preflight(&Analysis::default()));
    }

    #[tokio::test]
    async fn checks_run_in_order_with_the_wave_and_stop_at_the_first_failure() {
        let dir = tempfile::tempdir().unwrap();
        let later = dir.path().join("later");
        let env_check = r#"test "$KDS_WAVE" = 2 && test "$KDS_WAVE_NODES" = n3,n4 && test "$KDS_DAEMONSET" = agent && test "$KUBECONFIG" = /tmp/kds-kubeconfig && test "$KDS_CONTEXT" = prod && test -n "$PATH""#;
        let failing = "for i in $(seq 1 12); do echo out $i; done; exit 3";
        let input = input(vec![
            check(env_check, Duration::from_secs(10)),
            check(failing, Duration::from_secs(10)),
            check(
                &format!("touch {}", later.display()),
                Duration::from_secs(10),
            ),
        ]);
        let (sender, mut events) = unbounded_channel();
        let result = run_checks(&input, &sender).await;
        assert_eq!(result, Err(format!("check {failing:?} failed: exit 3")));
        let last_lines: Vec<String> = (3..=12).map(|n| format!("out {n}")).collect();
        assert_eq!(
            sent(&mut events),
            [
                (
                    GateKind::Check,
                    env_check.to_string(),
                    true,
                    "exit 0".to_string(),
                    vec![],
                    1,
                    1
                ),
                (
                    GateKind::Check,
                    failing.to_string(),
                    false,
                    "exit 3".to_string(),
                    last_lines,
                    1,
                    1
                ),
            ]
        );
        assert!(!later.exists(), "a check after the failing one ran");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_check_over_its_timeout_is_killed_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pid");
        let command = format!("echo $$ > {}; sleep 5", file.display());
        let input = input(vec![check(&command, Duration::from_millis(300))]);
        let (sender, mut events) = unbounded_channel();
        let result = run_checks(&input, &sender).await;
        assert_eq!(
            result,
            Err(format!("check {command:?} failed: timed out after 300ms"))
        );
        let seen = sent(&mut events);
        assert_eq!(
            (seen[0].2, seen[0].3.as_str()),
            (false, "timed out after 300ms")
        );
        // Returned at the timeout: the shell and its `sleep` are dead, not waited for.
        let group: i32 = std::fs::read_to_string(&file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(testing::members_left(group).await, Vec::<i32>::new());
    }

    #[test]
    fn a_sample_shows_the_values_against_the_threshold_or_why_it_is_bad() {
        let errors = metric("errors: sum(x) < 0.1", false);
        let two = Answer::Series(vec![("{n=\"a\"}".into(), 0.02), ("{n=\"b\"}".into(), 0.0)]);
        let many = Answer::Series((0..7).map(|n| (format!("{{n=\"{n}\"}}"), 0.01)).collect());
        let cases = [
            (&errors, Answer::Scalar(0.05), "0.05 < 0.1"),
            (
                &errors,
                Answer::Series(vec![("{}".into(), 0.05)]),
                "0.05 < 0.1",
            ),
            (&errors, two, "2 series, all < 0.1: 0.02, 0"),
            (
                &errors,
                many,
                "7 series, all < 0.1: 0.01, 0.01, 0.01, 0.01, 0.01, ...",
            ),
            (&errors, Answer::Scalar(0.5), "0.5 is not < 0.1"),
            (
                &errors,
                Answer::Series(vec![]),
                "no data: the query matched no series",
            ),
            (
                &errors,
                Answer::Error("HTTP 503".into()),
                "query failed: HTTP 503",
            ),
        ];
        for (metric, answer, want) in cases {
            let sample = gate::judge(&metric.condition, &answer, metric.empty_passes);
            assert_eq!(
                sample_detail(&metric.condition, &answer, &sample),
                want,
                "{answer:?}"
            );
        }
        let dropped = metric("dropped: sum(y) == 0", true);
        let empty = Answer::Series(vec![]);
        let sample = gate::judge(&dropped.condition, &empty, true);
        assert_eq!(
            sample_detail(&dropped.condition, &empty, &sample),
            "no data (emptyPasses)"
        );
    }

    const LOW: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.02"]}]}}"#;
    const HIGH: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"node":"n3"},"value":[1,"0.5"]}]}}"#;

    fn with_metrics(
        url: &str,
        metrics: Vec<Metric>,
        duration: u64,
        failure_limit: usize,
    ) -> GateInput {
        let mut input = input(Vec::new());
        input.analysis.prometheus = Some(Prometheus {
            url: url.into(),
            bearer_token_file: None,
            ca_file: None,
        });
        input.analysis.metrics = metrics;
        input.analysis.interval = Duration::from_secs(1);
        input.analysis.duration = Duration::from_secs(duration);
        input.analysis.failure_limit = failure_limit;
        input
    }

    #[tokio::test]
    async fn metrics_are_sampled_until_each_has_its_samples() {
        let mut server = FakePrometheus::start(vec![(200, LOW)]).await;
        let metrics = vec![
            metric(
                r#"errors: sum(rate(errs{node=~"{{nodes}}"}[1m])) < 0.1"#,
                false,
            ),
            metric("dropped: sum(dropped) <= 0.1", false),
        ];
        let (sender, mut events) = unbounded_channel();
        let result = run(with_metrics(&server.url, metrics, 2, 0), sender).await;
        assert_eq!(result, Ok(()));
        let seen: Vec<(String, bool, String, usize, usize)> = sent(&mut events)
            .into_iter()
            .map(|(kind, name, passed, detail, _, sample, samples)| {
                assert_eq!(kind, GateKind::Metric);
                (name, passed, detail, sample, samples)
            })
            .collect();
        let sample =
            |name: &str, op: &str, n| (name.to_string(), true, format!("0.02 {op} 0.1"), n, 2);
        assert_eq!(
            seen,
            [
                sample("errors", "<", 1),
                sample("dropped", "<=", 1),
                sample("errors", "<", 2),
                sample("dropped", "<=", 2)
            ]
        );
        // The wave's nodes are in the query.
        let mut lines = Vec::new();
        for _ in 0..4 {
            lines.push(server.next().await.line);
        }
        assert!(
            lines.iter().any(|l| l.contains("%22n3%7Cn4%22")),
            "{lines:?}"
        );
    }

    #[tokio::test]
    async fn a_metric_over_its_failure_limit_fails_the_gate_at_once() {
        let server = FakePrometheus::start(vec![(200, HIGH)]).await;
        let metrics = vec![metric("errors: sum(errs) < 0.1", false)];
        let (sender, mut events) = unbounded_channel();
        let result = run(with_metrics(&server.url, metrics, 600, 0), sender).await;
        assert_eq!(
            result,
            Err(r#"metric errors failed: 1 of 1 samples bad (failure limit 0); last: {node="n3"} = 0.5 is not < 0.1"#.into())
        );
        let seen = sent(&mut events);
        assert_eq!(seen.len(), 1);
        assert_eq!((seen[0].2, seen[0].5, seen[0].6), (false, 1, 600));
    }

    #[tokio::test]
    async fn the_preflight_finds_missing_commands_and_rejected_queries() {
        let missing = Analysis {
            checks: vec![
                check("LANG=C sh -c true", Duration::from_secs(1)),
                check("kds-no-such-probe --all", Duration::from_secs(1)),
            ],
            ..Analysis::default()
        };
        assert_eq!(
            preflight(&missing).await,
            Err(Failure::usage(
                r#"check "kds-no-such-probe --all": command "kds-no-such-probe" not found (not on PATH)"#
            ))
        );
        let not_there = Analysis {
            checks: vec![check("./kds-no-such-probe.sh", Duration::from_secs(1))],
            ..Analysis::default()
        };
        let failure = preflight(&not_there).await.unwrap_err();
        assert_eq!(failure.kind, FailureKind::Usage);

        let ok = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"#;
        let rejected =
            r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected"}"#;
        let mut server = FakePrometheus::start(vec![(200, ok), (200, ok), (400, rejected)]).await;
        let mut analysis = with_metrics(
            &server.url,
            vec![
                metric(r#"errors: sum(x{pod=~"{{pods}}"}) < 1"#, false),
                metric("broken: sum(x < 1", false),
            ],
            0,
            0,
        )
        .analysis;
        analysis.checks = vec![check("if true; then exit 0; fi", Duration::from_secs(1))];
        assert_eq!(
            preflight(&analysis).await,
            Err(Failure::usage(
                "metric broken: Prometheus rejects the query: 1:5: parse error: unexpected"
            ))
        );
        assert_eq!(
            server.next().await.line,
            "GET /api/v1/query?query=1 HTTP/1.1"
        );
        assert!(server.next().await.line.contains("%22preflight%2Dpod%22"));
    }
}
