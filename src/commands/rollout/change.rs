//! `kubectl ds rollout restart NAME` and `kubectl ds rollout set-image NAME CONTAINER=IMAGE...`:
//! change the live DaemonSet's pod template and roll the change out with the same engine as
//! `rollout apply` (OnDelete, waves, health gate, resumable).

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use serde_json::{json, Value};

use super::apply;
use super::engine::ORIGINAL_STRATEGY_ANNOTATION;
use super::Outcome;
use crate::cli::{GlobalArgs, RolloutEngineArgs, RolloutRestartArgs, RolloutSetImageArgs};
use crate::cluster::Cluster;
use crate::daemonset::history;
use crate::error::Failure;
use crate::render::progress::{Event, Progress};
use crate::rollout::lock::LOCK_ANNOTATION;
use crate::rollout::state::STATE_ANNOTATION;

/// The pod template annotation `kubectl rollout restart` sets.
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

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
fn manifest_from_live(ds: &DaemonSet) -> anyhow::Result<Value> {
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

fn set_restarted_at(ds: &mut DaemonSet, at: &str) {
    ds.spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(Default::default)
        .insert(RESTARTED_AT_ANNOTATION.to_string(), at.to_string());
}

/// Sets each CONTAINER=IMAGE on the containers and init containers of that name (`*`: all).
fn set_images(ds: &mut DaemonSet, images: &[(String, String)]) -> Result<(), String> {
    let Some(spec) = ds.spec.template.spec.as_mut() else {
        return Err("the daemonset has no pod template spec".into());
    };
    for (name, image) in images {
        let mut found = false;
        let containers = spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten());
        for container in containers {
            if name == "*" || container.name == *name {
                container.image = Some(image.clone());
                found = true;
            }
        }
        if !found {
            let names: Vec<&str> = spec
                .containers
                .iter()
                .chain(spec.init_containers.iter().flatten())
                .map(|c| c.name.as_str())
                .collect();
            return Err(format!(
                "the daemonset has no container {name:?} (containers: {})",
                names.join(", ")
            ));
        }
    }
    Ok(())
}

pub async fn restart(args: &RolloutRestartArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, mut ds) = super::super::live_daemonset(global, name).await?;
    let at = k8s_openapi::jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    set_restarted_at(&mut ds, &at);
    let mut progress = Progress::new(args.engine.output);
    progress.emit(Event::Note {
        message: format!(
            "daemonset {name:?}: pod template annotation {RESTARTED_AT_ANNOTATION}={at}"
        ),
    });
    roll_out(&cluster, &namespace, &ds, &args.engine, &mut progress).await
}

pub async fn set_image(args: &RolloutSetImageArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, mut ds) = super::super::live_daemonset(global, name).await?;
    set_images(&mut ds, &args.images).map_err(Failure::usage)?;
    let mut progress = Progress::new(args.engine.output);
    for (container, image) in &args.images {
        progress.emit(Event::Note {
            message: format!("daemonset {name:?}: container {container} image {image}"),
        });
    }
    roll_out(&cluster, &namespace, &ds, &args.engine, &mut progress).await
}

/// `rollout undo --mode ...`: the live DaemonSet with `revision`'s pod template, rolled out by the
/// engine of that mode.
pub async fn roll_back(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
    revision: &ControllerRevision,
    engine: &RolloutEngineArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let mut ds = ds.clone();
    ds.spec.template = history::typed_template(revision);
    roll_out(cluster, namespace, &ds, engine, progress).await
}

/// Rolls the changed live DaemonSet out with the engine the flags choose.
async fn roll_out(
    cluster: &Cluster,
    namespace: &str,
    ds: &DaemonSet,
    engine: &RolloutEngineArgs,
    progress: &mut Progress,
) -> anyhow::Result<Outcome> {
    let name = ds.metadata.name.clone().unwrap_or_default();
    let manifest = manifest_from_live(ds)?;
    apply::run(
        cluster,
        namespace,
        &name,
        manifest,
        apply::Write::Edit,
        engine,
        progress,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> DaemonSet {
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

    #[test]
    fn set_image_changes_the_named_containers_and_rejects_unknown_ones() {
        let mut ds = live();
        set_images(&mut ds, &[("main".into(), "busybox:1.37".into())]).unwrap();
        let spec = ds.spec.template.spec.as_ref().unwrap();
        assert_eq!(spec.containers[0].image.as_deref(), Some("busybox:1.37"));
        assert_eq!(spec.containers[1].image.as_deref(), Some("nginx:1"));
        assert_eq!(
            spec.init_containers.as_ref().unwrap()[0].image.as_deref(),
            Some("busybox:1.36")
        );

        set_images(&mut ds, &[("*".into(), "x:1".into())]).unwrap();
        let spec = ds.spec.template.spec.as_ref().unwrap();
        assert!(spec
            .containers
            .iter()
            .all(|c| c.image.as_deref() == Some("x:1")));
        assert_eq!(
            spec.init_containers.as_ref().unwrap()[0].image.as_deref(),
            Some("x:1")
        );

        let err = set_images(&mut ds, &[("nope".into(), "x:2".into())]).unwrap_err();
        assert!(err.contains("no container \"nope\""), "{err}");
        assert!(err.contains("main, side, init"), "{err}");
    }

    #[test]
    fn restart_sets_the_template_annotation() {
        let mut ds = live();
        set_restarted_at(&mut ds, "2026-01-02T03:04:05Z");
        let annotations = ds.spec.template.metadata.unwrap().annotations.unwrap();
        assert_eq!(annotations[RESTARTED_AT_ANNOTATION], "2026-01-02T03:04:05Z");
    }
}
