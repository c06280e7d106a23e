//! What a reviewer reads first about a pod template change: images old → new per container, and
//! which aspects changed (env, args/command, resources, probes, volumes, securityContext,
//! tolerations, nodeSelector, affinity, ...).

use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateChanges {
    pub images: Vec<ImageChange>,
    pub containers_added: Vec<String>,
    pub containers_removed: Vec<String>,
    /// Aspects that changed besides images, in a fixed order.
    pub changed: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageChange {
    pub container: String,
    pub old: String,
    pub new: String,
}

impl TemplateChanges {
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
            && self.containers_added.is_empty()
            && self.containers_removed.is_empty()
            && self.changed.is_empty()
    }

    /// Lines like `image agent: busybox:1.36 → busybox:1.37` and `changed: env, resources`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .images
            .iter()
            .map(|i| format!("image {}: {} → {}", i.container, i.old, i.new))
            .collect();
        if !self.containers_added.is_empty() {
            lines.push(format!(
                "containers added: {}",
                self.containers_added.join(", ")
            ));
        }
        if !self.containers_removed.is_empty() {
            lines.push(format!(
                "containers removed: {}",
                self.containers_removed.join(", ")
            ));
        }
        if !self.changed.is_empty() {
            lines.push(format!("changed: {}", self.changed.join(", ")));
        }
        lines
    }
}

fn containers(t: &PodTemplateSpec) -> Vec<&Container> {
    let pod = t.spec.as_ref();
    pod.into_iter()
        .flat_map(|p| p.init_containers.iter().flatten().chain(&p.containers))
        .collect()
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// An aspect: how to read it from each container (compared for containers on both sides, by
/// name) and from the pod.
struct Aspect {
    name: &'static str,
    container: Option<fn(&Container) -> Value>,
    pod: Option<fn(&PodTemplateSpec) -> Value>,
}

const ASPECTS: &[Aspect] = &[
    Aspect {
        name: "env",
        container: Some(|c| json(&(&c.env, &c.env_from))),
        pod: None,
    },
    Aspect {
        name: "args/command",
        container: Some(|c| json(&(&c.command, &c.args))),
        pod: None,
    },
    Aspect {
        name: "resources",
        container: Some(|c| json(&c.resources)),
        pod: None,
    },
    Aspect {
        name: "probes",
        container: Some(|c| json(&(&c.readiness_probe, &c.liveness_probe, &c.startup_probe))),
        pod: None,
    },
    Aspect {
        name: "ports",
        container: Some(|c| json(&c.ports)),
        pod: None,
    },
    Aspect {
        name: "volumes",
        container: Some(|c| json(&c.volume_mounts)),
        pod: Some(|t| json(&t.spec.as_ref().map(|p| &p.volumes))),
    },
    Aspect {
        name: "securityContext",
        container: Some(|c| json(&c.security_context)),
        pod: Some(|t| json(&t.spec.as_ref().map(|p| &p.security_context))),
    },
    Aspect {
        name: "tolerations",
        container: None,
        pod: Some(|t| json(&t.spec.as_ref().map(|p| &p.tolerations))),
    },
    Aspect {
        name: "nodeSelector",
        container: None,
        pod: Some(|t| json(&t.spec.as_ref().map(|p| &p.node_selector))),
    },
    Aspect {
        name: "affinity",
        container: None,
        pod: Some(|t| json(&t.spec.as_ref().map(|p| &p.affinity))),
    },
    Aspect {
        name: "labels/annotations",
        container: None,
        pod: Some(|t| json(&t.metadata.as_ref().map(|m| (&m.labels, &m.annotations)))),
    },
];

fn aspect_changed(aspect: &Aspect, old: &PodTemplateSpec, new: &PodTemplateSpec) -> bool {
    if let Some(read) = aspect.pod {
        if read(old) != read(new) {
            return true;
        }
    }
    let Some(read) = aspect.container else {
        return false;
    };
    let before = containers(old);
    containers(new).into_iter().any(|after| {
        before
            .iter()
            .find(|c| c.name == after.name)
            .is_some_and(|c| read(c) != read(after))
    })
}

/// Compares two pod templates aspect by aspect. A change none of the named aspects covers
/// (hostNetwork, priorityClassName, ...) shows as `other`.
pub fn compare(old: &PodTemplateSpec, new: &PodTemplateSpec) -> TemplateChanges {
    let mut changes = TemplateChanges::default();
    let old_containers = containers(old);
    let new_containers = containers(new);
    for container in &new_containers {
        match old_containers.iter().find(|c| c.name == container.name) {
            Some(before) if before.image != container.image => changes.images.push(ImageChange {
                container: container.name.clone(),
                old: before.image.clone().unwrap_or_default(),
                new: container.image.clone().unwrap_or_default(),
            }),
            Some(_) => {}
            None => changes.containers_added.push(container.name.clone()),
        }
    }
    for container in &old_containers {
        if !new_containers.iter().any(|c| c.name == container.name) {
            changes.containers_removed.push(container.name.clone());
        }
    }
    for aspect in ASPECTS {
        if aspect_changed(aspect, old, new) {
            changes.changed.push(aspect.name);
        }
    }
    if changes.is_empty() && json(old) != json(new) {
        changes.changed.push("other");
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json as j;

    fn template(value: Value) -> PodTemplateSpec {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn names_images_and_changed_aspects() {
        let base = j!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "agent", "image": "busybox:1.36"}]}});
        let cases = [
            (
                j!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "agent", "image": "busybox:1.37"}]}}),
                vec!["image agent: busybox:1.36 → busybox:1.37"],
            ),
            (
                j!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "agent", "image": "busybox:1.36", "env": [{"name": "A", "value": "1"}], "resources": {"requests": {"cpu": "1"}}}]}}),
                vec!["changed: env, resources"],
            ),
            (
                j!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "agent", "image": "busybox:1.36"}], "tolerations": [{"operator": "Exists"}], "nodeSelector": {"a": "b"}}}),
                vec!["changed: tolerations, nodeSelector"],
            ),
            (
                j!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "agent", "image": "busybox:1.36"}, {"name": "side", "image": "x:1"}]}}),
                vec!["containers added: side"],
            ),
            (
                j!({"metadata": {"labels": {"app": "a"}}, "spec": {"hostNetwork": true, "containers": [{"name": "agent", "image": "busybox:1.36"}]}}),
                vec!["changed: other"],
            ),
            (base.clone(), vec![]),
        ];
        for (new, want) in cases {
            let got = compare(&template(base.clone()), &template(new.clone())).lines();
            assert_eq!(got, want, "{new}");
        }
    }
}
