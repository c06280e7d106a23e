//! Pre-pulling a wave's images before its first deletion: one helper pod per node
//! (`crate::rollout::prepull`), watched until each node has the images, failed to get them, or
//! the timeout passed; then every helper pod is deleted, whatever happened. A run cut short
//! (the plugin killed) leaves them behind: they run nothing, the kubelet ends them at their
//! deadline, [`remove_leftovers`] deletes them, and so does deleting the DaemonSet (they name it
//! as their owner).

use std::time::Duration;

use futures::{StreamExt as _, TryStreamExt as _};
use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use tokio::time::Instant;

use crate::cluster::{Cluster, Troubles, WatchChange};
use crate::error::Failure;
use crate::rollout::prepull::{self, PrepullOptions, Tally};
pub use crate::rollout::prepull::{PrepullEvent, PrepullOutcome};

/// How many helper pods are created at once.
const PARALLEL_CREATES: usize = 16;

/// Gets `template`'s images onto `nodes` without touching the running agent, and reports each
/// node as it is decided. Waits at most `options.timeout_seconds`; the outcome says which nodes
/// have the images, which failed (why) and which timed out. Fails only when the helper pods could
/// not be created or deleted (the message says which and why).
pub async fn prepull(
    cluster: &Cluster,
    ds: &DaemonSet,
    template: &PodTemplateSpec,
    target_hash: &str,
    nodes: &[String],
    options: &PrepullOptions,
    report: &mut impl FnMut(PrepullEvent),
) -> Result<PrepullOutcome, Failure> {
    let mut nodes = nodes.to_vec();
    nodes.sort();
    nodes.dedup();
    if nodes.is_empty() {
        return Ok(PrepullOutcome::default());
    }
    report(PrepullEvent::Started {
        nodes: nodes.clone(),
    });
    if let Some(why) = prepull::adoption_risk(ds) {
        return Ok(refused(nodes, &why, report));
    }
    let timeout = Duration::from_secs(u64::try_from(options.timeout_seconds).unwrap_or(0));
    let deadline = Instant::now() + timeout;
    let pods: Vec<Pod> = nodes
        .iter()
        .map(|node| prepull::helper_pod(ds, template, node, target_hash, options))
        .collect();
    let (namespace, name) = names(ds);
    let waited = match create_all(cluster, &namespace, pods).await {
        Ok(()) => Ok(wait(cluster, ds, target_hash, &nodes, deadline, report).await),
        Err(failure) => Err(failure),
    };
    let removed = remove_leftovers(cluster, &namespace, &name).await;
    let outcome = waited.map_err(|f| in_context(f, "creating the image pre-pull pods"))?;
    removed.map_err(|f| {
        in_context(
            f,
            "deleting the image pre-pull pods (they run nothing; kubectl ds rollout resume or undo deletes them)",
        )
    })?;
    Ok(outcome)
}

/// Deletes every helper pod of the DaemonSet `ds_name` in `namespace`, of any revision; how many
/// there were. Nothing to delete is no error.
pub async fn remove_leftovers(
    cluster: &Cluster,
    namespace: &str,
    ds_name: &str,
) -> Result<usize, Failure> {
    cluster
        .delete_pods_now(namespace, &prepull::helper_selector(ds_name))
        .await
}

fn names(ds: &DaemonSet) -> (String, String) {
    (
        ds.metadata.namespace.clone().unwrap_or_default(),
        ds.metadata.name.clone().unwrap_or_default(),
    )
}

fn in_context(failure: Failure, doing: &str) -> Failure {
    Failure {
        message: format!("{doing}: {}", failure.message),
        ..failure
    }
}

/// Every node failed for the same reason, nothing created.
fn refused(nodes: Vec<String>, why: &str, report: &mut impl FnMut(PrepullEvent)) -> PrepullOutcome {
    let failed: Vec<(String, String)> = nodes
        .into_iter()
        .map(|node| (node, why.to_string()))
        .collect();
    for (node, why) in &failed {
        report(PrepullEvent::Failed {
            node: node.clone(),
            why: why.clone(),
        });
    }
    PrepullOutcome {
        failed,
        ..PrepullOutcome::default()
    }
}

async fn create_all(cluster: &Cluster, namespace: &str, pods: Vec<Pod>) -> Result<(), Failure> {
    futures::stream::iter(pods)
        .map(|pod| create_one(cluster, namespace, pod))
        .buffer_unordered(PARALLEL_CREATES)
        .try_collect()
        .await
}

/// Creates one helper pod; one found under its name is taken if it is the same helper, else it is
/// a leftover of an earlier pre-pull (another revision, the plugin killed) and is replaced.
async fn create_one(cluster: &Cluster, namespace: &str, pod: Pod) -> Result<(), Failure> {
    let found = cluster.create_pod(namespace, &pod).await?;
    if prepull::is_same_helper(&found, &pod) {
        return Ok(());
    }
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    cluster.delete_pod_now(namespace, name).await?;
    let created = cluster.create_pod(namespace, &pod).await?;
    match prepull::is_same_helper(&created, &pod) {
        true => Ok(()),
        false => Err(Failure::api(format!(
            "pod {namespace}/{name} was created again by someone else as it was being replaced; run the command again"
        ))),
    }
}

/// Watches the helper pods until every node is decided or the deadline passes.
async fn wait(
    cluster: &Cluster,
    ds: &DaemonSet,
    target_hash: &str,
    nodes: &[String],
    deadline: Instant,
    report: &mut impl FnMut(PrepullEvent),
) -> PrepullOutcome {
    let (namespace, name) = names(ds);
    let mut tally = Tally::new(ds, target_hash, nodes);
    let mut changes = cluster.watch_pods(&namespace, &prepull::helper_selector(&name));
    let mut troubles = Troubles::default();
    while !tally.settled() {
        tokio::select! {
            change = changes.next() => {
                let Some(change) = change else { break };
                if let Some(trouble) = troubles.to_show(&change) {
                    // The deadline bounds the wait whatever the watch does.
                    tracing::warn!(%trouble, "watching the image pre-pull pods");
                }
                take(&mut tally, change).into_iter().for_each(&mut *report);
            }
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    let (outcome, timed_out) = tally.finish();
    timed_out.into_iter().for_each(report);
    outcome
}

fn take(tally: &mut Tally, change: WatchChange) -> Vec<PrepullEvent> {
    match change {
        WatchChange::PodsListed(pods) => tally.listed(&pods),
        WatchChange::PodApplied(pod) => tally.seen(&pod).into_iter().collect(),
        WatchChange::PodDeleted(pod) => tally.gone(&pod).into_iter().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    //! Against a real control plane with three nodes (hollow kubelets will do), through KUBECONFIG:
    //!
    //! ```text
    //! export KDS_TESTENV_DIR=$HOME/.cache/kubectl-ds/suite-prepull KDS_TESTENV_PORT_BASE=28400
    //! scripts/testenv up --nodes 3
    //! KUBECONFIG=$(scripts/testenv kubeconfig) cargo test --lib ops::prepull -- --ignored --nocapture
    //! scripts/testenv down
    //! ```

    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::{Arc, Mutex};

    use kube::api::{Api, DeleteParams, PostParams};
    use serde_json::{json, Value};

    use super::*;

    const NAMESPACE: &str = "default";

    /// Connects and creates an OnDelete DaemonSet `prepull-<what>-<pid>` running image 1.
    async fn probe(what: &str) -> (Cluster, DaemonSet) {
        let connection = crate::cli::ConnectionArgs::default();
        let cluster = crate::cluster::connect(&connection)
            .await
            .expect("KUBECONFIG reaches a cluster");
        let name = format!("prepull-{what}-{}", std::process::id());
        let ds: DaemonSet = serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "updateStrategy": {"type": "OnDelete"},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "agent", "image": "registry.example/agent:1"}]},
                },
            },
        }))
        .expect("a valid DaemonSet");
        let ds = daemonsets(&cluster)
            .create(&PostParams::default(), &ds)
            .await
            .expect("daemonset created");
        (cluster, ds)
    }

    fn daemonsets(cluster: &Cluster) -> Api<DaemonSet> {
        Api::namespaced(cluster.client.clone(), NAMESPACE)
    }

    async fn delete(cluster: &Cluster, ds: &DaemonSet) {
        let name = ds.metadata.name.as_deref().unwrap_or_default();
        daemonsets(cluster)
            .delete(name, &DeleteParams::background())
            .await
            .expect("daemonset deleted");
    }

    /// The next template: image 2, and a sidecar.
    fn next_template(ds: &DaemonSet) -> PodTemplateSpec {
        serde_json::from_value(json!({
            "metadata": ds.spec.template.metadata,
            "spec": {
                "initContainers": [{"name": "proxy", "image": "registry.example/proxy:3", "restartPolicy": "Always"}],
                "containers": [{"name": "agent", "image": "registry.example/agent:2", "imagePullPolicy": "IfNotPresent"}],
            },
        }))
        .expect("a valid template")
    }

    async fn node_names(cluster: &Cluster) -> Vec<String> {
        let nodes = cluster.list_nodes().await.expect("nodes listed");
        let mut names: Vec<String> = nodes.into_iter().filter_map(|n| n.metadata.name).collect();
        names.sort();
        assert!(names.len() >= 3, "needs 3 nodes, has {names:?}");
        names
    }

    type Seen = Arc<Mutex<BTreeMap<String, (String, Value)>>>;

    /// Lists the DaemonSet's helper pods every 100ms: each one's node, owners and status.
    fn record_helpers(cluster: &Cluster, ds: &DaemonSet) -> (tokio::task::JoinHandle<()>, Seen) {
        let seen = Seen::default();
        let selector = prepull::helper_selector(ds.metadata.name.as_deref().unwrap_or_default());
        let (cluster, record) = (cluster.clone(), seen.clone());
        let lister = tokio::spawn(async move {
            loop {
                for pod in cluster
                    .list_pods(NAMESPACE, &selector)
                    .await
                    .unwrap_or_default()
                {
                    let node = pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.node_name.clone())
                        .unwrap_or_default();
                    let seen = json!({"ownerReferences": pod.metadata.owner_references, "status": pod.status});
                    let name = pod.metadata.name.unwrap_or_default();
                    record.lock().expect("lock").insert(name, (node, seen));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        (lister, seen)
    }

    #[tokio::test]
    #[ignore = "needs a control plane with 3 nodes through KUBECONFIG (scripts/testenv up --nodes 3)"]
    async fn prepulls_on_exactly_the_nodes_asked_then_deletes_the_helpers() {
        let (cluster, ds) = probe("nodes").await;
        let nodes = node_names(&cluster).await[..2].to_vec();
        let (lister, seen) = record_helpers(&cluster, &ds);
        let mut events = Vec::new();
        let options = PrepullOptions {
            timeout_seconds: 60,
        };
        let (template, started) = (next_template(&ds), Instant::now());
        let outcome = prepull(
            &cluster,
            &ds,
            &template,
            "rev2",
            &nodes,
            &options,
            &mut |e| events.push(e),
        )
        .await;
        lister.abort();
        println!("took {:?}; events: {events:#?}", started.elapsed());
        let seen = seen.lock().expect("lock").clone();
        for (pod, (node, seen)) in &seen {
            println!("{pod} on {node}: {seen:#}");
        }
        let selector = prepull::helper_selector(ds.metadata.name.as_deref().unwrap_or_default());
        let left = cluster
            .list_pods(NAMESPACE, &selector)
            .await
            .expect("listed");
        delete(&cluster, &ds).await;

        let outcome = outcome.expect("pre-pulled");
        assert_eq!(
            (
                &outcome.pulled,
                outcome.failed.len(),
                outcome.timed_out.len()
            ),
            (&nodes, 0, 0),
            "{outcome:?}"
        );
        let landed: BTreeSet<&String> = seen.values().map(|(node, _)| node).collect();
        assert_eq!(
            landed,
            nodes.iter().collect(),
            "helper pods ran on the nodes asked, only"
        );
        let controlled = seen
            .values()
            .flat_map(|(_, s)| s["ownerReferences"].as_array().cloned().unwrap_or_default());
        assert!(
            !controlled
                .into_iter()
                .any(|o| o["controller"] == json!(true)),
            "adopted by the DaemonSet controller"
        );
        assert_eq!(
            events.first(),
            Some(&PrepullEvent::Started {
                nodes: nodes.clone()
            })
        );
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(left.is_empty(), "helper pods left behind: {left:?}");
    }

    #[tokio::test]
    #[ignore = "needs a control plane with 3 nodes through KUBECONFIG (scripts/testenv up --nodes 3)"]
    async fn a_node_without_a_kubelet_times_out_and_its_helper_is_deleted() {
        let (cluster, ds) = probe("ghost").await;
        let ghost = vec!["kds-ghost".to_string()];
        let mut events = Vec::new();
        let options = PrepullOptions { timeout_seconds: 2 };
        let template = next_template(&ds);
        let outcome = prepull(
            &cluster,
            &ds,
            &template,
            "rev2",
            &ghost,
            &options,
            &mut |e| events.push(e),
        )
        .await;
        let name = ds.metadata.name.clone().unwrap_or_default();
        let left = remove_leftovers(&cluster, NAMESPACE, &name).await;
        delete(&cluster, &ds).await;

        println!("{outcome:?}; events: {events:?}");
        assert_eq!(outcome.expect("pre-pulled").timed_out, ghost);
        assert_eq!(
            events.last(),
            Some(&PrepullEvent::TimedOut { nodes: ghost })
        );
        assert_eq!(left, Ok(0));
    }

    #[tokio::test]
    #[ignore = "needs a control plane with 3 nodes through KUBECONFIG (scripts/testenv up --nodes 3)"]
    async fn leftovers_are_replaced_by_a_new_prepull_and_removed_whatever_their_revision() {
        let (cluster, ds) = probe("leftovers").await;
        let nodes = node_names(&cluster).await;
        let options = PrepullOptions {
            timeout_seconds: 60,
        };
        let template = next_template(&ds);
        let leave = async |nodes: &[&String]| {
            for node in nodes {
                let pod = prepull::helper_pod(&ds, &template, node, "rev1", &options);
                cluster
                    .create_pod(NAMESPACE, &pod)
                    .await
                    .expect("helper created");
            }
        };
        let name = ds.metadata.name.clone().unwrap_or_default();
        leave(&[&nodes[0], &nodes[2]]).await;
        let removed = remove_leftovers(&cluster, NAMESPACE, &name).await;
        let again = remove_leftovers(&cluster, NAMESPACE, &name).await;
        // A leftover of revision 1 under the name of revision 2's helper is replaced, not taken.
        leave(&[&nodes[0]]).await;
        let wanted = vec![nodes[0].clone()];
        let outcome = prepull(
            &cluster,
            &ds,
            &template,
            "rev2",
            &wanted,
            &options,
            &mut |_| {},
        )
        .await;
        let left = remove_leftovers(&cluster, NAMESPACE, &name).await;
        delete(&cluster, &ds).await;

        assert_eq!((removed, again), (Ok(2), Ok(0)));
        assert_eq!(outcome.map(|o| o.pulled), Ok(wanted));
        assert_eq!(left, Ok(0));
    }
}
