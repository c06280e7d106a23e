//! The live DaemonSet as a manifest to apply again (restart, set-image, undo).

use serde_json::{json, Value};

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::rollout::lock::LOCK_ANNOTATION;
use crate::rollout::state::{ORIGINAL_STRATEGY_ANNOTATION, STATE_ANNOTATION};

/// Annotations that belong to the cluster or to a rollout in progress, not to the manifest.
const NOT_APPLIED: &[&str] = &[
    STATE_ANNOTATION,
    ORIGINAL_STRATEGY_ANNOTATION,
    LOCK_ANNOTATION,
    "deprecated.daemonset.template.generation",
    "kubectl.kubernetes.io/last-applied-configuration",
];

/// The live DaemonSet as a manifest to apply: no status or server-set metadata, and the update
/// strategy a rollout in progress recorded rather than its temporary OnDelete.
pub fn manifest_from_live(ds: &DaemonSet) -> anyhow::Result<Value> {
    let live = serde_json::to_value(ds)?;
    let mut metadata = json!({"name": live["metadata"]["name"]});
    if let Some(labels) = live["metadata"].get("labels").filter(|l| l.is_object()) {
        metadata["labels"] = labels.clone();
    }
    if let Some(annotations) = live["metadata"]["annotations"].as_object() {
        let kept: serde_json::Map<String, Value> = annotations
            .iter()
            .filter(|(k, _)| !NOT_APPLIED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            metadata["annotations"] = Value::Object(kept);
        }
    }
    let mut spec = live["spec"].clone();
    if let Some(original) = live["metadata"]["annotations"][ORIGINAL_STRATEGY_ANNOTATION]
        .as_str()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
    {
        spec["updateStrategy"] = original;
    }
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": metadata,
        "spec": spec,
    }))
}

/// A live DaemonSet in the middle of an ondelete rollout, for the unit tests of what is
/// derived from it.
#[cfg(test)]
pub(crate) fn live() -> DaemonSet {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {
            "name": "agent", "namespace": "ns", "uid": "u", "resourceVersion": "7",
            "generation": 3, "labels": {"team": "a"},
            "managedFields": [{"manager": "kubectl", "operation": "Update"}],
            "annotations": {
                "deprecated.daemonset.template.generation": "3",
                STATE_ANNOTATION: "{}",
                ORIGINAL_STRATEGY_ANNOTATION: "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":2}}",
                "note": "keep"
            }
        },
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": {"type": "OnDelete"},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {
                    "initContainers": [{"name": "init", "image": "busybox:1.36"}],
                    "containers": [
                        {"name": "main", "image": "busybox:1.36"},
                        {"name": "side", "image": "nginx:1"}
                    ]
                }
            }
        },
        "status": {"currentNumberScheduled": 2, "desiredNumberScheduled": 2,
                   "numberMisscheduled": 0, "numberReady": 2}
    }))
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_from_the_live_object_has_no_server_fields_and_the_recorded_strategy() {
        let manifest = manifest_from_live(&live()).unwrap();
        assert_eq!(
            manifest["metadata"],
            json!({"name": "agent", "labels": {"team": "a"}, "annotations": {"note": "keep"}})
        );
        assert!(manifest.get("status").is_none());
        assert_eq!(
            manifest["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}})
        );
        assert_eq!(manifest["kind"], "DaemonSet");
    }
}
