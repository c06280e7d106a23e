//! What happens to a DaemonSet's pod between the controller's create and the scheduler: the
//! admission plugins that reject it or change it (Pod Security, RuntimeClass), and what keeps a
//! created pod from being scheduled or placed predictably (scheduling gates, DRA). Pure: the
//! cluster objects come in as values; a fact that could not be read is `None` and its check off.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{PodSpec, Toleration};
use k8s_openapi::api::node::v1::RuntimeClass;
use k8s_openapi::api::resource::v1::DeviceClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::pod_security;
use super::resources::pod_requests;
use crate::quantity::Quantity;

/// Extended resource names of DRA device classes without an explicit name are
/// `deviceclass.resource.kubernetes.io/<class>` (the DRAExtendedResource feature, GA 1.37).
pub const IMPLICIT_DRA_PREFIX: &str = "deviceclass.resource.kubernetes.io/";

/// The parts of a RuntimeClass that admission applies to a pod.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuntimeClassFacts {
    pub overhead: BTreeMap<String, Quantity>,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
}

impl RuntimeClassFacts {
    pub fn of(class: &RuntimeClass) -> Self {
        let scheduling = class.scheduling.as_ref();
        RuntimeClassFacts {
            overhead: class
                .overhead
                .as_ref()
                .and_then(|o| o.pod_fixed.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|(name, q)| Some((name.clone(), Quantity::parse(&q.0).ok()?)))
                .collect(),
            node_selector: scheduling
                .and_then(|s| s.node_selector.clone())
                .unwrap_or_default(),
            tolerations: scheduling
                .and_then(|s| s.tolerations.clone())
                .unwrap_or_default(),
        }
    }
}

/// What the cluster holds that admission and the scheduler read besides nodes and pods.
#[derive(Debug, Clone, Default)]
pub struct AdmissionFacts {
    /// RuntimeClasses by name; `None` when they could not be read (no check).
    pub runtime_classes: Option<HashMap<String, RuntimeClassFacts>>,
    /// The labels of the DaemonSet's namespace (Pod Security); `None` when unknown.
    pub namespace_labels: Option<BTreeMap<String, String>>,
    /// Extended resource names DRA device classes provide; `None` when they could not be read
    /// (then every extended resource a node does not list might still come from DRA).
    pub dra_extended_resources: Option<BTreeSet<String>>,
}

impl AdmissionFacts {
    pub fn with_runtime_classes(mut self, classes: &[RuntimeClass]) -> Self {
        self.runtime_classes = Some(
            classes
                .iter()
                .filter_map(|c| Some((c.metadata.name.clone()?, RuntimeClassFacts::of(c))))
                .collect(),
        );
        self
    }

    pub fn with_device_classes(mut self, classes: &[DeviceClass]) -> Self {
        self.dra_extended_resources = Some(
            classes
                .iter()
                .filter_map(|c| c.spec.as_ref()?.extended_resource_name.clone())
                .collect(),
        );
        self
    }
}

/// The pod the scheduler will see, and why it may never be created or scheduled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    /// The requests the scheduler counts, with the RuntimeClass's overhead.
    pub requests: BTreeMap<String, Quantity>,
    /// Why the API server rejects every pod of this template at creation.
    pub rejection: Option<String>,
    /// The RuntimeClass and the node labels its `scheduling.nodeSelector` adds to the pod.
    pub runtime_class: Option<String>,
    pub runtime_node_selector: BTreeMap<String, String>,
    /// The RuntimeClass's tolerations: added to the pod, but the controller decides where to
    /// create pods from the template alone, so they never widen the DaemonSet's nodes.
    pub runtime_tolerations: Vec<Toleration>,
    /// `schedulingGates`: every pod waits SchedulingGated until someone removes them.
    pub gates: Vec<String>,
    /// `resourceClaims`: whether a device is free cannot be told from nodes and pods.
    pub claims: Vec<String>,
    /// Requested extended resources that a DRA device class may provide.
    pub dra_resources: BTreeSet<String>,
}

/// Whether the template names a RuntimeClass (then the classes are worth reading).
pub fn names_runtime_class(pod: &PodSpec) -> bool {
    pod.runtime_class_name
        .as_deref()
        .is_some_and(|n| !n.is_empty())
}

/// Whether the template requests an extended resource (then DRA device classes may matter).
pub fn requests_extended_resources(pod: &PodSpec) -> bool {
    pod_requests(pod)
        .keys()
        .any(|name| is_extended_resource(name))
}

/// What admission makes of a pod built from this template in `facts`' cluster.
pub fn review(metadata: Option<&ObjectMeta>, pod: &PodSpec, facts: &AdmissionFacts) -> Review {
    let mut review = Review {
        requests: pod_requests(pod),
        gates: pod
            .scheduling_gates
            .iter()
            .flatten()
            .map(|g| g.name.clone())
            .collect(),
        claims: pod
            .resource_claims
            .iter()
            .flatten()
            .map(|c| c.name.clone())
            .collect(),
        ..Review::default()
    };
    review.dra_resources = dra_backed(&review.requests, facts);
    if let Some(name) = pod.runtime_class_name.as_deref().filter(|n| !n.is_empty()) {
        review.runtime_class = Some(name.to_string());
        if let Some(classes) = &facts.runtime_classes {
            review.rejection = apply_runtime_class(&mut review, pod, classes.get(name), name).err();
        }
    }
    if review.rejection.is_none() {
        review.rejection = pod_security_rejection(metadata, pod, facts);
    }
    review
}

/// Why the namespace's Pod Security `enforce` level rejects the pod (`None` when the labels
/// are unknown, the level is privileged or the pod passes). Exemptions in the API server's
/// admission configuration cannot be seen from a client.
fn pod_security_rejection(
    metadata: Option<&ObjectMeta>,
    pod: &PodSpec,
    facts: &AdmissionFacts,
) -> Option<String> {
    let policy = pod_security::namespace_policy(facts.namespace_labels.as_ref()?);
    let enforce = policy.enforce;
    if enforce.level == pod_security::Level::Privileged {
        return None;
    }
    let empty = ObjectMeta::default();
    let violations = pod_security::violations(
        enforce.level,
        enforce.version,
        metadata.unwrap_or(&empty),
        pod,
    );
    (!violations.is_empty()).then(|| pod_security::rejection_message(&enforce, &violations))
}

/// Extended resources (domain-qualified, not `kubernetes.io/`-prefixed, not hugepages) that DRA
/// may back: the implicit device-class names always, others when a DeviceClass names them or
/// when device classes could not be read.
fn dra_backed(requests: &BTreeMap<String, Quantity>, facts: &AdmissionFacts) -> BTreeSet<String> {
    requests
        .keys()
        .filter(|name| is_extended_resource(name))
        .filter(|name| {
            name.starts_with(IMPLICIT_DRA_PREFIX)
                || facts
                    .dra_extended_resources
                    .as_ref()
                    .is_none_or(|names| names.contains(*name))
        })
        .cloned()
        .collect()
}

fn is_extended_resource(name: &str) -> bool {
    name.contains('/') && !name.starts_with("kubernetes.io/") && !name.starts_with("requests.")
}

/// The RuntimeClass admission plugin (`plugin/pkg/admission/runtimeclass`): an unknown class,
/// an overhead that differs from the class's, or a nodeSelector that contradicts the class's
/// is rejected; otherwise the overhead and scheduling are merged in.
fn apply_runtime_class(
    review: &mut Review,
    pod: &PodSpec,
    class: Option<&RuntimeClassFacts>,
    name: &str,
) -> Result<(), String> {
    let class = class.ok_or_else(|| format!("pod rejected: RuntimeClass {name:?} not found"))?;
    let own_overhead: BTreeMap<String, Quantity> = pod
        .overhead
        .iter()
        .flatten()
        .filter_map(|(n, q)| Some((n.clone(), Quantity::parse(&q.0).ok()?)))
        .collect();
    if !class.overhead.is_empty() {
        if !own_overhead.is_empty() && own_overhead != class.overhead {
            return Err(
                "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead".into(),
            );
        }
        if own_overhead.is_empty() {
            for (resource, quantity) in &class.overhead {
                let total = review.requests.entry(resource.clone()).or_default();
                *total = total.saturating_add(*quantity);
            }
        }
    } else if !own_overhead.is_empty() {
        return Err(
            "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"
                .into(),
        );
    }
    let own_selector = pod.node_selector.clone().unwrap_or_default();
    for (key, value) in &class.node_selector {
        match own_selector.get(key) {
            Some(own) if own != value => {
                return Err(format!(
                    "conflict: runtimeClass.scheduling.nodeSelector[{key}] = {value}; pod.spec.nodeSelector[{key}] = {own}"
                ))
            }
            Some(_) => {}
            None => {
                review
                    .runtime_node_selector
                    .insert(key.clone(), value.clone());
            }
        }
    }
    review.runtime_tolerations = class.tolerations.clone();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: serde_json::Value) -> PodSpec {
        let mut base = json!({"containers": [{"name": "c", "image": "a:1", "resources": {"requests": {"cpu": "100m"}}}]});
        crate::manifest::merge_patch(&mut base, value);
        serde_json::from_value(base).unwrap()
    }

    fn classes() -> AdmissionFacts {
        let class = |value| serde_json::from_value::<RuntimeClass>(value).unwrap();
        AdmissionFacts::default().with_runtime_classes(&[
            class(json!({"metadata": {"name": "kata"}, "handler": "kata",
                "overhead": {"podFixed": {"cpu": "250m", "memory": "120Mi"}},
                "scheduling": {"nodeSelector": {"runtime": "kata"},
                               "tolerations": [{"key": "kata", "operator": "Exists", "effect": "NoSchedule"}]}})),
            class(json!({"metadata": {"name": "plain"}, "handler": "runc"})),
        ])
    }

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[test]
    fn runtime_classes_add_overhead_and_scheduling_or_reject() {
        struct Case {
            template: serde_json::Value,
            cpu: &'static str,
            selector: &'static [(&'static str, &'static str)],
            rejection: Option<&'static str>,
        }
        let cases = [
            Case { template: json!({}), cpu: "100m", selector: &[], rejection: None },
            Case { template: json!({"runtimeClassName": "kata"}), cpu: "350m", selector: &[("runtime", "kata")], rejection: None },
            Case { template: json!({"runtimeClassName": "plain"}), cpu: "100m", selector: &[], rejection: None },
            Case { template: json!({"runtimeClassName": "kata", "nodeSelector": {"runtime": "kata"}}), cpu: "350m", selector: &[], rejection: None },
            Case { template: json!({"runtimeClassName": "gvisor"}), cpu: "100m", selector: &[], rejection: Some("pod rejected: RuntimeClass \"gvisor\" not found") },
            Case { template: json!({"runtimeClassName": "kata", "nodeSelector": {"runtime": "runc"}}), cpu: "350m", selector: &[], rejection: Some("conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc") },
            Case { template: json!({"runtimeClassName": "kata", "overhead": {"cpu": "1"}}), cpu: "1100m", selector: &[], rejection: Some("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead") },
            Case { template: json!({"runtimeClassName": "plain", "overhead": {"cpu": "1"}}), cpu: "1100m", selector: &[], rejection: Some("pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead") },
        ];
        for case in cases {
            let review = review(None, &spec(case.template.clone()), &classes());
            assert_eq!(review.requests["cpu"], q(case.cpu), "{}", case.template);
            let selector: BTreeMap<String, String> = case
                .selector
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if case.rejection.is_none() {
                assert_eq!(review.runtime_node_selector, selector, "{}", case.template);
            }
            assert_eq!(
                review.rejection.as_deref(),
                case.rejection,
                "{}",
                case.template
            );
        }
        let unread = review(
            None,
            &spec(json!({"runtimeClassName": "gvisor"})),
            &AdmissionFacts::default(),
        );
        assert_eq!(
            unread.rejection, None,
            "unreadable RuntimeClasses switch the check off"
        );
        assert_eq!(unread.runtime_class.as_deref(), Some("gvisor"));
    }

    #[test]
    fn gates_claims_and_dra_backed_resources_are_named() {
        let template = spec(json!({
            "schedulingGates": [{"name": "example.com/wait"}],
            "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu"}],
            "containers": [{"name": "c", "image": "a:1", "resources": {"limits": {
                "example.com/gpu": "1", "deviceclass.resource.kubernetes.io/fpga": "1", "vendor.io/nic": "1"}}}]
        }));
        let facts = AdmissionFacts::default().with_device_classes(&[serde_json::from_value(
            json!({"metadata": {"name": "gpu"}, "spec": {"extendedResourceName": "example.com/gpu"}}),
        )
        .unwrap()]);
        let review = review(None, &template, &facts);
        assert_eq!(review.gates, ["example.com/wait"]);
        assert_eq!(review.claims, ["gpu"]);
        let dra: Vec<&str> = review.dra_resources.iter().map(String::as_str).collect();
        assert_eq!(
            dra,
            ["deviceclass.resource.kubernetes.io/fpga", "example.com/gpu"]
        );
        let unread = super::review(None, &template, &AdmissionFacts::default());
        assert_eq!(
            unread.dra_resources.len(),
            3,
            "unknown device classes: any extended resource may be DRA's"
        );
    }

    #[test]
    fn the_namespaces_enforce_level_rejects_the_pods() {
        let privileged = spec(json!({"hostNetwork": true,
            "containers": [{"name": "agent", "image": "a:1", "securityContext": {"privileged": true}}]}));
        let labels = |pairs: &[(&str, &str)]| AdmissionFacts {
            namespace_labels: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..AdmissionFacts::default()
        };
        let cases: [(AdmissionFacts, Option<&str>); 5] = [
            (AdmissionFacts::default(), None),
            (labels(&[]), None),
            (labels(&[("pod-security.kubernetes.io/warn", "baseline")]), None),
            (labels(&[("pod-security.kubernetes.io/enforce", "privileged")]), None),
            (labels(&[("pod-security.kubernetes.io/enforce", "baseline")]),
             Some("violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"agent\" must not set securityContext.privileged=true)")),
        ];
        for (facts, want) in cases {
            assert_eq!(
                review(None, &privileged, &facts).rejection.as_deref(),
                want,
                "{:?}",
                facts.namespace_labels
            );
        }
        let plain = review(
            None,
            &spec(json!({})),
            &labels(&[("pod-security.kubernetes.io/enforce", "baseline")]),
        );
        assert_eq!(plain.rejection, None);
    }
}
