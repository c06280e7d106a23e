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

/// The op most conditional patches start with: the resourceVersion read, which the server checks
/// like an update's (409 Conflict when the object changed since). Writes that would race the
/// controller's status writes use [`unchanged`] instead, which falls back to this.
pub fn precondition(ds: &DaemonSet) -> PatchOperation {
    PatchOperation::Replace(ReplaceOperation {
        path: pointer(&["metadata", "resourceVersion"]),
        value: Value::String(ds.metadata.resource_version.clone().unwrap_or_default()),
    })
}

/// The conditions of a write that must not lose what another writer decided, yet need not race
/// the controller's status writes: the same object (uid), the same spec (generation) and the
/// annotations `keys` as read. A status write changes none of them, where it changes the
/// resourceVersion of [`precondition`] every few milliseconds while pods change. A failed `test`
/// is a bare 422, read by the cluster layer as a lost race. Falls back to [`precondition`] when
/// one of them is missing from `ds` (JSON Patch cannot test that a member is absent) or could
/// not be tested (see [`testable`]).
pub fn unchanged(ds: &DaemonSet, keys: &[&str]) -> Vec<PatchOperation> {
    let meta = &ds.metadata;
    let annotations = meta.annotations.as_ref();
    let values: Option<Vec<&String>> = keys
        .iter()
        .map(|key| annotations.and_then(|a| a.get(*key)))
        .map(|value| value.filter(|v| testable(v)))
        .collect();
    let (Some(uid), Some(generation), Some(values)) = (&meta.uid, meta.generation, values) else {
        return vec![precondition(ds)];
    };
    let test = |path: PointerBuf, value: Value| PatchOperation::Test(TestOperation { path, value });
    let mut ops = vec![
        test(pointer(&["metadata", "uid"]), Value::String(uid.clone())),
        test(
            pointer(&["metadata", "generation"]),
            Value::from(generation),
        ),
    ];
    ops.extend(
        keys.iter()
            .zip(values)
            .map(|(key, value)| test_annotation(key, value.clone())),
    );
    ops
}

/// Whether the server's `test` of this string can succeed. The API server's JSON Patch (the v4
/// `evanphx/json-patch`) compares a string by its encoded bytes, and Go's encoder writes `<`,
/// `>`, `&`, U+2028, U+2029, backspace and form feed as `\u` escapes where serde_json does not:
/// a rollout state holding a metric `... < 1` or a check `... >&2` would never test equal.
pub fn testable(value: &str) -> bool {
    value.chars().all(|c| {
        !matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}')
            && (c >= ' ' || matches!(c, '\n' | '\r' | '\t'))
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
    fn unchanged_tests_uid_generation_and_the_annotations_or_falls_back_to_the_version() {
        let ds = |annotations: Value| -> DaemonSet {
            serde_json::from_value(json!({
                "metadata": {"name": "agent", "uid": "u1", "generation": 3,
                             "resourceVersion": "42", "annotations": annotations},
            }))
            .unwrap()
        };
        let full = ds(json!({"a/state": "s", "a/lock": "l", "other": "o"}));
        let tested = serde_json::to_value(unchanged(&full, &["a/state", "a/lock"])).unwrap();
        assert_eq!(
            tested,
            json!([
                {"op": "test", "path": "/metadata/uid", "value": "u1"},
                {"op": "test", "path": "/metadata/generation", "value": 3},
                {"op": "test", "path": "/metadata/annotations/a~1state", "value": "s"},
                {"op": "test", "path": "/metadata/annotations/a~1lock", "value": "l"},
            ])
        );
        let version =
            json!([{"op": "replace", "path": "/metadata/resourceVersion", "value": "42"}]);
        let untestable = ds(json!({"a/state": "errors < 1", "a/lock": "l"}));
        for missing in [ds(json!({"a/state": "s"})), ds(Value::Null), untestable] {
            let ops = serde_json::to_value(unchanged(&missing, &["a/state", "a/lock"])).unwrap();
            assert_eq!(ops, version);
        }
    }

    #[test]
    fn only_strings_go_encodes_as_serde_json_does_are_tested() {
        let cases = [
            ("v2:gz:H4sI+/=", true),
            (
                "{\"phase\":\"running\",\"note\":\"a\\nb\\t\\\"c\\\"\"}",
                true,
            ),
            ("naïve ünïcode ✓", true),
            ("max(errors) < 1", false),
            ("echo failed >&2", false),
            ("a & b", false),
            ("line\u{2028}separator", false),
            ("bell\u{8}", false),
        ];
        for (value, want) in cases {
            assert_eq!(testable(value), want, "{value:?}");
        }
    }

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
