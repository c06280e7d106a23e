//! The engine's work on the nodes themselves: drains (cordon, evict, uncordon after the wave's
//! gate) and image pre-pulls before a wave's first deletion, and leaving the nodes as found when
//! the rollout ends.

use super::Driver;
use crate::cluster::Cordoned;
use crate::error::{ExitStatus, Failure};
use crate::ops::drain::{drain_node, DrainEvent};
use crate::ops::prepull::{prepull, remove_leftovers, PrepullEvent};
use crate::ops::retry::with_retry;
use crate::ops::Outcome;
use crate::render::progress::{Event, NodeNews};
use crate::rollout::drain::{cordoned_by_us, DrainOptions};
use crate::rollout::eviction::granted_not_deleted;
use crate::rollout::node_policy::Drain;
use crate::rollout::prepull::{images_of, PrepullOptions};
use crate::rollout::state::Phase;

impl Driver<'_> {
    /// Who cordons: the `rollout.kubectl-ds.io/cordoned-by` value of this DaemonSet.
    fn cordon_owner(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// Drain mode: the nodes of `targets` (node, pod) this run has not drained yet.
    pub(super) fn undrained(&self, targets: &[(String, String)]) -> Vec<String> {
        let drain = self.state.as_ref().is_some_and(|s| s.nodes.drain.is_some());
        targets
            .iter()
            .map(|(node, _)| node.clone())
            .filter(|node| drain && !self.drained.contains(node))
            .collect()
    }

    /// Drain mode, before the agents of `nodes` are deleted: each node recorded, cordoned and
    /// drained. `Some` ends the run: a drain that did not finish pauses the rollout with the node
    /// still cordoned.
    pub(super) async fn drain_before_delete(
        &mut self,
        nodes: &[String],
    ) -> anyhow::Result<Option<Outcome>> {
        let Some(drain) = self.state.as_ref().and_then(|s| s.nodes.drain.clone()) else {
            return Ok(None);
        };
        let mut state = self.state.clone().expect("begun");
        let new: Vec<&String> = nodes
            .iter()
            .filter(|n| !state.cordoned.contains(*n))
            .collect();
        if !new.is_empty() {
            // Recorded before the cordon, so no crash leaves a node cordoned unrecorded.
            state.cordoned.extend(new.into_iter().cloned());
            self.write_state(&mut state, true).await?;
            self.state = Some(state);
        }
        for node in nodes {
            self.cordon(node).await?;
            if let Err(failure) = self.drain(node, &drain).await {
                return self.drain_stopped(node, failure).await.map(Some);
            }
            self.drained.insert(node.clone());
        }
        Ok(None)
    }

    async fn cordon(&mut self, node: &str) -> anyhow::Result<()> {
        let (cluster, owner) = (self.cluster, self.cordon_owner());
        let cordoned = with_retry(self.progress, "cordoning a node", || {
            cluster.cordon(node, &owner)
        })
        .await?;
        let ours = self.cordoned_by_us(node);
        match cordoned {
            Cordoned::ByUs => self.emit_node(node.to_string(), NodeNews::Cordoned),
            Cordoned::Already if ours => {}
            Cordoned::Already => {
                // Someone else's cordon: drained all the same, and never uncordoned by us.
                let mut state = self.state.clone().expect("begun");
                state.cordoned.remove(node);
                self.write_state(&mut state, true).await?;
                self.state = Some(state);
                self.emit_node(node.to_string(), NodeNews::AlreadyCordoned);
            }
        }
        Ok(())
    }

    /// The node watch shows our cordon mark on `node` (a run resumed after its cordon).
    fn cordoned_by_us(&self, node: &str) -> bool {
        let owner = self.cordon_owner();
        self.nodes
            .entries()
            .and_then(|nodes| nodes.get(node))
            .is_some_and(|n| cordoned_by_us(n, &owner))
    }

    /// Deletes the pods on `node` whose eviction a killed run was granted but never saw carried
    /// out (`rollout::eviction`), so the budget they hold frees now rather than in two minutes.
    /// Without the right to list budgets this is skipped: the drain then waits them out.
    async fn finish_granted_evictions(&mut self, node: &str) -> Result<(), Failure> {
        let Ok(budgets) = self.cluster.list_pod_disruption_budgets().await else {
            return Ok(());
        };
        let pods = self.cluster.pods_on_node(node).await?;
        for pod in granted_not_deleted(&pods, &budgets) {
            let namespace = pod.metadata.namespace.clone().unwrap_or_default();
            let name = pod.metadata.name.clone().unwrap_or_default();
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            if self
                .cluster
                .delete_pod_with_uid(&namespace, &name, &uid)
                .await?
            {
                self.progress.emit(Event::Note {
                    message: format!(
                        "{node}: pod {namespace}/{name} was granted its eviction by an interrupted run but not deleted; deleted"
                    ),
                });
            }
        }
        Ok(())
    }

    async fn drain(&mut self, node: &str, drain: &Drain) -> Result<(), Failure> {
        self.finish_granted_evictions(node).await?;
        let options = DrainOptions {
            timeout_seconds: i64::try_from(drain.timeout.as_secs()).unwrap_or(i64::MAX),
            delete_emptydir_data: drain.delete_emptydir_data,
            force: drain.force,
        };
        let progress = &mut *self.progress;
        let mut report = |event: DrainEvent| {
            let news = match event {
                DrainEvent::Evicting { pod } => NodeNews::Evicting { pod },
                DrainEvent::Blocked { pod, message } => NodeNews::EvictionBlocked { pod, message },
                DrainEvent::Evicted { pod } => NodeNews::Evicted { pod },
                DrainEvent::Skipped { .. } => return,
            };
            progress.emit(Event::Node {
                node: node.to_string(),
                what: news,
            });
        };
        let outcome = drain_node(self.cluster, node, &options, &mut report).await?;
        self.emit_node(
            node.to_string(),
            NodeNews::Drained {
                pods: outcome.evicted.len(),
            },
        );
        Ok(())
    }

    /// A drain that did not finish: paused (not failed: the agent is not at fault), the node
    /// left cordoned; resume retries, undo uncordons.
    async fn drain_stopped(&mut self, node: &str, failure: Failure) -> anyhow::Result<Outcome> {
        let mut state = self.state.clone().expect("begun");
        state.phase = Phase::Paused;
        self.write_state(&mut state, false).await?;
        let (name, namespace) = (&self.name, &self.namespace);
        let message = format!(
            "{}; node/{node} stays cordoned and its agent was not replaced: kubectl ds rollout resume {name} -n {namespace} drains it again, kubectl ds rollout undo {name} -n {namespace} uncordons it",
            failure.message
        );
        self.progress.emit(Event::Failed {
            message,
            nodes: Vec::new(),
        });
        Ok(ExitStatus::Findings)
    }

    /// Uncordons these nodes (those this rollout cordoned: our mark on them), then forgets them.
    pub(super) async fn uncordon(&mut self, nodes: Vec<String>) -> anyhow::Result<()> {
        let (cluster, owner) = (self.cluster, self.cordon_owner());
        let mut state = self.state.clone().expect("begun");
        for node in nodes {
            let done = with_retry(self.progress, "uncordoning a node", || {
                cluster.uncordon_if_ours(&node, &owner)
            })
            .await?;
            if done {
                self.emit_node(node.clone(), NodeNews::Uncordoned);
            }
            state.cordoned.remove(&node);
        }
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        Ok(())
    }

    /// Pulls the new images onto `nodes` of wave `wave`, then records the wave pre-pulled. A
    /// pre-pull that fails or times out is a warning: the rollout goes on without it.
    pub(super) async fn prepull_wave(
        &mut self,
        wave: usize,
        nodes: Vec<String>,
    ) -> anyhow::Result<()> {
        let mut state = self.state.clone().expect("begun");
        let options = PrepullOptions {
            timeout_seconds: state.nodes.prepull.as_ref().map_or(0, |p| {
                i64::try_from(p.timeout.as_secs()).unwrap_or(i64::MAX)
            }),
        };
        let (ds, template) = (self.ds.clone(), self.template.clone());
        let images = images_of(&template);
        let progress = &mut *self.progress;
        let mut report = |event: PrepullEvent| match event {
            PrepullEvent::Started { nodes } => {
                for node in nodes {
                    let images = images.clone();
                    progress.emit(Event::Node {
                        node,
                        what: NodeNews::Prepulling { images },
                    });
                }
            }
            PrepullEvent::Pulled { node } => progress.emit(Event::Node {
                node,
                what: NodeNews::Prepulled,
            }),
            PrepullEvent::Failed { node, why } => progress.emit(Event::Node {
                node,
                what: NodeNews::PrepullFailed { reason: why },
            }),
            PrepullEvent::TimedOut { nodes } => progress.emit(Event::Warning {
                message: format!(
                    "pre-pull not done within its timeout on {}; going on without it",
                    nodes.join(", ")
                ),
            }),
        };
        let result = prepull(
            self.cluster,
            &ds,
            &template,
            &state.target_hash,
            &nodes,
            &options,
            &mut report,
        )
        .await;
        if let Err(failure) = result {
            self.progress.emit(Event::Warning {
                message: format!("pre-pull skipped: {}", failure.message),
            });
        }
        state.prepulled.insert(wave);
        self.write_state(&mut state, true).await?;
        self.state = Some(state);
        Ok(())
    }

    /// Pre-pull helper pods an interrupted run left behind.
    pub(super) async fn remove_prepull_leftovers(&mut self) -> anyhow::Result<()> {
        let (cluster, namespace, name) = (self.cluster, self.namespace.clone(), self.name.clone());
        let removed = with_retry(self.progress, "removing pre-pull helper pods", || {
            remove_leftovers(cluster, &namespace, &name)
        })
        .await?;
        if removed > 0 {
            self.progress.emit(Event::Note {
                message: format!(
                    "removed {} left behind by an interrupted run",
                    crate::render::plural(removed, "pre-pull helper pod", "pre-pull helper pods")
                ),
            });
        }
        Ok(())
    }

    /// At the end of the run (complete, incomplete, failed): every node this rollout cordoned is
    /// uncordoned and no pre-pull helper is left.
    pub(super) async fn leave_nodes_as_found(&mut self) -> anyhow::Result<()> {
        let Some(state) = self.state.clone() else {
            return Ok(());
        };
        if !state.cordoned.is_empty() {
            self.uncordon(state.cordoned.iter().cloned().collect())
                .await?;
        }
        if state.nodes.prepull.is_some() {
            self.remove_prepull_leftovers().await?;
        }
        Ok(())
    }
}

/// `rollout undo`: the nodes the recorded rollout of `ds` cordoned are uncordoned and its
/// pre-pull helpers removed, whatever becomes of the rollout; what was done, as lines.
pub async fn release_recorded_nodes(
    cluster: &crate::cluster::Cluster,
    ds: &k8s_openapi::api::apps::v1::DaemonSet,
) -> Result<Vec<String>, Failure> {
    let Some(state) = super::recorded_state(ds) else {
        return Ok(Vec::new());
    };
    let namespace = ds.metadata.namespace.clone().unwrap_or_default();
    let name = ds.metadata.name.clone().unwrap_or_default();
    let owner = format!("{namespace}/{name}");
    let mut lines = Vec::new();
    for node in &state.cordoned {
        if cluster.uncordon_if_ours(node, &owner).await? {
            lines.push(format!(
                "node/{node} uncordoned (the rollout had cordoned it to drain it)"
            ));
        }
    }
    let removed = remove_leftovers(cluster, &namespace, &name).await?;
    if removed > 0 {
        lines.push(format!(
            "{} of the rollout removed",
            crate::render::plural(removed, "pre-pull helper pod", "pre-pull helper pods")
        ));
    }
    Ok(lines)
}
