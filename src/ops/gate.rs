//! Runs an analysis gate: the command checks through the shell with the wave in their
//! environment, then every metric queried from Prometheus each interval over the duration, each
//! result reported as a `gate-sample` event. What a result means (`crate::rollout::gate`) and
//! what was asked (`crate::rollout::analysis`) are decided in the core; this is the I/O.

mod check;
mod prometheus;
#[cfg(test)]
mod testing;

use tokio::sync::mpsc::UnboundedSender;

use crate::error::Failure;
use crate::render::progress::{Event, GateKind};
use crate::rollout::analysis::{check_env, Analysis};
use crate::rollout::gate::WaveScope;

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
    let _ = (input, events);
    todo!("gate runner")
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

/// Before anything changes: every check's command exists, the token and CA files can be read,
/// and Prometheus answers a query. Usage failures (exit 2) for bad input, a connection failure
/// (exit 3) for a Prometheus that cannot be reached.
pub async fn preflight(analysis: &Analysis) -> Result<(), Failure> {
    let _ = analysis;
    todo!("preflight")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::analysis::Check;
    use std::time::Duration;
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
}
