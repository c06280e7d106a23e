//! A manifest the API server refused, as one line: the file (and the line of the field at fault
//! when the server names one), the object kubectl-style (`daemonset NS/NAME`), and the server's
//! reason.

use serde_json::Value;

use crate::error::Failure;
use crate::manifest::Object;

/// The user's failure (exit 2) for a manifest the server refused; `source` is the manifest as
/// read, when the object came from a file. `verb` is "rejected" or "would reject" (a dry run).
pub fn rejected_manifest(
    source: Option<&Object>,
    namespace: &str,
    name: &str,
    verb: &str,
    message: &str,
) -> Failure {
    let at = source.map_or_else(String::new, |object| {
        match field_in(message).and_then(|path| locate(&path, &object.value)) {
            Some(path) => format!("{}:{}: ", object.file, object.position_of(&path).line),
            None => format!("{}: ", object.file),
        }
    });
    Failure::usage(format!(
        "{at}the API server {verb} daemonset {namespace}/{name}: {message}; correct the manifest and run the command again"
    ))
}

/// The path of the first field the server's message names, as the server wrote it:
/// `unknown field "spec.x[0].y"` (strict decoding), `.spec.x[name="a"].y: field not declared in
/// schema` (server-side apply), `... is invalid: spec.x[0].y: Required value` (validation).
fn field_in(message: &str) -> Option<String> {
    for marker in ["unknown field \"", "duplicate field \""] {
        if let Some((_, rest)) = message.split_once(marker) {
            return rest.split_once('"').map(|(path, _)| path.to_string());
        }
    }
    if let Some((_, rest)) = message.split_once("is invalid: ") {
        let rest = rest.trim_start_matches('[');
        return rest.split_once(": ").map(|(path, _)| path.to_string());
    }
    let start = message
        .char_indices()
        .find(|&(at, c)| c == '.' && (at == 0 || message[..at].ends_with(char::is_whitespace)))?
        .0;
    message[start..]
        .split_once(": ")
        .map(|(path, _)| path.to_string())
}

/// `path` (server-side apply's `.a.b[name="x"].c`, or `a.b[0].c`) as the manifest's own path
/// with list indices (`a.b[0].c`), when every step of it is in `value`.
fn locate(path: &str, value: &Value) -> Option<String> {
    let mut located = String::new();
    let mut current = value;
    let mut rest = path.strip_prefix('.').unwrap_or(path);
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let items = current.as_array()?;
            let (index, after) = list_step(inner, items)?;
            located.push_str(&format!("[{index}]"));
            current = &items[index];
            rest = after;
        } else {
            let rest_of_field = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_of_field
                .find(['.', '['])
                .unwrap_or(rest_of_field.len());
            let field = &rest_of_field[..end];
            current = current.get(field)?;
            if !located.is_empty() {
                located.push('.');
            }
            located.push_str(field);
            rest = &rest_of_field[end..];
        }
    }
    (!located.is_empty()).then_some(located)
}

/// One list step after its `[`: an index `3]`, a set member `="v"]`, or keys `name="a",port=80]`;
/// the index of the item it names and what follows the `]`.
fn list_step<'a>(inner: &'a str, items: &[Value]) -> Option<(usize, &'a str)> {
    if let Some((digits, after)) = inner.split_once(']') {
        if let Ok(index) = digits.parse::<usize>() {
            return (index < items.len()).then_some((index, after));
        }
    }
    if let Some(member) = inner.strip_prefix('=') {
        let (wanted, after) = json_prefix(member)?;
        let index = items.iter().position(|item| *item == wanted)?;
        return Some((index, after.strip_prefix(']')?));
    }
    let mut keys = Vec::new();
    let mut rest = inner;
    loop {
        let (key, value_text) = rest.split_once('=')?;
        let (value, after) = json_prefix(value_text)?;
        keys.push((key, value));
        match after.strip_prefix(',') {
            Some(next) => rest = next,
            None => {
                rest = after.strip_prefix(']')?;
                break;
            }
        }
    }
    let index = items
        .iter()
        .position(|item| keys.iter().all(|(k, v)| item.get(*k) == Some(v)))?;
    Some((index, rest))
}

/// The JSON value at the start of `text` and what follows it.
fn json_prefix(text: &str) -> Option<(Value, &str)> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = values.next()?.ok()?;
    Some((value, &text[values.byte_offset()..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest() -> Value {
        json!({"spec": {"template": {"spec": {
            "containers": [
                {"name": "init", "image": "a"},
                {"name": "main", "image": "b", "imagePullPolcy": "Always",
                 "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 9090, "protocol": "UDP", "bogus": 1}]}
            ],
            "finalizers": ["x", "y"]
        }}}})
    }

    #[test]
    fn the_field_named_by_each_kind_of_refusal_is_found() {
        let cases = [
            (
                r#".spec.template.spec.containers[name="main"].imagePullPolcy: field not declared in schema"#,
                Some("spec.template.spec.containers[1].imagePullPolcy"),
            ),
            (
                r#"strict decoding error: unknown field "spec.template.spec.containers[1].imagePullPolcy""#,
                Some("spec.template.spec.containers[1].imagePullPolcy"),
            ),
            (
                r#"errors: .spec.template.spec.containers[name="main"].ports[containerPort=9090,protocol="UDP"].bogus: field not declared in schema"#,
                Some("spec.template.spec.containers[1].ports[1].bogus"),
            ),
            (
                r#".spec.template.spec.finalizers[="y"]: expected map"#,
                Some("spec.template.spec.finalizers[1]"),
            ),
            (
                r#"DaemonSet.apps "agent" is invalid: spec.template.spec.containers[0].image: Required value"#,
                Some("spec.template.spec.containers[0].image"),
            ),
            (
                r#".spec.template.spec.containers[name="gone"].x: field not declared in schema"#,
                None,
            ),
            ("something else entirely", None),
        ];
        for (message, expected) in cases {
            let found = field_in(message).and_then(|path| locate(&path, &manifest()));
            assert_eq!(found.as_deref(), expected, "{message}");
        }
    }

    #[test]
    fn a_manifest_from_a_file_is_named_with_the_line_of_the_field() {
        let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        image: b\n        imagePullPolcy: Always\n";
        let objects = crate::manifest::parse_objects("bad.yaml", text).unwrap();
        let message = r#".spec.template.spec.containers[name="main"].imagePullPolcy: field not declared in schema"#;
        let failure = rejected_manifest(Some(&objects[0]), "ns", "agent", "rejected", message);
        assert_eq!(
            failure.message,
            format!("bad.yaml:10: the API server rejected daemonset ns/agent: {message}; correct the manifest and run the command again")
        );
        let failure =
            rejected_manifest(Some(&objects[0]), "ns", "agent", "would reject", "no field");
        assert!(
            failure
                .message
                .starts_with("bad.yaml: the API server would reject daemonset ns/agent: no field;"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn the_line_names_the_object_and_what_to_do() {
        let failure = rejected_manifest(
            None,
            "ns",
            "agent",
            "rejected",
            ".spec.x: field not declared in schema",
        );
        assert_eq!(failure.kind, crate::error::FailureKind::Usage);
        assert_eq!(
            failure.message,
            "the API server rejected daemonset ns/agent: .spec.x: field not declared in schema; correct the manifest and run the command again"
        );
    }
}
