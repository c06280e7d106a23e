//! What `list` shows about one DaemonSet, computed from the object and its ControllerRevisions.
//! No I/O here: the cluster module fetches, this module decides.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub namespace: String,
    pub name: String,
    pub strategy: Strategy,
    /// `maxUnavailable` as written (or the default), for RollingUpdate only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<String>,
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
    pub up_to_date: i32,
    pub available: i32,
    pub misscheduled: i32,
    /// Number of the newest ControllerRevision, `None` when none exists (yet) or they were not readable.
    pub revision: Option<i64>,
    pub rollout: Rollout,
    pub rollout_in_progress: bool,
    pub node_selector: BTreeMap<String, String>,
    pub selector: String,
    pub containers: Vec<String>,
    pub images: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip)]
    pub creation: Option<Time>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Strategy {
    RollingUpdate,
    OnDelete,
}

/// Whether the DaemonSet's pods all run its current template, and if not, why not yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Rollout {
    /// Every desired node runs an available pod of the current revision.
    Complete,
    /// The controller has not yet processed the newest spec (`generation > observedGeneration`).
    #[serde(rename_all = "camelCase")]
    NotObserved {
        generation: i64,
        observed_generation: i64,
    },
    /// RollingUpdate under way: pods are being replaced or are not available yet.
    #[serde(rename_all = "camelCase")]
    Progressing {
        updated: i32,
        available: i32,
        desired: i32,
    },
    /// OnDelete with pods on an old revision: nothing moves until someone deletes them.
    #[serde(rename_all = "camelCase")]
    WaitingForDeletes { updated: i32, desired: i32 },
}

impl Rollout {
    pub fn in_progress(&self) -> bool {
        !matches!(self, Rollout::Complete)
    }

    /// Short word for the table column.
    pub fn label(&self) -> &'static str {
        match self {
            Rollout::Complete => "complete",
            Rollout::NotObserved { .. } => "pending",
            Rollout::Progressing { .. } => "progressing",
            Rollout::WaitingForDeletes { .. } => "waiting-deletes",
        }
    }

    /// The longer explanation `-o wide` shows.
    pub fn detail(&self) -> String {
        match self {
            Rollout::Complete => "all pods updated and available".to_string(),
            Rollout::NotObserved {
                generation,
                observed_generation,
            } => format!("controller has seen generation {observed_generation} of {generation}"),
            Rollout::Progressing {
                updated,
                available,
                desired,
            } => format!("{updated}/{desired} updated, {available}/{desired} available"),
            Rollout::WaitingForDeletes { updated, desired } => {
                format!(
                    "{updated}/{desired} updated; OnDelete replaces a pod only when it is deleted"
                )
            }
        }
    }
}

pub fn summarize(ds: &DaemonSet, revisions: Option<&[ControllerRevision]>) -> Summary {
    let spec = Some(&ds.spec);
    let status = ds.status.clone().unwrap_or_default();
    let strategy = match spec
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
    {
        Some("OnDelete") => Strategy::OnDelete,
        _ => Strategy::RollingUpdate,
    };
    let rolling = spec
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref());
    let (max_unavailable, max_surge) = match strategy {
        Strategy::OnDelete => (None, None),
        Strategy::RollingUpdate => (
            Some(
                rolling
                    .and_then(|r| r.max_unavailable.as_ref())
                    .map_or("1".into(), int_or_string),
            ),
            Some(
                rolling
                    .and_then(|r| r.max_surge.as_ref())
                    .map_or("0".into(), int_or_string),
            ),
        ),
    };
    let pod_spec = spec.and_then(|s| s.template.spec.as_ref());
    let containers = pod_spec
        .map(|p| p.containers.as_slice())
        .unwrap_or_default();
    let generation = ds.metadata.generation.unwrap_or(0);
    let observed_generation = status.observed_generation.unwrap_or(0);

    let rollout = rollout_state(
        strategy,
        generation,
        observed_generation,
        status.desired_number_scheduled,
        status.updated_number_scheduled.unwrap_or(0),
        status.number_available.unwrap_or(0),
    );
    Summary {
        namespace: ds.metadata.namespace.clone().unwrap_or_default(),
        name: ds.metadata.name.clone().unwrap_or_default(),
        strategy,
        max_unavailable,
        max_surge,
        desired: status.desired_number_scheduled,
        current: status.current_number_scheduled,
        ready: status.number_ready,
        up_to_date: status.updated_number_scheduled.unwrap_or(0),
        available: status.number_available.unwrap_or(0),
        misscheduled: status.number_misscheduled,
        revision: revisions.and_then(|r| current_revision(ds, r)),
        rollout_in_progress: rollout.in_progress(),
        rollout,
        node_selector: pod_spec
            .and_then(|p| p.node_selector.clone())
            .unwrap_or_default(),
        selector: spec
            .map(|s| super::selector::describe(&s.selector))
            .unwrap_or_default(),
        containers: containers.iter().map(|c| c.name.clone()).collect(),
        images: containers
            .iter()
            .map(|c| c.image.clone().unwrap_or_default())
            .collect(),
        created: ds
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.to_string()),
        creation: ds.metadata.creation_timestamp.clone(),
    }
}

/// The rule kubectl's `rollout status` uses for RollingUpdate, extended to OnDelete, where an
/// old-revision pod means the rollout waits for someone to delete it.
pub fn rollout_state(
    strategy: Strategy,
    generation: i64,
    observed_generation: i64,
    desired: i32,
    updated: i32,
    available: i32,
) -> Rollout {
    if generation > observed_generation {
        return Rollout::NotObserved {
            generation,
            observed_generation,
        };
    }
    if updated >= desired && available >= desired {
        return Rollout::Complete;
    }
    match strategy {
        Strategy::OnDelete if updated < desired => Rollout::WaitingForDeletes { updated, desired },
        _ => Rollout::Progressing {
            updated,
            available,
            desired,
        },
    }
}

/// The newest revision owned by this DaemonSet. A rollback renumbers the old revision to max + 1,
/// so the highest number is always the current template.
pub fn current_revision(ds: &DaemonSet, revisions: &[ControllerRevision]) -> Option<i64> {
    let uid = ds.metadata.uid.as_deref()?;
    revisions
        .iter()
        .filter(|r| {
            r.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.uid == uid && o.controller == Some(true))
        })
        .filter_map(|r| r.revision)
        .max()
}

fn int_or_string(v: &k8s_openapi::apimachinery::pkg::util::intstr::IntOrString) -> String {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{DaemonSetStatus, DaemonSetUpdateStrategy};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

    #[test]
    fn rollout_state_table() {
        use Rollout::*;
        use Strategy::*;
        // (strategy, generation, observed, desired, updated, available) -> state
        let cases = [
            ((RollingUpdate, 2, 2, 3, 3, 3), Complete),
            ((RollingUpdate, 2, 2, 0, 0, 0), Complete),
            (
                (RollingUpdate, 3, 2, 3, 3, 3),
                NotObserved {
                    generation: 3,
                    observed_generation: 2,
                },
            ),
            (
                (RollingUpdate, 2, 2, 3, 1, 3),
                Progressing {
                    updated: 1,
                    available: 3,
                    desired: 3,
                },
            ),
            (
                (RollingUpdate, 2, 2, 3, 3, 2),
                Progressing {
                    updated: 3,
                    available: 2,
                    desired: 3,
                },
            ),
            (
                (OnDelete, 2, 2, 3, 1, 3),
                WaitingForDeletes {
                    updated: 1,
                    desired: 3,
                },
            ),
            (
                (OnDelete, 2, 2, 3, 3, 2),
                Progressing {
                    updated: 3,
                    available: 2,
                    desired: 3,
                },
            ),
            ((OnDelete, 2, 2, 3, 3, 3), Complete),
        ];
        for ((strategy, generation, observed, desired, updated, available), want) in cases {
            let got = rollout_state(strategy, generation, observed, desired, updated, available);
            assert_eq!(
                got, want,
                "{strategy:?} gen {generation}/{observed} d{desired} u{updated} a{available}"
            );
            assert_eq!(got.in_progress(), want != Complete);
        }
    }

    fn revision(owner_uid: &str, controller: bool, number: i64) -> ControllerRevision {
        let mut r = ControllerRevision {
            revision: Some(number),
            ..Default::default()
        };
        r.metadata.owner_references = Some(vec![OwnerReference {
            uid: owner_uid.into(),
            controller: Some(controller),
            ..Default::default()
        }]);
        r
    }

    fn daemonset(uid: &str) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.uid = Some(uid.into());
        ds.metadata.name = Some("agent".into());
        ds.metadata.namespace = Some("ops".into());
        ds
    }

    #[test]
    fn current_revision_is_the_highest_owned_one() {
        let ds = daemonset("u1");
        let cases: Vec<(Vec<ControllerRevision>, Option<i64>)> = vec![
            (vec![], None),
            (
                vec![
                    revision("u1", true, 1),
                    revision("u1", true, 3),
                    revision("u1", true, 2),
                ],
                Some(3),
            ),
            (
                vec![revision("u1", true, 1), revision("other", true, 9)],
                Some(1),
            ),
            (vec![revision("u1", false, 4)], None),
        ];
        for (revisions, want) in cases {
            assert_eq!(current_revision(&ds, &revisions), want);
        }
    }

    #[test]
    fn summary_reads_strategy_defaults_and_counts() {
        let mut ds = daemonset("u1");
        ds.metadata.generation = Some(1);
        ds.status = Some(DaemonSetStatus {
            desired_number_scheduled: 3,
            current_number_scheduled: 3,
            number_ready: 2,
            number_available: Some(2),
            updated_number_scheduled: Some(3),
            number_misscheduled: 1,
            observed_generation: Some(1),
            ..Default::default()
        });
        let s = summarize(&ds, Some(&[revision("u1", true, 2)]));
        assert_eq!(s.strategy, Strategy::RollingUpdate);
        assert_eq!(s.max_unavailable.as_deref(), Some("1"));
        assert_eq!(
            (
                s.desired,
                s.current,
                s.ready,
                s.up_to_date,
                s.available,
                s.misscheduled
            ),
            (3, 3, 2, 3, 2, 1)
        );
        assert_eq!(s.revision, Some(2));
        assert!(s.rollout.in_progress());

        ds.spec.update_strategy = Some(DaemonSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            ..Default::default()
        });
        let s = summarize(&ds, None);
        assert_eq!(s.strategy, Strategy::OnDelete);
        assert_eq!(s.max_unavailable, None);
        assert_eq!(s.revision, None);
    }

    #[test]
    fn selectors_render_like_kubectl() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
            LabelSelector, LabelSelectorRequirement,
        };
        let req = |key: &str, op: &str, values: &[&str]| LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: Some(values.iter().map(|v| v.to_string()).collect()),
        };
        let selector = LabelSelector {
            match_labels: Some([("app".to_string(), "agent".to_string())].into()),
            match_expressions: Some(vec![
                req("tier", "In", &["a", "b"]),
                req("zone", "NotIn", &["x"]),
                req("gpu", "Exists", &[]),
                req("old", "DoesNotExist", &[]),
            ]),
        };
        assert_eq!(
            crate::daemonset::selector::describe(&selector),
            "app=agent,tier in (a,b),zone notin (x),gpu,!old"
        );
    }
}
