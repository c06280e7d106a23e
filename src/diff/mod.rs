//! Diffs of DaemonSets without I/O: noise removal, unified text diffs, the field-level summary of
//! a pod template change, the list of changed fields, and the verdict on what a change does to pods.

pub mod template;
pub mod text;
pub mod verdict;

use serde::Serialize;
use serde_json::Value;

use crate::manifest::{index_path, key_path};

/// Annotations the server or kubectl maintain, never what a user means to change.
const NOISY_ANNOTATIONS: [&str; 2] = [
    "deprecated.daemonset.template.generation",
    "kubectl.kubernetes.io/last-applied-configuration",
];

/// Removes what changes without anyone changing it: status, managedFields, resourceVersion, uid,
/// generation, timestamps, server-kept annotations.
pub fn strip_noise(object: &mut Value) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    map.remove("status");
    if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
        for key in [
            "managedFields",
            "resourceVersion",
            "uid",
            "generation",
            "creationTimestamp",
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            metadata.remove(key);
        }
        if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
            for key in NOISY_ANNOTATIONS {
                annotations.remove(key);
            }
            if annotations.is_empty() {
                metadata.remove("annotations");
            }
        }
    }
}

/// Drops, from both sides, fields the manifest did not write and that are the same on both
/// sides: defaults the server filled in, which a reader need not see unless they change.
pub fn prune_unwritten(old: &mut Value, new: &mut Value, written: &Value) {
    let (Value::Object(old_map), Value::Object(new_map)) = (old, new) else {
        return;
    };
    let written_map = written.as_object();
    let mut keys: Vec<String> = old_map.keys().chain(new_map.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let Some(written) = written_map.and_then(|w| w.get(&key)) else {
            if old_map.contains_key(&key) && old_map.get(&key) == new_map.get(&key) {
                old_map.remove(&key);
                new_map.remove(&key);
            }
            continue;
        };
        match (old_map.get_mut(&key), new_map.get_mut(&key), written) {
            (Some(o @ Value::Object(_)), Some(n @ Value::Object(_)), _) => {
                prune_unwritten(o, n, written)
            }
            (Some(Value::Array(o)), Some(Value::Array(n)), Value::Array(w))
                if o.len() == n.len() && n.len() == w.len() =>
            {
                for ((o, n), w) in o.iter_mut().zip(n.iter_mut()).zip(w) {
                    prune_unwritten(o, n, w);
                }
            }
            _ => {}
        }
    }
}

/// One changed field: its path, and the value before and after (`None`: absent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Every leaf that differs, by field path. Lists of equal length are compared item by item;
/// otherwise the whole list is one change.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    collect_changes("", Some(old), Some(new), &mut out);
    out
}

fn collect_changes(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    match (old, new) {
        (Some(a), Some(b)) if a == b => {}
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                collect_changes(&key_path(path, key), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                collect_changes(&index_path(path, i), Some(x), Some(y), out);
            }
        }
        (None, None) => {}
        (old, new) => out.push(Change {
            path: path.to_string(),
            old: old.cloned(),
            new: new.cloned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn noise_is_stripped() {
        let mut object = json!({
            "metadata": {"name": "a", "uid": "u", "resourceVersion": "5", "generation": 3,
                         "creationTimestamp": "t", "managedFields": [{}],
                         "annotations": {"deprecated.daemonset.template.generation": "3"}},
            "spec": {"x": 1},
            "status": {"numberReady": 2}
        });
        strip_noise(&mut object);
        assert_eq!(object, json!({"metadata": {"name": "a"}, "spec": {"x": 1}}));
    }

    #[test]
    fn unwritten_equal_defaults_are_pruned_but_changes_and_written_fields_kept() {
        let written =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "b"}]}}}});
        let mut old = json!({"spec": {"revisionHistoryLimit": 10, "template": {"spec": {
            "dnsPolicy": "ClusterFirst", "containers": [{"name": "c", "image": "a", "imagePullPolicy": "IfNotPresent"}]}}}});
        let mut new = json!({"spec": {"revisionHistoryLimit": 10, "template": {"spec": {
            "dnsPolicy": "ClusterFirst", "containers": [{"name": "c", "image": "b", "imagePullPolicy": "IfNotPresent"}]}}}});
        prune_unwritten(&mut old, &mut new, &written);
        assert_eq!(
            old,
            json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "a"}]}}}})
        );
        assert_eq!(
            new,
            json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "b"}]}}}})
        );
    }

    #[test]
    fn changes_are_listed_by_path() {
        let old = json!({"a": {"b": 1, "c": [1, 2]}, "d": "x", "labels": {"app.kubernetes.io/name": "p"}});
        let new = json!({"a": {"b": 2, "c": [1, 2, 3]}, "e": true, "labels": {"app.kubernetes.io/name": "q"}});
        let paths: Vec<String> = changes(&old, &new).into_iter().map(|c| c.path).collect();
        assert_eq!(
            paths,
            ["a.b", "a.c", "d", "e", "labels[app.kubernetes.io/name]"]
        );
    }
}
