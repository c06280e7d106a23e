//! Nodes and pods decoded with only the fields placement reads. Most of a listed object is what
//! nothing here reads (managed fields are half of a pod's JSON, image lists a third of a node's),
//! and decoding it into `k8s_openapi` types only to drop it was most of a plan's time at
//! 50,000 pods. Serde skips the fields a struct lacks without building them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, ContainerPort, Node, NodeAddress, NodeCondition, NodeConfigStatus,
    NodeDaemonEndpoints, NodeFeatures, NodeRuntimeHandler, NodeSpec, NodeStatus, NodeSystemInfo,
    Pod, PodCondition, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use serde::Deserialize;

/// A node without its managed fields, annotations, image and volume lists; everything else is
/// kept, since plans, rollouts and lint read nodes in many ways.
#[derive(Deserialize)]
pub(super) struct SlimNode {
    #[serde(default)]
    metadata: Meta,
    spec: Option<NodeSpec>,
    status: Option<SlimNodeStatus>,
}

/// Metadata without the managed fields (half of a pod's JSON, most of its decoding time).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Meta {
    annotations: Option<BTreeMap<String, String>>,
    creation_timestamp: Option<Time>,
    deletion_grace_period_seconds: Option<i64>,
    deletion_timestamp: Option<Time>,
    finalizers: Option<Vec<String>>,
    generate_name: Option<String>,
    generation: Option<i64>,
    labels: Option<BTreeMap<String, String>>,
    name: Option<String>,
    namespace: Option<String>,
    owner_references: Option<Vec<OwnerReference>>,
    resource_version: Option<String>,
    self_link: Option<String>,
    uid: Option<String>,
}

impl Meta {
    fn into_object_meta(self) -> ObjectMeta {
        // Every field is named (no `..Default`), so a field a newer k8s-openapi adds is a
        // compile error here rather than silently missing.
        ObjectMeta {
            annotations: self.annotations,
            creation_timestamp: self.creation_timestamp,
            deletion_grace_period_seconds: self.deletion_grace_period_seconds,
            deletion_timestamp: self.deletion_timestamp,
            finalizers: self.finalizers,
            generate_name: self.generate_name,
            generation: self.generation,
            labels: self.labels,
            managed_fields: None,
            name: self.name,
            namespace: self.namespace,
            owner_references: self.owner_references,
            resource_version: self.resource_version,
            self_link: self.self_link,
            uid: self.uid,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimNodeStatus {
    addresses: Option<Vec<NodeAddress>>,
    allocatable: Option<BTreeMap<String, Quantity>>,
    capacity: Option<BTreeMap<String, Quantity>>,
    conditions: Option<Vec<NodeCondition>>,
    config: Option<NodeConfigStatus>,
    daemon_endpoints: Option<NodeDaemonEndpoints>,
    declared_features: Option<Vec<String>>,
    features: Option<NodeFeatures>,
    node_info: Option<NodeSystemInfo>,
    phase: Option<String>,
    runtime_handlers: Option<Vec<NodeRuntimeHandler>>,
}

impl From<SlimNode> for Node {
    fn from(node: SlimNode) -> Node {
        let metadata = ObjectMeta {
            annotations: None,
            ..node.metadata.into_object_meta()
        };
        let status = node.status.map(|s| NodeStatus {
            addresses: s.addresses,
            allocatable: s.allocatable,
            capacity: s.capacity,
            conditions: s.conditions,
            config: s.config,
            daemon_endpoints: s.daemon_endpoints,
            declared_features: s.declared_features,
            features: s.features,
            images: None,
            node_info: s.node_info,
            phase: s.phase,
            runtime_handlers: s.runtime_handlers,
            volumes_attached: None,
            volumes_in_use: None,
        });
        Node {
            metadata,
            spec: node.spec,
            status,
        }
    }
}

/// A pod with what `PodIndex::add` reads: where it runs (node name, or the DaemonSet
/// controller's node affinity), its owner, readiness and revision, and what it requests and
/// claims (containers' resources and host ports, allocated and actuated resources, pod-level
/// resources, overhead). Keep in step with `PodIndex::add`: the tests build an index from full
/// and from slim pods and compare.
/// An object as a watch decodes it: for pods and nodes, without what no reader of a watch needs,
/// from the wire on (a pod's managed fields were most of the rollout engine's decoding time),
/// then slimmed further as [`super::slim_pod`] and [`super::slim_node`] do. The watcher takes
/// it as a resource of `K`'s kind.
#[derive(Clone, Debug)]
pub(super) struct Watched<K>(pub K);

impl<K: k8s_openapi::Resource> k8s_openapi::Resource for Watched<K> {
    const API_VERSION: &'static str = K::API_VERSION;
    const GROUP: &'static str = K::GROUP;
    const KIND: &'static str = K::KIND;
    const VERSION: &'static str = K::VERSION;
    const URL_PATH_SEGMENT: &'static str = K::URL_PATH_SEGMENT;
    type Scope = K::Scope;
}

impl<K: k8s_openapi::Metadata<Ty = ObjectMeta>> k8s_openapi::Metadata for Watched<K> {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        self.0.metadata()
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        self.0.metadata_mut()
    }
}

impl<'de> Deserialize<'de> for Watched<Node> {
    fn deserialize<D: serde::Deserializer<'de>>(wire: D) -> Result<Self, D::Error> {
        let node = Node::from(SlimNode::deserialize(wire)?);
        Ok(Watched(super::slim_node(node)))
    }
}

impl<'de> Deserialize<'de> for Watched<Pod> {
    fn deserialize<D: serde::Deserializer<'de>>(wire: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            metadata: Meta,
            spec: Option<k8s_openapi::api::core::v1::PodSpec>,
            status: Option<k8s_openapi::api::core::v1::PodStatus>,
        }
        let pod = Wire::deserialize(wire)?;
        Ok(Watched(super::slim_pod(Pod {
            metadata: pod.metadata.into_object_meta(),
            spec: pod.spec,
            status: pod.status,
        })))
    }
}

#[derive(Deserialize)]
pub(super) struct SlimPod {
    #[serde(default)]
    metadata: PodMeta,
    spec: Option<SlimPodSpec>,
    status: Option<SlimPodStatus>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PodMeta {
    name: Option<String>,
    namespace: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    owner_references: Option<Vec<OwnerReference>>,
    deletion_timestamp: Option<Time>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimPodSpec {
    node_name: Option<String>,
    host_network: Option<bool>,
    affinity: Option<Affinity>,
    #[serde(default)]
    containers: Vec<SlimContainer>,
    init_containers: Option<Vec<SlimContainer>>,
    overhead: Option<BTreeMap<String, Quantity>>,
    resources: Option<ResourceRequirements>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimContainer {
    #[serde(default)]
    name: String,
    ports: Option<Vec<ContainerPort>>,
    resources: Option<ResourceRequirements>,
    restart_policy: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimPodStatus {
    phase: Option<String>,
    conditions: Option<Vec<PodCondition>>,
    container_statuses: Option<Vec<SlimContainerStatus>>,
    init_container_statuses: Option<Vec<SlimContainerStatus>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlimContainerStatus {
    #[serde(default)]
    name: String,
    allocated_resources: Option<BTreeMap<String, Quantity>>,
    resources: Option<ResourceRequirements>,
}

impl From<SlimPod> for Pod {
    fn from(pod: SlimPod) -> Pod {
        use k8s_openapi::api::core::v1::{Container, ContainerStatus, PodSpec, PodStatus};
        let container = |c: SlimContainer| Container {
            name: c.name,
            ports: c.ports,
            resources: c.resources,
            restart_policy: c.restart_policy,
            ..Container::default()
        };
        let container_status = |s: SlimContainerStatus| ContainerStatus {
            name: s.name,
            allocated_resources: s.allocated_resources,
            resources: s.resources,
            ..ContainerStatus::default()
        };
        let m = pod.metadata;
        Pod {
            metadata: ObjectMeta {
                name: m.name,
                namespace: m.namespace,
                labels: m.labels,
                owner_references: m.owner_references,
                deletion_timestamp: m.deletion_timestamp,
                ..ObjectMeta::default()
            },
            spec: pod.spec.map(|s| PodSpec {
                node_name: s.node_name,
                host_network: s.host_network,
                affinity: s.affinity,
                containers: s.containers.into_iter().map(container).collect(),
                init_containers: s
                    .init_containers
                    .map(|list| list.into_iter().map(container).collect()),
                overhead: s.overhead,
                resources: s.resources,
                ..PodSpec::default()
            }),
            status: pod.status.map(|s| PodStatus {
                phase: s.phase,
                conditions: s.conditions,
                container_statuses: s
                    .container_statuses
                    .map(|list| list.into_iter().map(container_status).collect()),
                init_container_statuses: s
                    .init_container_statuses
                    .map(|list| list.into_iter().map(container_status).collect()),
                ..PodStatus::default()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::plan::PodIndex;
    use serde_json::json;

    /// A node as the API server lists it, with everything the slim decoding drops.
    fn full_node() -> serde_json::Value {
        json!({
            "metadata": {
                "name": "n1", "uid": "u1", "resourceVersion": "9", "generation": 2,
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "labels": {"kubernetes.io/os": "linux", "disktype": "ssd"},
                "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
                "finalizers": ["f"],
                "ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "x", "uid": "ux"}],
                "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1",
                    "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:images": {}}}}]
            },
            "spec": {"podCIDR": "10.0.0.0/24", "unschedulable": true, "providerID": "fake://n1",
                "taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]},
            "status": {
                "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                "allocatable": {"cpu": "3900m", "memory": "15Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                    "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                    "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b",
                    "kernelVersion": "k", "osImage": "o", "containerRuntimeVersion": "c",
                    "kubeletVersion": "v1.37.2", "kubeProxyVersion": "", "operatingSystem": "linux",
                    "architecture": "amd64"},
                "features": {"supplementalGroupsPolicy": true},
                "declaredFeatures": ["A"],
                "runtimeHandlers": [{"name": "runc", "features": {"recursiveReadOnlyMounts": true}}],
                "phase": "Running",
                "images": [{"names": ["registry.k8s.io/pause:3.2"], "sizeBytes": 1}],
                "volumesInUse": ["v"],
                "volumesAttached": [{"name": "v", "devicePath": "/dev/x"}]
            }
        })
    }

    #[test]
    fn a_slim_node_is_the_node_less_what_is_never_read() {
        let full = full_node();
        let slim: SlimNode = serde_json::from_value(full.clone()).unwrap();
        let mut want: Node = serde_json::from_value(full).unwrap();
        want.metadata.managed_fields = None;
        want.metadata.annotations = None;
        let status = want.status.as_mut().unwrap();
        status.images = None;
        status.volumes_attached = None;
        status.volumes_in_use = None;
        assert_eq!(Node::from(slim), want);
        assert_eq!(Node::from(slim_of(json!({}))), Node::default());
    }

    #[test]
    fn a_watched_object_is_what_the_watch_kept_before_and_still_its_kind() {
        use kube::{Resource as _, ResourceExt as _};
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "agent-x", "namespace": "ops", "uid": "u", "resourceVersion": "7",
                "labels": {"controller-revision-hash": "h"}, "annotations": {"a": "b"},
                "deletionTimestamp": "2026-01-01T00:00:00Z", "deletionGracePeriodSeconds": 30,
                "managedFields": [{"manager": "m", "operation": "Update", "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:spec": {}}}]},
            "spec": {"nodeName": "n1",
                "volumes": [{"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}],
                "containers": [{"name": "agent", "image": "i", "env": [{"name": "E", "value": "v"}],
                    "resources": {"requests": {"cpu": "1"}}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        });
        let watched: Watched<Pod> = serde_json::from_value(pod.clone()).unwrap();
        let kept = super::super::slim_pod(serde_json::from_value(pod).unwrap());
        assert_eq!(watched.0, kept);
        assert_eq!(watched.resource_version().as_deref(), Some("7"));
        assert_eq!(
            Watched::<Pod>::url_path(&(), Some("ops")),
            "/api/v1/namespaces/ops/pods"
        );

        let node: Watched<Node> = serde_json::from_value(full_node()).unwrap();
        let kept = super::super::slim_node(serde_json::from_value(full_node()).unwrap());
        assert_eq!(node.0, kept);
        assert_eq!(Watched::<Node>::url_path(&(), None), "/api/v1/nodes");
    }

    fn slim_of(value: serde_json::Value) -> SlimNode {
        serde_json::from_value(value).unwrap()
    }

    fn pods() -> Vec<serde_json::Value> {
        let resources = json!({"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi", "nvidia.com/gpu": "1"}});
        let owner = json!([{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "d1", "controller": true}]);
        let managed = json!([{"manager": "m", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]);
        vec![
            // Plain, with a host port and env the slim decoding skips.
            json!({"metadata": {"name": "web", "namespace": "a", "managedFields": managed, "annotations": {"x": "y"}},
                "spec": {"nodeName": "n1", "containers": [{"name": "main", "image": "i", "resources": resources,
                    "env": [{"name": "E", "value": "v"}],
                    "ports": [{"containerPort": 80, "hostPort": 8080, "hostIP": "10.0.0.1", "protocol": "UDP"}]}]},
                "status": {"phase": "Running", "qosClass": "Burstable"}}),
            // Host network: container ports are host ports; pod-level resources and overhead.
            json!({"metadata": {"name": "net", "namespace": "b"},
                "spec": {"nodeName": "n1", "hostNetwork": true, "overhead": {"cpu": "10m"},
                    "resources": {"limits": {"cpu": "2", "memory": "1Gi"}},
                    "containers": [{"name": "c", "ports": [{"containerPort": 53}]}]}}),
            // Sidecar and plain init containers; resized: allocated and actuated differ.
            json!({"metadata": {"name": "resized", "namespace": "a"},
                "spec": {"nodeName": "n2",
                    "initContainers": [{"name": "side", "restartPolicy": "Always", "resources": resources},
                                       {"name": "init", "resources": {"requests": {"cpu": "3"}}}],
                    "containers": [{"name": "main", "resources": {"requests": {"cpu": "1"}}}]},
                "status": {"phase": "Running",
                    "containerStatuses": [{"name": "main", "image": "i", "imageID": "x", "ready": true, "restartCount": 0,
                        "allocatedResources": {"cpu": "2"}, "resources": {"requests": {"cpu": "1500m"}},
                        "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}],
                    "initContainerStatuses": [{"name": "side", "image": "i", "imageID": "x", "ready": true, "restartCount": 1,
                        "allocatedResources": {"cpu": "200m"}}]}}),
            // An infeasible resize: only allocated and actuated count.
            json!({"metadata": {"name": "infeasible", "namespace": "a"},
                "spec": {"nodeName": "n2", "containers": [{"name": "main", "resources": {"requests": {"cpu": "8"}}}]},
                "status": {"conditions": [{"type": "PodResizePending", "status": "True", "reason": "Infeasible"}],
                    "containerStatuses": [{"name": "main", "image": "i", "imageID": "x", "ready": true, "restartCount": 0,
                        "allocatedResources": {"cpu": "1"}}]}}),
            // DaemonSet pods: bound and ready with a revision; unbound, pinned by affinity; terminating.
            json!({"metadata": {"name": "agent-1", "namespace": "kube-system", "ownerReferences": owner,
                    "labels": {"controller-revision-hash": "abc", "app": "agent"}},
                "spec": {"nodeName": "n1", "containers": [{"name": "a", "resources": resources}]},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}),
            json!({"metadata": {"name": "agent-2", "namespace": "kube-system", "ownerReferences": owner,
                    "labels": {"controller-revision-hash": "def"}},
                "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n3"]}]}]}}},
                    "containers": [{"name": "a", "resources": resources}]},
                "status": {"phase": "Pending"}}),
            json!({"metadata": {"name": "agent-3", "namespace": "kube-system", "ownerReferences": owner,
                    "deletionTimestamp": "2026-01-01T00:00:00Z"},
                "spec": {"nodeName": "n2", "containers": [{"name": "a"}]},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}]}}),
            // Not counted: finished, unbound, no spec.
            json!({"metadata": {"name": "done", "namespace": "a"},
                "spec": {"nodeName": "n1", "containers": [{"name": "c"}]}, "status": {"phase": "Succeeded"}}),
            json!({"metadata": {"name": "pending", "namespace": "a"}, "spec": {"containers": [{"name": "c"}]}}),
            json!({"metadata": {"name": "bare"}}),
        ]
    }

    /// An index in a form that compares: sorted, and printed (it holds private fields).
    fn comparable(index: &PodIndex) -> (usize, Vec<String>, Vec<String>) {
        let mut loads: Vec<String> = index
            .loads
            .iter()
            .map(|(node, load)| format!("{node}: {load:?}"))
            .collect();
        loads.sort();
        let mut owned: Vec<String> = index
            .owned
            .iter()
            .map(|(owner, pods)| format!("{owner:?}: {pods:?}"))
            .collect();
        owned.sort();
        (index.pods, loads, owned)
    }

    #[test]
    fn slim_pods_index_like_full_ones() {
        for (i, pod) in pods().into_iter().enumerate() {
            let full: Pod = serde_json::from_value(pod.clone()).unwrap();
            let slim: SlimPod = serde_json::from_value(pod).unwrap();
            let (mut want, mut got) = (PodIndex::default(), PodIndex::default());
            want.add(&full);
            got.add(&Pod::from(slim));
            assert_eq!(comparable(&got), comparable(&want), "pod {i}");
        }
        let (mut want, mut got) = (PodIndex::default(), PodIndex::default());
        for pod in pods() {
            want.add(&serde_json::from_value(pod.clone()).unwrap());
            got.add(&Pod::from(serde_json::from_value::<SlimPod>(pod).unwrap()));
        }
        assert_eq!(comparable(&got), comparable(&want));
        assert_eq!(got.pods, 7);
    }
}
