//! The one place that talks to the Kubernetes API.

mod conflict;
mod connect;
mod errors;
mod helper_pods;
mod mirror;
mod nodes;
mod pages;
mod placement;
pub mod server_version;
mod slim;
pub mod warnings;

use json_patch::PatchOperation;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::api::core::v1::{Node, Pod, ServiceAccount};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::Resource;
use serde::de::DeserializeOwned;

use conflict::PatchError;
pub use conflict::{Planned, ATTEMPTS};
pub use connect::{connect, default_namespace, read_kubeconfig, Cluster};
pub use errors::{describe, Request, Target};
pub use mirror::Mirror;
pub use nodes::{Cordoned, Eviction};

use crate::error::Failure;

/// Page size for list calls; large clusters are listed in pages, like kubectl does.
const PAGE_SIZE: u32 = 500;

fn slim_node(mut node: Node) -> Node {
    node.metadata.managed_fields = None;
    node.metadata.annotations = None;
    if let Some(spec) = node.spec.as_mut() {
        shrink(&mut spec.taints);
    }
    if let Some(status) = node.status.as_mut() {
        status.images = None;
        status.volumes_attached = None;
        status.volumes_in_use = None;
        shrink(&mut status.conditions);
        shrink(&mut status.addresses);
    }
    node
}

/// A watched pod as it is kept over a rollout: without what no decision on the DaemonSet's own
/// pods reads (the field managers' records, the volumes, and each container's environment,
/// mounts, command and probes), which is most of a pod as it is held. Names, images, restart
/// policies (sidecars), resources and ports stay, with all of the metadata and status.
fn slim_pod(mut pod: Pod) -> Pod {
    pod.metadata.managed_fields = None;
    shrink(&mut pod.metadata.owner_references);
    if let Some(spec) = pod.spec.as_mut() {
        spec.volumes = None;
        let init = spec.init_containers.iter_mut().flatten();
        for container in spec.containers.iter_mut().chain(init) {
            container.args = None;
            container.command = None;
            container.env = None;
            container.env_from = None;
            container.lifecycle = None;
            container.liveness_probe = None;
            container.readiness_probe = None;
            container.startup_probe = None;
            container.volume_devices = None;
            container.volume_mounts = None;
            shrink(&mut container.ports);
        }
        spec.containers.shrink_to_fit();
        shrink(&mut spec.init_containers);
        shrink(&mut spec.tolerations);
        let terms = spec
            .affinity
            .as_mut()
            .and_then(|a| a.node_affinity.as_mut())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_mut()
            });
        if let Some(selector) = terms {
            for term in &mut selector.node_selector_terms {
                shrink(&mut term.match_fields);
                shrink(&mut term.match_expressions);
            }
            selector.node_selector_terms.shrink_to_fit();
        }
    }
    if let Some(status) = pod.status.as_mut() {
        shrink(&mut status.conditions);
        shrink(&mut status.container_statuses);
        shrink(&mut status.init_container_statuses);
        shrink(&mut status.pod_ips);
        shrink(&mut status.host_ips);
    }
    pod
}

/// A decoded list holds room for more than it has (a list of one container status holds room
/// for four, 3 KB): over thousands of watched pods, tens of megabytes of nothing.
fn shrink<T>(list: &mut Option<Vec<T>>) {
    if let Some(list) = list.as_mut() {
        list.shrink_to_fit();
    }
}

/// The field manager for everything the plugin applies.
pub const FIELD_MANAGER: &str = "kubectl-ds";

/// Why a write of a manifest did not go through.
#[derive(Debug)]
pub enum ApplyError {
    /// The server refused the object itself: an unknown or duplicate field, an invalid value or an
    /// immutable field. The message (the server's) says which field and why.
    Rejected(String),
    Failed(Failure),
}

/// The server's message when it refused the object itself, `None` for any other failure.
fn rejection(status: &kube::core::Status) -> Option<String> {
    const TYPED_PATCH: &str = "failed to create typed patch object";
    let message = status.message.as_str();
    match status.code {
        422 => Some(message.to_string()),
        // fieldValidation=Strict: "strict decoding error: unknown field \"spec...\"" (create,
        // update) or "error strict decoding patch: ..." (a duplicate field in an apply).
        400 if message.contains("strict decoding") => Some(message.to_string()),
        // Server-side apply checks the object against the schema whatever the directive, and
        // answers an unknown field with HTTP 500: "failed to create typed patch object (NS/NAME;
        // apps/v1, Kind=DaemonSet): .spec.x: field not declared in schema". The object is named
        // by the caller, so only the field and the reason are kept.
        500 if message.starts_with(TYPED_PATCH) => Some(
            message
                .split_once("): ")
                .map_or(message, |(_, reason)| reason)
                .to_string(),
        ),
        _ => None,
    }
}

/// A request with `fieldValidation=Strict` added, for the calls whose kube-rs parameters lack it
/// (`PostParams`): unknown and duplicate fields are refused instead of dropped with a warning.
fn strict(request: http::Request<Vec<u8>>) -> Result<http::Request<Vec<u8>>, Failure> {
    let (mut parts, body) = request.into_parts();
    let separator = if parts.uri.query().is_some() {
        '&'
    } else {
        '?'
    };
    let uri = format!("{}{separator}fieldValidation=Strict", parts.uri);
    parts.uri = uri
        .parse()
        .map_err(|e| Failure::api(format!("building the request URL {uri}: {e}")))?;
    Ok(http::Request::from_parts(parts, body))
}

/// Where a list looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Namespace(String),
    AllNamespaces,
}

impl Scope {
    fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::AllNamespaces => None,
        }
    }
}

impl Cluster {
    pub fn target(&self) -> Target<'_> {
        Target {
            server: &self.server,
            context: &self.context,
        }
    }

    pub async fn list_daemonsets(
        &self,
        scope: &Scope,
        selector: Option<&str>,
    ) -> Result<Vec<DaemonSet>, Failure> {
        self.list_all(scope, "daemonsets.apps", selector).await
    }

    pub async fn list_controller_revisions(
        &self,
        scope: &Scope,
    ) -> Result<Vec<ControllerRevision>, Failure> {
        self.list_all(scope, "controllerrevisions.apps", None).await
    }

    /// Every node, without what placement never reads (image lists, managed fields), so 5,000
    /// nodes stay small in memory and quick to decode.
    pub async fn list_nodes(&self) -> Result<Vec<Node>, Failure> {
        let list =
            pages::List::cluster_wide(Node::url_path(&(), None), "nodes", ListParams::default());
        self.fold_pages(list, Vec::new(), |nodes: &mut Vec<Node>, page| {
            let page = pages::items::<slim::SlimNode>(page)?;
            let count = page.len();
            nodes.extend(page.into_iter().map(Node::from));
            Ok(count)
        })
        .await
    }

    /// Every node's labels by node name (what wave planning reads).
    pub async fn node_labels(
        &self,
    ) -> Result<
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
        Failure,
    > {
        Ok(crate::daemonset::labels_by_node(&self.list_nodes().await?))
    }

    pub async fn list_namespaces(
        &self,
    ) -> Result<Vec<k8s_openapi::api::core::v1::Namespace>, Failure> {
        let api = Api::all(self.client.clone());
        self.list_pages(api, "namespaces", None, ListParams::default())
            .await
    }

    /// One namespace, or `None` when it does not exist (lint reads its Pod Security labels).
    pub async fn get_namespace(
        &self,
        name: &str,
    ) -> Result<Option<k8s_openapi::api::core::v1::Namespace>, Failure> {
        let api = Api::all(self.client.clone());
        let request = Request {
            verb: "get",
            resource: "namespaces",
            namespace: None,
        };
        api.get_opt(name)
            .await
            .map_err(|e| describe(e, &request, &self.target()))
    }

    /// Every PodDisruptionBudget, in all namespaces.
    pub async fn list_pod_disruption_budgets(
        &self,
    ) -> Result<Vec<k8s_openapi::api::policy::v1::PodDisruptionBudget>, Failure> {
        let api = Api::all(self.client.clone());
        self.list_pages(
            api,
            "poddisruptionbudgets.policy",
            None,
            ListParams::default(),
        )
        .await
    }

    pub async fn list_priority_classes(&self) -> Result<Vec<PriorityClass>, Failure> {
        let params = ListParams::default();
        let api = Api::all(self.client.clone());
        self.list_pages(api, "priorityclasses.scheduling.k8s.io", None, params)
            .await
    }

    pub async fn list_service_accounts(
        &self,
        scope: &Scope,
    ) -> Result<Vec<ServiceAccount>, Failure> {
        self.list_all(scope, "serviceaccounts", None).await
    }

    /// Lists every object in `scope`, following continue tokens page by page.
    async fn list_all<K>(
        &self,
        scope: &Scope,
        resource: &str,
        selector: Option<&str>,
    ) -> Result<Vec<K>, Failure>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope>
            + Clone
            + DeserializeOwned
            + std::fmt::Debug,
        K::DynamicType: Default,
    {
        let api: Api<K> = match scope {
            Scope::Namespace(ns) => Api::namespaced(self.client.clone(), ns),
            Scope::AllNamespaces => Api::all(self.client.clone()),
        };
        let mut params = ListParams::default();
        if let Some(selector) = selector {
            params = params.labels(selector);
        }
        self.list_pages(api, resource, scope.namespace(), params)
            .await
    }

    /// Follows continue tokens until the list is complete; `PAGE_SIZE` objects per request.
    async fn list_pages<K>(
        &self,
        api: Api<K>,
        resource: &str,
        namespace: Option<&str>,
        params: ListParams,
    ) -> Result<Vec<K>, Failure>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        let request = Request {
            verb: "list",
            resource,
            namespace,
        };
        let mut params = params.limit(PAGE_SIZE);
        let mut items = Vec::new();
        loop {
            let page = api
                .list(&params)
                .await
                .map_err(|e| describe(e, &request, &self.target()))?;
            items.extend(page.items);
            match page.metadata.continue_.filter(|token| !token.is_empty()) {
                Some(token) => params = params.continue_token(&token),
                None => break,
            }
        }
        tracing::info!(resource, count = items.len(), "listed");
        Ok(items)
    }

    /// The pods matching a label selector in one namespace.
    pub async fn list_pods(&self, namespace: &str, selector: &str) -> Result<Vec<Pod>, Failure> {
        let scope = Scope::Namespace(namespace.to_string());
        self.list_all(&scope, "pods", Some(selector)).await
    }

    /// What the server would store if `object` were applied (server-side apply, dry run, field
    /// manager kubectl-ds, conflicts forced: nothing is kept). A change the server rejects
    /// (422, e.g. an immutable field) comes back as `Rejected` with the server's message.
    pub async fn apply_dry_run(
        &self,
        namespace: &str,
        name: &str,
        object: &serde_json::Value,
    ) -> Result<DaemonSet, ApplyError> {
        self.server_side_apply(namespace, name, object, true).await
    }

    /// Server-side apply of a DaemonSet for real (field manager kubectl-ds, conflicts forced).
    pub async fn apply_daemonset(
        &self,
        namespace: &str,
        name: &str,
        object: &serde_json::Value,
    ) -> Result<DaemonSet, ApplyError> {
        self.server_side_apply(namespace, name, object, false).await
    }

    async fn server_side_apply(
        &self,
        namespace: &str,
        name: &str,
        object: &serde_json::Value,
        dry_run: bool,
    ) -> Result<DaemonSet, ApplyError> {
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
        // Strict as kubectl's default (--validate=strict): a field the server does not know is an
        // error, not silently dropped.
        let mut params = PatchParams::apply(FIELD_MANAGER)
            .force()
            .validation_strict();
        if dry_run {
            params = params.dry_run();
        }
        let request = Request {
            verb: "patch",
            resource: "daemonsets.apps",
            namespace: Some(namespace),
        };
        match api.patch(name, &params, &Patch::Apply(object)).await {
            Ok(stored) => Ok(stored),
            Err(e) => Err(apply_error(e, &request, &self.target())),
        }
    }

    /// Checks a DaemonSet manifest the way creating it would (a dry run with strict field
    /// validation, so nothing is kept): unknown or duplicate fields and invalid values come back
    /// as `Rejected`. One that exists already (409) passes: the server decodes and validates the
    /// object before it looks for an existing one.
    pub async fn check_create(
        &self,
        namespace: &str,
        object: &serde_json::Value,
    ) -> Result<(), ApplyError> {
        let request = Request {
            verb: "create",
            resource: "daemonsets.apps",
            namespace: Some(namespace),
        };
        let params = kube::api::PostParams {
            dry_run: true,
            field_manager: Some(FIELD_MANAGER.to_string()),
        };
        let failed = |message: String| ApplyError::Failed(Failure::api(message));
        let body = serde_json::to_vec(object)
            .map_err(|e| failed(format!("encoding the manifest as JSON: {e}")))?;
        let http_request = kube::core::Request::new(DaemonSet::url_path(&(), Some(namespace)))
            .create(&params, body)
            .map_err(|e| failed(format!("building a create request: {e}")))?;
        let http_request = strict(http_request).map_err(ApplyError::Failed)?;
        match self.client.request::<DaemonSet>(http_request).await {
            Ok(_) => Ok(()),
            Err(e) if lost_race(&e) == Some(Race::Changed) => Ok(()),
            Err(e) => Err(apply_error(e, &request, &self.target())),
        }
    }

    /// Deletes a pod only if it is still the one with `uid`. Returns false when it was already
    /// gone or replaced (404, or 409 from the UID precondition).
    pub async fn delete_pod_with_uid(
        &self,
        namespace: &str,
        name: &str,
        uid: &str,
    ) -> Result<bool, Failure> {
        self.delete_pod_with_grace(namespace, name, uid, None).await
    }

    /// The same with grace period 0: the pod object goes at once, whatever its kubelet does.
    pub async fn force_delete_pod_with_uid(
        &self,
        namespace: &str,
        name: &str,
        uid: &str,
    ) -> Result<bool, Failure> {
        self.delete_pod_with_grace(namespace, name, uid, Some(0))
            .await
    }

    async fn delete_pod_with_grace(
        &self,
        namespace: &str,
        name: &str,
        uid: &str,
        grace_period_seconds: Option<u32>,
    ) -> Result<bool, Failure> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let params = kube::api::DeleteParams {
            preconditions: Some(kube::api::Preconditions {
                uid: Some(uid.to_string()),
                resource_version: None,
            }),
            grace_period_seconds,
            ..kube::api::DeleteParams::default()
        };
        let request = Request {
            verb: "delete",
            resource: "pods",
            namespace: Some(namespace),
        };
        match api.delete(name, &params).await {
            Ok(_) => Ok(true),
            Err(e) if lost_race(&e).is_some() => Ok(false),
            Err(e) => Err(describe(e, &request, &self.target())),
        }
    }

    /// One DaemonSet, or `None` when it does not exist.
    pub async fn get_daemonset(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<DaemonSet>, Failure> {
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
        let request = Request {
            verb: "get",
            resource: "daemonsets.apps",
            namespace: Some(namespace),
        };
        match api.get_opt(name).await {
            Ok(found) => Ok(found),
            Err(e) => Err(describe(e, &request, &self.target())),
        }
    }

    /// Applies a JSON Patch (RFC 6902) to a DaemonSet, with field manager kubectl-ds; `dry_run`
    /// asks the server to keep nothing. Patches that set /metadata/resourceVersion to the one read
    /// fail with 409 when the object changed meanwhile; the failure says so in one line. A change
    /// planned from the object read goes through [`Cluster::patch_daemonset_with_retry`] instead.
    pub async fn patch_daemonset_json(
        &self,
        namespace: &str,
        name: &str,
        ops: &[PatchOperation],
        dry_run: bool,
    ) -> Result<DaemonSet, Failure> {
        self.patch_json(namespace, name, ops, dry_run)
            .await
            .map_err(|e| match e {
                PatchError::Conflict => conflict::conflict_failure(namespace, name),
                PatchError::Failed(failure) => failure,
            })
    }

    /// Changes a DaemonSet by a JSON Patch planned from it: `plan` gets the DaemonSet as read
    /// (`read` first) and returns the ops to send, which start with `patch::precondition`, or
    /// nothing to write. When the DaemonSet changed since it was read (409: mostly the
    /// controller's status writes while pods change), it is read again and planned anew, up to
    /// [`ATTEMPTS`] times; so a change that matters made meanwhile by another writer shows in the
    /// new plan instead of being overwritten. Returns the last plan and the DaemonSet as it is now
    /// (the one stored, or the one planned on when the plan wrote nothing).
    pub async fn patch_daemonset_with_retry<P, E>(
        &self,
        namespace: &str,
        name: &str,
        read: DaemonSet,
        dry_run: bool,
        plan: impl FnMut(&DaemonSet) -> Result<P, E>,
    ) -> Result<(P, DaemonSet), E>
    where
        P: Planned,
        E: From<Failure>,
    {
        conflict::read_modify_write(
            (namespace, name),
            read,
            plan,
            async |ops: &[PatchOperation]| self.patch_json(namespace, name, ops, dry_run).await,
            async || self.get_daemonset(namespace, name).await,
            conflict::BACKOFF,
        )
        .await
    }

    async fn patch_json(
        &self,
        namespace: &str,
        name: &str,
        ops: &[PatchOperation],
        dry_run: bool,
    ) -> Result<DaemonSet, PatchError> {
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
        let mut params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            ..PatchParams::default()
        };
        if dry_run {
            params = params.dry_run();
        }
        let request = Request {
            verb: "patch",
            resource: "daemonsets.apps",
            namespace: Some(namespace),
        };
        let tests = ops.iter().any(|op| matches!(op, PatchOperation::Test(_)));
        let patch = json_patch::Patch(ops.to_vec());
        match api.patch(name, &params, &Patch::<()>::Json(patch)).await {
            Ok(stored) => Ok(stored),
            Err(e) if lost_race(&e) == Some(Race::Changed) => Err(PatchError::Conflict),
            Err(e) if tests && test_failed(&e) => Err(PatchError::Conflict),
            Err(e) => Err(PatchError::Failed(describe(e, &request, &self.target()))),
        }
    }
}

/// How a request about one object lost a race with another writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Race {
    /// 409: it changed since it was read (a uid or resourceVersion precondition failed), or, for
    /// a create, it exists already.
    Changed,
    /// 404: it is gone.
    Gone,
}

/// The one reading of 409 and 404 for requests about one object: each caller says what the lost
/// race means for it (nothing to do, try again, or which sentence to show), and any other
/// failure is described as usual.
fn lost_race(error: &kube::Error) -> Option<Race> {
    match error {
        kube::Error::Api(status) if status.code == 409 => Some(Race::Changed),
        kube::Error::Api(status) if status.code == 404 => Some(Race::Gone),
        _ => None,
    }
}

/// A JSON Patch that could not be applied to the object as stored: the server answers a failed
/// `test` (as any op that does not apply) with a bare 422 Invalid, without the causes a
/// validation error lists (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`).
fn test_failed(error: &kube::Error) -> bool {
    match error {
        kube::Error::Api(status) => {
            status.code == 422 && status.details.as_ref().is_none_or(|d| d.causes.is_empty())
        }
        _ => false,
    }
}

/// A failed write of a manifest: the object refused, or the request failed.
fn apply_error(error: kube::Error, request: &Request, target: &Target) -> ApplyError {
    match &error {
        kube::Error::Api(status) => match rejection(status) {
            Some(message) => ApplyError::Rejected(message),
            None => ApplyError::Failed(describe(error, request, target)),
        },
        _ => ApplyError::Failed(describe(error, request, target)),
    }
}

/// Watch troubles, each worth one warning until the watch works again (while the API server is
/// down the watches fail every few seconds, alternating between a few messages).
#[derive(Debug, Default)]
pub struct Troubles {
    shown: std::collections::HashSet<String>,
}

impl Troubles {
    /// `Some(message)` when `change` is a trouble not shown since the watch last delivered.
    pub fn to_show(&mut self, change: &WatchChange) -> Option<String> {
        match change {
            WatchChange::Trouble(message) => {
                self.shown.insert(message.clone()).then(|| message.clone())
            }
            _ => {
                self.shown.clear();
                None
            }
        }
    }
}

/// A change seen by [`Cluster::watch_daemonset_and_pods`].
#[derive(Debug)]
pub enum WatchChange {
    /// The DaemonSet as it is now; `None` when it was deleted.
    DaemonSet(Option<Box<DaemonSet>>),
    /// The complete set of matching pods (after a (re-)list), or one pod added/changed.
    PodsListed(Vec<Box<Pod>>),
    PodApplied(Box<Pod>),
    PodDeleted(Box<Pod>),
    /// The complete set of nodes (after a (re-)list), or one node added/changed/deleted
    /// ([`Cluster::watch_nodes`]).
    NodesListed(Vec<Box<Node>>),
    NodeApplied(Box<Node>),
    NodeDeleted(Box<Node>),
    /// A watch request failed; the watcher backs off and re-lists by itself.
    Trouble(String),
}

impl Cluster {
    /// Watches every node (slimmed like [`Cluster::list_nodes`]): the complete set after each
    /// (re-)list, then changes. For decisions that depend on nodes leaving or changing labels.
    pub fn watch_nodes(&self) -> futures::stream::BoxStream<'static, WatchChange> {
        let nodes: Api<slim::Watched<Node>> = Api::all(self.client.clone());
        watch_changes(
            nodes,
            kube::runtime::watcher::Config::default(),
            Changes {
                what: "nodes",
                held: |node| Box::new(node.0),
                listed: WatchChange::NodesListed,
                applied: |node| WatchChange::NodeApplied(Box::new(node.0)),
                deleted: |node| WatchChange::NodeDeleted(Box::new(node.0)),
            },
        )
    }

    /// Watches one DaemonSet (field selector on its name) and the pods matching `selector`,
    /// with kube's runtime watcher: it re-lists on its own when a watch expires (410 Gone) or the
    /// connection drops, backing off between attempts. Pods of a re-list come as one
    /// `PodsListed`, so the caller can replace its set at once.
    pub fn watch_daemonset_and_pods(
        &self,
        namespace: &str,
        name: &str,
        selector: &str,
    ) -> futures::stream::BoxStream<'static, WatchChange> {
        use futures::StreamExt as _;
        use kube::runtime::watcher::Config;

        let daemonsets: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
        let pods: Api<slim::Watched<Pod>> = Api::namespaced(self.client.clone(), namespace);
        let ds_stream = watch_changes(
            daemonsets,
            Config::default().fields(&format!("metadata.name={name}")),
            Changes {
                what: "the daemonset",
                held: |ds| ds,
                // A (re-)list without it: it was deleted.
                listed: |found| WatchChange::DaemonSet(found.into_iter().next().map(Box::new)),
                applied: |ds| WatchChange::DaemonSet(Some(Box::new(ds))),
                deleted: |_| WatchChange::DaemonSet(None),
            },
        );
        let pod_stream = watch_changes(
            pods,
            Config::default().labels(selector),
            Changes {
                what: "pods",
                held: |pod| Box::new(pod.0),
                listed: WatchChange::PodsListed,
                applied: |pod| WatchChange::PodApplied(Box::new(pod.0)),
                deleted: |pod| WatchChange::PodDeleted(Box::new(pod.0)),
            },
        );
        futures::stream::select(ds_stream, pod_stream).boxed()
    }

    /// The ControllerRevisions in `namespace` whose labels match `selector` (a DaemonSet's
    /// revisions carry its template labels, which its selector matches).
    pub async fn list_controller_revisions_matching(
        &self,
        namespace: &str,
        selector: &str,
    ) -> Result<Vec<ControllerRevision>, Failure> {
        let scope = Scope::Namespace(namespace.to_string());
        self.list_all(&scope, "controllerrevisions.apps", Some(selector))
            .await
    }
}

/// What the events of one watched kind become.
struct Changes<K, L> {
    /// For the warning when the watch fails ("watching pods: ...").
    what: &'static str,
    /// How an object of a (re-)list is held until the list ends: boxed, for pods and nodes, so
    /// a list of thousands grows a vector of pointers rather than of whole objects (twice over
    /// while it grows).
    held: fn(K) -> L,
    /// The complete set after a (re-)list.
    listed: fn(Vec<L>) -> WatchChange,
    applied: fn(K) -> WatchChange,
    deleted: fn(K) -> WatchChange,
}

/// A kube runtime watcher (re-lists after expiry or a dropped connection, backing off) as
/// [`WatchChange`]s: the objects of a (re-)list gathered into one change, then one per event.
fn watch_changes<K, L: Send + 'static>(
    api: Api<K>,
    config: kube::runtime::watcher::Config,
    changes: Changes<K, L>,
) -> futures::stream::BoxStream<'static, WatchChange>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    use futures::StreamExt as _;
    use kube::runtime::watcher::{self, Event};
    use kube::runtime::WatchStreamExt as _;

    let mut buffer: Vec<L> = Vec::new();
    let changes = watcher::watcher(api, config)
        .default_backoff()
        .filter_map(move |event| {
            let change = match event {
                Ok(Event::Init) => {
                    buffer.clear();
                    None
                }
                Ok(Event::InitApply(object)) => {
                    buffer.push((changes.held)(object));
                    None
                }
                Ok(Event::InitDone) => Some((changes.listed)(std::mem::take(&mut buffer))),
                Ok(Event::Apply(object)) => Some((changes.applied)(object)),
                Ok(Event::Delete(object)) => Some((changes.deleted)(object)),
                Err(e) => Some(WatchChange::Trouble(format!(
                    "watching {}: {e}",
                    changes.what
                ))),
            };
            std::future::ready(change)
        })
        .boxed();
    read_ahead(changes)
}

/// The stream read on its own task as fast as the server sends, its changes queued until the
/// caller takes them. A caller busy for a while (deleting a wave's pods) would otherwise leave
/// the watch unread: the API server closes a watch whose reader falls behind, and the watcher
/// then lists every object again, thousands of pods at scale.
fn read_ahead(
    mut changes: futures::stream::BoxStream<'static, WatchChange>,
) -> futures::stream::BoxStream<'static, WatchChange> {
    use futures::StreamExt as _;

    let (queue, queued) = futures::channel::mpsc::unbounded();
    let reader = tokio::spawn(async move {
        while let Some(change) = changes.next().await {
            if queue.unbounded_send(change).is_err() {
                break;
            }
        }
    });
    ReadAhead {
        queued,
        reader: reader.abort_handle(),
    }
    .boxed()
}

/// The queue of a [`read_ahead`] stream; dropping it stops the reader and its watch.
struct ReadAhead {
    queued: futures::channel::mpsc::UnboundedReceiver<WatchChange>,
    reader: tokio::task::AbortHandle,
}

impl futures::Stream for ReadAhead {
    type Item = WatchChange;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<WatchChange>> {
        use futures::StreamExt as _;
        self.queued.poll_next_unpin(cx)
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// How a DaemonSet delete treats its pods (the API's propagationPolicy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// The pods keep running; the garbage collector only removes their ownerReferences.
    Orphan,
    Background,
    Foreground,
}

impl Propagation {
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Orphan => "orphan",
            Propagation::Background => "background",
            Propagation::Foreground => "foreground",
        }
    }
}

impl Cluster {
    /// Deletes a DaemonSet only if it is still the object with `uid` at `resource_version`
    /// (preconditions checked by the server). `dry_run` asks the server to check everything
    /// (permission, preconditions) and delete nothing. A failed precondition (409) or a
    /// DaemonSet already gone (404) is one line saying nothing was deleted.
    pub async fn delete_daemonset(
        &self,
        namespace: &str,
        name: &str,
        propagation: Propagation,
        uid: &str,
        resource_version: &str,
        dry_run: bool,
    ) -> Result<(), Failure> {
        use kube::api::{DeleteParams, PropagationPolicy};
        let api: Api<DaemonSet> = Api::namespaced(self.client.clone(), namespace);
        let params = DeleteParams {
            dry_run,
            propagation_policy: Some(match propagation {
                Propagation::Orphan => PropagationPolicy::Orphan,
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Foreground => PropagationPolicy::Foreground,
            }),
            preconditions: Some(kube::api::Preconditions {
                uid: Some(uid.to_string()),
                resource_version: Some(resource_version.to_string()),
            }),
            ..DeleteParams::default()
        };
        let request = Request {
            verb: "delete",
            resource: "daemonsets.apps",
            namespace: Some(namespace),
        };
        match api.delete(name, &params).await {
            Ok(_) => Ok(()),
            Err(e) => Err(match lost_race(&e) {
                Some(Race::Changed) => Failure::api(format!(
                    "daemonset {namespace}/{name} was replaced or changed after it was shown (uid {uid}, resourceVersion {resource_version}): nothing was deleted; run the command again to see it as it is now"
                )),
                Some(Race::Gone) => Failure::api(format!(
                    "daemonset {namespace}/{name} was deleted by someone else after it was shown: nothing was deleted"
                )),
                None => describe(e, &request, &self.target()),
            }),
        }
    }

    /// Sets labels on a pod (a merge patch), only if it is still the pod with `uid`.
    pub async fn label_pod(
        &self,
        namespace: &str,
        name: &str,
        uid: &str,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> Result<Pod, Failure> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_string()),
            ..PatchParams::default()
        };
        let request = Request {
            verb: "patch",
            resource: "pods",
            namespace: Some(namespace),
        };
        // The uid in the patch is a precondition: the server refuses it for another pod.
        let patch = serde_json::json!({"metadata": {"uid": uid, "labels": labels}});
        match api.patch(name, &params, &Patch::Merge(&patch)).await {
            Ok(pod) => Ok(pod),
            Err(e) if lost_race(&e).is_some() => {
                Err(Failure::api(format!(
                    "pod {name:?} in namespace {namespace:?} was replaced while it was being relabelled; nothing else was changed, run the command again"
                )))
            }
            Err(e) => Err(describe(e, &request, &self.target())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ahead_keeps_the_order_and_its_reader_stops_with_it() {
        use futures::StreamExt as _;
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        /// Set when the watch the reader reads is dropped.
        struct Dropped(Arc<AtomicBool>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (send, watch) = futures::channel::mpsc::unbounded::<WatchChange>();
            let dropped = Arc::new(AtomicBool::new(false));
            let guard = Dropped(dropped.clone());
            let watch = watch.map(move |change| {
                let _ = &guard;
                change
            });
            let mut changes = read_ahead(watch.boxed());
            for n in 0..3 {
                send.unbounded_send(WatchChange::Trouble(n.to_string()))
                    .unwrap();
            }
            tokio::task::yield_now().await;
            send.unbounded_send(WatchChange::Trouble("3".into()))
                .unwrap();
            for n in 0..4 {
                let Some(WatchChange::Trouble(seen)) = changes.next().await else {
                    panic!("change {n} missing");
                };
                assert_eq!(seen, n.to_string());
            }
            assert!(!dropped.load(Ordering::SeqCst));
            drop(changes);
            tokio::task::yield_now().await;
            assert!(
                dropped.load(Ordering::SeqCst),
                "the watch outlived its reader"
            );
        });
    }

    #[test]
    fn a_watched_pod_keeps_what_rollout_decisions_read() {
        // From text, as a watch decodes it: its lists are grown as they are read.
        let pod: Pod = serde_json::from_str(&serde_json::json!({
            "metadata": {"name": "agent-x", "uid": "u", "labels": {"controller-revision-hash": "h"},
                         "managedFields": [{"manager": "m", "operation": "Update"}]},
            "spec": {
                "nodeName": "n1",
                "volumes": [{"name": "v", "emptyDir": {}}],
                "initContainers": [{"name": "side", "image": "s:1", "restartPolicy": "Always",
                                    "env": [{"name": "E", "value": "v"}]}],
                "containers": [{"name": "agent", "image": "a:1", "command": ["run"], "args": ["-v"],
                                "ports": [{"containerPort": 9100, "hostPort": 9100}],
                                "resources": {"requests": {"cpu": "10m"}},
                                "volumeMounts": [{"name": "v", "mountPath": "/v"}],
                                "readinessProbe": {"exec": {"command": ["true"]}}}]
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        })
        .to_string())
        .unwrap();
        let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
        assert!(conditions.is_some_and(|c| c.capacity() > 1));
        let slim = slim_pod(pod.clone());
        let spec = slim.spec.as_ref().unwrap();
        assert_eq!(slim.metadata.managed_fields, None);
        assert_eq!(slim.metadata.labels, pod.metadata.labels);
        assert_eq!(slim.status, pod.status);
        assert_eq!(spec.node_name.as_deref(), Some("n1"));
        assert_eq!(spec.volumes, None);
        let agent = &spec.containers[0];
        assert_eq!(
            (agent.name.as_str(), agent.image.as_deref()),
            ("agent", Some("a:1"))
        );
        assert!(agent.ports.is_some() && agent.resources.is_some());
        assert!(agent.command.is_none() && agent.args.is_none() && agent.volume_mounts.is_none());
        assert!(agent.readiness_probe.is_none());
        let side = &spec.init_containers.as_ref().unwrap()[0];
        assert_eq!(side.restart_policy.as_deref(), Some("Always"));
        assert_eq!(side.env, None);
        // Decoded lists hold no room beyond what they have.
        let conditions = slim.status.as_ref().and_then(|s| s.conditions.as_ref());
        assert_eq!(conditions.map(|c| c.capacity()), Some(1));
    }

    fn status(code: u16, message: &str) -> kube::core::Status {
        kube::core::Status {
            code,
            message: message.into(),
            ..Default::default()
        }
    }

    #[test]
    fn conflicts_and_not_found_are_lost_races_and_nothing_else_is() {
        let cases = [
            (409, Some(Race::Changed)),
            (404, Some(Race::Gone)),
            (403, None),
            (422, None),
            (500, None),
        ];
        for (code, want) in cases {
            let error = kube::Error::Api(Box::new(status(code, "m")));
            assert_eq!(lost_race(&error), want, "{code}");
        }
        let transport = kube::Error::Service("connection refused".into());
        assert_eq!(lost_race(&transport), None);
    }

    #[test]
    fn refusals_of_the_object_are_rejections_with_the_servers_reason() {
        let cases = [
            (
                500,
                r#"failed to create typed patch object (ns/agent; apps/v1, Kind=DaemonSet): .spec.template.spec.containers[name="main"].imagePullPolcy: field not declared in schema"#,
                Some(
                    r#".spec.template.spec.containers[name="main"].imagePullPolcy: field not declared in schema"#,
                ),
            ),
            (
                400,
                r#"DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.foo""#,
                Some(
                    r#"DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.foo""#,
                ),
            ),
            (
                422,
                "DaemonSet.apps \"agent\" is invalid: spec.selector: field is immutable",
                Some("DaemonSet.apps \"agent\" is invalid: spec.selector: field is immutable"),
            ),
            (500, "etcdserver: request timed out", None),
            (400, "unable to parse requirement", None),
            (403, "forbidden", None),
        ];
        for (code, message, expected) in cases {
            assert_eq!(
                rejection(&status(code, message)).as_deref(),
                expected,
                "{code} {message}"
            );
        }
    }

    #[test]
    fn strict_validation_is_added_to_the_query() {
        let with_query = http::Request::post("/apis/apps/v1/namespaces/a/daemonsets?dryRun=All")
            .body(Vec::new())
            .unwrap();
        let without = http::Request::post("/apis/apps/v1/namespaces/a/daemonsets")
            .body(Vec::new())
            .unwrap();
        assert_eq!(
            strict(with_query).unwrap().uri(),
            "/apis/apps/v1/namespaces/a/daemonsets?dryRun=All&fieldValidation=Strict"
        );
        assert_eq!(
            strict(without).unwrap().uri(),
            "/apis/apps/v1/namespaces/a/daemonsets?fieldValidation=Strict"
        );
    }

    #[test]
    fn each_trouble_is_shown_once_until_the_watch_delivers_again() {
        let trouble = |m: &str| WatchChange::Trouble(m.to_string());
        let mut troubles = Troubles::default();
        let shown: Vec<Option<String>> = [
            trouble("connect"),
            trouble("expired"),
            trouble("connect"),
            WatchChange::PodsListed(Vec::new()),
            trouble("connect"),
        ]
        .iter()
        .map(|c| troubles.to_show(c))
        .collect();
        assert_eq!(
            shown,
            [
                Some("connect".to_string()),
                Some("expired".to_string()),
                None,
                None,
                Some("connect".to_string())
            ]
        );
    }
}
