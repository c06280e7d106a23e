//! DaemonSet logic without I/O: what the API objects mean, computed and unit tested here.

pub mod budget;
pub mod history;
pub mod orphan;
pub mod patch;
pub mod pause;
pub mod selector;
pub mod summary;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodCondition};

/// The key a pod is mirrored under: its uid (its name before the server gave it one).
pub fn key(pod: &Pod) -> String {
    pod.metadata
        .uid
        .clone()
        .or_else(|| pod.metadata.name.clone())
        .unwrap_or_default()
}

/// Whether `ds` is an older version of the object than `than`: a watch can deliver a version
/// older than the one a write of ours just returned. resourceVersions compare as integers on
/// kube-apiserver (client-go's `CompareResourceVersion`, KEP-5504); anything else is not older.
pub fn older_than(ds: &DaemonSet, than: &DaemonSet) -> bool {
    let version = |d: &DaemonSet| {
        d.metadata
            .resource_version
            .as_deref()
            .and_then(|v| v.parse::<u64>().ok())
    };
    matches!((version(ds), version(than)), (Some(a), Some(b)) if a < b)
}

/// The pod's `controller-revision-hash` label: the revision it runs.
pub fn pod_hash(pod: &Pod) -> Option<&str> {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(history::HASH_LABEL))
        .map(String::as_str)
}

/// A pod that ran to its end (Succeeded or Failed): no longer the node's pod of the DaemonSet.
pub fn is_finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// Each node's labels by node name (what wave planning reads).
pub fn labels_by_node<'n>(
    nodes: impl IntoIterator<Item = &'n Node>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    nodes
        .into_iter()
        .filter_map(|n| {
            Some((
                n.metadata.name.clone()?,
                n.metadata.labels.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

/// The node a DaemonSet pod is for: where it was scheduled, or the node its affinity names.
pub fn node_of(pod: &Pod) -> Option<String> {
    node_name_of(pod).map(str::to_string)
}

/// [`node_of`], borrowed: for reading every pod of a large DaemonSet without a copy of each name.
pub fn node_name_of(pod: &Pod) -> Option<&str> {
    let spec = pod.spec.as_ref()?;
    if let Some(node) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        return Some(node);
    }
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|f| f.key == "metadata.name")
        .and_then(|f| f.values.as_ref()?.first().map(String::as_str))
}

/// The pod's Ready condition, as the kubelet last reported it.
pub fn ready_condition(pod: &Pod) -> Option<&PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// Whether the pod's Ready condition is True; a pod without one is not ready.
pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

/// The nodes that should run the DaemonSet, as its controller last reported (0 before it has).
pub fn desired_nodes(ds: &DaemonSet) -> usize {
    ds.status
        .as_ref()
        .map(|s| usize::try_from(s.desired_number_scheduled).unwrap_or(0))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(version: Option<&str>) -> DaemonSet {
        serde_json::from_value(json!({"metadata": {"resourceVersion": version}})).unwrap()
    }

    #[test]
    fn only_a_smaller_integer_resource_version_is_older() {
        let cases = [
            (Some("9"), Some("10"), true),
            (Some("10"), Some("9"), false),
            (Some("10"), Some("10"), false),
            (Some("abc"), Some("10"), false),
            (None, Some("10"), false),
            (Some("9"), None, false),
        ];
        for (ds, than, older) in cases {
            assert_eq!(older_than(&at(ds), &at(than)), older, "{ds:?} < {than:?}");
        }
    }
}
