//! Following the native RollingUpdate controller, decided without I/O: from what the watch shows
//! now (a [`Snapshot`]) and the time, what the follower does next ([`Action`]) and what it reports
//! on the way ([`Report`]). The I/O loop around it (`crate::ops::rolling`) lists the revisions
//! when asked to, pauses the DaemonSet, writes the rollback template, and turns reports and
//! actions into progress events and messages.
//!
//! With an analysis gate (`Settings::gated`), the gate the I/O loop runs while the controller
//! rolls reports back here: a failure ([`Follower::gate_done`]) acts like the health gate's (halt,
//! or roll back with --auto-rollback), and once the controller completes the follower asks for one
//! last run of the gate over every node ([`Action::FinalGate`]) before it says complete.

use std::collections::BTreeSet;

use super::gate::WaveScope;
use super::rolling::{
    before_target, rollback_to, Failing, Gate, NodeReady, PodView, Snapshot, Verdict,
};

/// What a rolling rollout was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// `--min-ready`: the gate counts the larger of it and the DaemonSet's minReadySeconds.
    pub min_ready_seconds: i64,
    /// Seconds without progress before the rollout fails; `None`: no deadline.
    pub deadline_seconds: Option<i64>,
    pub auto_rollback: bool,
    /// The revisions before the apply: (number, hash), oldest first.
    pub revisions: Vec<(i64, String)>,
    /// The revision current before the apply.
    pub current_before: Option<String>,
    /// An analysis gate (checks, metrics, a restart limit) is checked while the controller rolls,
    /// and run once more over every node before the rollout is complete.
    pub gated: bool,
}

/// Where the rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Forward,
    /// The gate failed and the previous template was put back; following the controller
    /// rolling the nodes back to revision `number`.
    RollingBack {
        number: i64,
        hash: String,
        failures: Vec<Failing>,
        /// The number the controller gives the restored revision (the newest, max + 1).
        renumbered: Option<i64>,
    },
}

/// The newest revision the DaemonSet owns, read after the controller processed `generation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub generation: i64,
    /// Its hash and number; `None` while there is none.
    pub newest: Option<(String, Option<i64>)>,
}

/// Why the gate failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A new pod is failing (CrashLoopBackOff, ImagePullBackOff, ...).
    PodFailing,
    /// No node got an available new pod within the deadline.
    NoNodeProgress,
    /// No progress within the deadline and no node waiting for a new pod.
    NoProgress,
    /// The analysis gate failed: a check, a metric or the restart limit, as its reason says.
    Analysis(String),
}

/// Where the analysis gate stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Gating {
    /// No analysis gate, or none any more (a rollback is not gated).
    Off,
    /// Checked while the controller rolls.
    Rolling,
    /// The controller completed: the last run, over every node, is on.
    Final,
    /// The last run passed.
    Passed,
    /// Failed, why: acted on at the next step.
    Failed(String),
}

/// Why the DaemonSet is halted (paused) and the rollout fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// The controller did not process `generation` within the deadline.
    ControllerIdle { generation: i64 },
    /// The rollout to `target` failed its gate. `no_previous`: --auto-rollback found nothing
    /// to restore.
    Failed {
        target: String,
        why: Why,
        nodes: Vec<Failing>,
        no_previous: bool,
    },
    /// The rollback to revision `number` failed its gate too.
    RollbackFailed {
        number: i64,
        hash: String,
        why: Why,
        nodes: Vec<Failing>,
    },
}

/// What the follower reports on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// `rollout pause` (true) or `rollout resume` (false) was seen.
    Paused(bool),
    /// The controller's newest revision, the target.
    Target(String),
    /// The controller's counters changed.
    Progress {
        updated: i32,
        available: i32,
        desired: i32,
    },
    /// A node got an available new pod: `done` of `nodes`.
    NodeReady {
        ready: NodeReady,
        done: usize,
        nodes: usize,
    },
}

/// What the follower does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing until the next change, or second `wake`.
    Wait { wake: Option<i64> },
    /// The controller processed a new generation: list the revisions and step again with them.
    ListRevisions,
    /// Another writer changed the template (now revision `now`): stop following, pause nothing.
    Superseded { target: String, now: String },
    /// Pause the DaemonSet and fail.
    Halt(Halt),
    /// --auto-rollback: put revision `hash`'s template back, then [`Follower::rolling_back`].
    /// `updated`: the nodes that already run `target`.
    RollBack {
        target: String,
        why: Why,
        nodes: Vec<Failing>,
        number: i64,
        hash: String,
        updated: Vec<String>,
    },
    /// Every node runs `target`: run the analysis gate once more over every node, then
    /// [`Follower::gate_done`].
    FinalGate,
    /// Every node runs `target` (and the analysis gate passed, if any). `unchanged`: the apply
    /// changed no template.
    Complete {
        target: String,
        desired: i32,
        unchanged: bool,
    },
    /// The rollback is complete: the rollout failed, its nodes run revision `number` again.
    RolledBack {
        number: i64,
        hash: String,
        renumbered: Option<i64>,
        desired: i32,
        failures: Vec<Failing>,
    },
}

/// One step: the reports to show, then the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub reports: Vec<Report>,
    pub action: Action,
}

/// The follower between two looks at the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    settings: Settings,
    stage: Stage,
    /// The generation whose revision is the target, and the one last checked for it.
    required_generation: i64,
    checked_generation: i64,
    /// When the deadline started counting for the current target.
    clock_start: i64,
    target: Option<String>,
    gate: Option<Gate>,
    /// The counters last reported.
    shown: Option<(i32, i32, i32)>,
    /// Nodes reported ready for the current target.
    reported: usize,
    paused: bool,
    wake: Option<i64>,
    gating: Gating,
}

impl Follower {
    /// A follower of the rollout the apply of `generation` started at `start`.
    pub fn new(settings: Settings, generation: i64, start: i64, paused: bool) -> Self {
        Follower {
            stage: Stage::Forward,
            required_generation: generation,
            checked_generation: 0,
            clock_start: start,
            target: None,
            gate: None,
            shown: None,
            reported: 0,
            paused,
            wake: None,
            gating: match settings.gated {
                true => Gating::Rolling,
                false => Gating::Off,
            },
            settings,
        }
    }

    /// The next action from what the cluster shows now; `listed` is the answer to the last
    /// [`Action::ListRevisions`]. `min_ready_seconds` is the DaemonSet's own.
    pub fn step(
        &mut self,
        snapshot: &Snapshot,
        min_ready_seconds: i64,
        listed: Option<&Listed>,
        now: i64,
    ) -> Step {
        let mut reports = Vec::new();
        if snapshot.paused != self.paused {
            self.paused = snapshot.paused;
            reports.push(Report::Paused(self.paused));
        }
        if let Some(action) =
            self.find_target(snapshot, min_ready_seconds, listed, &mut reports, now)
        {
            return Step { reports, action };
        }
        let action = self.follow_gate(snapshot, &mut reports, now);
        Step { reports, action }
    }

    /// After [`Action::RollBack`]: the rollback template was written as `generation`; the
    /// controller rolls the nodes back to revision `number` from `now` on.
    pub fn rolling_back(
        &mut self,
        rollback: (i64, String, Vec<Failing>),
        generation: i64,
        now: i64,
    ) {
        let (number, hash, failures) = rollback;
        self.required_generation = generation;
        self.target = None;
        self.gate = None;
        self.shown = None;
        self.reported = 0;
        self.clock_start = now;
        self.gating = Gating::Off;
        self.stage = Stage::RollingBack {
            number,
            hash,
            failures,
            renumbered: None,
        };
    }

    /// How a run of the analysis gate ended: a failure is acted on at the next step like the
    /// health gate's; the last run passing lets the rollout complete. The gate running while the
    /// controller rolls never passes on its own. Ignored without a gate, after one failed, and
    /// during a rollback (which is not gated).
    pub fn gate_done(&mut self, result: Result<(), String>) {
        self.gating = match (result, &self.gating) {
            (Err(why), Gating::Rolling | Gating::Final) => Gating::Failed(why),
            (Ok(()), Gating::Final) => Gating::Passed,
            (_, gating) => gating.clone(),
        };
    }

    /// What the analysis gate judges now: the nodes with a new pod (not terminating) on the
    /// target revision and those pods, sorted. `None` while the gate is not on (none asked for,
    /// no target yet, failed, passed, or rolling back).
    pub fn gate_scope(&self, namespace: &str, pods: &[PodView]) -> Option<WaveScope> {
        let on = matches!(self.gating, Gating::Rolling | Gating::Final);
        let target = self
            .target
            .as_ref()
            .filter(|_| on && self.stage == Stage::Forward)?;
        let new: Vec<&PodView> = pods
            .iter()
            .filter(|p| p.hash == *target && !p.terminating && !p.node.is_empty())
            .collect();
        let nodes: BTreeSet<String> = new.iter().map(|p| p.node.clone()).collect();
        let names: BTreeSet<String> = new.iter().map(|p| p.name.clone()).collect();
        Some(WaveScope {
            namespace: namespace.to_string(),
            revision: target.clone(),
            nodes: nodes.into_iter().collect(),
            pods: names.into_iter().collect(),
        })
    }

    /// Once the controller has processed the generation the rollout (or the rollback) wrote,
    /// its newest revision is the target; a later template change is someone else's. `Some`
    /// when that decides the step.
    fn find_target(
        &mut self,
        snapshot: &Snapshot,
        min_ready_seconds: i64,
        listed: Option<&Listed>,
        reports: &mut Vec<Report>,
        now: i64,
    ) -> Option<Action> {
        let c = snapshot.counters;
        let processed = c.observed_generation >= c.generation
            && c.generation >= self.required_generation
            && c.generation != self.checked_generation;
        if !processed {
            return None;
        }
        let Some(listed) = listed.filter(|l| l.generation == c.generation) else {
            return Some(Action::ListRevisions);
        };
        let Some((hash, number)) = listed.newest.clone() else {
            return Some(Action::Wait { wake: self.wake });
        };
        self.checked_generation = c.generation;
        match &self.target {
            None => {
                reports.push(Report::Target(hash.clone()));
                let min_ready = self.settings.min_ready_seconds.max(min_ready_seconds);
                if let Stage::RollingBack { renumbered, .. } = &mut self.stage {
                    *renumbered = number;
                }
                let deadline = self.settings.deadline_seconds;
                let gate = Gate::new(&hash, min_ready, deadline, self.clock_start, snapshot, now);
                self.gate = Some(gate);
                self.target = Some(hash);
                None
            }
            Some(target) if *target != hash => Some(Action::Superseded {
                target: target.clone(),
                now: hash,
            }),
            Some(_) => None,
        }
    }

    /// With a target: report progress, then complete, fail or wait as the gate says. Without
    /// one yet: wait for the controller within the deadline.
    fn follow_gate(&mut self, snapshot: &Snapshot, reports: &mut Vec<Report>, now: i64) -> Action {
        let deadline = self.settings.deadline_seconds;
        let (Some(gate), Some(target)) = (self.gate.as_mut(), self.target.clone()) else {
            return match before_target(self.clock_start, deadline, now) {
                Verdict::Waiting { wake } => self.wait(wake),
                _ => Action::Halt(Halt::ControllerIdle {
                    generation: self.required_generation,
                }),
            };
        };
        let c = snapshot.counters;
        if c.observed_generation >= c.generation
            && self.shown != Some((c.updated, c.available, c.desired))
        {
            self.shown = Some((c.updated, c.available, c.desired));
            reports.push(Report::Progress {
                updated: c.updated,
                available: c.available,
                desired: c.desired,
            });
        }
        let nodes = usize::try_from(c.desired).unwrap_or(0);
        for ready in gate.observe(snapshot, now) {
            self.reported += 1;
            let done = gate.done.len();
            reports.push(Report::NodeReady { ready, done, nodes });
        }
        if let Gating::Failed(why) = &self.gating {
            let why = Why::Analysis(why.clone());
            self.gating = Gating::Off;
            return self.failed(snapshot, target, why, Vec::new());
        }
        match gate.decide(snapshot, now) {
            Verdict::Waiting { wake } => self.wait(wake),
            Verdict::Complete => self.complete(target, c.desired),
            Verdict::Failed { pod_failing, nodes } => {
                let why = health_why(pod_failing, &nodes);
                self.failed(snapshot, target, why, nodes)
            }
        }
    }

    fn wait(&mut self, wake: Option<i64>) -> Action {
        self.wake = wake;
        Action::Wait { wake }
    }

    fn complete(&mut self, target: String, desired: i32) -> Action {
        match &self.stage {
            Stage::Forward => {
                let unchanged = self.reported == 0
                    && self.settings.current_before.as_deref() == Some(target.as_str());
                // Nothing to judge when the template did not change or no node runs the pods.
                let judged = !unchanged && desired > 0;
                match (judged, &self.gating) {
                    (true, Gating::Rolling) => {
                        self.gating = Gating::Final;
                        Action::FinalGate
                    }
                    (true, Gating::Final) => self.wait(None),
                    _ => Action::Complete {
                        unchanged,
                        target,
                        desired,
                    },
                }
            }
            Stage::RollingBack {
                number,
                hash,
                failures,
                renumbered,
            } => Action::RolledBack {
                number: *number,
                hash: hash.clone(),
                renumbered: *renumbered,
                desired,
                failures: failures.clone(),
            },
        }
    }

    /// The gate failed (`nodes`: where, if it says): halt, or with --auto-rollback and a revision
    /// to go back to, roll back (once: a failing rollback halts).
    fn failed(&self, snapshot: &Snapshot, target: String, why: Why, nodes: Vec<Failing>) -> Action {
        if let Stage::RollingBack { number, hash, .. } = &self.stage {
            return Action::Halt(Halt::RollbackFailed {
                number: *number,
                hash: hash.clone(),
                why,
                nodes,
            });
        }
        let settings = &self.settings;
        let back = settings
            .auto_rollback
            .then(|| {
                rollback_to(
                    &settings.revisions,
                    settings.current_before.as_deref(),
                    &target,
                )
            })
            .flatten();
        let Some((number, hash)) = back else {
            return Action::Halt(Halt::Failed {
                target,
                why,
                nodes,
                no_previous: settings.auto_rollback,
            });
        };
        let updated: std::collections::BTreeSet<String> = snapshot
            .pods
            .iter()
            .filter(|p| p.hash == target && !p.terminating && !p.node.is_empty())
            .map(|p| p.node.clone())
            .collect();
        Action::RollBack {
            target,
            why,
            nodes,
            number,
            hash,
            updated: updated.into_iter().collect(),
        }
    }
}

/// Why the health gate failed: a failing new pod, or no progress within the deadline with nodes
/// in flight or none.
fn health_why(pod_failing: bool, nodes: &[Failing]) -> Why {
    match (pod_failing, nodes.is_empty()) {
        (true, _) => Why::PodFailing,
        (false, false) => Why::NoNodeProgress,
        (false, true) => Why::NoProgress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::rolling::{Counters, PodView};

    const START: i64 = 1_000;

    fn pod(node: &str, hash: &str) -> PodView {
        PodView {
            name: format!("agent-{node}"),
            node: node.into(),
            hash: hash.into(),
            ready: true,
            ready_since: Some(START - 100),
            ..PodView::default()
        }
    }

    fn failing(node: &str, hash: &str) -> PodView {
        PodView {
            ready: false,
            ready_since: None,
            failing: Some("CrashLoopBackOff".into()),
            ..pod(node, hash)
        }
    }

    /// The controller at `generation` (processed), with `updated` of two nodes updated.
    fn counters(generation: i64, updated: i32) -> Counters {
        Counters {
            generation,
            observed_generation: generation,
            desired: 2,
            updated,
            available: 2,
        }
    }

    fn settings(auto_rollback: bool, revisions: &[(i64, &str)]) -> Settings {
        Settings {
            min_ready_seconds: 0,
            deadline_seconds: Some(60),
            auto_rollback,
            revisions: revisions.iter().map(|(n, h)| (*n, h.to_string())).collect(),
            current_before: revisions.last().map(|(_, h)| h.to_string()),
            gated: false,
        }
    }

    /// `settings` with an analysis gate.
    fn gated(auto_rollback: bool, revisions: &[(i64, &str)]) -> Settings {
        Settings {
            gated: true,
            ..settings(auto_rollback, revisions)
        }
    }

    fn listed(generation: i64, hash: &str, number: i64) -> Listed {
        Listed {
            generation,
            newest: Some((hash.into(), Some(number))),
        }
    }

    /// Steps until the follower no longer asks for the revisions (answering with `revision`).
    fn step(
        follower: &mut Follower,
        counters: Counters,
        pods: &[PodView],
        revision: Option<Listed>,
        now: i64,
    ) -> Step {
        let snapshot = Snapshot {
            counters,
            pods,
            paused: false,
        };
        let first = follower.step(&snapshot, 0, None, now);
        match (&first.action, revision) {
            (Action::ListRevisions, Some(listed)) => {
                let mut then = follower.step(&snapshot, 0, Some(&listed), now);
                let mut reports = first.reports;
                reports.append(&mut then.reports);
                Step {
                    reports,
                    action: then.action,
                }
            }
            _ => first,
        }
    }

    fn failure(node: &str) -> Vec<Failing> {
        vec![Failing {
            node: node.into(),
            pod: Some(format!("agent-{node}")),
            reason: "CrashLoopBackOff".into(),
        }]
    }

    #[test]
    fn before_the_controller_processes_the_apply_the_deadline_counts_from_the_start() {
        let cases = [
            (
                "within the deadline",
                START + 30,
                Action::Wait {
                    wake: Some(START + 61),
                },
            ),
            (
                "past it",
                START + 61,
                Action::Halt(Halt::ControllerIdle { generation: 2 }),
            ),
        ];
        for (what, now, want) in cases {
            let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
            let unprocessed = Counters {
                observed_generation: 1,
                ..counters(2, 0)
            };
            let got = step(&mut follower, unprocessed, &[pod("n1", "old")], None, now);
            assert_eq!(got.action, want, "{what}");
            assert!(got.reports.is_empty(), "{what}");
        }
    }

    #[test]
    fn the_target_is_the_newest_revision_once_the_controller_processed_the_apply() {
        let pods = [pod("n1", "new"), pod("n2", "new")];
        type Revisions<'a> = &'a [(i64, &'a str)];
        let cases: [(&str, Revisions, Action); 2] = [
            (
                "a new template",
                &[(1, "old")],
                Action::Complete {
                    target: "new".into(),
                    desired: 2,
                    unchanged: false,
                },
            ),
            (
                "the same template applied again",
                &[(1, "new")],
                Action::Complete {
                    target: "new".into(),
                    desired: 2,
                    unchanged: true,
                },
            ),
        ];
        for (what, revisions, want) in cases {
            let mut follower = Follower::new(settings(false, revisions), 2, START, false);
            let got = step(
                &mut follower,
                counters(2, 2),
                &pods,
                Some(listed(2, "new", 2)),
                START,
            );
            assert_eq!(got.action, want, "{what}");
            assert_eq!(got.reports[0], Report::Target("new".into()), "{what}");
        }
    }

    #[test]
    fn progress_and_ready_nodes_are_reported_once() {
        let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
        let pods = [pod("n1", "new"), pod("n2", "old")];
        let first = step(
            &mut follower,
            counters(2, 1),
            &pods,
            Some(listed(2, "new", 2)),
            START,
        );
        assert_eq!(
            first.action,
            Action::Wait {
                wake: Some(START + 61)
            }
        );
        assert_eq!(
            first.reports[1..],
            [Report::Progress {
                updated: 1,
                available: 2,
                desired: 2
            }]
        );
        let again = step(&mut follower, counters(2, 1), &pods, None, START + 1);
        assert!(again.reports.is_empty(), "{:?}", again.reports);
        let mut newer = pods.clone();
        newer[1] = pod("n2", "new");
        let done = step(&mut follower, counters(2, 2), &newer, None, START + 2);
        assert!(matches!(
            done.action,
            Action::Complete {
                unchanged: false,
                ..
            }
        ));
        assert!(matches!(
            &done.reports[1],
            Report::NodeReady { ready, done: 2, nodes: 2 } if ready.node == "n2"
        ));
    }

    #[test]
    fn a_pause_is_reported_when_it_starts_and_when_it_ends() {
        let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
        let pods = [pod("n1", "old")];
        for (paused, want) in [
            (true, Some(Report::Paused(true))),
            (true, None),
            (false, Some(Report::Paused(false))),
        ] {
            let snapshot = Snapshot {
                counters: Counters {
                    observed_generation: 1,
                    ..counters(2, 0)
                },
                pods: &pods,
                paused,
            };
            let got = follower.step(&snapshot, 0, None, START);
            assert_eq!(got.reports.first(), want.as_ref(), "paused {paused}");
        }
    }

    #[test]
    fn a_template_changed_by_another_writer_stops_following() {
        let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
        let pods = [pod("n1", "old"), pod("n2", "old")];
        step(
            &mut follower,
            counters(2, 0),
            &pods,
            Some(listed(2, "new", 2)),
            START,
        );
        let got = step(
            &mut follower,
            counters(3, 0),
            &pods,
            Some(listed(3, "other", 3)),
            START + 5,
        );
        assert_eq!(
            got.action,
            Action::Superseded {
                target: "new".into(),
                now: "other".into()
            }
        );
    }

    #[test]
    fn a_failing_gate_halts_or_rolls_back() {
        let pods = [failing("n1", "new"), pod("n2", "old")];
        let cases: [(&str, Settings, Action); 3] = [
            (
                "no --auto-rollback",
                settings(false, &[(1, "old")]),
                Action::Halt(Halt::Failed {
                    target: "new".into(),
                    why: Why::PodFailing,
                    nodes: failure("n1"),
                    no_previous: false,
                }),
            ),
            (
                "--auto-rollback, nothing to go back to",
                settings(true, &[]),
                Action::Halt(Halt::Failed {
                    target: "new".into(),
                    why: Why::PodFailing,
                    nodes: failure("n1"),
                    no_previous: true,
                }),
            ),
            (
                "--auto-rollback to the revision current before",
                settings(true, &[(1, "old")]),
                Action::RollBack {
                    target: "new".into(),
                    why: Why::PodFailing,
                    nodes: failure("n1"),
                    number: 1,
                    hash: "old".into(),
                    updated: vec!["n1".into()],
                },
            ),
        ];
        for (what, settings, want) in cases {
            let mut follower = Follower::new(settings, 2, START, false);
            let got = step(
                &mut follower,
                counters(2, 1),
                &pods,
                Some(listed(2, "new", 2)),
                START,
            );
            assert_eq!(got.action, want, "{what}");
        }
    }

    #[test]
    fn no_progress_within_the_deadline_names_the_nodes_in_flight_or_none() {
        let stuck = PodView {
            ready: false,
            ready_since: None,
            ..pod("n1", "new")
        };
        let cases = [
            (
                "a new pod not available",
                vec![stuck, pod("n2", "old")],
                Why::NoNodeProgress,
            ),
            (
                "nothing in flight",
                vec![pod("n1", "old"), pod("n2", "old")],
                Why::NoProgress,
            ),
        ];
        for (what, pods, want) in cases {
            let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
            let got = step(
                &mut follower,
                counters(2, 0),
                &pods,
                Some(listed(2, "new", 2)),
                START + 61,
            );
            assert!(
                matches!(&got.action, Action::Halt(Halt::Failed { why, .. }) if *why == want),
                "{what}: {:?}",
                got.action
            );
        }
    }

    #[test]
    fn a_rollback_is_followed_to_its_end_and_a_failing_one_halts() {
        let mut follower = Follower::new(settings(true, &[(1, "old")]), 2, START, false);
        let pods = [failing("n1", "new"), pod("n2", "old")];
        let rolled = step(
            &mut follower,
            counters(2, 1),
            &pods,
            Some(listed(2, "new", 2)),
            START,
        );
        assert!(matches!(rolled.action, Action::RollBack { .. }));
        follower.rolling_back((1, "old".into(), failure("n1")), 3, START + 10);

        let mut failing_again = follower.clone();
        let back = [pod("n1", "old"), pod("n2", "old")];
        let got = step(
            &mut follower,
            counters(3, 2),
            &back,
            Some(listed(3, "old", 3)),
            START + 20,
        );
        assert_eq!(
            got.action,
            Action::RolledBack {
                number: 1,
                hash: "old".into(),
                renumbered: Some(3),
                desired: 2,
                failures: failure("n1"),
            }
        );
        let still = [failing("n1", "old"), pod("n2", "old")];
        let got = step(
            &mut failing_again,
            counters(3, 1),
            &still,
            Some(listed(3, "old", 3)),
            START + 20,
        );
        assert!(matches!(
            got.action,
            Action::Halt(Halt::RollbackFailed {
                number: 1,
                why: Why::PodFailing,
                ..
            })
        ));
    }

    #[test]
    fn no_revision_yet_waits_for_the_next_change() {
        let mut follower = Follower::new(settings(false, &[(1, "old")]), 2, START, false);
        let none = Listed {
            generation: 2,
            newest: None,
        };
        let got = step(
            &mut follower,
            counters(2, 0),
            &[pod("n1", "old")],
            Some(none),
            START,
        );
        assert_eq!(got.action, Action::Wait { wake: None });
    }

    const REASON: &str = "metric errors: 2 of 2 samples bad (failure limit 1); last: 3 is not < 1";

    fn analysis(reason: &str) -> Why {
        Why::Analysis(reason.into())
    }

    #[test]
    fn a_failing_analysis_gate_halts_or_rolls_back_like_the_health_gate() {
        let pods = [pod("n1", "new"), pod("n2", "old")];
        let cases: [(&str, Settings, Action); 3] = [
            (
                "no --auto-rollback",
                gated(false, &[(1, "old")]),
                Action::Halt(Halt::Failed {
                    target: "new".into(),
                    why: analysis(REASON),
                    nodes: vec![],
                    no_previous: false,
                }),
            ),
            (
                "--auto-rollback, nothing to go back to",
                gated(true, &[]),
                Action::Halt(Halt::Failed {
                    target: "new".into(),
                    why: analysis(REASON),
                    nodes: vec![],
                    no_previous: true,
                }),
            ),
            (
                "--auto-rollback to the revision current before",
                gated(true, &[(1, "old")]),
                Action::RollBack {
                    target: "new".into(),
                    why: analysis(REASON),
                    nodes: vec![],
                    number: 1,
                    hash: "old".into(),
                    updated: vec!["n1".into()],
                },
            ),
        ];
        for (what, settings, want) in cases {
            let mut follower = Follower::new(settings, 2, START, false);
            let rolling = step(
                &mut follower,
                counters(2, 1),
                &pods,
                Some(listed(2, "new", 2)),
                START,
            );
            assert!(matches!(rolling.action, Action::Wait { .. }), "{what}");
            follower.gate_done(Err(REASON.into()));
            let got = step(&mut follower, counters(2, 1), &pods, None, START + 1);
            assert_eq!(got.action, want, "{what}");
        }
    }

    #[test]
    fn once_the_controller_completes_the_gate_runs_over_every_node_before_complete() {
        let complete = Action::Complete {
            target: "new".into(),
            desired: 2,
            unchanged: false,
        };
        let failed = Action::Halt(Halt::Failed {
            target: "new".into(),
            why: analysis(REASON),
            nodes: vec![],
            no_previous: false,
        });
        type Results = Vec<Result<(), String>>;
        let cases: [(&str, Settings, Results, Action); 4] = [
            (
                "no gate",
                settings(false, &[(1, "old")]),
                vec![],
                complete.clone(),
            ),
            (
                "the last run passes",
                gated(false, &[(1, "old")]),
                vec![Ok(())],
                complete,
            ),
            (
                "the last run fails",
                gated(false, &[(1, "old")]),
                vec![Err(REASON.into())],
                failed.clone(),
            ),
            (
                "the gate failed while the controller rolled, reported late",
                gated(false, &[(1, "old")]),
                vec![Err(REASON.into()), Ok(())],
                failed,
            ),
        ];
        let (half, done) = (
            [pod("n1", "new"), pod("n2", "old")],
            [pod("n1", "new"), pod("n2", "new")],
        );
        for (what, settings, results, want) in cases {
            let gated = settings.gated;
            let mut follower = Follower::new(settings, 2, START, false);
            step(
                &mut follower,
                counters(2, 1),
                &half,
                Some(listed(2, "new", 2)),
                START,
            );
            let got = step(&mut follower, counters(2, 2), &done, None, START + 1);
            if gated {
                assert_eq!(got.action, Action::FinalGate, "{what}");
                let again = step(&mut follower, counters(2, 2), &done, None, START + 2);
                assert_eq!(again.action, Action::Wait { wake: None }, "{what}: running");
                for result in results {
                    follower.gate_done(result);
                }
                let got = step(&mut follower, counters(2, 2), &done, None, START + 3);
                assert_eq!(got.action, want, "{what}");
            } else {
                assert_eq!(got.action, want, "{what}");
            }
        }
    }

    #[test]
    fn gate_results_change_nothing_where_they_do_not_apply() {
        let done = [pod("n1", "new"), pod("n2", "new")];
        let complete = |desired: i32, unchanged: bool| Action::Complete {
            target: "new".into(),
            desired,
            unchanged,
        };
        type Case = (&'static str, Settings, Result<(), String>, usize, Action);
        let cases: [Case; 4] = [
            (
                "a failure without a gate",
                settings(false, &[(1, "old")]),
                Err(REASON.into()),
                2,
                complete(2, false),
            ),
            (
                "a pass before the last run",
                gated(false, &[(1, "old")]),
                Ok(()),
                2,
                Action::FinalGate,
            ),
            (
                "the same template applied again: no last run",
                gated(false, &[(1, "new")]),
                Ok(()),
                2,
                complete(2, true),
            ),
            (
                "no node runs the daemonset: no last run",
                gated(false, &[(1, "old")]),
                Ok(()),
                0,
                complete(0, false),
            ),
        ];
        for (what, settings, result, nodes, want) in cases {
            let mut follower = Follower::new(settings, 2, START, false);
            follower.gate_done(result);
            let desired = i32::try_from(nodes).unwrap();
            let counters = Counters {
                desired,
                updated: desired,
                available: desired,
                ..counters(2, 2)
            };
            let got = step(
                &mut follower,
                counters,
                &done[..nodes],
                Some(listed(2, "new", 2)),
                START,
            );
            assert_eq!(got.action, want, "{what}");
        }
    }

    #[test]
    fn a_rollback_is_not_gated() {
        let mut follower = Follower::new(gated(true, &[(1, "old")]), 2, START, false);
        let pods = [failing("n1", "new"), pod("n2", "old")];
        let rolled = step(
            &mut follower,
            counters(2, 1),
            &pods,
            Some(listed(2, "new", 2)),
            START,
        );
        assert!(matches!(
            rolled.action,
            Action::RollBack {
                why: Why::PodFailing,
                ..
            }
        ));
        follower.rolling_back((1, "old".into(), failure("n1")), 3, START + 10);
        let back = [pod("n1", "old"), pod("n2", "old")];
        assert_eq!(follower.gate_scope("demo", &back), None);
        follower.gate_done(Err(REASON.into()));
        let got = step(
            &mut follower,
            counters(3, 2),
            &back,
            Some(listed(3, "old", 3)),
            START + 20,
        );
        assert!(
            matches!(got.action, Action::RolledBack { number: 1, .. }),
            "{:?}",
            got.action
        );
    }

    #[test]
    fn the_gate_judges_the_nodes_with_a_new_pod_so_far() {
        let terminating = PodView {
            terminating: true,
            ..pod("n3", "new")
        };
        let unscheduled = PodView {
            node: String::new(),
            ..pod("n4", "new")
        };
        let pods = [
            pod("n2", "new"),
            pod("n1", "new"),
            pod("n5", "old"),
            terminating,
            unscheduled,
        ];
        let scope = WaveScope {
            namespace: "demo".into(),
            revision: "new".into(),
            nodes: vec!["n1".into(), "n2".into()],
            pods: vec!["agent-n1".into(), "agent-n2".into()],
        };
        type Setup = fn(&mut Follower);
        let cases: [(&str, Settings, bool, Setup, Option<WaveScope>); 5] = [
            (
                "rolling",
                gated(false, &[(1, "old")]),
                true,
                |_| {},
                Some(scope.clone()),
            ),
            (
                "no gate",
                settings(false, &[(1, "old")]),
                true,
                |_| {},
                None,
            ),
            (
                "no target yet",
                gated(false, &[(1, "old")]),
                false,
                |_| {},
                None,
            ),
            (
                "the gate failed",
                gated(false, &[(1, "old")]),
                true,
                |f| f.gate_done(Err(REASON.into())),
                None,
            ),
            (
                "a pass of the gate while rolling",
                gated(false, &[(1, "old")]),
                true,
                |f| f.gate_done(Ok(())),
                Some(scope),
            ),
        ];
        for (what, settings, targeted, setup, want) in cases {
            let mut follower = Follower::new(settings, 2, START, false);
            if targeted {
                step(
                    &mut follower,
                    counters(2, 2),
                    &pods,
                    Some(listed(2, "new", 2)),
                    START,
                );
            }
            setup(&mut follower);
            assert_eq!(follower.gate_scope("demo", &pods), want, "{what}");
        }
    }
}
