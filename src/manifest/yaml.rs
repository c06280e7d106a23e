//! YAML text to JSON values, remembering where every field was written.
//!
//! Scalars resolve the way kubectl's YAML reader (go-yaml v2, YAML 1.1) resolves them, so a value
//! that kubectl would read as a bool or a number is one here too, and the type errors match.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use super::path::{index_path, key_path, Positions};
use super::Position;

/// Deeper than any Kubernetes object gets; the limit keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 100;
/// Nodes per document after alias expansion; stops "billion laughs" documents.
const MAX_NODES: usize = 500_000;

/// One YAML document: its value and the position of every field, keyed by field path.
#[derive(Debug)]
pub struct Document {
    /// 1-based line where the document's content starts.
    pub line: u32,
    pub value: Value,
    pub positions: Positions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub position: Position,
    pub message: String,
}

/// Parses a stream of YAML (or JSON) documents. Empty documents are left out.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            position: Position::new(e.marker().line(), e.marker().col() + 1),
            message: match e.info() {
                "recursion limit exceeded" => {
                    format!("nesting is deeper than the parser allows ({})", e.info())
                }
                info => info.to_string(),
            },
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

enum Frame {
    Mapping {
        map: Map<String, Value>,
        path: String,
        /// The key just read, waiting for its value, with the key's position.
        pending_key: Option<(String, Position)>,
        /// Keys that came from a merge key (`<<`): an explicit key may override these.
        merged: Vec<String>,
        anchor: usize,
    },
    Sequence {
        items: Vec<Value>,
        path: String,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    documents: Vec<Document>,
    stack: Vec<Frame>,
    positions: Positions,
    anchors: HashMap<usize, Value>,
    document_line: u32,
    nodes: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), SyntaxError> {
        let at = Position::new(span.start.line(), span.start.col() + 1);
        match event {
            Event::DocumentStart(_) => {
                self.positions = Positions::default();
                self.anchors.clear();
                self.nodes = 0;
                self.document_line = at.line;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.expecting_key() {
                    self.push_key(text.into_owned(), at)?;
                } else {
                    let value = resolve_scalar(&text, style, tag.as_deref());
                    self.finish_node(value, anchor, at)?;
                }
            }
            Event::Alias(id) => {
                if self.expecting_key() {
                    return Err(SyntaxError {
                        position: at,
                        message: "an alias cannot be a mapping key here".into(),
                    });
                }
                let size = self
                    .anchors
                    .get(&id)
                    .map(count_values)
                    .ok_or_else(|| SyntaxError {
                        position: at,
                        message: "alias refers to an unknown anchor".into(),
                    })?;
                // Counted before cloning, so a bomb is refused before it takes the memory.
                self.count_nodes(size, at)?;
                let value = self.anchors[&id].clone();
                self.finish_node(value, 0, at)?;
            }
            Event::MappingStart(anchor, _) => {
                let path = self.open_child(at)?;
                self.stack.push(Frame::Mapping {
                    map: Map::new(),
                    path,
                    pending_key: None,
                    merged: Vec::new(),
                    anchor,
                });
            }
            Event::SequenceStart(anchor, _) => {
                let path = self.open_child(at)?;
                self.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    path,
                    anchor,
                });
            }
            Event::MappingEnd => {
                if let Some(Frame::Mapping { map, anchor, .. }) = self.stack.pop() {
                    self.close_node(Value::Object(map), anchor, at)?;
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Sequence { items, anchor, .. }) = self.stack.pop() {
                    self.close_node(Value::Array(items), anchor, at)?;
                }
            }
            Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Mapping {
                pending_key: None,
                ..
            })
        )
    }

    fn push_key(&mut self, key: String, at: Position) -> Result<(), SyntaxError> {
        let Some(Frame::Mapping {
            pending_key,
            path,
            map,
            merged,
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        if key != MERGE_KEY && map.contains_key(&key) && !merged.contains(&key) {
            let first = self
                .positions
                .get(&key_path(path, &key))
                .map_or(String::new(), |p| format!(" (first on line {})", p.line));
            return Err(SyntaxError {
                position: at,
                message: format!("key {key:?} appears twice in this mapping{first}"),
            });
        }
        *pending_key = Some((key, at));
        Ok(())
    }

    /// The path of a collection that starts here, recording its position; checks the depth limit.
    fn open_child(&mut self, at: Position) -> Result<String, SyntaxError> {
        if self.expecting_key() {
            return Err(SyntaxError {
                position: at,
                message: "a mapping key must be a plain value, not a list or mapping".into(),
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                position: at,
                message: format!("nesting is deeper than {MAX_DEPTH} levels"),
            });
        }
        let (path, position) = self.child_path(at);
        self.positions.record(&path, position);
        Ok(path)
    }

    /// Path and recorded position of the next value inside the innermost collection. A mapping
    /// value is placed at its key, which is the line a reader looks for.
    fn child_path(&self, at: Position) -> (String, Position) {
        match self.stack.last() {
            None => (String::new(), at),
            Some(Frame::Mapping {
                path, pending_key, ..
            }) => match pending_key {
                Some((key, key_at)) => (key_path(path, key), *key_at),
                None => (path.clone(), at),
            },
            Some(Frame::Sequence { path, items, .. }) => (index_path(path, items.len()), at),
        }
    }

    fn finish_node(
        &mut self,
        value: Value,
        anchor: usize,
        at: Position,
    ) -> Result<(), SyntaxError> {
        if self.stack.is_empty() {
            return self.close_node(value, anchor, at);
        }
        let (path, position) = self.child_path(at);
        self.positions.record(&path, position);
        self.close_node(value, anchor, at)
    }

    /// Stores a finished value in its parent (or as the document) and under its anchor.
    fn close_node(&mut self, value: Value, anchor: usize, at: Position) -> Result<(), SyntaxError> {
        self.count_nodes(1, at)?;
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                if !value.is_null() {
                    self.documents.push(Document {
                        line: self.document_line,
                        value,
                        positions: std::mem::take(&mut self.positions),
                    });
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(value),
            Some(Frame::Mapping {
                map,
                pending_key,
                merged,
                ..
            }) => {
                if let Some((key, key_at)) = pending_key.take() {
                    if key == MERGE_KEY {
                        merge_into(map, merged, value, key_at)?;
                    } else {
                        merged.retain(|k| *k != key);
                        map.insert(key, value);
                    }
                }
            }
        }
        Ok(())
    }

    fn count_nodes(&mut self, added: usize, at: Position) -> Result<(), SyntaxError> {
        self.nodes += added;
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                position: at,
                message: format!(
                    "the document expands to more than {MAX_NODES} values (aliases repeated too often)"
                ),
            });
        }
        Ok(())
    }
}

const MERGE_KEY: &str = "<<";

/// YAML merge keys (`<<: *defaults`): keys already written in the mapping win; merged keys are
/// remembered so that a key written after the merge may override them.
fn merge_into(
    map: &mut Map<String, Value>,
    merged: &mut Vec<String>,
    value: Value,
    at: Position,
) -> Result<(), SyntaxError> {
    let sources = match value {
        Value::Object(source) => vec![source],
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(source) => Ok(source),
                _ => Err(()),
            })
            .collect::<Result<_, _>>()
            .map_err(|()| merge_error(at))?,
        _ => return Err(merge_error(at)),
    };
    for source in sources {
        for (key, value) in source {
            if !map.contains_key(&key) {
                merged.push(key.clone());
                map.insert(key, value);
            }
        }
    }
    Ok(())
}

fn merge_error(at: Position) -> SyntaxError {
    SyntaxError {
        position: at,
        message: "a merge key (<<) needs a mapping or a list of mappings".into(),
    }
}

fn count_values(value: &Value) -> usize {
    let mut count = 0;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        count += 1;
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// Resolves a scalar as go-yaml v2 does: quoted and block scalars are strings; plain ones may be
/// null, a YAML 1.1 bool (yes/no/on/off too), an integer or a float.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() || tag.handle == "!!" {
            return resolve_tagged(text, &tag.suffix);
        }
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    resolve_plain(text)
}

fn resolve_tagged(text: &str, suffix: &str) -> Value {
    match suffix {
        "str" => Value::String(text.to_string()),
        "null" => Value::Null,
        _ => resolve_plain(text),
    }
}

fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    if let Some(number) = parse_integer(text) {
        return Value::Number(number);
    }
    if let Some(number) = parse_float(text) {
        return Value::Number(number);
    }
    Value::String(text.to_string())
}

fn parse_integer(text: &str) -> Option<Number> {
    let cleaned = text.replace('_', "");
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let first = digits.as_bytes().first()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(binary) = digits.strip_prefix("0b") {
        i128::from_str_radix(binary, 2).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8).ok()?
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok()?
    } else {
        return None;
    };
    let value = if negative { -magnitude } else { magnitude };
    if let Ok(small) = i64::try_from(value) {
        Some(Number::from(small))
    } else {
        u64::try_from(value).ok().map(Number::from)
    }
}

fn parse_float(text: &str) -> Option<Number> {
    let looks_numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E' | b'_'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if !looks_numeric {
        return None;
    }
    text.replace('_', "")
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Document {
        let mut docs = parse_documents(text).expect("parses");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn scalars_resolve_like_kubectl() {
        let cases = [
            ("a: yes", json!({"a": true})),
            ("a: 'yes'", json!({"a": "yes"})),
            ("a: off", json!({"a": false})),
            ("a: 42", json!({"a": 42})),
            ("a: 0x1F", json!({"a": 31})),
            ("a: 1.20", json!({"a": 1.2})),
            ("a: 1.2.3", json!({"a": "1.2.3"})),
            ("a: ~", json!({"a": null})),
            ("a: !!str 5", json!({"a": "5"})),
            ("a: \"5\"", json!({"a": "5"})),
            ("a: 100Mi", json!({"a": "100Mi"})),
            ("a: -3", json!({"a": -3})),
            ("a: |\n  x\n", json!({"a": "x\n"})),
            ("{\"a\": [1, \"b\"]}", json!({"a": [1, "b"]})),
        ];
        for (text, want) in cases {
            assert_eq!(one(text).value, want, "{text}");
        }
    }

    #[test]
    fn positions_point_at_keys_and_items() {
        let doc = one("kind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n      - name: b\n");
        let line = |path: &str| doc.positions.get(path).map(|p| p.line);
        assert_eq!(line("kind"), Some(1));
        assert_eq!(line("spec.template.spec.containers"), Some(5));
        assert_eq!(line("spec.template.spec.containers[0]"), Some(6));
        assert_eq!(line("spec.template.spec.containers[0].image"), Some(7));
        assert_eq!(line("spec.template.spec.containers[1].name"), Some(8));
    }

    #[test]
    fn keys_with_dots_are_bracketed() {
        let doc = one("metadata:\n  labels:\n    app.kubernetes.io/name: x\n");
        assert_eq!(
            doc.positions
                .get("metadata.labels[app.kubernetes.io/name]")
                .map(|p| p.line),
            Some(3)
        );
    }

    #[test]
    fn documents_split_and_empty_ones_dropped() {
        let docs = parse_documents("---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].line, 1);
        assert_eq!(docs[1].value, json!({"b": 2}));
        assert_eq!(docs[1].positions.get("b").map(|p| p.line), Some(7));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let doc = one("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\ncopy: *b\n");
        assert_eq!(
            doc.value,
            json!({"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 3}, "copy": {"x": 1, "y": 2}})
        );
    }

    #[test]
    fn errors_carry_a_line() {
        let cases = [
            ("a: 1\nb: [1, 2\n", 3),
            ("a: 1\na: 2\n", 2),
            ("a:\n  - b\n  c: d\n", 3),
            ("x: *nope\n", 1),
        ];
        for (text, line) in cases {
            let error = parse_documents(text).expect_err(text);
            assert_eq!(error.position.line, line, "{text}: {}", error.message);
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse_documents(&text).expect_err("too deep");
        assert!(error.message.contains("deeper"), "{}", error.message);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let error = parse_documents(&text).expect_err("bomb");
        assert!(error.message.contains("expands"), "{}", error.message);
    }
}
