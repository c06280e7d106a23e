//! A map of watched objects kept current from a watch's changes (the complete set after each
//! (re-)list, then one object applied or deleted at a time).

use std::collections::BTreeMap;
use std::sync::Arc;

/// What the watch delivered of one kind of object, keyed and projected by the caller: `key` names
/// an object in the map, `project` makes the value kept for it (the object itself, or what the
/// caller needs of it). An object without a key, or whose projection is `None`, is not kept.
pub struct Mirror<K, V> {
    key: fn(&K) -> Option<String>,
    project: Box<dyn Fn(K) -> Option<V> + Send>,
    /// `None` until the first list: changes before it are ignored (the list brings them).
    /// Shared, so a decision can hold the set while changes come in without copying it (a
    /// change copies it only while a holder still has it).
    entries: Option<Arc<BTreeMap<String, V>>>,
}

impl<K, V: Clone> Mirror<K, V> {
    pub fn new(
        key: fn(&K) -> Option<String>,
        project: impl Fn(K) -> Option<V> + Send + 'static,
    ) -> Self {
        Mirror {
            key,
            project: Box::new(project),
            entries: None,
        }
    }

    /// The objects as last listed and changed since; `None` before the first list.
    pub fn entries(&self) -> Option<&BTreeMap<String, V>> {
        self.entries.as_deref()
    }

    /// The same set as [`Mirror::entries`], to hold across awaits without a copy.
    pub fn shared(&self) -> Option<Arc<BTreeMap<String, V>>> {
        self.entries.clone()
    }

    /// A (re-)list: the complete set, replacing whatever was kept.
    pub fn list(&mut self, all: impl IntoIterator<Item = K>) {
        // The old set goes first, and the new one is built an object at a time: collecting
        // would sort a copy of the whole list, and a re-list of thousands of pods would hold the
        // old set, the list and that copy at once.
        self.entries = None;
        let mut entries = BTreeMap::new();
        for object in all {
            let Some(key) = (self.key)(&object) else {
                continue;
            };
            if let Some(value) = (self.project)(object) {
                entries.insert(key, value);
            }
        }
        self.entries = Some(Arc::new(entries));
    }

    /// One object added or changed; one whose projection is now `None` is dropped.
    pub fn apply(&mut self, object: K) {
        let (Some(entries), Some(key)) = (self.entries.as_mut(), (self.key)(&object)) else {
            return;
        };
        let entries = Arc::make_mut(entries);
        match (self.project)(object) {
            Some(value) => entries.insert(key, value),
            None => entries.remove(&key),
        };
    }

    /// One object deleted.
    pub fn delete(&mut self, object: &K) {
        if let (Some(entries), Some(key)) = (self.entries.as_mut(), (self.key)(object)) {
            Arc::make_mut(entries).remove(&key);
        }
    }
}

impl<V: Clone> Mirror<k8s_openapi::api::core::v1::Pod, V> {
    /// Takes in a pod change of a watch; any other change is handed back.
    pub fn take_pod_change(&mut self, change: super::WatchChange) -> Option<super::WatchChange> {
        use super::WatchChange;
        match change {
            WatchChange::PodsListed(list) => self.list(list.into_iter().map(|pod| *pod)),
            WatchChange::PodApplied(pod) => self.apply(*pod),
            WatchChange::PodDeleted(pod) => self.delete(&pod),
            other => return Some(other),
        }
        None
    }
}

impl<V: Clone> Mirror<k8s_openapi::api::core::v1::Node, V> {
    /// Takes in a node change of a watch; any other change is handed back.
    pub fn take_node_change(&mut self, change: super::WatchChange) -> Option<super::WatchChange> {
        use super::WatchChange;
        match change {
            WatchChange::NodesListed(list) => self.list(list.into_iter().map(|node| *node)),
            WatchChange::NodeApplied(node) => self.apply(*node),
            WatchChange::NodeDeleted(node) => self.delete(&node),
            other => return Some(other),
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test objects: (name, value); no name means no key, a negative value projects to `None`.
    type Object = (Option<&'static str>, i32);

    enum Change {
        List(Vec<Object>),
        Apply(Object),
        Delete(Object),
    }
    use Change::*;

    /// What the mirror holds after the changes; `None` before the first list.
    type Kept = Option<&'static [(&'static str, i32)]>;

    fn mirror() -> Mirror<Object, i32> {
        Mirror::new(
            |(name, _)| name.map(str::to_string),
            |(_, value)| (value >= 0).then_some(value),
        )
    }

    #[test]
    fn changes_keep_the_map_current() {
        let cases: &[(&str, Vec<Change>, Kept)] = &[
            ("nothing listed yet", vec![], None),
            (
                "changes before the first list are ignored",
                vec![Apply((Some("a"), 1)), Delete((Some("a"), 1))],
                None,
            ),
            ("an empty list", vec![List(vec![])], Some(&[])),
            (
                "a list keeps the keyed, projected objects",
                vec![List(vec![(Some("a"), 1), (None, 2), (Some("c"), -1)])],
                Some(&[("a", 1)]),
            ),
            (
                "a re-list replaces the set",
                vec![
                    List(vec![(Some("a"), 1), (Some("b"), 2)]),
                    List(vec![(Some("b"), 3), (Some("c"), 4)]),
                ],
                Some(&[("b", 3), ("c", 4)]),
            ),
            (
                "apply inserts and updates",
                vec![
                    List(vec![(Some("a"), 1)]),
                    Apply((Some("b"), 2)),
                    Apply((Some("a"), 5)),
                ],
                Some(&[("a", 5), ("b", 2)]),
            ),
            (
                "apply of one that projects to nothing drops it",
                vec![List(vec![(Some("a"), 1)]), Apply((Some("a"), -1))],
                Some(&[]),
            ),
            (
                "apply or delete without a key is ignored",
                vec![
                    List(vec![(Some("a"), 1)]),
                    Apply((None, 2)),
                    Delete((None, 1)),
                ],
                Some(&[("a", 1)]),
            ),
            (
                "delete removes, whatever the deleted object says",
                vec![
                    List(vec![(Some("a"), 1), (Some("b"), 2)]),
                    Delete((Some("a"), -7)),
                ],
                Some(&[("b", 2)]),
            ),
            (
                "delete of one not kept changes nothing",
                vec![List(vec![(Some("a"), 1)]), Delete((Some("z"), 1))],
                Some(&[("a", 1)]),
            ),
        ];
        for (what, changes, expected) in cases {
            let mut mirror = mirror();
            for change in changes {
                match change {
                    List(all) => mirror.list(all.clone()),
                    Apply(object) => mirror.apply(*object),
                    Delete(object) => mirror.delete(object),
                }
            }
            let expected: Option<BTreeMap<String, i32>> =
                expected.map(|e| e.iter().map(|(k, v)| (k.to_string(), *v)).collect());
            assert_eq!(mirror.entries(), expected.as_ref(), "{what}");
        }
    }

    #[test]
    fn pod_and_node_changes_are_taken_in_and_others_handed_back() {
        use crate::cluster::WatchChange;
        use k8s_openapi::api::core::v1::{Node, Pod};
        let pod = |name: &str| {
            let mut pod = Pod::default();
            pod.metadata.name = Some(name.into());
            pod
        };
        let mut pods: Mirror<Pod, Pod> = Mirror::new(|p| p.metadata.name.clone(), Some);
        let mut nodes: Mirror<Node, Node> = Mirror::new(|n| n.metadata.name.clone(), Some);
        assert!(pods
            .take_pod_change(WatchChange::PodsListed(vec![Box::new(pod("a"))]))
            .is_none());
        assert!(pods
            .take_pod_change(WatchChange::PodApplied(Box::new(pod("b"))))
            .is_none());
        assert!(pods
            .take_pod_change(WatchChange::PodDeleted(Box::new(pod("a"))))
            .is_none());
        let names: Vec<&String> = pods.entries().unwrap().keys().collect();
        assert_eq!(names, ["b"]);
        let handed = pods.take_pod_change(WatchChange::NodesListed(vec![Box::default()]));
        assert!(matches!(handed, Some(WatchChange::NodesListed(_))));
        assert!(nodes.take_node_change(handed.unwrap()).is_none());
        assert!(nodes.entries().is_some());
        let trouble = WatchChange::Trouble("x".into());
        assert!(matches!(
            nodes.take_node_change(trouble),
            Some(WatchChange::Trouble(_))
        ));
    }
}
