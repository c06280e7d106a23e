//! `kubectl ds rollout restart NAME` and `kubectl ds rollout set-image NAME CONTAINER=IMAGE...`:
//! change the live DaemonSet's pod template and roll the change out with the same engine as
//! `rollout apply` (OnDelete, waves, health gate, resumable).

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::ops::apply;

use super::Outcome;
use crate::cli::{GlobalArgs, RolloutRestartArgs, RolloutSetImageArgs};
use crate::error::Failure;
use crate::render::progress::{Event, Progress};

/// The pod template annotation `kubectl rollout restart` sets.
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

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
    let (cluster, namespace, mut ds) = crate::ops::live_daemonset(global, name).await?;
    let at = crate::clock::rfc3339(crate::clock::now());
    set_restarted_at(&mut ds, &at);
    let mut progress = Progress::new(args.engine.output);
    progress.emit(Event::Note {
        message: format!(
            "daemonset {namespace}/{name}: pod template annotation {RESTARTED_AT_ANNOTATION}={at}"
        ),
    });
    apply::roll_out(&cluster, &namespace, &ds, &args.engine, &mut progress).await
}

pub async fn set_image(args: &RolloutSetImageArgs, global: &GlobalArgs) -> anyhow::Result<Outcome> {
    let name = &args.name;
    let (cluster, namespace, mut ds) = crate::ops::live_daemonset(global, name).await?;
    set_images(&mut ds, &args.images).map_err(Failure::usage)?;
    let mut progress = Progress::new(args.engine.output);
    for (container, image) in &args.images {
        progress.emit(Event::Note {
            message: format!("daemonset {namespace}/{name}: container {container} image {image}"),
        });
    }
    apply::roll_out(&cluster, &namespace, &ds, &args.engine, &mut progress).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_image_changes_the_named_containers_and_rejects_unknown_ones() {
        let mut ds = crate::rollout::live::live();
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
        let mut ds = crate::rollout::live::live();
        set_restarted_at(&mut ds, "2026-01-02T03:04:05Z");
        let annotations = ds.spec.template.metadata.unwrap().annotations.unwrap();
        assert_eq!(annotations[RESTARTED_AT_ANNOTATION], "2026-01-02T03:04:05Z");
    }
}
