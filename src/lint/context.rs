//! What a rule sees: the DaemonSet under check (typed, with positions), the rest of the input,
//! and helpers for the questions many rules ask.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, OnceLock};

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetSpec};
use k8s_openapi::api::core::v1::{Container, HostPathVolumeSource, PodSpec, VolumeMount};
use serde_json::Value;

use super::cluster::ClusterFacts;
use super::{host, IGNORE_ANNOTATION, PRIVILEGED_AGENT_ANNOTATION, PRIVILEGED_AGENT_RULES};
use crate::manifest::{index_path, InputError, Object, Position};
use crate::placement::ports::{self, HostPort};

/// The pod template's spec, where most rules look.
pub const POD: &str = "spec.template.spec";

/// A DaemonSet from the input, ready for the rules.
#[derive(Debug)]
pub struct Subject {
    /// The source object, for positions (its value is released once typed).
    pub object: Object,
    pub ds: DaemonSet,
    /// `apiVersion` as written; the typed object is always read as apps/v1.
    pub api_version: String,
    /// Computed once: cross-object rules compare every DaemonSet with every other.
    host_ports: OnceLock<Vec<(String, HostPort)>>,
}

impl Subject {
    /// `default_namespace`: the namespace in effect for an object written without one.
    pub fn from_object(mut object: Object, default_namespace: &str) -> Result<Subject, InputError> {
        let api_version = object.api_version().to_string();
        let mut value = object.value.clone();
        // Read other apiVersions as apps/v1 so their other fields are still checked; DS112
        // reports the apiVersion itself.
        value["apiVersion"] = Value::String("apps/v1".into());
        let ds = object.typed(value, Some(default_namespace))?;
        // The typed object is what rules read; the raw value would only double the memory.
        object.value = Value::Null;
        Ok(Subject {
            object,
            ds,
            api_version,
            host_ports: OnceLock::new(),
        })
    }

    pub fn pod(&self) -> &PodSpec {
        self.ds.spec.template.spec.as_ref().unwrap_or(&EMPTY_POD)
    }

    /// The host ports its pods claim, with their field paths.
    pub fn host_ports(&self) -> &[(String, HostPort)] {
        self.host_ports
            .get_or_init(|| ports::host_ports(self.pod(), POD))
    }

    /// The template's nodeSelector (empty when none).
    pub fn node_selector(&self) -> &BTreeMap<String, String> {
        self.pod().node_selector.as_ref().unwrap_or(&EMPTY_LABELS)
    }

    /// The labels its pods get (empty when none).
    pub fn pod_labels(&self) -> &BTreeMap<String, String> {
        self.ds
            .spec
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.as_ref())
            .unwrap_or(&EMPTY_LABELS)
    }

    pub fn name(&self) -> &str {
        self.ds.metadata.name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.ds
            .metadata
            .namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
    }

    pub fn file(&self) -> &Arc<str> {
        &self.object.file
    }

    pub fn position_of(&self, path: &str) -> Position {
        self.object.position_of(path)
    }

    fn annotation(&self, key: &str) -> Option<&str> {
        self.ds
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .map(String::as_str)
    }

    /// Why the DaemonSet is a privileged node agent on purpose, as its annotation states it.
    pub fn privileged_agent_reason(&self) -> Option<&str> {
        self.annotation(PRIVILEGED_AGENT_ANNOTATION)
            .map(str::trim)
            .filter(|reason| !reason.is_empty())
    }

    /// Rule IDs or names listed in the ignore annotation, and the host-access rules a
    /// privileged-agent declaration acknowledges.
    pub fn ignored_rules(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .annotation(IGNORE_ANNOTATION)
            .map(|list| {
                list.split([',', ' ', '\n'])
                    .map(str::trim)
                    .filter(|key| !key.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if self.privileged_agent_reason().is_some() {
            keys.extend_from_slice(PRIVILEGED_AGENT_RULES);
        }
        keys
    }
}

/// An object of another kind in the input, kept only as far as rules relate it to DaemonSets.
#[derive(Debug, Clone)]
pub struct OtherObject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub file: Arc<str>,
    pub position: Position,
    /// The labels its pods get, for workloads (Deployment, StatefulSet, ...) and Pods.
    pub pod_labels: Option<BTreeMap<String, String>>,
    /// A Namespace's own labels (its Pod Security level among them).
    pub namespace_labels: Option<BTreeMap<String, String>>,
}

/// The string values of the mapping at `pointer` (empty when there is none).
fn string_map(value: &Value, pointer: &str) -> BTreeMap<String, String> {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl OtherObject {
    pub fn from_object(object: &Object) -> OtherObject {
        let labels_at = match object.kind() {
            "Pod" => Some("/metadata/labels"),
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" | "Job" => {
                Some("/spec/template/metadata/labels")
            }
            _ => None,
        };
        let pod_labels = labels_at.map(|pointer| string_map(&object.value, pointer));
        let namespace_labels =
            (object.kind() == "Namespace").then(|| string_map(&object.value, "/metadata/labels"));
        OtherObject {
            kind: object.kind().to_string(),
            name: object.name().to_string(),
            namespace: object.namespace().map(str::to_string),
            file: object.file.clone(),
            position: object.position(),
            pod_labels,
            namespace_labels,
        }
    }

    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.position.line)
    }
}

/// Everything the input held.
#[derive(Debug, Default)]
pub struct Input {
    pub daemonsets: Vec<Subject>,
    pub others: Vec<OtherObject>,
    /// Namespace for objects that name none: `-n`, the context's, or "default".
    pub default_namespace: String,
}

impl Input {
    pub fn new(default_namespace: &str) -> Self {
        Self {
            default_namespace: default_namespace.to_string(),
            ..Self::default()
        }
    }

    /// Adds one object: DaemonSets are typed for the rules, others summarised.
    pub fn add(&mut self, object: Object) -> Result<(), InputError> {
        if object.kind() == "DaemonSet" {
            self.daemonsets
                .push(Subject::from_object(object, &self.default_namespace)?);
        } else {
            self.others.push(OtherObject::from_object(&object));
        }
        Ok(())
    }

    pub fn namespace_of<'a>(&'a self, subject: &'a Subject) -> &'a str {
        subject.namespace().unwrap_or(&self.default_namespace)
    }
}

/// A container with the path it was written at.
pub struct ContainerRef<'a> {
    pub path: String,
    pub container: &'a Container,
    pub init: bool,
}

impl<'a> ContainerRef<'a> {
    pub fn name(&self) -> &'a str {
        &self.container.name
    }

    /// How messages name it: `container "agent"` or `init container "setup"`.
    pub fn label(&self) -> String {
        let kind = if self.init {
            "init container"
        } else {
            "container"
        };
        format!("{kind} {:?}", self.container.name)
    }

    pub fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    pub fn is_privileged(&self) -> bool {
        self.container
            .security_context
            .as_ref()
            .and_then(|s| s.privileged)
            == Some(true)
    }

    /// Capabilities it adds, as written.
    pub fn added_capabilities(&self) -> &'a [String] {
        self.container
            .security_context
            .as_ref()
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|c| c.add.as_deref())
            .unwrap_or_default()
    }
}

/// A container's mount of a hostPath volume.
pub struct HostMount<'a> {
    /// Index in the container's volumeMounts.
    pub index: usize,
    pub mount: &'a VolumeMount,
    pub source: &'a HostPathVolumeSource,
    /// The host path, normalised.
    pub path: String,
}

impl HostMount<'_> {
    pub fn writable(&self) -> bool {
        self.mount.read_only != Some(true)
    }

    pub fn bidirectional(&self) -> bool {
        self.mount.mount_propagation.as_deref() == Some("Bidirectional")
    }
}

static EMPTY_POD: LazyLock<PodSpec> = LazyLock::new(PodSpec::default);
static EMPTY_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// One rule's view: the DaemonSet under check and everything around it.
pub struct Ctx<'a> {
    pub subject: &'a Subject,
    pub input: &'a Input,
    pub cluster: Option<&'a ClusterFacts>,
}

impl<'a> Ctx<'a> {
    pub fn ds(&self) -> &'a DaemonSet {
        &self.subject.ds
    }

    pub fn spec(&self) -> &'a DaemonSetSpec {
        &self.subject.ds.spec
    }

    pub fn pod(&self) -> &'a PodSpec {
        self.subject.pod()
    }

    pub fn namespace(&self) -> &'a str {
        self.input.namespace_of(self.subject)
    }

    /// Init containers, then containers.
    pub fn containers(&self) -> Vec<ContainerRef<'a>> {
        let pod = self.pod();
        let init = pod
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| ContainerRef {
                path: index_path(&format!("{POD}.initContainers"), i),
                container: c,
                init: true,
            });
        let main = pod
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| ContainerRef {
                path: index_path(&format!("{POD}.containers"), i),
                container: c,
                init: false,
            });
        init.chain(main).collect()
    }

    /// Only the long-running containers.
    pub fn main_containers(&self) -> Vec<ContainerRef<'a>> {
        self.containers().into_iter().filter(|c| !c.init).collect()
    }

    /// `RollingUpdate` unless the manifest says otherwise (the API default).
    pub fn strategy_type(&self) -> &'a str {
        self.spec()
            .update_strategy
            .as_ref()
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
    }

    /// The hostPath volumes a container mounts, in its volumeMounts order.
    pub fn host_mounts(&self, container: &ContainerRef<'a>) -> Vec<HostMount<'a>> {
        let volumes = self.pod().volumes.as_deref().unwrap_or_default();
        container
            .container
            .volume_mounts
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(index, mount)| {
                let source = volumes
                    .iter()
                    .find(|v| v.name == mount.name)?
                    .host_path
                    .as_ref()?;
                Some(HostMount {
                    index,
                    mount,
                    source,
                    path: host::normalise(&source.path),
                })
            })
            .collect()
    }

    /// Why this DaemonSet is a node agent (it reaches into the host), or `None`.
    pub fn node_agent_reason(&self) -> Option<String> {
        let pod = self.pod();
        if pod.host_network == Some(true) {
            return Some("hostNetwork: true".into());
        }
        if pod.host_pid == Some(true) {
            return Some("hostPID: true".into());
        }
        let containers = self.containers();
        if let Some(c) = containers.iter().find(|c| c.is_privileged()) {
            return Some(format!("{} is privileged", c.label()));
        }
        if let Some(h) = pod
            .volumes
            .iter()
            .flatten()
            .find_map(|v| v.host_path.as_ref())
        {
            return Some(format!("hostPath {}", h.path));
        }
        self.subject
            .host_ports()
            .first()
            .map(|(_, port)| format!("host port {port}"))
    }

    /// Why the node cannot do without this agent, or `None`: it is system-node-critical, or it
    /// is the node's CNI plugin or registers a kubelet plugin (storage, devices).
    pub fn node_critical_reason(&self) -> Option<&'static str> {
        if self.pod().priority_class_name.as_deref() == Some("system-node-critical") {
            return Some("it is system-node-critical");
        }
        if self.is_cni_plugin() {
            return Some("it is the node's CNI plugin");
        }
        let registers = self.mounts_within(
            &[
                "/var/lib/kubelet/plugins_registry",
                "/var/lib/kubelet/device-plugins",
            ],
            false,
        );
        registers.then_some("it registers a kubelet plugin (storage or devices)")
    }

    /// Whether it installs the node's CNI configuration or binaries.
    pub fn is_cni_plugin(&self) -> bool {
        self.mounts_within(&["/etc/cni/net.d", "/opt/cni/bin"], true)
    }

    /// Whether a container mounts a host path at or below one of `roots` (writable, if asked).
    fn mounts_within(&self, roots: &[&str], writable: bool) -> bool {
        self.containers().iter().any(|c| {
            self.host_mounts(c).iter().any(|m| {
                (!writable || m.writable())
                    && roots.iter().any(|root| host::is_within(&m.path, root))
            })
        })
    }
}
