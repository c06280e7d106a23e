//! What a pod requests and whether it fits a node, as the scheduler's NodeResourcesFit filter
//! sees it (`k8s.io/component-helpers/resource.PodRequests`, `noderesources.fitsRequest`).

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;

use crate::quantity::Quantity;

type Resources = BTreeMap<String, Quantity>;

fn parse_list(list: Option<&BTreeMap<String, ApiQuantity>>) -> Resources {
    list.into_iter()
        .flatten()
        .filter_map(|(name, q)| Some((name.clone(), Quantity::parse(&q.0).ok()?)))
        .collect()
}

/// A container's requests after API defaulting: a resource with a limit but no request
/// requests its limit. Unparseable values are left out (DS110 reports them).
fn container_requests(container: &Container) -> Resources {
    let resources = container.resources.as_ref();
    let mut requests = parse_list(resources.and_then(|r| r.requests.as_ref()));
    for (name, limit) in parse_list(resources.and_then(|r| r.limits.as_ref())) {
        requests.entry(name).or_insert(limit);
    }
    requests
}

fn add(into: &mut Resources, from: &Resources) {
    for (name, q) in from {
        let sum = into
            .get(name)
            .copied()
            .unwrap_or_default()
            .saturating_add(*q);
        into.insert(name.clone(), sum);
    }
}

fn max(into: &mut Resources, from: &Resources) {
    for (name, q) in from {
        let entry = into.entry(name.clone()).or_insert(*q);
        if *q > *entry {
            *entry = *q;
        }
    }
}

/// Resources pod-level `spec.resources` may set (PodLevelResources).
fn pod_level_resource(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with("hugepages-")
}

/// Which of a container's resource lists to read: what the spec asks for, what the kubelet has
/// allocated, or what the runtime actuated (in-place resize makes them differ for a while).
#[derive(Clone, Copy)]
enum Source {
    Spec,
    Allocated,
    Actuated,
}

/// One container's requests from `source`, falling back as the scheduler does
/// (`containerAllocatedRequests`, `containerActuatedRequests` in component-helpers
/// `resource/helpers.go`): actuated, then allocated, then the spec; with an infeasible resize
/// the spec no longer counts.
fn requests_from(
    container: &Container,
    status: Option<&ContainerStatus>,
    source: Source,
    infeasible: bool,
) -> Option<Resources> {
    let allocated = status.and_then(|s| s.allocated_resources.as_ref());
    let actuated = status
        .and_then(|s| s.resources.as_ref())
        .and_then(|r| r.requests.as_ref());
    match (source, actuated, allocated) {
        (Source::Actuated, Some(list), _)
        | (Source::Actuated | Source::Allocated, _, Some(list)) => Some(parse_list(Some(list))),
        (Source::Spec, _, _) => Some(container_requests(container)),
        _ if infeasible => None,
        _ => Some(container_requests(container)),
    }
}

/// The containers' aggregate (regular containers summed; init containers as a maximum, with
/// restartable "sidecar" init containers running alongside, so they count towards the sum and
/// towards every later init container), reading each container's list from `source`.
fn aggregate(
    pod: &PodSpec,
    statuses: &[&ContainerStatus],
    source: Source,
    infeasible: bool,
) -> Resources {
    let status_of = |name: &str| statuses.iter().copied().find(|s| s.name == name);
    let read = |c: &Container| {
        requests_from(c, status_of(&c.name), source, infeasible).unwrap_or_default()
    };
    let mut requests = Resources::new();
    for container in &pod.containers {
        add(&mut requests, &read(container));
    }
    let mut sidecars = Resources::new();
    let mut init_max = Resources::new();
    for container in pod.init_containers.iter().flatten() {
        let own = read(container);
        if container.restart_policy.as_deref() == Some("Always") {
            add(&mut requests, &own);
            add(&mut sidecars, &own);
            max(&mut init_max, &sidecars);
        } else {
            let mut during = own;
            add(&mut during, &sidecars);
            max(&mut init_max, &during);
        }
    }
    max(&mut requests, &init_max);
    requests
}

/// The pod's effective requests for a pod to be created: the containers' aggregate, then
/// pod-level requests where set, plus `overhead`.
pub fn pod_requests(pod: &PodSpec) -> BTreeMap<String, Quantity> {
    let requests = aggregate(pod, &[], Source::Spec, false);
    finish_requests(pod, requests)
}

/// What a pod already on a node takes, as the scheduler counts it since in-place resize (GA
/// 1.35): per resource the largest of the spec, the allocated and the actuated requests (only
/// the last two when the resize is infeasible).
pub fn bound_pod_requests(pod: &Pod) -> BTreeMap<String, Quantity> {
    let Some(spec) = pod.spec.as_ref() else {
        return Resources::new();
    };
    let status = pod.status.as_ref();
    let statuses: Vec<&ContainerStatus> = status
        .into_iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .collect();
    let infeasible = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "PodResizePending"))
        .is_some_and(|c| c.reason.as_deref() == Some("Infeasible"));
    let mut requests = aggregate(spec, &statuses, Source::Allocated, infeasible);
    max(
        &mut requests,
        &aggregate(spec, &statuses, Source::Actuated, infeasible),
    );
    if !infeasible {
        max(&mut requests, &aggregate(spec, &[], Source::Spec, false));
    }
    finish_requests(spec, requests)
}

/// Pod-level requests and overhead on top of the containers' aggregate.
fn finish_requests(pod: &PodSpec, mut requests: Resources) -> Resources {
    // Pod-level resources. API defaulting (only when pod-level limits are set): hugepages
    // requests come from the containers, other missing requests from the pod-level limits.
    let pod_level = pod.resources.as_ref();
    let mut pod_requests = parse_list(pod_level.and_then(|r| r.requests.as_ref()));
    let pod_limits = parse_list(pod_level.and_then(|r| r.limits.as_ref()));
    if !pod_limits.is_empty() {
        for (name, q) in &requests {
            if name.starts_with("hugepages-") && !pod_requests.contains_key(name) {
                pod_requests.insert(name.clone(), *q);
            }
        }
        for (name, q) in pod_limits {
            if pod_level_resource(&name) {
                pod_requests.entry(name).or_insert(q);
            }
        }
    }
    for (name, q) in pod_requests {
        if pod_level_resource(&name) {
            requests.insert(name, q);
        }
    }

    add(&mut requests, &parse_list(pod.overhead.as_ref()));
    requests
}

/// A resource the node cannot provide: `requested` against what is left (`available`, never
/// below zero). For `pods`, requested is 1 and available the free pod slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub resource: String,
    pub requested: Quantity,
    pub available: Quantity,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requested {}, {} available",
            self.resource, self.requested, self.available
        )
    }
}

/// The NodeResourcesFit filter: one more pod must fit the node's `pods` allocatable, and each
/// non-zero request must fit allocatable minus what the node's pods already request. A resource
/// the node does not list has 0 available. Empty result: it fits.
///
/// The scheduler compares CPU in whole millicores and other resources in whole units (rounded
/// up); this compares exactly, which differs only for sub-millicore or fractional-byte values.
pub fn fits(
    requests: &BTreeMap<String, Quantity>,
    allocatable: &BTreeMap<String, ApiQuantity>,
    already_requested: &BTreeMap<String, Quantity>,
    pods_on_node: usize,
) -> Vec<Shortfall> {
    let allocatable_of = |name: &str| {
        allocatable
            .get(name)
            .and_then(|q| Quantity::parse(&q.0).ok())
            .unwrap_or_default()
    };
    let mut shortfalls = Vec::new();
    let pods = i64::try_from(pods_on_node).unwrap_or(i64::MAX);
    let pod_slots = allocatable_of("pods");
    if Quantity::from_units(pods.saturating_add(1)) > pod_slots {
        shortfalls.push(Shortfall {
            resource: "pods".into(),
            requested: Quantity::from_units(1),
            available: pod_slots
                .saturating_sub(Quantity::from_units(pods))
                .max(Quantity::ZERO),
        });
    }
    for (name, requested) in requests {
        if name == "pods" || *requested <= Quantity::ZERO {
            continue;
        }
        let used = already_requested.get(name).copied().unwrap_or_default();
        let left = allocatable_of(name).saturating_sub(used);
        if *requested > left {
            shortfalls.push(Shortfall {
                resource: name.clone(),
                requested: *requested,
                available: left.max(Quantity::ZERO),
            });
        }
    }
    shortfalls
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    fn requests_of(spec: Value) -> BTreeMap<String, String> {
        let pod: PodSpec = serde_json::from_value(spec).unwrap();
        pod_requests(&pod)
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect()
    }

    fn list(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), q(v).to_string()))
            .collect()
    }

    fn c(name: &str, resources: Value) -> Value {
        json!({"name": name, "image": "a:1", "resources": resources})
    }

    #[test]
    fn pod_requests_follow_the_scheduler() {
        let cases = [
            // containers are summed
            (
                json!({"containers": [c("a", json!({"requests": {"cpu": "100m", "memory": "64Mi"}})),
                                      c("b", json!({"requests": {"cpu": "200m"}}))]}),
                list(&[("cpu", "300m"), ("memory", "64Mi")]),
            ),
            // init containers: the max of the sum and each one
            (
                json!({"initContainers": [c("i1", json!({"requests": {"cpu": "1", "memory": "10Mi"}})),
                                          c("i2", json!({"requests": {"cpu": "500m", "memory": "1Gi"}}))],
                       "containers": [c("a", json!({"requests": {"cpu": "100m", "memory": "64Mi"}})),
                                      c("b", json!({"requests": {"cpu": "200m", "memory": "64Mi"}}))]}),
                list(&[("cpu", "1"), ("memory", "1Gi")]),
            ),
            // limits without requests default the requests
            (
                json!({"containers": [c("a", json!({"limits": {"cpu": "250m", "memory": "128Mi"}, "requests": {"memory": "64Mi"}}))]}),
                list(&[("cpu", "250m"), ("memory", "64Mi")]),
            ),
            // overhead is added on top
            (
                json!({"overhead": {"cpu": "50m", "memory": "10Mi"},
                       "containers": [c("a", json!({"requests": {"cpu": "100m"}}))]}),
                list(&[("cpu", "150m"), ("memory", "10Mi")]),
            ),
            // a sidecar (restartable init container) counts with the containers and the later inits
            (
                json!({"initContainers": [
                        {"name": "s", "image": "a:1", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                        c("i", json!({"requests": {"cpu": "1"}}))],
                       "containers": [c("a", json!({"requests": {"cpu": "200m"}}))]}),
                list(&[("cpu", "1100m")]),
            ),
            // pod-level requests replace the containers' cpu/memory
            (
                json!({"resources": {"requests": {"cpu": "2"}},
                       "containers": [c("a", json!({"requests": {"cpu": "100m", "memory": "1Gi"}}))]}),
                list(&[("cpu", "2"), ("memory", "1Gi")]),
            ),
            // extended resources and ephemeral storage are carried along
            (
                json!({"containers": [c("a", json!({"limits": {"example.com/gpu": "1"}, "requests": {"ephemeral-storage": "1Gi"}}))]}),
                list(&[("ephemeral-storage", "1Gi"), ("example.com/gpu", "1")]),
            ),
            (json!({"containers": [c("a", json!({}))]}), list(&[])),
        ];
        for (spec, want) in cases {
            assert_eq!(requests_of(spec.clone()), want, "{spec}");
        }
    }

    fn alloc(pairs: &[(&str, &str)]) -> BTreeMap<String, ApiQuantity> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), ApiQuantity(v.to_string())))
            .collect()
    }

    fn res(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
        pairs.iter().map(|(k, v)| (k.to_string(), q(v))).collect()
    }

    #[test]
    fn fit_checks_pods_and_each_resource() {
        let node = alloc(&[("cpu", "2"), ("memory", "4Gi"), ("pods", "3")]);
        let short =
            |requests: &[(&str, &str)], used: &[(&str, &str)], pods: usize| -> Vec<String> {
                fits(&res(requests), &node, &res(used), pods)
                    .into_iter()
                    .map(|s| s.to_string())
                    .collect()
            };
        let none: Vec<String> = vec![];
        assert_eq!(short(&[("cpu", "2"), ("memory", "4Gi")], &[], 0), none);
        assert_eq!(
            short(&[("cpu", "2001m")], &[], 0),
            ["cpu requested 2001m, 2 available"]
        );
        assert_eq!(
            short(&[("cpu", "500m")], &[("cpu", "1600m")], 1),
            ["cpu requested 500m, 400m available"]
        );
        assert_eq!(short(&[], &[], 2), none);
        assert_eq!(short(&[], &[], 3), ["pods requested 1, 0 available"]);
        // not listed on the node: nothing available; zero requests never fall short
        assert_eq!(
            short(&[("example.com/gpu", "1"), ("hugepages-2Mi", "0")], &[], 0),
            ["example.com/gpu requested 1, 0 available"]
        );
        // overcommitted node: available never shows below zero
        assert_eq!(
            short(&[("memory", "1Mi")], &[("memory", "5Gi")], 0),
            ["memory requested 1Mi, 0 available"]
        );
        // a node without a pods allocatable takes no pod
        assert_eq!(
            fits(&res(&[]), &alloc(&[("cpu", "1")]), &res(&[]), 0).len(),
            1
        );
    }
}
