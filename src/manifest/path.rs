//! Field paths as users read them in kubectl's errors: `spec.template.spec.containers[0].image`,
//! with keys that contain dots or slashes in brackets: `metadata.labels[app.kubernetes.io/name]`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::Position;

/// Where each field path was written. Keyed by a 64-bit hash of the path rather than the path
/// itself: a thousand manifests keep a few hundred thousand paths, and the strings would be most
/// of the memory. (A collision would only misplace a line number.)
#[derive(Debug, Default, Clone)]
pub struct Positions {
    by_path: HashMap<u64, Position>,
}

impl Positions {
    /// Records the first position seen for `path`; later ones (merged keys) don't move it.
    pub fn record(&mut self, path: &str, position: Position) {
        self.by_path.entry(path_hash(path)).or_insert(position);
    }

    pub fn get(&self, path: &str) -> Option<Position> {
        self.by_path.get(&path_hash(path)).copied()
    }
}

fn path_hash(path: &str) -> u64 {
    // DefaultHasher::new() has fixed keys, so hashes agree within the process.
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

/// The path of `key` inside the mapping at `parent`.
pub fn key_path(parent: &str, key: &str) -> String {
    let bracketed = key.contains(['.', '/', '[', ']']) || key.is_empty();
    match (parent.is_empty(), bracketed) {
        (true, false) => key.to_string(),
        (true, true) => format!("[{key}]"),
        (false, false) => format!("{parent}.{key}"),
        (false, true) => format!("{parent}[{key}]"),
    }
}

/// The path of item `index` of the list at `parent`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// The path one level up, or `None` at the root.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = if path.ends_with(']') {
        path.rfind('[')
    } else {
        path.rfind('.')
    };
    Some(cut.map_or("", |at| &path[..at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_walks_paths() {
        let cases = [
            ("", "spec", "spec"),
            ("spec", "template", "spec.template"),
            (
                "metadata.labels",
                "app.kubernetes.io/name",
                "metadata.labels[app.kubernetes.io/name]",
            ),
            ("metadata.labels", "app", "metadata.labels.app"),
        ];
        for (parent, key, want) in cases {
            let path = key_path(parent, key);
            assert_eq!(path, want);
            assert_eq!(parent_path(&path), Some(parent));
        }
        let item = index_path("spec.containers", 2);
        assert_eq!(item, "spec.containers[2]");
        assert_eq!(parent_path(&item), Some("spec.containers"));
        assert_eq!(parent_path(""), None);
    }
}
