//! Kubernetes manifests as users write them: multi-document YAML or JSON, `kind: List`, with the
//! file and line of every field kept for messages. Parsing is pure; `files` does the reading.

pub mod files;
pub mod inputs;
pub mod path;
pub mod rejection;
pub mod yaml;

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use path::{index_path, key_path, Positions};

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Self {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// Input that cannot be read or understood; always reported with the file and, when known, line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub position: Option<Position>,
    pub message: String,
}

impl InputError {
    pub fn new(file: &str, position: Option<Position>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            position,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(at) => write!(
                f,
                "{}:{}:{}: {}",
                self.file, at.line, at.column, self.message
            ),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// One Kubernetes object from the input, with where each of its fields was written.
#[derive(Debug, Clone)]
pub struct Object {
    pub file: Arc<str>,
    pub value: Value,
    positions: Arc<Positions>,
    /// Where the object sits in its document: "" or `items[N]` for a member of a List.
    prefix: String,
}

impl Object {
    pub fn kind(&self) -> &str {
        self.str_field("kind")
    }

    pub fn api_version(&self) -> &str {
        self.str_field("apiVersion")
    }

    pub fn name(&self) -> &str {
        self.value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
    }

    fn str_field(&self, key: &str) -> &str {
        self.value.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// Where the object starts.
    pub fn position(&self) -> Position {
        self.position_of("")
    }

    /// Where `path` (relative to the object) was written; for a field that is absent, where its
    /// nearest written ancestor is, which is where a reader would add it.
    pub fn position_of(&self, path: &str) -> Position {
        let mut current = Some(path);
        while let Some(path) = current {
            let full = self.full_path(path);
            if let Some(position) = self.positions.get(&full) {
                return position;
            }
            current = path::parent_path(path);
        }
        Position::new(1, 1)
    }

    fn full_path(&self, path: &str) -> String {
        match (self.prefix.is_empty(), path.is_empty()) {
            (true, _) => path.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) if path.starts_with('[') => format!("{}{path}", self.prefix),
            (false, false) => format!("{}.{path}", self.prefix),
        }
    }

    /// Reads the object as a typed API struct. On a type mismatch the error names the field path
    /// and its line, as kubectl would reject it, and the object ([`Object::reference`]).
    pub fn typed<T: DeserializeOwned>(
        &self,
        value: Value,
        default_namespace: Option<&str>,
    ) -> Result<T, InputError> {
        serde_path_to_error::deserialize(value).map_err(|error| {
            let path = error.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let at = self.position_of(&path);
            let field = if path.is_empty() {
                String::new()
            } else {
                format!("{path}: ")
            };
            InputError::new(
                &self.file,
                Some(at),
                format!(
                    "{}: {field}{}",
                    self.reference(default_namespace),
                    error.inner()
                ),
            )
        })
    }

    /// The object as messages name it, kubectl-style: `daemonset demo/agent`, `node worker-1`.
    /// `default_namespace` is the namespace in effect for an object written without one; `None`
    /// for cluster-scoped kinds.
    pub fn reference(&self, default_namespace: Option<&str>) -> String {
        let kind = self.kind().to_lowercase();
        match self.namespace().or(default_namespace) {
            Some(ns) => format!("{kind} {ns}/{}", self.name()),
            None => format!("{kind} {}", self.name()),
        }
    }
}

/// RFC 7386 JSON merge patch: objects merge key by key, null deletes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(patch) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(map) = target {
                for (key, value) in patch {
                    if value.is_null() {
                        map.remove(&key);
                    } else {
                        merge_patch(map.entry(key).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other,
    }
}

/// Whether every field `written` sets has the same value in `stored`: a manifest compared with
/// what the server keeps, which adds defaults the manifest never wrote.
pub fn is_subset(written: &Value, stored: &Value) -> bool {
    match (written, stored) {
        (Value::Object(w), Value::Object(s)) => w
            .iter()
            .all(|(k, v)| v.is_null() || s.get(k).is_some_and(|sv| is_subset(v, sv))),
        (Value::Array(w), Value::Array(s)) => {
            w.len() == s.len() && w.iter().zip(s).all(|(a, b)| is_subset(a, b))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        // A number written where the server keeps a string (quantities, ports by number).
        (Value::Number(a), Value::String(b)) => a.to_string() == *b,
        (a, b) => a == b,
    }
}

/// Splits a file's text into objects. `file` is the name used in messages.
pub fn parse_objects(file: &str, text: &str) -> Result<Vec<Object>, InputError> {
    let documents = yaml::parse_documents(text).map_err(|e| {
        json_error(file, text).unwrap_or_else(|| InputError::new(file, Some(e.position), e.message))
    })?;
    if documents.is_empty() {
        return Err(InputError::new(
            file,
            None,
            "contains no Kubernetes objects (the file is empty or only comments)",
        ));
    }
    let file: Arc<str> = Arc::from(file);
    let mut objects = Vec::new();
    for document in documents {
        let positions = Arc::new(document.positions);
        let at = Some(Position::new(document.line as usize, 1));
        let Value::Object(map) = &document.value else {
            return Err(InputError::new(
                &file,
                at,
                "a document must be a Kubernetes object (a mapping with apiVersion and kind)",
            ));
        };
        check_type_fields(&file, map, at)?;
        let is_list = map
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && map.get("items").is_some_and(Value::is_array);
        if is_list {
            let Value::Object(mut map) = document.value else {
                unreachable!("checked above")
            };
            let Some(Value::Array(items)) = map.remove("items") else {
                unreachable!("checked above")
            };
            for (index, item) in items.into_iter().enumerate() {
                let prefix = index_path("items", index);
                let object = Object {
                    file: file.clone(),
                    value: item,
                    positions: positions.clone(),
                    prefix,
                };
                let Value::Object(item_map) = &object.value else {
                    return Err(InputError::new(
                        &file,
                        Some(object.position()),
                        "a List item must be a Kubernetes object",
                    ));
                };
                check_type_fields(&file, item_map, Some(object.position()))?;
                objects.push(object);
            }
        } else {
            objects.push(Object {
                file: file.clone(),
                value: document.value,
                positions,
                prefix: String::new(),
            });
        }
    }
    Ok(objects)
}

/// What is wrong with `text` read as JSON, when it looks like JSON (it starts with `{` or `[`, as
/// a `kubectl get -o json` dump does) and is not. The YAML parser reads valid JSON, with the
/// positions of its fields, but on broken JSON it speaks of YAML nodes; serde_json says what a
/// person who wrote or saved JSON needs to hear, above all that the file ends too soon.
fn json_error(file: &str, text: &str) -> Option<InputError> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let error = serde_json::Deserializer::from_str(text)
        .into_iter::<serde::de::IgnoredAny>()
        .find_map(Result::err)?;
    let at = Position::new(error.line(), error.column());
    match error.classify() {
        serde_json::error::Category::Eof => {
            let what = if file == "<stdin>" { "input" } else { "file" };
            Some(InputError::new(
                file,
                None,
                format!(
                    "unexpected end of JSON at line {} (the {what} looks truncated); save it \
                     again in full, e.g. re-run the kubectl get ... -o json that wrote it",
                    at.line
                ),
            ))
        }
        serde_json::error::Category::Syntax => {
            let full = error.to_string();
            let message = full
                .strip_suffix(&format!(" at line {} column {}", at.line, at.column))
                .unwrap_or(&full);
            // The YAML parser's own limit (nesting depth) says it better.
            (!message.contains("recursion limit"))
                .then(|| InputError::new(file, Some(at), format!("invalid JSON: {message}")))
        }
        serde_json::error::Category::Io | serde_json::error::Category::Data => None,
    }
}

fn check_type_fields(
    file: &str,
    map: &serde_json::Map<String, Value>,
    at: Option<Position>,
) -> Result<(), InputError> {
    for field in ["apiVersion", "kind"] {
        match map.get(field) {
            Some(Value::String(text)) if !text.is_empty() => {}
            Some(_) => {
                return Err(InputError::new(
                    file,
                    at,
                    format!("{field} must be a non-empty string"),
                ))
            }
            None => {
                return Err(InputError::new(
                    file,
                    at,
                    format!(
                        "object has no {field}; every Kubernetes object needs apiVersion and kind"
                    ),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::DaemonSet;

    #[test]
    fn lists_are_expanded_and_positions_kept() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: DaemonSet\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n";
        let objects = parse_objects("f.yaml", text).unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0].kind(), "DaemonSet");
        assert_eq!(objects[1].name(), "b");
        assert_eq!(objects[1].position_of("metadata.name").line, 11);
        assert_eq!(objects[1].position_of("spec.missing").line, 8);
    }

    #[test]
    fn type_errors_name_the_field_and_line() {
        let text = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a\nspec:\n  minReadySeconds: soon\n";
        let objects = parse_objects("f.yaml", text).unwrap();
        let error = objects[0]
            .typed::<DaemonSet>(objects[0].value.clone(), Some("demo"))
            .unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with("f.yaml:6:3: daemonset demo/a: spec.minReadySeconds: invalid type"),
            "{shown}"
        );
    }

    /// The start of `kubectl get nodes -o json`.
    const NODE_LIST: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "labels": {"kubernetes.io/hostname": "n1"},
                "name": "n1"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": "n2"
            }
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"#;

    #[test]
    fn truncated_json_says_the_file_ends_too_soon() {
        let truncated = "unexpected end of JSON at line";
        let cut = |at: &str| &NODE_LIST[..NODE_LIST.find(at).unwrap()];
        let cases = [
            // Cut between two items, in a key, in a string value, in a number, at the very end.
            ("nodes.json", cut("        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Node\",\n            \"metadata\": {\n                \"name\": \"n2\""), "nodes.json: unexpected end of JSON at line 12 (the file looks truncated); "),
            ("nodes.json", cut("ind\": \"List"), "nodes.json: unexpected end of JSON at line 20 (the file looks truncated); "),
            ("nodes.json", cut("1\"\n"), "nodes.json: unexpected end of JSON at line 9 (the file looks truncated); "),
            ("nodes.json", &NODE_LIST[..NODE_LIST.len() - 3], "nodes.json: unexpected end of JSON at line 21 (the file looks truncated); "),
            ("<stdin>", "  \n[{\"apiVersion\": 1", "<stdin>: unexpected end of JSON at line 2 (the input looks truncated); "),
            ("pods.json", "{\"items\": [1, 2", "pods.json: unexpected end of JSON at line 1 (the file looks truncated); "),
        ];
        for (file, text, want) in cases {
            let error = parse_objects(file, text).unwrap_err().to_string();
            assert!(error.starts_with(want), "{text:?}: {error}");
            assert!(error.contains(truncated), "{error}");
            assert!(error.contains("kubectl get ... -o json"), "{error}");
            assert_eq!(error.lines().count(), 1, "{error}");
        }
    }

    #[test]
    fn json_is_read_with_positions_and_broken_json_named_as_such() {
        let objects = parse_objects("nodes.json", NODE_LIST).unwrap();
        let names: Vec<&str> = objects.iter().map(Object::name).collect();
        assert_eq!(names, ["n1", "n2"]);
        assert_eq!(objects[1].kind(), "Node");
        assert_eq!(objects[1].position_of("metadata.name").line, 16);
        let cases = [
            (
                "\n\n  {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}",
                Ok(1),
            ),
            // Flow YAML starts like JSON and is YAML all the same.
            (
                "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}",
                Ok(1),
            ),
            (
                "{\n  \"apiVersion\": \"v1\"\n  \"kind\": \"ConfigMap\"\n}",
                Err("f.json:3:3: invalid JSON: expected `,` or `}`"),
            ),
            // Not JSON: the YAML parser's message stays.
            ("a: [\n", Err("f.json:2:1: ")),
        ];
        for (text, want) in cases {
            match (parse_objects("f.json", text), want) {
                (Ok(objects), Ok(count)) => assert_eq!(objects.len(), count, "{text:?}"),
                (Err(error), Err(want)) => {
                    let error = error.to_string();
                    assert!(error.starts_with(want), "{text:?}: {error}");
                }
                (got, _) => panic!("{text:?}: {:?}", got.map(|o| o.len())),
            }
        }
    }

    #[test]
    fn bad_documents_are_input_errors() {
        let cases = [
            ("", "no Kubernetes objects"),
            ("# just a comment\n", "no Kubernetes objects"),
            ("- a\n- b\n", "must be a Kubernetes object"),
            ("kind: DaemonSet\n", "no apiVersion"),
            ("apiVersion: v1\nkind: 3\n", "kind must be"),
            ("a: [\n", "f.yaml:2"),
        ];
        for (text, want) in cases {
            let error = parse_objects("f.yaml", text).unwrap_err().to_string();
            assert!(error.contains(want), "{text:?}: {error}");
        }
    }
}
