//! Draining a cordoned node before its DaemonSet pod is replaced, as `kubectl drain
//! --ignore-daemonsets` does: the node's other pods are evicted through the Eviction API (so
//! their PodDisruptionBudgets are asked first, and a refusal is asked again with backoff), then
//! waited for until they are gone. What to evict is decided by `rollout::drain`; cordoning and
//! uncordoning are the caller's (`Cluster::cordon`, `uncordon_all`).

use std::cell::RefCell;

use crate::cluster::{Cluster, Eviction};
use crate::error::Failure;
use crate::rollout::drain::{self, DrainOptions, PodRef, Skipped};

/// How often the node's pods are listed while waiting for the evicted ones to go.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// What a drain reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrainEvent {
    /// The first eviction request for the pod (`namespace/name`) is being sent.
    Evicting { pod: String },
    /// Its eviction was refused for now (a PodDisruptionBudget): reported once per pod, the
    /// requests go on until the timeout.
    Blocked { pod: String, message: String },
    /// The pod is gone from the node.
    Evicted { pod: String },
    /// The pod is left on the node, and why.
    Skipped { pod: String, why: String },
}

/// What a finished drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainOutcome {
    /// Pods evicted and gone, `namespace/name`.
    pub evicted: Vec<String>,
    /// Pods left on the node (`namespace/name`, why).
    pub skipped: Vec<(String, String)>,
}

/// How one pod's eviction requests ended.
enum Requested {
    Accepted(PodRef),
    /// Gone before it was evicted (deleted, or its name is another pod's now).
    Gone(PodRef),
    /// Still refused at the deadline; the last refusal.
    TimedOut(PodRef, String),
}

/// Drains `node` (cordoned by the caller): decides what to evict, stops before evicting anything
/// when a pod needs an option not given, evicts the rest (at once, each retried while refused)
/// and waits until they are gone, all within `options.timeout_seconds`. A timeout names the
/// node, the pods left and why; the node stays cordoned and a resumed rollout drains it again.
pub async fn drain_node(
    cluster: &Cluster,
    node: &str,
    options: &DrainOptions,
    report: &mut impl FnMut(DrainEvent),
) -> Result<DrainOutcome, Failure> {
    let deadline = options.deadline(crate::clock::now());
    let pods = cluster.pods_on_node(node).await?;
    let plan = drain::plan(&pods, options, crate::clock::now());
    if let Some(refusal) = plan.refusal(node) {
        return Err(Failure::usage(refusal));
    }
    let mut outcome = DrainOutcome::default();
    for skipped in &plan.skipped {
        skip(&mut outcome, report, skipped);
    }
    let report = RefCell::new(report);
    let emit = |event: DrainEvent| (report.borrow_mut())(event);
    let requests = plan
        .to_evict
        .iter()
        .map(|pod| request_eviction(cluster, pod.clone(), deadline, &emit));
    let requested = futures::future::try_join_all(requests).await?;
    let report = report.into_inner();
    let mut accepted = Vec::new();
    let mut timed_out: Vec<(String, String)> = Vec::new();
    for result in requested {
        match result {
            Requested::Accepted(pod) => accepted.push(pod),
            Requested::Gone(pod) => skip(
                &mut outcome,
                report,
                &Skipped {
                    pod,
                    why: drain::SkipReason::Gone,
                },
            ),
            Requested::TimedOut(pod, message) => timed_out.push((pod.to_string(), message)),
        }
    }
    if !timed_out.is_empty() {
        return Err(timeout(
            node,
            options,
            "its evictions are still refused",
            &timed_out,
        ));
    }
    wait_gone(
        cluster,
        node,
        options,
        deadline,
        accepted,
        &mut outcome,
        report,
    )
    .await?;
    Ok(outcome)
}

fn skip(outcome: &mut DrainOutcome, report: &mut impl FnMut(DrainEvent), skipped: &Skipped) {
    let (pod, why) = (skipped.pod.to_string(), skipped.why.describe());
    report(DrainEvent::Skipped {
        pod: pod.clone(),
        why: why.clone(),
    });
    outcome.skipped.push((pod, why));
}

/// Asks for the pod's eviction until the server accepts it, it is gone, or the deadline passes;
/// refusals are asked again after [`drain::retry_delay`], transient failures after a second.
async fn request_eviction(
    cluster: &Cluster,
    pod: PodRef,
    deadline: Option<i64>,
    report: &impl Fn(DrainEvent),
) -> Result<Requested, Failure> {
    report(DrainEvent::Evicting {
        pod: pod.to_string(),
    });
    let mut refusals = 0;
    loop {
        let (delay, refusal) = match cluster.evict_pod(&pod.namespace, &pod.name, &pod.uid).await {
            Ok(Eviction::Evicted) => return Ok(Requested::Accepted(pod)),
            Ok(Eviction::Gone) => return Ok(Requested::Gone(pod)),
            Ok(Eviction::Blocked {
                retry_after,
                message,
            }) => {
                // The budget is asked before the uid: a pod replaced under the same name (a
                // StatefulSet's) is refused for the new one's sake.
                if replaced(cluster, &pod).await? {
                    return Ok(Requested::Gone(pod));
                }
                refusals += 1;
                if refusals == 1 {
                    report(DrainEvent::Blocked {
                        pod: pod.to_string(),
                        message: message.clone(),
                    });
                }
                (drain::retry_delay(refusals, retry_after), message)
            }
            Err(failure) if failure.retryable => (POLL, failure.message),
            Err(failure) => return Err(failure),
        };
        if !sleep_before(deadline, delay).await {
            return Ok(Requested::TimedOut(pod, refusal));
        }
    }
}

/// Whether the pod is gone, or its name is another pod's now (not known: no).
async fn replaced(cluster: &Cluster, pod: &PodRef) -> Result<bool, Failure> {
    match cluster.get_pod(&pod.namespace, &pod.name).await {
        Ok(found) => Ok(found.is_none_or(|p| !pod.uid.is_empty() && PodRef::of(&p).uid != pod.uid)),
        Err(failure) if failure.retryable => Ok(false),
        Err(failure) => Err(failure),
    }
}

/// Sleeps `delay`, or until the deadline when that comes first; false once the deadline passed.
async fn sleep_before(deadline: Option<i64>, delay: std::time::Duration) -> bool {
    let Some(deadline) = deadline else {
        tokio::time::sleep(delay).await;
        return true;
    };
    let left = crate::clock::until_second(deadline);
    tokio::time::sleep(delay.min(left)).await;
    !left.is_zero() && crate::clock::now() < deadline
}

/// Lists the node's pods every second until none of `evicted` is left (gone, replaced, or stuck
/// terminating and skipped), reporting each as it goes.
async fn wait_gone(
    cluster: &Cluster,
    node: &str,
    options: &DrainOptions,
    deadline: Option<i64>,
    mut waiting: Vec<PodRef>,
    outcome: &mut DrainOutcome,
    report: &mut impl FnMut(DrainEvent),
) -> Result<(), Failure> {
    while !waiting.is_empty() {
        let trouble = match cluster.pods_on_node(node).await {
            Ok(current) => {
                let (left, stuck) = drain::still_there(&waiting, &current, crate::clock::now());
                for pod in waiting.iter().filter(|p| !left.contains(p)) {
                    if !stuck.iter().any(|s| &s.pod == pod) {
                        report(DrainEvent::Evicted {
                            pod: pod.to_string(),
                        });
                        outcome.evicted.push(pod.to_string());
                    }
                }
                stuck.iter().for_each(|s| skip(outcome, report, s));
                waiting = left;
                None
            }
            Err(failure) if failure.retryable => Some(failure.message),
            Err(failure) => return Err(failure),
        };
        if waiting.is_empty() {
            break;
        }
        if !sleep_before(deadline, POLL).await {
            let why = trouble.map_or_else(
                || "still there (terminating)".to_string(),
                |t| format!("not seen gone ({t})"),
            );
            let left: Vec<(String, String)> = waiting
                .iter()
                .map(|p| (p.to_string(), why.clone()))
                .collect();
            return Err(timeout(
                node,
                options,
                "its evicted pods are not gone",
                &left,
            ));
        }
    }
    Ok(())
}

/// The one line for a drain that ran out of time: the pods left (`namespace/name`, why), those
/// left for the same reason named together.
fn timeout(node: &str, options: &DrainOptions, what: &str, pods: &[(String, String)]) -> Failure {
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (pod, why) in pods {
        match reasons.iter_mut().find(|(w, _)| w == why) {
            Some((_, named)) => named.push(pod),
            None => reasons.push((why, vec![pod])),
        }
    }
    let left: Vec<String> = reasons
        .iter()
        .map(|(why, named)| {
            let word = if named.len() == 1 { "pod" } else { "pods" };
            format!("{word} {}: {why}", named.join(", "))
        })
        .collect();
    Failure::api(format!(
        "cannot drain node/{node} within {}s: {what}: {}; the node stays cordoned, and kubectl ds rollout resume drains it again",
        options.timeout_seconds,
        left.join("; ")
    ))
}

/// Uncordons each node cordoned by `owner` (`namespace/daemonset`), for an undo or an abort;
/// nodes cordoned by someone else stay cordoned. Returns the nodes uncordoned. Every node is
/// tried even when one fails; the failure then names what was done and what was not.
pub async fn uncordon_all(
    cluster: &Cluster,
    nodes: &[String],
    owner: &str,
) -> Result<Vec<String>, Failure> {
    let mut uncordoned = Vec::new();
    let mut failed: Vec<(String, Failure)> = Vec::new();
    for node in nodes {
        match cluster.uncordon_if_ours(node, owner).await {
            Ok(true) => uncordoned.push(node.clone()),
            Ok(false) => {}
            Err(failure) => failed.push((node.clone(), failure)),
        }
    }
    let Some((_, first)) = failed.first() else {
        return Ok(uncordoned);
    };
    let names = |nodes: Vec<&String>| {
        nodes
            .iter()
            .map(|n| format!("node/{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let done = match uncordoned.is_empty() {
        true => String::new(),
        false => format!(" (uncordoned {})", names(uncordoned.iter().collect())),
    };
    Err(Failure {
        message: crate::error::one_line(&format!(
            "cannot uncordon {}{done}: {}; run the command again, or kubectl uncordon them",
            names(failed.iter().map(|(n, _)| n).collect()),
            first.message
        )),
        ..first.clone()
    })
}

/// Against a real cluster, not run by default. With the local control plane:
/// `scripts/testenv up --nodes 3 && eval "$(scripts/testenv env)"`, then
/// `cargo test --lib ops::drain::tests -- --ignored --nocapture`. It uses a namespace of its own
/// (deleted at the end) and cordons the nodes for a moment.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cordoned;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::{Namespace, Pod};
    use k8s_openapi::api::policy::v1::PodDisruptionBudget;
    use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
    use serde_json::json;

    const NS: &str = "kds-drain-test";
    const OWNER: &str = "kds-drain-test/agent";

    async fn create<K>(api: &Api<K>, object: serde_json::Value)
    where
        K: kube::Resource
            + Clone
            + serde::de::DeserializeOwned
            + serde::Serialize
            + std::fmt::Debug,
    {
        let object: K = serde_json::from_value(object).unwrap();
        api.create(&PostParams::default(), &object).await.unwrap();
    }

    /// Three replicas of `web` on `node` (the others cordoned meanwhile), a budget of
    /// `min_available`, and a bare pod on `node`.
    async fn set_up(cluster: &Cluster, node: &str, others: &[String], min_available: i32) {
        let client = cluster.client.clone();
        create(
            &Api::<Namespace>::all(client.clone()),
            json!({"metadata": {"name": NS}}),
        )
        .await;
        for other in others {
            assert_eq!(
                cluster.cordon(other, "test/setup").await.unwrap(),
                Cordoned::ByUs
            );
        }
        let labels = json!({"app": "web"});
        create(
            &Api::<Deployment>::namespaced(client.clone(), NS),
            json!({
                "metadata": {"name": "web"},
                "spec": {"replicas": 3, "selector": {"matchLabels": labels},
                         "template": {"metadata": {"labels": labels},
                                      "spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
            }),
        )
        .await;
        create(
            &Api::<PodDisruptionBudget>::namespaced(client.clone(), NS),
            json!({
                "metadata": {"name": "web"},
                "spec": {"minAvailable": min_available, "selector": {"matchLabels": labels}},
            }),
        )
        .await;
        create(
            &Api::<Pod>::namespaced(client.clone(), NS),
            json!({
                "metadata": {"name": "bare"},
                "spec": {"nodeName": node, "containers": [{"name": "c", "image": "busybox"}]},
            }),
        )
        .await;
        wait_ready_on(cluster, node, 4).await;
        let back = uncordon_all(cluster, others, "test/setup").await.unwrap();
        assert_eq!(back, others);
    }

    async fn wait_ready_on(cluster: &Cluster, node: &str, count: usize) {
        for _ in 0..120 {
            let pods = cluster.pods_on_node(node).await.unwrap();
            let ready = pods
                .iter()
                .filter(|p| p.metadata.namespace.as_deref() == Some(NS))
                .filter(|p| crate::daemonset::is_ready(p))
                .count();
            if ready >= count {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!("{count} pods of {NS} not ready on {node}");
    }

    async fn drain(
        cluster: &Cluster,
        node: &str,
        options: DrainOptions,
    ) -> (Result<DrainOutcome, Failure>, Vec<DrainEvent>) {
        let mut events = Vec::new();
        let result = drain_node(cluster, node, &options, &mut |e| {
            println!("{e:?}");
            events.push(e)
        })
        .await;
        (result, events)
    }

    #[tokio::test]
    #[ignore = "needs a cluster with 3 nodes: see the module's comment"]
    async fn a_node_is_drained_past_its_budgets_and_uncordoned_by_its_owner_only() {
        let cluster = crate::cluster::connect(&Default::default()).await.unwrap();
        let mut nodes: Vec<String> = cluster
            .list_nodes()
            .await
            .unwrap()
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .collect();
        nodes.sort();
        let node = nodes.remove(0);
        set_up(&cluster, &node, &nodes, 3).await;
        assert_eq!(cluster.cordon(&node, OWNER).await.unwrap(), Cordoned::ByUs);
        assert_eq!(cluster.cordon(&node, OWNER).await.unwrap(), Cordoned::ByUs);

        let (refused, events) = drain(&cluster, &node, DrainOptions::default()).await;
        let refused = refused.unwrap_err();
        println!("refused: {refused}");
        assert!(
            refused.message.contains("pod kds-drain-test/bare")
                && refused.message.contains("--force")
        );
        assert!(
            events.is_empty()
                || events
                    .iter()
                    .all(|e| matches!(e, DrainEvent::Skipped { .. }))
        );

        let short = DrainOptions {
            timeout_seconds: 5,
            force: true,
            ..DrainOptions::default()
        };
        let (timed_out, events) = drain(&cluster, &node, short).await;
        let timed_out = timed_out.unwrap_err();
        println!("timed out: {timed_out}");
        assert!(
            timed_out.message.contains("needs 3 healthy pods"),
            "{timed_out}"
        );
        assert!(events
            .iter()
            .any(|e| matches!(e, DrainEvent::Blocked { .. })));

        let budgets: Api<PodDisruptionBudget> = Api::namespaced(cluster.client.clone(), NS);
        let two = json!({"spec": {"minAvailable": 2}});
        budgets
            .patch("web", &PatchParams::default(), &Patch::Merge(&two))
            .await
            .unwrap();
        let patient = DrainOptions {
            timeout_seconds: 120,
            force: true,
            ..DrainOptions::default()
        };
        let (drained, events) = drain(&cluster, &node, patient).await;
        let drained = drained.unwrap();
        println!("drained: {drained:?}");
        assert_eq!(
            drained.evicted.len(),
            3,
            "the web pods (the bare one went in the first try): {drained:?}"
        );
        assert!(events
            .iter()
            .any(|e| matches!(e, DrainEvent::Blocked { .. })));

        check_cordons(&cluster, &node).await;
        Api::<Namespace>::all(cluster.client.clone())
            .delete(NS, &DeleteParams::default())
            .await
            .unwrap();
    }

    /// Our cordon is undone once; a cordon set by someone else is neither taken nor undone.
    async fn check_cordons(cluster: &Cluster, node: &str) {
        let node = node.to_string();
        assert_eq!(
            uncordon_all(cluster, std::slice::from_ref(&node), OWNER)
                .await
                .unwrap(),
            std::slice::from_ref(&node)
        );
        assert!(uncordon_all(cluster, std::slice::from_ref(&node), OWNER)
            .await
            .unwrap()
            .is_empty());
        let nodes: Api<k8s_openapi::api::core::v1::Node> = Api::all(cluster.client.clone());
        let cordon = |on: bool| json!({"spec": {"unschedulable": on}});
        nodes
            .patch(&node, &PatchParams::default(), &Patch::Merge(&cordon(true)))
            .await
            .unwrap();
        assert_eq!(
            cluster.cordon(&node, OWNER).await.unwrap(),
            Cordoned::Already
        );
        assert!(!cluster.uncordon_if_ours(&node, OWNER).await.unwrap());
        let seen = cluster.get_node(&node).await.unwrap().unwrap();
        assert!(drain::is_cordoned(&seen) && drain::cordoned_by(&seen).is_none());
        nodes
            .patch(
                &node,
                &PatchParams::default(),
                &Patch::Merge(&cordon(false)),
            )
            .await
            .unwrap();
        assert!(!cluster
            .uncordon_if_ours("no-such-node", OWNER)
            .await
            .unwrap());
    }
}
