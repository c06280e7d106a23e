//! The engine and sick nodes: NotReady and unreachable nodes deferred (or, with
//! `--include-not-ready`, waited for), pods stuck terminating reported with their age and, with
//! `--force-delete-stuck`, deleted once their node has been sick long enough; and the
//! incomplete end when every node is done but the deferred ones.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Pod;

use super::Driver;
use crate::clock::rfc3339;
use crate::daemonset::node_of;
use crate::error::ExitStatus;
use crate::ops::retry::with_retry;
use crate::ops::Outcome;
use crate::render::progress::{DeferredNode, Event, NodeNews};
use crate::rollout::nodes::{
    may_force_delete, node_health, stuck_terminating, NodeHealth, Stuck, STUCK_SLACK_SECONDS,
};
use crate::rollout::state::{Observation, Phase, RolloutState};

impl Driver<'_> {
    /// The health of the plan's nodes the node watch knows (none before it has listed).
    pub(super) fn planned_health(&self, state: &RolloutState) -> BTreeMap<String, NodeHealth> {
        let Some(nodes) = self.nodes.entries() else {
            return BTreeMap::new();
        };
        state
            .waves
            .iter()
            .flat_map(|w| w.nodes.iter())
            .filter_map(|name| Some((name.clone(), node_health(nodes.get(name)?))))
            .collect()
    }

    /// Defers the plan's sick nodes and takes back the recovered ones (recorded before anything
    /// else happens), reports pods stuck terminating and force-deletes those the policy allows.
    pub(super) async fn look_after_nodes(
        &mut self,
        observed: &Observation,
        pods: &BTreeMap<String, Pod>,
        at: i64,
    ) -> anyhow::Result<()> {
        // Taken out rather than copied: a decision runs many times a second over every node
        // of the plan, and nodes seldom change.
        let mut state = self.state.take().expect("begun");
        let health = self.planned_health(&state);
        let change = state.update_deferred(&health, observed, at);
        let stuck = planned_stuck(&state, pods, at);
        if change.is_empty() {
            self.state = Some(state);
        } else {
            for node in change.deferred {
                let reason = state.deferred[&node].reason.clone();
                self.emit_node(node, NodeNews::Deferred { reason });
            }
            for node in change.recovered {
                self.emit_node(node, NodeNews::Recovered);
            }
            let written = self.write_state(&mut state, true).await;
            self.state = Some(state);
            written?;
        }
        if stuck.is_empty() {
            return Ok(());
        }
        let state = self.state.clone().expect("begun");
        for stuck in stuck {
            self.stuck_pod(&state, &health, pods, stuck, at).await?;
        }
        Ok(())
    }

    async fn stuck_pod(
        &mut self,
        state: &RolloutState,
        health: &BTreeMap<String, NodeHealth>,
        pods: &BTreeMap<String, Pod>,
        stuck: Stuck,
        at: i64,
    ) -> anyhow::Result<()> {
        let force_age = state.nodes.force_delete_stuck.map(|d| d.as_secs() as i64);
        if force_age.is_some_and(|age| may_force_delete(&stuck, health, at, age)) {
            let uid = pods
                .values()
                .find(|p| {
                    p.metadata.name.as_deref() == Some(stuck.pod.as_str())
                        && node_of(p).as_deref() == Some(stuck.node.as_str())
                })
                .and_then(|p| p.metadata.uid.clone())
                .unwrap_or_default();
            let (cluster, namespace) = (self.cluster, self.namespace.clone());
            let deleted = with_retry(self.progress, "force-deleting a stuck pod", || {
                cluster.force_delete_pod_with_uid(&namespace, &stuck.pod, &uid)
            })
            .await?;
            if deleted {
                let news = NodeNews::ForceDeleted {
                    pod: stuck.pod.clone(),
                    seconds: stuck.for_seconds,
                };
                self.emit_node(stuck.node, news);
            }
            return Ok(());
        }
        if self.stuck_reported.insert(stuck.pod.clone()) {
            let node_health = health
                .get(&stuck.node)
                .map(NodeHealth::describe)
                .unwrap_or_else(|| "unknown".into());
            let news = NodeNews::StuckTerminating {
                pod: stuck.pod.clone(),
                seconds: stuck.for_seconds,
                node_health,
            };
            self.emit_node(stuck.node, news);
        }
        Ok(())
    }

    pub(super) fn emit_node(&mut self, node: String, what: NodeNews) {
        self.progress.emit(Event::Node { node, what });
    }

    /// Every node is done but the deferred ones: recorded `incomplete`, the lock released,
    /// exit 1 naming them; `rollout resume` finishes them once they are Ready.
    pub(super) async fn incomplete(
        &mut self,
        nodes: Vec<String>,
        blocked: Vec<String>,
    ) -> anyhow::Result<Outcome> {
        self.leave_nodes_as_found().await?;
        let mut state = self.state.clone().expect("begun");
        state.phase = Phase::Incomplete;
        self.write_state(&mut state, false).await?;
        let pods = self.pods.shared().unwrap_or_default();
        let stuck = planned_stuck(&state, &pods, crate::clock::now());
        let deferred = nodes
            .iter()
            .filter_map(|node| {
                let deferral = state.deferred.get(node)?;
                let mut reason = deferral.reason.clone();
                for s in stuck.iter().filter(|s| &s.node == node) {
                    let age = crate::clock::format_duration(std::time::Duration::from_secs(
                        s.for_seconds.max(0) as u64,
                    ));
                    reason.push_str(&format!("; pod {} stuck terminating for {age}", s.pod));
                }
                Some(DeferredNode {
                    node: node.clone(),
                    reason,
                    since: rfc3339(deferral.since),
                })
            })
            .collect();
        let (name, namespace) = (&self.name, &self.namespace);
        let deferred_nodes = crate::render::plural(nodes.len(), "node", "nodes");
        let message = match blocked.is_empty() {
            true => format!(
                "incomplete: {deferred_nodes} deferred ({}); every other node is done. kubectl ds rollout resume {name} -n {namespace} finishes them once they are Ready",
                nodes.join(", ")
            ),
            false => format!(
                "incomplete: {deferred_nodes} deferred ({}) without a Ready pod use up the budget (max unavailable {}), so {} could not be updated; bring the nodes back or raise --max-unavailable, then kubectl ds rollout resume {name} -n {namespace}",
                nodes.join(", "),
                state.max_unavailable,
                blocked.join(", ")
            ),
        };
        self.progress.emit(Event::Incomplete { message, deferred });
        Ok(ExitStatus::Findings)
    }
}

/// Pods stuck terminating on the plan's nodes.
fn planned_stuck(state: &RolloutState, pods: &BTreeMap<String, Pod>, at: i64) -> Vec<Stuck> {
    let planned: BTreeSet<&str> = state
        .waves
        .iter()
        .flat_map(|w| w.nodes.iter().map(String::as_str))
        .collect();
    let on_plan: Vec<&Pod> = pods
        .values()
        .filter(|p| node_of(p).is_some_and(|n| planned.contains(n.as_str())))
        .collect();
    stuck_terminating(&on_plan, at, STUCK_SLACK_SECONDS)
}

/// When a pod on the plan's nodes becomes stuck, or a stuck one may be force-deleted: nothing
/// else wakes the engine then.
pub(super) fn next_node_wake(
    state: &RolloutState,
    health: &BTreeMap<String, NodeHealth>,
    pods: &BTreeMap<String, Pod>,
    now: i64,
) -> Option<i64> {
    let stuck_at = pods
        .values()
        .filter_map(|p| p.metadata.deletion_timestamp.as_ref())
        .map(|t| t.0.as_second() + STUCK_SLACK_SECONDS + 1);
    let force_at = state.nodes.force_delete_stuck.map(|d| d.as_secs() as i64);
    let force = health
        .values()
        .filter_map(NodeHealth::sick_since)
        .filter_map(move |since| force_at.map(|age| since + age + 1));
    stuck_at.chain(force).filter(|at| *at > now).min()
}
