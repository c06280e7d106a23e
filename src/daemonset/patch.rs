//! The JSON Patch (RFC 6902) operations the plugin sends to a DaemonSet, all built here, typed as
//! the `json-patch` crate's (the type kube sends). Paths are JSON Pointers built from their
//! tokens, so an annotation key's `/` and `~` are escaped by the pointer type, never by hand.

use json_patch::jsonptr::PointerBuf;
use k8s_openapi::api::apps::v1::DaemonSet;
use serde_json::Value;

pub use json_patch::{
    AddOperation, PatchOperation, RemoveOperation, ReplaceOperation, TestOperation,
};

fn pointer(tokens: &[&str]) -> PointerBuf {
    PointerBuf::from_tokens(tokens.iter().copied())
}

/// Where the annotation `key` lives.
pub fn annotation_pointer(key: &str) -> PointerBuf {
    pointer(&["metadata", "annotations", key])
}

/// The op every conditional patch starts with: the resourceVersion read, which the server checks
/// like an update's (409 Conflict when the object changed since). A `test` op would fail with a
/// bare 422 that does not say why.
pub fn precondition(ds: &DaemonSet) -> PatchOperation {
    PatchOperation::Replace(ReplaceOperation {
        path: pointer(&["metadata", "resourceVersion"]),
        value: Value::String(ds.metadata.resource_version.clone().unwrap_or_default()),
    })
}

/// Sets one annotation, whether or not it is there (`add` replaces a member that exists); the
/// annotations map itself must exist (see [`set_annotations`]).
pub fn set_annotation(key: &str, value: String) -> PatchOperation {
    PatchOperation::Add(AddOperation {
        path: annotation_pointer(key),
        value: Value::String(value),
    })
}

/// Ops that set annotations, adding the map first when the object has none.
pub fn set_annotations(ds: &DaemonSet, pairs: Vec<(&str, String)>) -> Vec<PatchOperation> {
    if ds.metadata.annotations.is_none() {
        let map: serde_json::Map<String, Value> = pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::String(v)))
            .collect();
        return vec![PatchOperation::Add(AddOperation {
            path: pointer(&["metadata", "annotations"]),
            value: Value::Object(map),
        })];
    }
    pairs
        .into_iter()
        .map(|(k, v)| set_annotation(k, v))
        .collect()
}

/// Replaces an annotation that must be there (the patch fails when it is not).
pub fn replace_annotation(key: &str, value: String) -> PatchOperation {
    PatchOperation::Replace(ReplaceOperation {
        path: annotation_pointer(key),
        value: Value::String(value),
    })
}

/// Fails the whole patch unless the annotation holds exactly `value`.
pub fn test_annotation(key: &str, value: String) -> PatchOperation {
    PatchOperation::Test(TestOperation {
        path: annotation_pointer(key),
        value: Value::String(value),
    })
}

pub fn remove_annotation(key: &str) -> PatchOperation {
    PatchOperation::Remove(RemoveOperation {
        path: annotation_pointer(key),
    })
}

/// Puts a pod template (as JSON: a revision's, a manifest's) in place of the DaemonSet's.
pub fn replace_template(template: Value) -> PatchOperation {
    PatchOperation::Replace(ReplaceOperation {
        path: pointer(&["spec", "template"]),
        value: template,
    })
}

/// Puts an update strategy (as JSON: recorded in an annotation, or a manifest's) in place.
pub fn replace_update_strategy(strategy: Value) -> PatchOperation {
    PatchOperation::Replace(ReplaceOperation {
        path: pointer(&["spec", "updateStrategy"]),
        value: strategy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ops_serialize_as_the_server_reads_them_with_keys_escaped() {
        let ds: DaemonSet = serde_json::from_value(json!({
            "metadata": {"name": "agent", "resourceVersion": "42"},
            "spec": {"selector": {}, "template": {}},
        }))
        .unwrap();
        let cases = [
            (
                precondition(&ds),
                json!({"op": "replace", "path": "/metadata/resourceVersion", "value": "42"}),
            ),
            (
                set_annotation("example.com/a~b", "x".into()),
                json!({"op": "add", "path": "/metadata/annotations/example.com~1a~0b", "value": "x"}),
            ),
            (
                replace_annotation("example.com/a", "y".into()),
                json!({"op": "replace", "path": "/metadata/annotations/example.com~1a", "value": "y"}),
            ),
            (
                test_annotation("example.com/a", "z".into()),
                json!({"op": "test", "path": "/metadata/annotations/example.com~1a", "value": "z"}),
            ),
            (
                remove_annotation("rollout.kubectl-ds.io/lock"),
                json!({"op": "remove", "path": "/metadata/annotations/rollout.kubectl-ds.io~1lock"}),
            ),
            (
                replace_template(json!({"spec": {}})),
                json!({"op": "replace", "path": "/spec/template", "value": {"spec": {}}}),
            ),
            (
                replace_update_strategy(json!({"type": "OnDelete"})),
                json!({"op": "replace", "path": "/spec/updateStrategy", "value": {"type": "OnDelete"}}),
            ),
        ];
        for (op, want) in cases {
            assert_eq!(serde_json::to_value(&op).unwrap(), want);
        }
        assert_eq!(
            set_annotations(&ds, vec![("example.com/a", "x".into())]),
            [PatchOperation::Add(AddOperation {
                path: pointer(&["metadata", "annotations"]),
                value: json!({"example.com/a": "x"}),
            })],
            "no annotations yet: the map is added whole"
        );
    }
}
