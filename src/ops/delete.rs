//! Delete and verify: a delete conditional on the uid and resourceVersion shown, then, orphaning,
//! the proof: every pod still there with the same UID, not terminating, and released by the
//! garbage collector.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::cluster::{Cluster, Propagation};
use crate::daemonset::orphan::{self, Preview, Verified};
use crate::daemonset::selector;
use crate::error::Failure;

/// How often the deleted DaemonSet and its pods are read again while waiting.
const POLL: Duration = Duration::from_millis(300);
/// Reads what the delete will touch: the pods the DaemonSet owns, its ControllerRevisions.
pub async fn preview(cluster: &Cluster, ds: &DaemonSet) -> Result<Preview, Failure> {
    let namespace = ds.metadata.namespace.clone().unwrap_or_default();
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let pods = cluster
        .list_pods(&namespace, &selector::describe(&ds.spec.selector))
        .await?;
    let revisions = super::owned_revisions(cluster, &namespace, ds)
        .await?
        .into_iter()
        .filter_map(|r| r.metadata.name)
        .collect();
    Ok(Preview {
        name: ds.metadata.name.clone().unwrap_or_default(),
        resource_version: ds.metadata.resource_version.clone().unwrap_or_default(),
        pods: orphan::owned_pods(&pods, &uid),
        uid,
        namespace,
        revisions,
    })
}

/// Deletes with the preconditions shown, waits until the DaemonSet is gone and, orphaning, until
/// every pod is released (or `timeout`); the verification of each pod when orphaning.
pub async fn delete_and_verify(
    cluster: &Cluster,
    preview: &Preview,
    propagation: Propagation,
    timeout: Duration,
) -> Result<Option<Vec<Verified>>, Failure> {
    let (ns, name) = (preview.namespace.as_str(), preview.name.as_str());
    cluster
        .delete_daemonset(
            ns,
            name,
            propagation,
            &preview.uid,
            &preview.resource_version,
            false,
        )
        .await?;
    let deadline = Instant::now() + timeout;
    loop {
        match cluster.get_daemonset(ns, name).await? {
            Some(ds) if ds.metadata.uid.as_deref() == Some(preview.uid.as_str()) => {}
            _ => break,
        }
        if Instant::now() > deadline {
            return Err(Failure::api(format!(
                "daemonset {ns}/{name} was asked to be deleted but is still there after {}s (cascade {}); check its finalizers with kubectl get ds {name} -n {ns} -o yaml",
                timeout.as_secs(),
                propagation.as_str()
            )));
        }
        tokio::time::sleep(POLL).await;
    }
    if propagation != Propagation::Orphan {
        return Ok(None);
    }
    loop {
        // Every pod of the namespace, not the deleted DaemonSet's selector: a migration may have
        // relabelled them meanwhile.
        let pods = match preview.pods.is_empty() {
            true => Vec::new(),
            false => cluster.list_pods(ns, "").await?,
        };
        let verified = orphan::verify(&preview.pods, &pods, &preview.uid);
        if orphan::settled(&verified) || Instant::now() > deadline {
            return Ok(Some(verified));
        }
        tokio::time::sleep(POLL).await;
    }
}
