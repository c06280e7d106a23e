//! A DaemonSet's ControllerRevisions as history: rows with pod counts, revision numbers resolved
//! from what users type (negative counts back), and each revision's pod template.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;

/// The label the controller puts on pods and revisions.
pub const HASH_LABEL: &str = "controller-revision-hash";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionRow {
    pub revision: i64,
    pub hash: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    /// Pods of the DaemonSet carrying this revision's hash now.
    pub pods: usize,
    pub current: bool,
}

/// Whether an object (a pod, a ControllerRevision) has an owner reference to `uid`.
pub fn is_owned_by(metadata: &ObjectMeta, uid: &str) -> bool {
    metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.uid == uid)
}

/// The revisions a DaemonSet owns (by uid), oldest first.
pub fn owned_revisions(revisions: Vec<ControllerRevision>, uid: &str) -> Vec<ControllerRevision> {
    let mut owned: Vec<ControllerRevision> = revisions
        .into_iter()
        .filter(|r| is_owned_by(&r.metadata, uid))
        .collect();
    owned.sort_by_key(|r| r.revision.unwrap_or_default());
    owned
}

/// A revision's `controller-revision-hash` label ("" when missing).
/// The hash of the DaemonSet's newest owned revision.
pub fn current_hash(
    ds: &k8s_openapi::api::apps::v1::DaemonSet,
    revisions: &[ControllerRevision],
) -> Option<String> {
    let uid = ds.metadata.uid.as_deref()?;
    owned_revisions(revisions.to_vec(), uid)
        .last()
        .map(|r| hash_of(r).to_string())
}

pub fn hash_of(revision: &ControllerRevision) -> &str {
    revision
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(HASH_LABEL))
        .map(String::as_str)
        .unwrap_or_default()
}

/// The pod template a revision stores (`data.spec.template`, without the `$patch` directive).
pub fn template_of(revision: &ControllerRevision) -> Value {
    let mut template = revision
        .data
        .0
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(map) = template.as_object_mut() {
        map.remove("$patch");
    }
    template
}

pub fn typed_template(revision: &ControllerRevision) -> PodTemplateSpec {
    serde_json::from_value(template_of(revision)).unwrap_or_default()
}

/// One row per revision (oldest first), with the pods that carry each hash; the newest is current.
pub fn rows(revisions: &[ControllerRevision], pods: &[Pod]) -> Vec<RevisionRow> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for pod in pods {
        if let Some(hash) = pod.metadata.labels.as_ref().and_then(|l| l.get(HASH_LABEL)) {
            *counts.entry(hash.clone()).or_default() += 1;
        }
    }
    let newest = revisions.iter().filter_map(|r| r.revision).max();
    revisions
        .iter()
        .map(|r| {
            let hash = hash_of(r).to_string();
            let images = typed_template(r)
                .spec
                .map(|s| s.containers.into_iter().filter_map(|c| c.image).collect())
                .unwrap_or_default();
            RevisionRow {
                revision: r.revision.unwrap_or_default(),
                pods: counts.get(&hash).copied().unwrap_or(0),
                name: r.metadata.name.clone().unwrap_or_default(),
                created: r
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string()),
                change_cause: r
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(CHANGE_CAUSE).cloned()),
                images,
                current: r.revision == newest,
                hash,
            }
        })
        .collect()
}

/// Turns what a user typed into a revision number: a listed number as is; a negative one counts
/// back from the newest (-1 is the one before it). Unknown numbers list the ones that exist.
pub fn resolve(wanted: i64, existing: &[i64]) -> Result<i64, String> {
    let listed = || {
        existing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found = if wanted < 0 {
        usize::try_from(wanted.unsigned_abs())
            .ok()
            .and_then(|back| existing.len().checked_sub(1 + back))
            .map(|i| existing[i])
    } else {
        existing.contains(&wanted).then_some(wanted)
    };
    found.ok_or_else(|| {
        format!(
            "revision {wanted} does not exist; the revisions are {}",
            listed()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn revision(number: i64, hash: &str, image: &str) -> ControllerRevision {
        serde_json::from_value(json!({
            "metadata": {"name": format!("agent-{hash}"), "labels": {HASH_LABEL: hash},
                         "annotations": {CHANGE_CAUSE: format!("set image {image}")},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u"}]},
            "revision": number,
            "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "agent"}},
                     "spec": {"containers": [{"name": "agent", "image": image}]}}}}
        }))
        .unwrap()
    }

    fn pod(hash: &str) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p", "labels": {HASH_LABEL: hash}}}))
            .unwrap()
    }

    #[test]
    fn rows_count_pods_per_revision_and_mark_the_newest() {
        let revisions = owned_revisions(
            vec![
                revision(3, "c", "busybox:1.37"),
                revision(1, "a", "busybox:1.35"),
                revision(2, "b", "busybox:1.36"),
            ],
            "u",
        );
        let rows = rows(&revisions, &[pod("a"), pod("c"), pod("c")]);
        let summary: Vec<(i64, usize, bool, &str)> = rows
            .iter()
            .map(|r| (r.revision, r.pods, r.current, r.images[0].as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (1, 1, false, "busybox:1.35"),
                (2, 0, false, "busybox:1.36"),
                (3, 2, true, "busybox:1.37")
            ]
        );
        assert_eq!(
            rows[2].change_cause.as_deref(),
            Some("set image busybox:1.37")
        );
        assert!(template_of(&revisions[0]).get("$patch").is_none());
    }

    #[test]
    fn resolves_numbers_and_counts_back() {
        let existing = [1, 2, 5];
        assert_eq!(resolve(2, &existing), Ok(2));
        assert_eq!(resolve(-1, &existing), Ok(2));
        assert_eq!(resolve(-2, &existing), Ok(1));
        assert_eq!(
            resolve(4, &existing),
            Err("revision 4 does not exist; the revisions are 1, 2, 5".into())
        );
        assert!(resolve(-3, &existing).is_err());
        assert!(resolve(0, &existing).is_err());
    }
}
