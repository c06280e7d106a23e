//! Rolling mode without I/O: the DaemonSet's own RollingUpdate controller replaces the pods and
//! the plugin only follows it. What is decided here, from the status counters and the pods as the
//! watch shows them: when a node has an available new pod (progress), whether the rollout is
//! complete, and whether it failed its health gate (a new pod failing, or no progress within the
//! deadline) and on which nodes. Also which flags do not apply to rolling mode, and which nodes a
//! dry run would see replaced.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::daemonset::patch::{self, PatchOperation};
use crate::daemonset::pause::{self, PAUSED_ANNOTATION};

/// One pod of the DaemonSet as the gate sees it (finished pods are left out by the caller).
pub use super::health::PodView;

/// The DaemonSet's generation and status counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    pub generation: i64,
    pub observed_generation: i64,
    pub desired: i32,
    pub updated: i32,
    pub available: i32,
}

/// What the cluster shows now.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    pub counters: Counters,
    pub pods: &'a [PodView],
    /// Paused by `rollout pause` (strategy recorded, OnDelete): the controller replaces nothing.
    pub paused: bool,
}

/// A node that failed the gate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub node: String,
    pub pod: Option<String>,
    pub reason: String,
}

/// A node whose new pod just became available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeReady {
    pub node: String,
    pub pod: String,
    pub ready_since: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Complete,
    /// The gate failed: these nodes (none when nothing is in flight and the deadline passed).
    Failed {
        /// A new pod is failing (true), or no progress within the deadline (false).
        pod_failing: bool,
        nodes: Vec<Failing>,
    },
    /// Wait for the next change; nothing can change without one before `wake` (seconds since
    /// the epoch), when a min-ready period ends or the deadline passes.
    Waiting {
        wake: Option<i64>,
    },
}

/// The health gate of one rolling rollout to `target`, with what it has seen so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The `controller-revision-hash` the pods move to.
    pub target: String,
    /// Seconds a new pod must have been Ready to count (the larger of --min-ready and the
    /// DaemonSet's minReadySeconds).
    pub min_ready_seconds: i64,
    /// Seconds without progress before the rollout fails; `None`: no deadline.
    pub deadline_seconds: Option<i64>,
    /// When the rollout started or a node last got an available new pod (or a pause ended).
    pub last_progress: i64,
    /// Nodes with an available new pod, seen so far.
    pub done: BTreeSet<String>,
    /// Nodes seen with a pod of the DaemonSet at some point.
    pub seen: BTreeSet<String>,
    pub paused: bool,
}

impl Gate {
    /// A gate from `start`; the nodes already running an available new pod count as done
    /// without being reported.
    pub fn new(
        target: &str,
        min_ready_seconds: i64,
        deadline_seconds: Option<i64>,
        start: i64,
        snapshot: &Snapshot,
        now: i64,
    ) -> Self {
        let mut gate = Gate {
            target: target.to_string(),
            min_ready_seconds,
            deadline_seconds,
            last_progress: start,
            done: BTreeSet::new(),
            seen: BTreeSet::new(),
            paused: snapshot.paused,
        };
        let already: Vec<String> = snapshot
            .pods
            .iter()
            .filter(|p| gate.available(p, now))
            .map(|p| p.node.clone())
            .collect();
        gate.done.extend(already);
        gate.seen
            .extend(snapshot.pods.iter().map(|p| p.node.clone()));
        gate.seen.remove("");
        gate
    }

    /// A pod of the target revision, not terminating, Ready for min-ready seconds.
    pub fn available(&self, pod: &PodView, now: i64) -> bool {
        pod.hash == self.target
            && !pod.terminating
            && pod.ready
            && pod
                .ready_since
                .is_some_and(|since| now - since >= self.min_ready_seconds)
    }

    /// Takes in what the cluster shows now: the nodes that got an available new pod since the
    /// last look (each is progress and restarts the deadline); a pause stops the deadline and
    /// its end restarts it.
    pub fn observe(&mut self, snapshot: &Snapshot, now: i64) -> Vec<NodeReady> {
        if self.paused && !snapshot.paused {
            self.last_progress = now;
        }
        self.paused = snapshot.paused;
        let mut ready = Vec::new();
        for pod in snapshot.pods {
            if !pod.node.is_empty() {
                self.seen.insert(pod.node.clone());
            }
            if !pod.node.is_empty()
                && self.available(pod, now)
                && self.done.insert(pod.node.clone())
            {
                ready.push(NodeReady {
                    node: pod.node.clone(),
                    pod: pod.name.clone(),
                    ready_since: pod.ready_since,
                });
            }
        }
        if !ready.is_empty() {
            self.last_progress = now;
        }
        ready.sort_by(|a, b| a.node.cmp(&b.node));
        ready
    }

    /// Complete when the controller has seen the newest generation, counts every desired node
    /// updated and available, no pod of another revision is left, and every new pod has been
    /// Ready for min-ready seconds.
    pub fn complete(&self, snapshot: &Snapshot, now: i64) -> bool {
        let c = snapshot.counters;
        c.observed_generation >= c.generation
            && c.updated == c.desired
            && c.available == c.desired
            && snapshot.pods.iter().all(|p| p.hash == self.target)
            && snapshot
                .pods
                .iter()
                .filter(|p| !p.terminating)
                .all(|p| self.available(p, now))
    }

    /// Complete, failed, or wait (until when at the latest).
    pub fn decide(&self, snapshot: &Snapshot, now: i64) -> Verdict {
        let new_pods = || {
            snapshot
                .pods
                .iter()
                .filter(|p| p.hash == self.target && !p.terminating)
        };
        let failing: Vec<Failing> = new_pods()
            .filter_map(|p| {
                Some(Failing {
                    node: p.node.clone(),
                    pod: Some(p.name.clone()),
                    reason: p.failing.clone()?,
                })
            })
            .collect();
        if !failing.is_empty() {
            return Verdict::Failed {
                pod_failing: true,
                nodes: sorted(failing),
            };
        }
        if self.complete(snapshot, now) {
            return Verdict::Complete;
        }
        let ready_wakes = new_pods()
            .filter(|p| p.ready)
            .filter_map(|p| p.ready_since.map(|s| s + self.min_ready_seconds))
            .filter(|at| *at > now);
        let deadline = match (self.deadline_seconds, self.paused) {
            (Some(seconds), false) => Some((seconds, self.last_progress + seconds)),
            _ => None,
        };
        if let Some((seconds, at)) = deadline {
            if now > at {
                return Verdict::Failed {
                    pod_failing: false,
                    nodes: self.in_flight(snapshot, seconds, now),
                };
            }
        }
        let wake = ready_wakes.chain(deadline.map(|(_, at)| at + 1)).min();
        Verdict::Waiting { wake }
    }

    /// The nodes holding the rollout up when the deadline passes: a new pod not available, or
    /// an old pod gone with no new one.
    fn in_flight(&self, snapshot: &Snapshot, seconds: i64, now: i64) -> Vec<Failing> {
        let mut nodes = Vec::new();
        for pod in snapshot.pods.iter().filter(|p| p.hash == self.target) {
            if pod.terminating || self.available(pod, now) {
                continue;
            }
            let why = match (&pod.not_ready, pod.ready) {
                (_, true) => format!("Ready, but not for {}s yet", self.min_ready_seconds),
                (Some(why), false) => why.clone(),
                (None, false) => "not Ready".into(),
            };
            nodes.push(Failing {
                node: if pod.node.is_empty() {
                    "<unscheduled>".into()
                } else {
                    pod.node.clone()
                },
                pod: Some(pod.name.clone()),
                reason: format!("new pod not available within {seconds}s: {why}"),
            });
        }
        let with_pods: BTreeSet<&str> = snapshot
            .pods
            .iter()
            .filter(|p| !p.terminating)
            .map(|p| p.node.as_str())
            .collect();
        for node in &self.seen {
            if !with_pods.contains(node.as_str()) && !self.done.contains(node) {
                nodes.push(Failing {
                    node: node.clone(),
                    pod: None,
                    reason: format!("old pod gone, no new pod within {seconds}s"),
                });
            }
        }
        sorted(nodes)
    }
}

/// Before the controller has processed the applied generation there is no target revision and
/// no gate yet; the deadline still counts from `start` (a controller that never gets to it, e.g.
/// kube-controller-manager down, fails the rollout too).
pub fn before_target(start: i64, deadline_seconds: Option<i64>, now: i64) -> Verdict {
    match deadline_seconds {
        Some(seconds) if now > start + seconds => Verdict::Failed {
            pod_failing: false,
            nodes: vec![],
        },
        Some(seconds) => Verdict::Waiting {
            wake: Some(start + seconds + 1),
        },
        None => Verdict::Waiting { wake: None },
    }
}

fn sorted(mut failing: Vec<Failing>) -> Vec<Failing> {
    failing.sort_by(|a, b| (&a.node, &a.pod).cmp(&(&b.node, &b.pod)));
    failing
}

/// Why a pod is not Ready, from its conditions: the scheduler's reason when it is not
/// scheduled, else the Ready condition's reason and message (e.g. a readiness gate nobody sets).
pub fn not_ready_reason(pod: &Pod) -> Option<String> {
    let status = pod.status.as_ref()?;
    let conditions = status.conditions.as_deref().unwrap_or_default();
    let condition = |kind: &str| conditions.iter().find(|c| c.type_ == kind);
    let text = |reason: Option<&String>, message: Option<&String>| match (
        reason.filter(|r| !r.is_empty()),
        message.filter(|m| !m.is_empty()),
    ) {
        (Some(r), Some(m)) => format!("{r}: {}", m.trim()),
        (Some(r), None) => r.clone(),
        (None, Some(m)) => m.trim().to_string(),
        (None, None) => String::new(),
    };
    if let Some(c) = condition("PodScheduled").filter(|c| c.status == "False") {
        let why = text(c.reason.as_ref(), c.message.as_ref());
        return Some(if why.is_empty() {
            "not scheduled".into()
        } else {
            format!("not scheduled: {why}")
        });
    }
    match crate::daemonset::ready_condition(pod) {
        Some(c) if c.status == "True" => None,
        Some(c) => {
            let why = text(c.reason.as_ref(), c.message.as_ref());
            Some(if why.is_empty() {
                "not Ready".into()
            } else {
                why
            })
        }
        None => Some(match status.phase.as_deref() {
            Some(phase) => format!("not Ready (phase {phase})"),
            None => "not Ready".into(),
        }),
    }
}

/// The usage error for the first ondelete-only flag `given` (as typed), if any.
pub fn ondelete_only_flag(given: &[&str]) -> Option<String> {
    let flag = given.first()?;
    let why = match *flag {
        "--max-unavailable" => {
            "rolling mode follows the DaemonSet's own rollingUpdate.maxUnavailable/maxSurge"
        }
        _ => "the DaemonSet controller picks the nodes and their order in rolling mode",
    };
    Some(format!(
        "{flag} needs --mode ondelete ({why}); drop it or add --mode ondelete"
    ))
}

/// Nodes whose pod a new template replaces: nodes with a pod (not terminating) whose revision is
/// not one of `up_to_date` (the hashes of revisions whose template equals the new one).
pub fn nodes_to_replace(pods: &[PodView], up_to_date: &BTreeSet<String>) -> BTreeSet<String> {
    pods.iter()
        .filter(|p| !p.terminating && !up_to_date.contains(&p.hash))
        .map(|p| {
            if p.node.is_empty() {
                format!("<unscheduled pod {}>", p.name)
            } else {
                p.node.clone()
            }
        })
        .collect()
}

/// The revision `--auto-rollback` restores, as (number, hash) from `revisions` (oldest first):
/// the one that was current before the apply, unless that is the target itself (the same
/// template applied again after a failed rollout), then the newest other one. `None` when there
/// is none (the apply created the DaemonSet).
pub fn rollback_to(
    revisions: &[(i64, String)],
    current_before: Option<&str>,
    target: &str,
) -> Option<(i64, String)> {
    let current = current_before
        .filter(|h| *h != target)
        .and_then(|h| revisions.iter().find(|(_, hash)| hash == h));
    current
        .or_else(|| revisions.iter().rev().find(|(_, hash)| hash != target))
        .cloned()
}

/// What a rolling rollout settles on the DaemonSet it just applied, as one JSON patch (the
/// resourceVersion precondition first) and what it does in words: a pause ends (the annotation
/// goes, and the recorded strategy comes back when the manifest sets none), and the records an
/// ondelete rollout left (`ondelete_records`: its state, its recorded strategy) go. `None` when
/// there is nothing to settle.
pub fn settle_ops(
    ds: &DaemonSet,
    manifest_sets_strategy: bool,
    ondelete_records: &[&str],
) -> Option<(Vec<PatchOperation>, Vec<String>)> {
    let mut ops = vec![patch::precondition(ds)];
    let mut done = Vec::new();
    if let Some(recorded) = pause::annotation(ds, PAUSED_ANNOTATION) {
        ops.push(patch::remove_annotation(PAUSED_ANNOTATION));
        let strategy = serde_json::from_str::<Value>(recorded).ok();
        match strategy.filter(|_| !manifest_sets_strategy) {
            Some(strategy) => {
                let kind = strategy["type"]
                    .as_str()
                    .unwrap_or("RollingUpdate")
                    .to_string();
                ops.push(patch::replace_update_strategy(strategy));
                done.push(format!(
                    "the pause ended (recorded strategy {kind} restored)"
                ));
            }
            None => done.push("the pause ended".into()),
        }
    }
    for key in ondelete_records {
        if pause::annotation(ds, key).is_some() {
            ops.push(patch::remove_annotation(key));
            done.push(format!(
                "annotation {key} of an earlier ondelete rollout removed"
            ));
        }
    }
    (!done.is_empty()).then_some((ops, done))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemonset::node_of;
    use serde_json::json;

    const NOW: i64 = 10_000;

    fn pod(node: &str, hash: &str, ready_for: Option<i64>) -> PodView {
        PodView {
            name: format!("agent-{node}-{hash}"),
            node: node.into(),
            hash: hash.into(),
            ready: ready_for.is_some(),
            ready_since: ready_for.map(|s| NOW - s),
            terminating: false,
            failing: None,
            not_ready: ready_for
                .is_none()
                .then(|| "ReadinessGatesNotReady: gate example.com/never".into()),
            ..PodView::default()
        }
    }

    fn counters(
        generation: i64,
        observed: i64,
        desired: i32,
        updated: i32,
        available: i32,
    ) -> Counters {
        Counters {
            generation,
            observed_generation: observed,
            desired,
            updated,
            available,
        }
    }

    fn snapshot(counters: Counters, pods: &[PodView]) -> Snapshot<'_> {
        Snapshot {
            counters,
            pods,
            paused: false,
        }
    }

    fn gate(last_progress: i64) -> Gate {
        Gate {
            target: "new".into(),
            min_ready_seconds: 5,
            deadline_seconds: Some(60),
            last_progress,
            done: BTreeSet::new(),
            seen: ["a", "b"].into_iter().map(String::from).collect(),
            paused: false,
        }
    }

    fn terminating(mut p: PodView) -> PodView {
        p.terminating = true;
        p
    }

    fn failing_pod(node: &str, why: &str) -> PodView {
        let mut p = pod(node, "new", None);
        p.failing = Some(why.into());
        p
    }

    /// (what, counters, pods, last progress, verdict wanted).
    type VerdictCase = (&'static str, Counters, Vec<PodView>, i64, Verdict);

    fn assert_verdicts(cases: Vec<VerdictCase>) {
        for (what, counters, pods, last_progress, want) in cases {
            let gate = gate(last_progress);
            let got = gate.decide(&snapshot(counters, &pods), NOW);
            assert_eq!(got, want, "{what}");
        }
    }

    #[test]
    fn verdicts_complete_or_wait_for_the_controller_and_pods() {
        let done = counters(2, 2, 2, 2, 2);
        assert_verdicts(vec![
            (
                "every node updated and available: complete",
                done,
                vec![pod("a", "new", Some(60)), pod("b", "new", Some(60))],
                NOW - 10,
                Verdict::Complete,
            ),
            (
                "the controller has not seen the new generation",
                counters(3, 2, 2, 2, 2),
                vec![pod("a", "new", Some(60)), pod("b", "new", Some(60))],
                NOW - 10,
                Verdict::Waiting {
                    wake: Some(NOW - 10 + 61),
                },
            ),
            (
                "counters done, but an old pod is still terminating",
                done,
                vec![
                    pod("a", "new", Some(60)),
                    pod("b", "new", Some(60)),
                    terminating(pod("b", "old", Some(60))),
                ],
                NOW - 10,
                Verdict::Waiting {
                    wake: Some(NOW - 10 + 61),
                },
            ),
            (
                "a new pod Ready for 2s of min-ready 5: wake when it is available",
                done,
                vec![pod("a", "new", Some(60)), pod("b", "new", Some(2))],
                NOW - 10,
                Verdict::Waiting {
                    wake: Some(NOW + 3),
                },
            ),
            (
                "one node in progress, within the deadline",
                counters(2, 2, 2, 1, 1),
                vec![pod("a", "new", Some(60)), pod("b", "new", None)],
                NOW - 59,
                Verdict::Waiting {
                    wake: Some(NOW + 2),
                },
            ),
        ]);
    }

    #[test]
    fn verdicts_on_failing_new_pods() {
        assert_verdicts(vec![
            (
                "a new pod failing fails at once, whatever the deadline",
                counters(2, 2, 2, 1, 1),
                vec![
                    pod("a", "old", Some(60)),
                    failing_pod("b", "ImagePullBackOff"),
                ],
                NOW,
                Verdict::Failed {
                    pod_failing: true,
                    nodes: vec![Failing {
                        node: "b".into(),
                        pod: Some("agent-b-new".into()),
                        reason: "ImagePullBackOff".into(),
                    }],
                },
            ),
            (
                "a terminating new pod that failed does not count",
                counters(2, 2, 2, 1, 1),
                vec![
                    pod("a", "new", Some(60)),
                    terminating(failing_pod("b", "CrashLoopBackOff")),
                ],
                NOW,
                Verdict::Waiting {
                    wake: Some(NOW + 61),
                },
            ),
        ]);
    }

    #[test]
    fn verdicts_when_the_progress_deadline_passes() {
        assert_verdicts(vec![
            (
                "no progress for the deadline: the node in flight fails with why",
                counters(2, 2, 2, 1, 1),
                vec![pod("a", "old", Some(600)), pod("b", "new", None)],
                NOW - 61,
                Verdict::Failed {
                    pod_failing: false,
                    nodes: vec![Failing {
                        node: "b".into(),
                        pod: Some("agent-b-new".into()),
                        reason: "new pod not available within 60s: ReadinessGatesNotReady: gate example.com/never".into(),
                    }],
                },
            ),
            (
                "deadline passed with a node whose old pod went and no new one came",
                counters(2, 2, 2, 0, 1),
                vec![pod("a", "old", Some(600))],
                NOW - 61,
                Verdict::Failed {
                    pod_failing: false,
                    nodes: vec![Failing {
                        node: "b".into(),
                        pod: None,
                        reason: "old pod gone, no new pod within 60s".into(),
                    }],
                },
            ),
            (
                "deadline passed with nothing in flight: failed without nodes",
                counters(2, 2, 2, 0, 2),
                vec![pod("a", "old", Some(600)), pod("b", "old", Some(600))],
                NOW - 61,
                Verdict::Failed {
                    pod_failing: false,
                    nodes: vec![],
                },
            ),
        ]);
    }

    #[test]
    fn the_deadline_counts_before_the_controller_has_a_target() {
        let cases = [
            (
                Some(60),
                NOW + 10,
                Verdict::Waiting {
                    wake: Some(NOW + 61),
                },
            ),
            (
                Some(60),
                NOW + 61,
                Verdict::Failed {
                    pod_failing: false,
                    nodes: vec![],
                },
            ),
            (None, NOW + 100_000, Verdict::Waiting { wake: None }),
        ];
        for (deadline, now, want) in cases {
            assert_eq!(
                before_target(NOW, deadline, now),
                want,
                "{deadline:?} {now}"
            );
        }
    }

    #[test]
    fn progress_restarts_the_deadline_and_a_pause_stops_it() {
        let start = NOW - 100;
        let before = [pod("a", "old", Some(600)), pod("b", "old", Some(600))];
        let mut gate = Gate::new(
            "new",
            0,
            Some(60),
            start,
            &snapshot(counters(2, 2, 2, 0, 2), &before),
            start,
        );
        assert!(gate.done.is_empty());
        assert_eq!(gate.seen.len(), 2);

        // a gets its new pod at NOW - 50: reported once, and the deadline counts from there.
        let pods = [pod("a", "new", Some(50)), pod("b", "old", Some(600))];
        let snap = snapshot(counters(2, 2, 2, 1, 2), &pods);
        let ready = gate.observe(&snap, NOW - 50);
        assert_eq!(
            ready,
            vec![NodeReady {
                node: "a".into(),
                pod: "agent-a-new".into(),
                ready_since: Some(NOW - 50),
            }]
        );
        assert_eq!(gate.last_progress, NOW - 50);
        assert!(gate.observe(&snap, NOW - 40).is_empty());
        assert_eq!(gate.last_progress, NOW - 50);
        assert_eq!(
            gate.decide(&snap, NOW),
            Verdict::Waiting {
                wake: Some(NOW + 11)
            }
        );

        // Paused: no deadline while it lasts; its end restarts the deadline.
        let paused = Snapshot {
            paused: true,
            ..snap
        };
        gate.observe(&paused, NOW + 100);
        assert_eq!(
            gate.decide(&paused, NOW + 500),
            Verdict::Waiting { wake: None }
        );
        gate.observe(&snap, NOW + 500);
        assert_eq!(gate.last_progress, NOW + 500);
        assert_eq!(
            gate.decide(&snap, NOW + 560),
            Verdict::Waiting {
                wake: Some(NOW + 561)
            }
        );
        assert!(matches!(
            gate.decide(&snap, NOW + 561),
            Verdict::Failed {
                pod_failing: false,
                ..
            }
        ));

        // No deadline at all.
        gate.deadline_seconds = None;
        assert_eq!(
            gate.decide(&snap, NOW + 100_000),
            Verdict::Waiting { wake: None }
        );
    }

    #[test]
    fn nodes_already_on_the_target_are_done_without_a_report() {
        let pods = [pod("a", "new", Some(600)), pod("b", "new", Some(1))];
        let snap = snapshot(counters(2, 2, 2, 2, 1), &pods);
        let mut gate = Gate::new("new", 5, Some(60), NOW, &snap, NOW);
        assert_eq!(gate.done, BTreeSet::from(["a".to_string()]));
        assert!(gate.observe(&snap, NOW).is_empty());
        let ready = gate.observe(&snap, NOW + 4);
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].node, "b");
    }

    #[test]
    fn only_flags_given_on_the_command_line_are_refused() {
        assert_eq!(ondelete_only_flag(&[]), None);
        let cases = [
            ("--max-unavailable", "--max-unavailable needs --mode ondelete (rolling mode follows the DaemonSet's own rollingUpdate.maxUnavailable/maxSurge); drop it or add --mode ondelete"),
            ("--canary-nodes", "--canary-nodes needs --mode ondelete (the DaemonSet controller picks the nodes and their order in rolling mode); drop it or add --mode ondelete"),
            ("--wave-interval", "--wave-interval needs --mode ondelete (the DaemonSet controller picks the nodes and their order in rolling mode); drop it or add --mode ondelete"),
        ];
        for (flag, want) in cases {
            assert_eq!(
                ondelete_only_flag(&[flag, "--canary"]).as_deref(),
                Some(want),
                "{flag}"
            );
        }
    }

    #[test]
    fn reasons_a_pod_is_not_ready() {
        let cases = [
            (
                json!({"phase": "Running", "conditions": [
                    {"type": "PodScheduled", "status": "True"},
                    {"type": "Ready", "status": "False", "reason": "ReadinessGatesNotReady",
                     "message": "corresponding condition of pod readiness gate \"example.com/never\" does not exist."}]}),
                Some("ReadinessGatesNotReady: corresponding condition of pod readiness gate \"example.com/never\" does not exist."),
            ),
            (
                json!({"phase": "Pending", "conditions": [
                    {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                     "message": "0/3 nodes are available: 1 Insufficient cpu."}]}),
                Some("not scheduled: Unschedulable: 0/3 nodes are available: 1 Insufficient cpu."),
            ),
            (
                json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}),
                None,
            ),
            (json!({"phase": "Pending"}), Some("not Ready (phase Pending)")),
        ];
        for (status, want) in cases {
            let pod: Pod =
                serde_json::from_value(json!({"metadata": {"name": "p"}, "status": status}))
                    .unwrap();
            assert_eq!(not_ready_reason(&pod).as_deref(), want, "{status}");
        }
    }

    #[test]
    fn the_node_of_a_pod_is_its_node_name_or_the_node_its_affinity_names() {
        let scheduled: Pod =
            serde_json::from_value(json!({"spec": {"nodeName": "n1", "containers": []}})).unwrap();
        assert_eq!(node_of(&scheduled).as_deref(), Some("n1"));
        let pending: Pod = serde_json::from_value(json!({"spec": {"containers": [], "affinity": {"nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n2"]}]}]}}}}}))
        .unwrap();
        assert_eq!(node_of(&pending).as_deref(), Some("n2"));
    }

    #[test]
    fn a_dry_run_replaces_the_nodes_whose_pod_is_not_on_the_new_template() {
        let pods = [
            pod("a", "old", Some(60)),
            pod("b", "same", Some(60)),
            terminating(pod("c", "old", Some(60))),
        ];
        let up_to_date = BTreeSet::from(["same".to_string()]);
        assert_eq!(
            nodes_to_replace(&pods, &up_to_date),
            BTreeSet::from(["a".to_string()])
        );
    }

    #[test]
    fn the_rollback_revision_is_the_one_current_before_unless_it_is_the_target() {
        let revisions = vec![
            (1, "a".to_string()),
            (2, "b".to_string()),
            (3, "c".to_string()),
        ];
        let cases = [
            (Some("b"), "c", Some((2, "b"))),
            (Some("c"), "c", Some((2, "b"))),
            (Some("c"), "d", Some((3, "c"))),
            (None, "c", Some((2, "b"))),
            (Some("x"), "c", Some((2, "b"))),
        ];
        for (before, target, want) in cases {
            assert_eq!(
                rollback_to(&revisions, before, target),
                want.map(|(n, h)| (n, h.to_string())),
                "{before:?} {target}"
            );
        }
        assert_eq!(rollback_to(&[], None, "c"), None);
        assert_eq!(rollback_to(&[(1, "c".into())], Some("c"), "c"), None);
    }

    #[test]
    fn a_rolling_apply_ends_a_pause_and_clears_ondelete_records() {
        let ds = |strategy: Value, annotations: Value| -> DaemonSet {
            serde_json::from_value(json!({
                "metadata": {"name": "agent", "resourceVersion": "7", "annotations": annotations},
                "spec": {"selector": {}, "template": {}, "updateStrategy": strategy}
            }))
            .unwrap()
        };
        let paused_json = r#"{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":2}}"#;
        let on_delete = json!({"type": "OnDelete"});
        let rolling = json!({"type": "RollingUpdate"});
        let op = |op: Value| -> PatchOperation { serde_json::from_value(op).unwrap() };
        let precondition =
            op(json!({"op": "replace", "path": "/metadata/resourceVersion", "value": "7"}));
        let unpause = op(
            json!({"op": "remove", "path": "/metadata/annotations/rollout.kubectl-ds.io~1paused-strategy"}),
        );
        let cases: Vec<(&str, DaemonSet, bool, Option<Vec<PatchOperation>>)> = vec![
            (
                "nothing to settle",
                ds(rolling.clone(), json!({"note": "x"})),
                true,
                None,
            ),
            (
                "paused, the manifest sets the strategy: only the annotation goes",
                ds(rolling.clone(), json!({PAUSED_ANNOTATION: paused_json})),
                true,
                Some(vec![precondition.clone(), unpause.clone()]),
            ),
            (
                "paused, the manifest sets none: the recorded strategy comes back",
                ds(on_delete.clone(), json!({PAUSED_ANNOTATION: paused_json})),
                false,
                Some(vec![
                    precondition.clone(),
                    unpause.clone(),
                    op(json!({"op": "replace", "path": "/spec/updateStrategy",
                           "value": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}})),
                ]),
            ),
            (
                "a failed ondelete rollout's records go",
                ds(rolling.clone(), json!({"example.com/state": "{}"})),
                true,
                Some(vec![
                    precondition.clone(),
                    op(json!({"op": "remove", "path": "/metadata/annotations/example.com~1state"})),
                ]),
            ),
        ];
        for (what, ds, sets, want) in cases {
            let got = settle_ops(&ds, sets, &["example.com/state"]).map(|(ops, _)| ops);
            assert_eq!(got, want, "{what}");
        }
    }
}
