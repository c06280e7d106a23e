//! Image pre-pull without I/O: the helper pod that gets a new template's images onto one node
//! without running anything of the agent, what its status says about the pull, and the tally of
//! a wave's nodes as their helper pods report.
//!
//! The helper is a bare pod pinned to its node by `spec.nodeName` (no scheduler, so it lands on
//! exactly the nodes asked for; NoSchedule taints do not apply, the kubelet only checks NoExecute
//! ones, hence the template's tolerations). It has one container per distinct image, each with a
//! command that does not exist: the kubelet pulls the image, then creating or starting the
//! container fails, and nothing of the image ever runs. Pre-pullers that run a command in the
//! image (kube-fledged copies busybox's `echo` in through an init container) need a helper image
//! from a registry; ones that talk to the CRI (OpenKruise) need a daemon on every node. A
//! command that cannot start needs neither.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerStatus, Pod, PodSecurityContext, PodSpec, PodTemplateSpec,
    SeccompProfile, SecurityContext, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde::{Deserialize, Serialize};

use crate::daemonset::selector;

/// The label naming the DaemonSet a helper pod pre-pulls for (its name, shortened with a hash
/// past the 63 characters a label value holds).
pub const PREPULL_LABEL: &str = "rollout.kubectl-ds.io/prepull-for";
/// The label with the revision hash whose images a helper pod pulls.
pub const REVISION_LABEL: &str = "rollout.kubectl-ds.io/prepull-revision";
const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
const MANAGED_BY: &str = "kubectl-ds";
/// A path no image has: the container fails to be created or started, after its image is pulled.
pub const NO_COMMAND: &str = "/.kubectl-ds-prepull";
/// How long the kubelet lets a helper pod live past the pre-pull's timeout, should nobody delete
/// it (the plugin killed): its own end, so a leftover stops pulling and retrying.
const DEADLINE_MARGIN_SECONDS: i64 = 60;

/// The waiting reasons of a container whose image is not there yet: nothing happened yet, or the
/// sandbox or an init container is still being set up.
const NOT_YET: &[&str] = &["", "ContainerCreating", "PodInitializing"];
/// The waiting reasons the kubelet gives when getting the image failed (`pkg/kubelet/images`);
/// RegistryUnavailable and SignatureValidationFailed come from the CRI.
const PULL_FAILED: &[&str] = &[
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "ErrImageNeverPull",
    "ImageInspectError",
    "ErrImageNotEnsured",
    "RegistryUnavailable",
    "SignatureValidationFailed",
];
/// What the kubelet writes over the state of a container that never existed when the pod ended
/// (deadline exceeded, evicted): the image was never pulled.
const NEVER_EXISTED: &str = "ContainerStatusUnknown";

/// How pre-pulling before each wave is set up; recorded with the rollout state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrepullOptions {
    /// How long a wave waits for its nodes to have the images before it goes on without them.
    pub timeout_seconds: i64,
}

/// What a helper pod's status says about its node's images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullStatus {
    Pulling,
    /// Every image is on the node.
    Pulled,
    /// An image could not be pulled, or the kubelet refused the pod; why, in one line.
    Failed(String),
}

/// The distinct images of a template, in the order the kubelet pulls them: init containers
/// (sidecars included) first, then containers. Ephemeral containers are never in a template.
pub fn images_of(template: &PodTemplateSpec) -> Vec<String> {
    pulls_of(template)
        .into_iter()
        .map(|pull| pull.image)
        .collect()
}

/// One image to pull: the first container that has it names the helper's container, and the
/// policy that pulls most wins (`Always` over the default over `IfNotPresent` over `Never`).
struct Pull {
    image: String,
    name: String,
    policy: Option<String>,
}

fn pulls_of(template: &PodTemplateSpec) -> Vec<Pull> {
    let Some(spec) = template.spec.as_ref() else {
        return Vec::new();
    };
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .chain(&spec.containers);
    let mut pulls: Vec<Pull> = Vec::new();
    for container in containers {
        let Some(image) = container.image.as_ref().filter(|i| !i.is_empty()) else {
            continue;
        };
        let policy = container.image_pull_policy.clone();
        match pulls.iter_mut().find(|p| &p.image == image) {
            Some(pull) if eagerness(&policy) > eagerness(&pull.policy) => pull.policy = policy,
            Some(_) => {}
            None => pulls.push(Pull {
                image: image.clone(),
                name: container.name.clone(),
                policy,
            }),
        }
    }
    pulls
}

fn eagerness(policy: &Option<String>) -> u8 {
    match policy.as_deref() {
        Some("Always") => 3,
        None => 2,
        Some("IfNotPresent") => 1,
        _ => 0,
    }
}

/// The label selector of every helper pod of the DaemonSet `ds_name`, whatever the revision.
pub fn helper_selector(ds_name: &str) -> String {
    format!("{PREPULL_LABEL}={}", label_value(ds_name))
}

/// The helper pod's name for `node`: `<daemonset>-prepull-<hash of the node name>`, at most 63
/// characters (the DaemonSet's name is cut to fit). The same on every call, so creating it again
/// finds the one there.
pub fn helper_name(ds_name: &str, node: &str) -> String {
    let hash = format!("{:016x}", fnv1a(node));
    let room = 63 - "-prepull-".len() - hash.len();
    format!("{}-prepull-{hash}", cut(ds_name, room))
}

/// `name` as a label value: itself when it fits in 63 characters, else its start and a hash.
fn label_value(name: &str) -> String {
    if name.len() <= 63 {
        return name.to_string();
    }
    let hash = format!("{:016x}", fnv1a(name));
    format!("{}-{hash}", cut(name, 63 - 1 - hash.len()))
}

/// At most `max` bytes of a DNS name, without a trailing `-` or `.` (which would end a label).
fn cut(name: &str, max: usize) -> &str {
    let end = name
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| end <= max)
        .last()
        .unwrap_or(0);
    name[..end].trim_end_matches(['-', '.'])
}

/// 64-bit FNV-1a: stable across builds and platforms, unlike std's hasher, so names computed by
/// one version of the plugin are found by the next.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Why the DaemonSet controller would take helper pods for its own, if it would: a selector that
/// matches the helper's labels (only `NotIn`/`DoesNotExist` terms can) makes it adopt them and
/// then delete them as a second pod on the node.
pub fn adoption_risk(ds: &DaemonSet) -> Option<String> {
    let name = ds.metadata.name.as_deref().unwrap_or_default();
    let namespace = ds.metadata.namespace.as_deref().unwrap_or_default();
    let labels = helper_labels(name, "");
    let selector = &ds.spec.selector;
    match selector::matches(selector, &labels) {
        Ok(false) => None,
        Ok(true) => Some(format!(
            "the selector of daemonset {namespace}/{name} ({}) matches the pre-pull helper pods' labels, so its controller would adopt them; images are not pre-pulled",
            selector::describe(selector)
        )),
        Err(e) => Some(format!(
            "the selector of daemonset {namespace}/{name} cannot be evaluated ({e}); images are not pre-pulled"
        )),
    }
}

fn helper_labels(ds_name: &str, target_hash: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (MANAGED_BY_LABEL.to_string(), MANAGED_BY.to_string()),
        (PREPULL_LABEL.to_string(), label_value(ds_name)),
        (REVISION_LABEL.to_string(), target_hash.to_string()),
    ])
}

/// The helper pod that pulls `template`'s images onto `node`. Of the agent it keeps only what
/// decides where and how images are pulled: images and pull policies, pull secrets and service
/// account (registry credentials, including a service account's pull secrets and credential
/// providers that use its token), tolerations (NoExecute taints are checked by the kubelet),
/// runtime class, OS and the host network (when the agent uses it). No volumes, other host namespaces, privileges, env, resources or priority
/// class: a priority class could make the kubelet evict other pods to admit it, and resources
/// could keep it off a full node, where a pod without requests always fits.
pub fn helper_pod(
    ds: &DaemonSet,
    template: &PodTemplateSpec,
    node: &str,
    target_hash: &str,
    options: &PrepullOptions,
) -> Pod {
    let ds_name = ds.metadata.name.clone().unwrap_or_default();
    let agent = template.spec.clone().unwrap_or_default();
    let windows = agent.os.as_ref().is_some_and(|os| os.name == "windows");
    let containers = pulls_of(template)
        .into_iter()
        .map(|pull| helper_container(pull, windows))
        .collect();
    let mut tolerations = agent.tolerations.unwrap_or_default();
    // As the DaemonSet controller gives its pods: under memory pressure the kubelet admits a pod
    // without requests only if it tolerates that taint.
    tolerations.push(Toleration {
        key: Some("node.kubernetes.io/memory-pressure".to_string()),
        operator: Some("Exists".to_string()),
        effect: Some("NoSchedule".to_string()),
        ..Toleration::default()
    });
    let spec = PodSpec {
        node_name: Some(node.to_string()),
        containers,
        restart_policy: Some("Never".to_string()),
        termination_grace_period_seconds: Some(0),
        active_deadline_seconds: Some(
            (options.timeout_seconds.max(0)).saturating_add(DEADLINE_MARGIN_SECONDS),
        ),
        automount_service_account_token: Some(false),
        service_account_name: agent.service_account_name,
        image_pull_secrets: agent.image_pull_secrets,
        tolerations: Some(tolerations),
        runtime_class_name: agent.runtime_class_name,
        // A network agent (CNI) runs in the host's network: where pod networking depends on it
        // a sandbox of its own might not start, so the helper shares the host's network too.
        host_network: agent.host_network.filter(|on| *on),
        security_context: Some(pod_security(windows)),
        os: agent.os,
        ..PodSpec::default()
    };
    Pod {
        metadata: ObjectMeta {
            name: Some(helper_name(&ds_name, node)),
            namespace: ds.metadata.namespace.clone(),
            labels: Some(helper_labels(&ds_name, target_hash)),
            owner_references: owner(ds).map(|o| vec![o]),
            ..ObjectMeta::default()
        },
        spec: Some(spec),
        status: None,
    }
}

/// Whether `found`, the pod under a helper's name, is the helper `wanted`: for the same node,
/// revision and DaemonSet, and not being deleted. Another is a leftover of an earlier pre-pull.
pub fn is_same_helper(found: &Pod, wanted: &Pod) -> bool {
    let revision = |p: &Pod| p.metadata.labels.as_ref()?.get(REVISION_LABEL).cloned();
    let node = |p: &Pod| p.spec.as_ref()?.node_name.clone();
    let owner = |p: &Pod| Some(p.metadata.owner_references.as_ref()?.first()?.uid.clone());
    found.metadata.deletion_timestamp.is_none()
        && revision(found) == revision(wanted)
        && node(found) == node(wanted)
        && owner(found) == owner(wanted)
}

/// A reference that lets the garbage collector delete leftovers with the DaemonSet, without
/// making it their controller (the controller only looks at pods it controls).
fn owner(ds: &DaemonSet) -> Option<OwnerReference> {
    Some(OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: "DaemonSet".to_string(),
        name: ds.metadata.name.clone()?,
        uid: ds.metadata.uid.clone()?,
        controller: Some(false),
        block_owner_deletion: Some(false),
    })
}

/// Restricted by Pod Security's strictest profile, so any namespace admits it. Windows pods may
/// not set the Linux-only fields.
fn pod_security(windows: bool) -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        seccomp_profile: (!windows).then(|| SeccompProfile {
            type_: "RuntimeDefault".to_string(),
            ..SeccompProfile::default()
        }),
        ..PodSecurityContext::default()
    }
}

fn helper_container(pull: Pull, windows: bool) -> Container {
    let security_context = (!windows).then(|| SecurityContext {
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_string()]),
            add: None,
        }),
        ..SecurityContext::default()
    });
    Container {
        name: pull.name,
        image: Some(pull.image),
        image_pull_policy: pull.policy,
        command: Some(vec![NO_COMMAND.to_string()]),
        security_context,
        ..Container::default()
    }
}

/// What the helper pod's status says: `Pulled` once every container got past its image (running
/// or ended, whatever the exit; waiting for any reason but the sandbox or a pull; or with an image
/// ID), `Failed` on a pull error or a pod the kubelet ended before that (refused at admission,
/// evicted, past its deadline), else `Pulling`.
pub fn pull_status(pod: &Pod) -> PullStatus {
    let status = pod.status.clone().unwrap_or_default();
    let statuses = status.container_statuses.unwrap_or_default();
    let wanted = pod.spec.as_ref().map_or(0, |s| s.containers.len());
    let mut pulled = 0;
    for container in &statuses {
        match container_pull(pod, container) {
            PullStatus::Pulled => pulled += 1,
            PullStatus::Failed(why) => return PullStatus::Failed(why),
            PullStatus::Pulling => {}
        }
    }
    if wanted > 0 && pulled >= wanted {
        return PullStatus::Pulled;
    }
    if status.phase.as_deref() == Some("Failed") {
        let why = [status.reason, status.message]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        return PullStatus::Failed(match why.is_empty() {
            true => "the pod failed before the images were pulled".to_string(),
            false => crate::error::one_line(&why),
        });
    }
    PullStatus::Pulling
}

fn container_pull(pod: &Pod, container: &ContainerStatus) -> PullStatus {
    if !container.image_id.is_empty() {
        return PullStatus::Pulled;
    }
    let state = container.state.clone().unwrap_or_default();
    if state.running.is_some() {
        return PullStatus::Pulled;
    }
    if let Some(ended) = state.terminated {
        return match ended.reason.as_deref() == Some(NEVER_EXISTED) {
            true => PullStatus::Pulling,
            false => PullStatus::Pulled,
        };
    }
    let waiting = state.waiting.unwrap_or_default();
    let reason = waiting.reason.unwrap_or_default();
    if NOT_YET.contains(&reason.as_str()) {
        return PullStatus::Pulling;
    }
    if !PULL_FAILED.contains(&reason.as_str()) {
        return PullStatus::Pulled;
    }
    let image = spec_image(pod, &container.name).unwrap_or(&container.image);
    let why = match waiting.message.filter(|m| !m.is_empty()) {
        Some(message) => format!("image {image}: {reason}: {message}"),
        None => format!("image {image}: {reason}"),
    };
    PullStatus::Failed(crate::error::one_line(&why))
}

/// What pre-pulling reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepullEvent {
    /// Helper pods are being created on these nodes.
    Started { nodes: Vec<String> },
    /// The node has every image.
    Pulled { node: String },
    /// The node will not get the images this way; why, in one line.
    Failed { node: String, why: String },
    /// The timeout passed with these nodes still pulling.
    TimedOut { nodes: Vec<String> },
}

/// Where each node of a pre-pull ended, by node name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrepullOutcome {
    pub pulled: Vec<String>,
    /// Each node with why.
    pub failed: Vec<(String, String)>,
    pub timed_out: Vec<String>,
}

/// The nodes of one pre-pull and where each stands, fed with the helper pods as they are seen.
/// A node's first decision (pulled or failed) is final.
#[derive(Debug, Clone)]
pub struct Tally {
    namespace: String,
    target_hash: String,
    /// Helper pod name → node.
    nodes_by_pod: BTreeMap<String, String>,
    status: BTreeMap<String, PullStatus>,
}

impl Tally {
    pub fn new(ds: &DaemonSet, target_hash: &str, nodes: &[String]) -> Self {
        let ds_name = ds.metadata.name.as_deref().unwrap_or_default();
        Tally {
            namespace: ds.metadata.namespace.clone().unwrap_or_default(),
            target_hash: target_hash.to_string(),
            nodes_by_pod: nodes
                .iter()
                .map(|node| (helper_name(ds_name, node), node.clone()))
                .collect(),
            status: nodes
                .iter()
                .map(|node| (node.clone(), PullStatus::Pulling))
                .collect(),
        }
    }

    /// A helper pod as it is now; the event when it decides its node.
    pub fn seen(&mut self, pod: &Pod) -> Option<PrepullEvent> {
        let revision = pod.metadata.labels.as_ref()?.get(REVISION_LABEL)?;
        if revision != &self.target_hash {
            return None;
        }
        let node = self.node_of(pod)?;
        match pull_status(pod) {
            PullStatus::Pulling => None,
            decided => self.decide(node, decided),
        }
    }

    /// A helper pod deleted before its node was decided (by someone else, or evicted).
    pub fn gone(&mut self, pod: &Pod) -> Option<PrepullEvent> {
        self.lost(pod.metadata.name.as_deref()?)
    }

    /// The complete set of helper pods after a (re-)list: each one seen, those missing gone.
    pub fn listed<P: std::borrow::Borrow<Pod>>(&mut self, pods: &[P]) -> Vec<PrepullEvent> {
        let mut events: Vec<PrepullEvent> =
            pods.iter().filter_map(|p| self.seen(p.borrow())).collect();
        let missing: Vec<String> = self
            .nodes_by_pod
            .keys()
            .filter(|name| {
                !pods
                    .iter()
                    .any(|p| p.borrow().metadata.name.as_ref() == Some(*name))
            })
            .cloned()
            .collect();
        events.extend(missing.iter().filter_map(|name| self.lost(name)));
        events
    }

    /// Whether every node is decided.
    pub fn settled(&self) -> bool {
        !self.status.values().any(|s| *s == PullStatus::Pulling)
    }

    /// Ends the wait: the outcome, and the event for the nodes still pulling, if any.
    pub fn finish(self) -> (PrepullOutcome, Option<PrepullEvent>) {
        let mut outcome = PrepullOutcome::default();
        for (node, status) in self.status {
            match status {
                PullStatus::Pulled => outcome.pulled.push(node),
                PullStatus::Failed(why) => outcome.failed.push((node, why)),
                PullStatus::Pulling => outcome.timed_out.push(node),
            }
        }
        let event = (!outcome.timed_out.is_empty()).then(|| PrepullEvent::TimedOut {
            nodes: outcome.timed_out.clone(),
        });
        (outcome, event)
    }

    /// The node of a helper pod of this pre-pull, while it is still undecided.
    fn node_of(&self, pod: &Pod) -> Option<String> {
        let node = self.nodes_by_pod.get(pod.metadata.name.as_deref()?)?;
        (self.status.get(node) == Some(&PullStatus::Pulling)).then(|| node.clone())
    }

    fn lost(&mut self, name: &str) -> Option<PrepullEvent> {
        let node = self.nodes_by_pod.get(name)?.clone();
        if self.status.get(&node) != Some(&PullStatus::Pulling) {
            return None;
        }
        let why = format!(
            "pod {}/{name} was deleted before the images were pulled (by someone else, or evicted for a NoExecute taint)",
            self.namespace
        );
        self.decide(node, PullStatus::Failed(why))
    }

    fn decide(&mut self, node: String, status: PullStatus) -> Option<PrepullEvent> {
        let event = match &status {
            PullStatus::Pulling => return None,
            PullStatus::Pulled => PrepullEvent::Pulled { node: node.clone() },
            PullStatus::Failed(why) => PrepullEvent::Failed {
                node: node.clone(),
                why: why.clone(),
            },
        };
        self.status.insert(node, status);
        Some(event)
    }
}

/// The image as the template names it (the status has the runtime's normalized name).
fn spec_image<'a>(pod: &'a Pod, container: &str) -> Option<&'a str> {
    pod.spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == container)?
        .image
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn daemonset(selector: Value) -> DaemonSet {
        serde_json::from_value(json!({
            "metadata": {"name": "agent", "namespace": "ops", "uid": "ds-uid"},
            "spec": {"selector": selector, "template": {"spec": {"containers": []}}},
        }))
        .expect("a valid DaemonSet")
    }

    fn template(spec: Value) -> PodTemplateSpec {
        serde_json::from_value(json!({"metadata": {"labels": {"app": "agent"}}, "spec": spec}))
            .expect("a valid template")
    }

    /// The template of a realistic agent: a sidecar, an init container, host access.
    fn agent_template() -> PodTemplateSpec {
        template(json!({
            "initContainers": [
                {"name": "setup", "image": "registry.example/setup:1", "command": ["sh", "-c", "cp /x /host"]},
                {"name": "proxy", "image": "registry.example/proxy:3", "restartPolicy": "Always"},
            ],
            "containers": [
                {"name": "agent", "image": "registry.example/agent:2", "imagePullPolicy": "IfNotPresent",
                 "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                 "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}},
                 "securityContext": {"privileged": true},
                 "volumeMounts": [{"name": "root", "mountPath": "/host"}]},
                {"name": "exporter", "image": "registry.example/agent:2", "imagePullPolicy": "Always"},
            ],
            "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
            "hostNetwork": true,
            "hostPID": true,
            "priorityClassName": "system-node-critical",
            "serviceAccountName": "agent",
            "imagePullSecrets": [{"name": "registry"}],
            "tolerations": [{"operator": "Exists"}],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "runtimeClassName": "runc",
        }))
    }

    fn options() -> PrepullOptions {
        PrepullOptions {
            timeout_seconds: 300,
        }
    }

    fn helper(node: &str) -> Pod {
        helper_pod(
            &daemonset(json!({"matchLabels": {"app": "agent"}})),
            &agent_template(),
            node,
            "5d4f8b9c7",
            &options(),
        )
    }

    #[test]
    fn images_are_the_distinct_ones_of_init_containers_then_containers() {
        let cases = [
            (
                agent_template(),
                vec![
                    "registry.example/setup:1",
                    "registry.example/proxy:3",
                    "registry.example/agent:2",
                ],
            ),
            (
                template(
                    json!({"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "x:1"}]}),
                ),
                vec!["x:1"],
            ),
            (
                template(json!({"containers": [{"name": "a", "image": ""}, {"name": "b"}]})),
                vec![],
            ),
            (PodTemplateSpec::default(), vec![]),
        ];
        for (template, want) in cases {
            assert_eq!(images_of(&template), want);
        }
    }

    #[test]
    fn the_policy_that_pulls_most_wins_for_a_shared_image() {
        let policy = |p: Option<&str>| p.map_or(json!(null), |p| json!(p));
        let cases = [
            (Some("IfNotPresent"), Some("Always"), Some("Always")),
            (Some("Always"), Some("IfNotPresent"), Some("Always")),
            (Some("IfNotPresent"), None, None),
            (Some("Never"), Some("IfNotPresent"), Some("IfNotPresent")),
            (Some("Never"), Some("Never"), Some("Never")),
        ];
        for (first, second, want) in cases {
            let template = template(json!({"containers": [
                {"name": "a", "image": "x:1", "imagePullPolicy": policy(first)},
                {"name": "b", "image": "x:1", "imagePullPolicy": policy(second)},
            ]}));
            let pulls = pulls_of(&template);
            assert_eq!(pulls.len(), 1);
            assert_eq!(
                (pulls[0].name.as_str(), pulls[0].policy.as_deref()),
                ("a", want),
                "{first:?} {second:?}"
            );
        }
    }

    #[test]
    fn the_helper_pod_pulls_the_images_on_its_node_and_runs_nothing_of_the_agent() {
        let pod = serde_json::to_value(helper("kds-node-1")).expect("serializable");
        let name = helper_name("agent", "kds-node-1");
        let no_command = |name: &str, image: &str, policy: Value| {
            let mut container = json!({
                "name": name, "image": image, "command": [NO_COMMAND],
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
            });
            if !policy.is_null() {
                container["imagePullPolicy"] = policy;
            }
            container
        };
        assert_eq!(
            pod,
            json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": "ops",
                    "labels": {
                        "app.kubernetes.io/managed-by": "kubectl-ds",
                        "rollout.kubectl-ds.io/prepull-for": "agent",
                        "rollout.kubectl-ds.io/prepull-revision": "5d4f8b9c7",
                    },
                    "ownerReferences": [{
                        "apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "ds-uid",
                        "controller": false, "blockOwnerDeletion": false,
                    }],
                },
                "spec": {
                    "nodeName": "kds-node-1",
                    "containers": [
                        no_command("setup", "registry.example/setup:1", json!(null)),
                        no_command("proxy", "registry.example/proxy:3", json!(null)),
                        no_command("agent", "registry.example/agent:2", json!("Always")),
                    ],
                    "restartPolicy": "Never",
                    "terminationGracePeriodSeconds": 0,
                    "activeDeadlineSeconds": 360,
                    "automountServiceAccountToken": false,
                    "serviceAccountName": "agent",
                    "hostNetwork": true,
                    "imagePullSecrets": [{"name": "registry"}],
                    "tolerations": [
                        {"operator": "Exists"},
                        {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
                    ],
                    "runtimeClassName": "runc",
                    "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                },
            })
        );
    }

    #[test]
    fn a_windows_helper_sets_no_linux_only_security_fields() {
        let template = template(json!({
            "os": {"name": "windows"},
            "containers": [{"name": "agent", "image": "registry.example/agent-win:2"}],
        }));
        let ds = daemonset(json!({"matchLabels": {"app": "agent"}}));
        let pod = serde_json::to_value(helper_pod(&ds, &template, "win-1", "h", &options()))
            .expect("serializable");
        assert_eq!(pod["spec"]["os"], json!({"name": "windows"}));
        assert_eq!(
            pod["spec"]["securityContext"],
            json!({"runAsNonRoot": true})
        );
        assert_eq!(pod["spec"]["containers"][0].get("securityContext"), None);
    }

    #[test]
    fn helper_names_are_stable_short_and_distinct_per_node() {
        let long = "a".repeat(60);
        let dotted = format!("{}.-x", "b".repeat(36));
        for ds in ["agent", long.as_str(), dotted.as_str()] {
            let name = helper_name(ds, "kds-node-1");
            assert!(name.len() <= 63, "{name}");
            assert!(!name.contains(".-") && !name.contains("--"), "{name}");
            assert_eq!(name, helper_name(ds, "kds-node-1"));
            assert_ne!(name, helper_name(ds, "kds-node-2"));
        }
        assert_eq!(
            helper_name("agent", "kds-node-1"),
            format!("agent-prepull-{:016x}", fnv1a("kds-node-1"))
        );
        // Known FNV-1a 64 values, so a change of the function (and of every name) is noticed.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_selector_names_the_daemonset_in_a_valid_label_value() {
        assert_eq!(
            helper_selector("agent"),
            "rollout.kubectl-ds.io/prepull-for=agent"
        );
        let long = format!("{}.y", "x".repeat(70));
        let value = label_value(&long);
        assert!(value.len() <= 63 && value.starts_with("xxx"), "{value}");
        assert_eq!(helper_selector(&long), format!("{PREPULL_LABEL}={value}"));
        assert_ne!(
            label_value(&long),
            label_value(&format!("{}.z", "x".repeat(70)))
        );
    }

    #[test]
    fn only_a_selector_that_matches_the_helpers_labels_is_an_adoption_risk() {
        let cases = [
            (json!({"matchLabels": {"app": "agent"}}), false),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["agent"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "Near"}]}),
                true,
            ),
        ];
        for (selector, risky) in cases {
            let why = adoption_risk(&daemonset(selector.clone()));
            assert_eq!(why.is_some(), risky, "{selector}: {why:?}");
        }
    }

    #[test]
    fn a_helper_pod_never_carries_the_daemonsets_selector_labels() {
        let selector = daemonset(json!({"matchLabels": {"app": "agent"}}))
            .spec
            .selector;
        let labels = helper("n").metadata.labels.expect("labels");
        assert_eq!(selector::matches(&selector, &labels), Ok(false));
    }

    /// A helper pod on kds-node-1 (containers setup, proxy, agent) with `status` as a kubelet
    /// reported it.
    fn reported(status: Value) -> Pod {
        let mut pod = helper("kds-node-1");
        pod.status = Some(serde_json::from_value(status).expect("a valid pod status"));
        pod
    }

    fn waiting(name: &str, image: &str, reason: &str, message: Option<&str>) -> Value {
        let mut state = json!({"reason": reason});
        if let Some(message) = message {
            state["message"] = json!(message);
        }
        json!({"name": name, "state": {"waiting": state}, "lastState": {}, "ready": false,
               "restartCount": 0, "image": image, "imageID": "", "started": false})
    }

    fn start_error(name: &str, image: &str, digest: &str) -> Value {
        json!({"name": name, "state": {"terminated": {"exitCode": 128, "reason": "StartError",
                 "message": "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"/.kubectl-ds-prepull\": stat /.kubectl-ds-prepull: no such file or directory: unknown",
                 "startedAt": "1970-01-01T00:00:00Z", "finishedAt": "2026-12-03T10:00:04Z",
                 "containerID": "containerd://4f1c2b7e"}},
               "lastState": {}, "ready": false, "restartCount": 0, "image": image,
               "imageID": format!("{}@sha256:{digest}", image.split(':').next().unwrap_or_default()),
               "containerID": "containerd://4f1c2b7e", "started": false})
    }

    fn running(name: &str, image: &str) -> Value {
        json!({"name": name, "state": {"running": {"startedAt": "2026-12-03T10:00:03Z"}}, "lastState": {},
               "ready": true, "restartCount": 0, "image": image,
               "imageID": format!("{image}@sha256:9b2a"), "containerID": "containerd://77aa", "started": true})
    }

    fn pending(containers: Vec<Value>) -> Value {
        json!({"phase": "Pending", "hostIP": "10.0.0.11", "podIP": "10.244.1.7", "startTime": "2026-12-03T10:00:00Z",
               "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
               "containerStatuses": containers})
    }

    #[test]
    fn pull_status_reads_what_the_kubelet_reports() {
        let (setup, proxy, agent) = (
            "registry.example/setup:1",
            "registry.example/proxy:3",
            "registry.example/agent:2",
        );
        let all_creating = pending(vec![
            waiting("agent", agent, "ContainerCreating", None),
            waiting("proxy", proxy, "ContainerCreating", None),
            waiting("setup", setup, "ContainerCreating", None),
        ]);
        let cases = [
            ("accepted, not yet seen by the kubelet", json!({"phase": "Pending"}), PullStatus::Pulling),
            ("sandbox being created", all_creating, PullStatus::Pulling),
            ("one pulled, the others still pulling", pending(vec![
                waiting("agent", agent, "ContainerCreating", None),
                start_error("proxy", proxy, "11aa"),
                waiting("setup", setup, "ContainerCreating", None),
            ]), PullStatus::Pulling),
            ("pulled, then the missing command fails to start", json!({"phase": "Failed",
                "containerStatuses": [start_error("agent", agent, "aa01"), start_error("proxy", proxy, "bb02"), start_error("setup", setup, "cc03")]}),
                PullStatus::Pulled),
            ("pulled, and running (a runtime that does not run commands)", json!({"phase": "Running",
                "containerStatuses": [running("agent", agent), running("proxy", proxy), running("setup", setup)]}),
                PullStatus::Pulled),
            ("pulled, refused as root by runAsNonRoot", pending(vec![
                waiting("agent", agent, "CreateContainerConfigError", Some("container has runAsNonRoot and image will run as root (pod: \"agent-prepull-1_ops(0d9e)\", container: agent)")),
                start_error("proxy", proxy, "bb02"),
                waiting("setup", setup, "CreateContainerConfigError", Some("container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root")),
            ]), PullStatus::Pulled),
            ("an image not found", pending(vec![
                start_error("setup", setup, "cc03"),
                start_error("proxy", proxy, "bb02"),
                waiting("agent", agent, "ErrImagePull", Some("rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example/agent:2\": failed to resolve reference \"registry.example/agent:2\": registry.example/agent:2: not found")),
            ]), PullStatus::Failed("image registry.example/agent:2: ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"registry.example/agent:2\": failed to resolve reference \"registry.example/agent:2\": registry.example/agent:2: not found".to_string())),
            ("backing off after a failed pull", pending(vec![
                start_error("setup", setup, "cc03"),
                waiting("proxy", proxy, "ImagePullBackOff", Some("Back-off pulling image \"registry.example/proxy:3\"")),
                waiting("agent", agent, "ContainerCreating", None),
            ]), PullStatus::Failed("image registry.example/proxy:3: ImagePullBackOff: Back-off pulling image \"registry.example/proxy:3\"".to_string())),
            ("an image name that does not parse", pending(vec![
                waiting("setup", setup, "InvalidImageName", Some("Failed to apply default image tag \"registry.example/setup:1\": couldn't parse image name")),
            ]), PullStatus::Failed("image registry.example/setup:1: InvalidImageName: Failed to apply default image tag \"registry.example/setup:1\": couldn't parse image name".to_string())),
            ("refused by the kubelet: no pod slot left", json!({"phase": "Failed", "reason": "OutOfpods",
                "message": "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 110, capacity: 110", "startTime": "2026-12-03T10:00:00Z"}),
                PullStatus::Failed("OutOfpods: Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 110, capacity: 110".to_string())),
            ("ended at its deadline while pulling", json!({"phase": "Failed", "reason": "DeadlineExceeded",
                "message": "Pod was active on the node longer than the specified deadline",
                "containerStatuses": [
                    {"name": "agent", "state": {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown", "message": "The container could not be located when the pod was terminated"}},
                     "ready": false, "restartCount": 0, "image": agent, "imageID": "", "started": false},
                    start_error("proxy", proxy, "bb02"),
                    start_error("setup", setup, "cc03"),
                ]}),
                PullStatus::Failed("DeadlineExceeded: Pod was active on the node longer than the specified deadline".to_string())),
            ("failed without a word", json!({"phase": "Failed"}),
                PullStatus::Failed("the pod failed before the images were pulled".to_string())),
        ];
        for (what, status, want) in cases {
            assert_eq!(pull_status(&reported(status)), want, "{what}");
        }
    }

    fn pulled(node: &str, revision: &str) -> Pod {
        let mut pod = helper(node);
        if let Some(labels) = pod.metadata.labels.as_mut() {
            labels.insert(REVISION_LABEL.to_string(), revision.to_string());
        }
        let containers: Vec<Value> = ["setup", "proxy", "agent"]
            .iter()
            .map(|c| running(c, "x:1"))
            .collect();
        pod.status = Some(
            serde_json::from_value(json!({"phase": "Running", "containerStatuses": containers}))
                .expect("status"),
        );
        pod
    }

    fn nodes(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    enum Step {
        Listed(Vec<Pod>),
        Seen(Pod),
        Gone(Pod),
    }

    #[test]
    fn the_tally_reports_each_node_once_as_it_is_decided() {
        let ds = daemonset(json!({"matchLabels": {"app": "agent"}}));
        let mut tally = Tally::new(&ds, "5d4f8b9c7", &nodes(&["n1", "n2", "n3", "n4"]));
        let mut failing = helper("n2");
        let pull_error = waiting("agent", "registry.example/agent:2", "ErrImagePull", None);
        failing.status = reported(pending(vec![pull_error])).status;
        let pulled_n1 = || pulled("n1", "5d4f8b9c7");
        let deleted = format!(
            "pod ops/{} was deleted before the images were pulled (by someone else, or evicted for a NoExecute taint)",
            helper_name("agent", "n3")
        );
        let steps = [
            (
                "created",
                Step::Listed(["n1", "n2", "n3", "n4"].map(helper).to_vec()),
                vec![],
            ),
            (
                "not yet seen by a kubelet",
                Step::Seen(reported(json!({"phase": "Pending"}))),
                vec![],
            ),
            (
                "pulled",
                Step::Seen(pulled_n1()),
                vec![PrepullEvent::Pulled { node: "n1".into() }],
            ),
            ("already decided", Step::Seen(pulled_n1()), vec![]),
            (
                "a leftover of another revision",
                Step::Seen(pulled("n3", "older")),
                vec![],
            ),
            (
                "not a node of this pre-pull",
                Step::Seen(pulled("elsewhere", "5d4f8b9c7")),
                vec![],
            ),
            (
                "a pull error",
                Step::Seen(failing),
                vec![PrepullEvent::Failed {
                    node: "n2".into(),
                    why: "image registry.example/agent:2: ErrImagePull".into(),
                }],
            ),
            (
                "re-listed without n3's pod",
                Step::Listed(vec![pulled_n1(), helper("n4")]),
                vec![PrepullEvent::Failed {
                    node: "n3".into(),
                    why: deleted,
                }],
            ),
            ("deleted once decided", Step::Gone(helper("n1")), vec![]),
        ];
        for (what, step, want) in steps {
            let events = match step {
                Step::Listed(pods) => tally.listed(&pods),
                Step::Seen(pod) => tally.seen(&pod).into_iter().collect(),
                Step::Gone(pod) => tally.gone(&pod).into_iter().collect(),
            };
            assert_eq!(events, want, "{what}");
        }
        assert!(!tally.settled());
        let (outcome, event) = tally.finish();
        assert_eq!(
            event,
            Some(PrepullEvent::TimedOut {
                nodes: nodes(&["n4"])
            })
        );
        let failed: Vec<&str> = outcome.failed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            (outcome.pulled, failed, outcome.timed_out),
            (nodes(&["n1"]), vec!["n2", "n3"], nodes(&["n4"]))
        );
    }

    #[test]
    fn a_tally_with_every_node_decided_is_settled_and_times_nothing_out() {
        let ds = daemonset(json!({"matchLabels": {"app": "agent"}}));
        let mut tally = Tally::new(&ds, "h", &nodes(&["n1"]));
        tally.seen(&pulled("n1", "h"));
        assert!(tally.settled());
        let (outcome, event) = tally.finish();
        assert_eq!((outcome.pulled, event), (nodes(&["n1"]), None));
    }

    #[test]
    fn a_pod_found_under_the_helpers_name_is_taken_only_if_it_is_the_same_helper() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
        let wanted = helper("n1");
        let mut started = wanted.clone();
        started.status = Some(Default::default());
        let mut old_revision = wanted.clone();
        old_revision.metadata.labels = Some(helper_labels("agent", "old"));
        let mut orphan = wanted.clone();
        orphan.metadata.owner_references = None;
        let mut deleting = wanted.clone();
        deleting.metadata.deletion_timestamp = Some(Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH));
        let cases = [
            ("itself", wanted.clone(), true),
            ("itself, started", started, true),
            ("another revision", old_revision, false),
            ("another node", helper("n2"), false),
            ("no owner", orphan, false),
            ("being deleted", deleting, false),
        ];
        for (what, found, same) in cases {
            assert_eq!(is_same_helper(&found, &wanted), same, "{what}");
        }
    }

    #[test]
    fn options_are_recorded_in_camel_case() {
        let options = PrepullOptions {
            timeout_seconds: 90,
        };
        let text = serde_json::to_string(&options).expect("serializable");
        assert_eq!(text, r#"{"timeoutSeconds":90}"#);
        assert_eq!(
            serde_json::from_str::<PrepullOptions>(&text).ok(),
            Some(options)
        );
    }
}
