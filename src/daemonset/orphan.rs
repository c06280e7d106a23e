//! Orphan deletes and selector migrations without I/O: which pods a DaemonSet controls (the
//! preview), whether each of them survived an orphan delete (the proof), and the labels a
//! running pod needs before a DaemonSet with a new selector can adopt it (the migration preflight).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

use super::selector;

/// One DaemonSet as shown before the delete: what the preconditions hold on to.
pub struct Preview {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub pods: Vec<PodBefore>,
    pub revisions: Vec<String>,
}

/// A pod as shown before the delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodBefore {
    pub name: String,
    pub uid: String,
    pub node: String,
    pub ready: bool,
}

/// Whether `pod` names `uid` as its owner (controller or not).
pub fn owned_by(pod: &Pod, uid: &str) -> bool {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.uid == uid)
}

/// The controller (kind, name, uid) of a pod, if any.
pub fn controller_of(pod: &Pod) -> Option<(String, String, String)> {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| (r.kind.clone(), r.name.clone(), r.uid.clone()))
}

/// The pods the DaemonSet with `uid` owns now, by node then name.
pub fn owned_pods(pods: &[Pod], uid: &str) -> Vec<PodBefore> {
    let mut owned: Vec<PodBefore> = pods
        .iter()
        .filter(|p| owned_by(p, uid))
        .map(|p| PodBefore {
            name: p.metadata.name.clone().unwrap_or_default(),
            uid: p.metadata.uid.clone().unwrap_or_default(),
            node: super::node_of(p).unwrap_or_default(),
            ready: super::is_ready(p),
        })
        .collect();
    owned.sort_by(|a, b| (&a.node, &a.name).cmp(&(&b.node, &b.name)));
    owned
}

/// What became of one pod after an orphan delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// Same UID, not terminating, no ownerReference to the deleted DaemonSet.
    Kept,
    /// Still there, but the garbage collector has not removed the ownerReference (yet).
    StillOwned,
    /// Being deleted.
    Terminating,
    /// Gone (or replaced by a pod with another UID).
    Lost,
}

impl Fate {
    pub fn label(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::StillOwned => "still-owned",
            Fate::Terminating => "terminating",
            Fate::Lost => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    #[serde(flatten)]
    pub pod: PodBefore,
    pub fate: Fate,
    /// The controller the pod has now (another DaemonSet that adopted it), as kind/name.
    pub owner: Option<String>,
}

/// Checks every pod shown before the delete against the pods there now.
pub fn verify(before: &[PodBefore], after: &[Pod], deleted_uid: &str) -> Vec<Verified> {
    before
        .iter()
        .map(|b| {
            let now = after
                .iter()
                .find(|p| p.metadata.uid.as_deref() == Some(b.uid.as_str()));
            let fate = match now {
                None => Fate::Lost,
                Some(p) if p.metadata.deletion_timestamp.is_some() => Fate::Terminating,
                Some(p) if owned_by(p, deleted_uid) => Fate::StillOwned,
                Some(_) => Fate::Kept,
            };
            let owner = now
                .and_then(controller_of)
                .filter(|(_, _, uid)| uid != deleted_uid)
                .map(|(kind, name, _)| format!("{kind}/{name}"));
            Verified {
                pod: b.clone(),
                fate,
                owner,
            }
        })
        .collect()
}

/// True when every pod was kept.
pub fn all_kept(verified: &[Verified]) -> bool {
    verified.iter().all(|v| v.fate == Fate::Kept)
}

/// True when waiting longer cannot change the verdict: a lost or terminating pod stays so.
pub fn settled(verified: &[Verified]) -> bool {
    verified.iter().all(|v| v.fate != Fate::StillOwned)
}

/// One pod and the labels it needs for the new selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relabel {
    pub name: String,
    pub uid: String,
    pub node: String,
    /// Labels to set (added, or changed to the new template's value); empty when it matches.
    pub set: BTreeMap<String, String>,
}

/// The migration preflight: for each running pod of the old DaemonSet, the labels to set so the
/// new selector matches it, taken from the new template (whose labels the server makes match the
/// new selector). Refused, with the reason, when a pod cannot be made to match by setting labels,
/// or when setting them would make the old selector let go of it before the delete (its
/// controller would replace it at once).
pub fn preflight(
    old_selector: &LabelSelector,
    new_selector: &LabelSelector,
    new_template_labels: &BTreeMap<String, String>,
    pods: &[Pod],
) -> Result<Vec<Relabel>, String> {
    if !selector::matches(new_selector, new_template_labels)? {
        return Err(format!(
            "the new template's labels do not match the new selector {}; fix the manifest",
            selector::describe(new_selector)
        ));
    }
    let keys: Vec<&String> = new_selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, _)| k)
        .chain(
            new_selector
                .match_expressions
                .iter()
                .flatten()
                .filter(|e| e.operator == "In" || e.operator == "Exists")
                .map(|e| &e.key),
        )
        .collect();
    let mut out = Vec::new();
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        let mut set = BTreeMap::new();
        for key in &keys {
            let wanted = new_template_labels.get(*key).expect("the template matches");
            if labels.get(*key) != Some(wanted) {
                set.insert((*key).clone(), wanted.clone());
            }
        }
        let mut after = labels.clone();
        after.extend(set.clone());
        if !selector::matches(new_selector, &after)? {
            return Err(format!(
                "pod {name:?} cannot be made to match the new selector {} by adding labels (a NotIn or DoesNotExist term excludes a label it has); remove that label from the pods or change the selector",
                selector::describe(new_selector)
            ));
        }
        if !selector::matches(old_selector, &after)? {
            let changed: Vec<String> = set
                .iter()
                .filter(|(k, _)| labels.contains_key(*k))
                .map(|(k, v)| format!("{k}: {} -> {v}", labels[k]))
                .collect();
            return Err(format!(
                "relabelling pod {name:?} for the new selector ({}) would take it out of the old selector {}, and the old DaemonSet would replace it; use a new label key instead of changing this one",
                changed.join(", "),
                selector::describe(old_selector)
            ));
        }
        out.push(Relabel {
            name,
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            node: super::node_of(pod).unwrap_or_default(),
            set,
        });
    }
    out.sort_by(|a, b| (&a.node, &a.name).cmp(&(&b.node, &b.name)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, uid: &str, labels: serde_json::Value, owner: Option<&str>) -> Pod {
        let owners = owner.map(|o| {
            json!([{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": o, "controller": true}])
        });
        serde_json::from_value(json!({
            "metadata": {"name": name, "uid": uid, "labels": labels, "ownerReferences": owners},
            "spec": {"nodeName": format!("node-{name}"), "containers": []},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}
        }))
        .unwrap()
    }

    fn terminating(mut p: Pod) -> Pod {
        p.metadata.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            "2026-01-01T00:00:00Z".parse().unwrap(),
        ));
        p
    }

    fn sel(value: serde_json::Value) -> LabelSelector {
        serde_json::from_value(value).unwrap()
    }

    fn labels(value: serde_json::Value) -> BTreeMap<String, String> {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn owned_pods_are_those_naming_the_daemonset_sorted_by_node() {
        let pods = [
            pod("b", "u-b", json!({}), Some("ds")),
            pod("a", "u-a", json!({}), Some("ds")),
            pod("c", "u-c", json!({}), Some("other")),
            pod("d", "u-d", json!({}), None),
        ];
        let owned: Vec<String> = owned_pods(&pods, "ds")
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(owned, ["a", "b"]);
    }

    #[test]
    fn verification_gives_each_pod_its_fate() {
        let before = owned_pods(
            &[
                pod("kept", "1", json!({}), Some("ds")),
                pod("owned", "2", json!({}), Some("ds")),
                pod("dying", "3", json!({}), Some("ds")),
                pod("lost", "4", json!({}), Some("ds")),
                pod("replaced", "5", json!({}), Some("ds")),
                pod("adopted", "6", json!({}), Some("ds")),
            ],
            "ds",
        );
        let after = [
            pod("kept", "1", json!({}), None),
            pod("owned", "2", json!({}), Some("ds")),
            terminating(pod("dying", "3", json!({}), None)),
            pod("replaced", "55", json!({}), None),
            pod("adopted", "6", json!({}), Some("new-ds")),
        ];
        let cases = [
            ("kept", Fate::Kept, None),
            ("owned", Fate::StillOwned, None),
            ("dying", Fate::Terminating, None),
            ("lost", Fate::Lost, None),
            ("replaced", Fate::Lost, None),
            ("adopted", Fate::Kept, Some("DaemonSet/agent")),
        ];
        let verified = verify(&before, &after, "ds");
        for (name, fate, owner) in cases {
            let v = verified.iter().find(|v| v.pod.name == name).unwrap();
            assert_eq!(v.fate, fate, "{name}");
            assert_eq!(v.owner.as_deref(), owner, "{name}");
        }
        assert!(!all_kept(&verified));
        assert!(!settled(&verified));
        let kept = verify(&before[..1], &after, "ds");
        assert!(all_kept(&kept) && settled(&kept));
    }

    #[test]
    fn preflight_table() {
        let old = sel(json!({"matchLabels": {"app": "agent"}}));
        let template = labels(json!({"app": "agent", "tier": "node", "extra": "x"}));
        struct Case {
            what: &'static str,
            new: serde_json::Value,
            pod: serde_json::Value,
            template: Option<serde_json::Value>,
            want: Result<serde_json::Value, &'static str>,
        }
        let cases = [
            Case {
                what: "a label to add",
                new: json!({"matchLabels": {"app": "agent", "tier": "node"}}),
                pod: json!({"app": "agent"}),
                template: None,
                want: Ok(json!({"tier": "node"})),
            },
            Case {
                what: "already relabelled",
                new: json!({"matchLabels": {"app": "agent", "tier": "node"}}),
                pod: json!({"app": "agent", "tier": "node"}),
                template: None,
                want: Ok(json!({})),
            },
            Case {
                what: "a value to change outside the old selector",
                new: json!({"matchLabels": {"app": "agent", "tier": "node"}}),
                pod: json!({"app": "agent", "tier": "web"}),
                template: None,
                want: Ok(json!({"tier": "node"})),
            },
            Case {
                what: "an Exists term takes the template's value",
                new: json!({"matchLabels": {"app": "agent"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
                pod: json!({"app": "agent"}),
                template: None,
                want: Ok(json!({"tier": "node"})),
            },
            Case {
                what: "changing a key of the old selector",
                new: json!({"matchLabels": {"app": "agent2"}}),
                pod: json!({"app": "agent"}),
                template: Some(json!({"app": "agent2"})),
                want: Err("would take it out of the old selector"),
            },
            Case {
                what: "a DoesNotExist term excludes a label the pods have",
                new: json!({"matchLabels": {"app": "agent"}, "matchExpressions": [{"key": "legacy", "operator": "DoesNotExist"}]}),
                pod: json!({"app": "agent", "legacy": "yes"}),
                template: None,
                want: Err("cannot be made to match"),
            },
            Case {
                what: "a template that does not match its own selector",
                new: json!({"matchLabels": {"app": "agent", "tier": "edge"}}),
                pod: json!({"app": "agent"}),
                template: None,
                want: Err("do not match the new selector"),
            },
        ];
        for case in cases {
            let pods = [pod("p", "u", case.pod, Some("ds"))];
            let template = case
                .template
                .map(labels)
                .unwrap_or_else(|| template.clone());
            let got = preflight(&old, &sel(case.new), &template, &pods);
            match (got, case.want) {
                (Ok(relabels), Ok(want)) => {
                    assert_eq!(relabels[0].set, labels(want), "{}", case.what)
                }
                (Err(e), Err(want)) => assert!(e.contains(want), "{}: {e}", case.what),
                (got, want) => panic!("{}: got {got:?}, want {want:?}", case.what),
            }
        }
    }
}
