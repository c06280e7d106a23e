//! Pods the plugin creates for itself (image pre-pull helpers): create, watch and delete them.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, PostParams};

use super::{describe, lost_race, watch_changes, Changes, Cluster, Race, Request, WatchChange};
use crate::error::Failure;

impl Cluster {
    /// Creates a pod in `namespace`. One already there under that name is returned as it is: the
    /// caller checks it is the one it wants (names of helper pods are the same on every try).
    pub async fn create_pod(&self, namespace: &str, pod: &Pod) -> Result<Pod, Failure> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let params = PostParams {
            dry_run: false,
            field_manager: Some(super::FIELD_MANAGER.to_string()),
        };
        let create = Request {
            verb: "create",
            resource: "pods",
            namespace: Some(namespace),
        };
        let get = Request {
            verb: "get",
            ..create.clone()
        };
        // Twice: one found there may be deleted before it is read.
        for _ in 0..2 {
            match api.create(&params, pod).await {
                Ok(created) => return Ok(created),
                Err(e) if lost_race(&e) == Some(Race::Changed) => {}
                Err(e) => return Err(describe(e, &create, &self.target())),
            }
            match api.get_opt(name).await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => continue,
                Err(e) => return Err(describe(e, &get, &self.target())),
            }
        }
        Err(Failure::api(format!(
            "pod {namespace}/{name} kept being deleted while it was being created; is something else deleting pods there? run the command again"
        )))
    }

    /// Deletes a pod at once (grace period 0: the helper pods run nothing worth stopping
    /// gracefully, and the name is free again right away). False when it was already gone.
    pub async fn delete_pod_now(&self, namespace: &str, name: &str) -> Result<bool, Failure> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let params = DeleteParams {
            grace_period_seconds: Some(0),
            ..DeleteParams::default()
        };
        let request = Request {
            verb: "delete",
            resource: "pods",
            namespace: Some(namespace),
        };
        match api.delete(name, &params).await {
            Ok(_) => Ok(true),
            Err(e) if lost_race(&e) == Some(Race::Gone) => Ok(false),
            Err(e) => Err(describe(e, &request, &self.target())),
        }
    }

    /// Deletes every pod matching `selector` in `namespace` at once, one by one (deleting needs
    /// only the "delete" permission, unlike "deletecollection"); how many were deleted.
    pub async fn delete_pods_now(&self, namespace: &str, selector: &str) -> Result<usize, Failure> {
        use futures::{StreamExt as _, TryStreamExt as _};
        let names: Vec<String> = self
            .list_pods(namespace, selector)
            .await?
            .into_iter()
            .filter_map(|pod| pod.metadata.name)
            .collect();
        let deleted: Vec<bool> = futures::stream::iter(names)
            .map(|name| async move { self.delete_pod_now(namespace, &name).await })
            .buffer_unordered(PARALLEL_REQUESTS)
            .try_collect()
            .await?;
        Ok(deleted.into_iter().filter(|gone| *gone).count())
    }

    /// Watches the pods matching `selector` in `namespace`: the complete set after each
    /// (re-)list, then changes.
    pub fn watch_pods(
        &self,
        namespace: &str,
        selector: &str,
    ) -> futures::stream::BoxStream<'static, WatchChange> {
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        watch_changes(
            pods,
            kube::runtime::watcher::Config::default().labels(selector),
            Changes {
                what: "pods",
                held: Box::new,
                listed: WatchChange::PodsListed,
                applied: |pod| WatchChange::PodApplied(Box::new(pod)),
                deleted: |pod| WatchChange::PodDeleted(Box::new(pod)),
            },
        )
    }
}

/// How many pod requests run at once: a wave of hundreds of nodes is set up in seconds without
/// flooding the API server.
const PARALLEL_REQUESTS: usize = 16;
