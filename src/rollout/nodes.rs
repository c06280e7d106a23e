//! How the nodes of a rollout are, without I/O: Ready, NotReady (the kubelet reports a problem) or
//! unreachable (the kubelet stopped reporting: the node controller set Ready to Unknown and
//! tainted the node `node.kubernetes.io/unreachable`); which old pods are stuck terminating (their
//! deletion's grace period is over and they are still there, usually because their node's
//! kubelet cannot confirm the kill); and when an operator would force-delete such a pod. The
//! engine defers sick nodes rather than wait on them forever.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod};

/// The taint the node controller puts on a node whose kubelet stopped reporting.
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";

/// A node's health as its Ready condition and taints say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeHealth {
    Ready,
    /// Ready is False: the kubelet reports, and says the node is not ready. `since` is the
    /// condition's lastTransitionTime (seconds since the epoch).
    NotReady {
        since: Option<i64>,
        reason: String,
    },
    /// Ready is Unknown, missing, or the node carries the unreachable taint.
    Unreachable {
        since: Option<i64>,
    },
}

impl NodeHealth {
    pub fn is_ready(&self) -> bool {
        matches!(self, NodeHealth::Ready)
    }

    /// Since when the node has not been Ready, when known.
    pub fn sick_since(&self) -> Option<i64> {
        match self {
            NodeHealth::Ready => None,
            NodeHealth::NotReady { since, .. } | NodeHealth::Unreachable { since } => *since,
        }
    }

    /// `NotReady (KubeletNotReady)` or `unreachable`, for messages.
    pub fn describe(&self) -> String {
        match self {
            NodeHealth::Ready => "Ready".into(),
            NodeHealth::NotReady { reason, .. } if reason.is_empty() => "NotReady".into(),
            NodeHealth::NotReady { reason, .. } => format!("NotReady ({reason})"),
            NodeHealth::Unreachable { .. } => "unreachable".into(),
        }
    }
}

/// The node's health from its status and taints.
pub fn node_health(node: &Node) -> NodeHealth {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    let since = ready.and_then(|c| c.last_transition_time.as_ref().map(|t| t.0.as_second()));
    let tainted_unreachable = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|t| t.iter().any(|t| t.key == UNREACHABLE_TAINT));
    match ready.map(|c| c.status.as_str()) {
        _ if tainted_unreachable => NodeHealth::Unreachable { since },
        Some("True") => NodeHealth::Ready,
        Some("False") => NodeHealth::NotReady {
            since,
            reason: ready.and_then(|c| c.reason.clone()).unwrap_or_default(),
        },
        _ => NodeHealth::Unreachable { since },
    }
}

/// Of the nodes to update, those to roll now and those to defer because they are not Ready (by
/// name, with how they are). A node the watch does not know is rolled: it is not known sick.
pub fn split_sick(
    nodes: &[String],
    health: &BTreeMap<String, NodeHealth>,
) -> (Vec<String>, BTreeMap<String, NodeHealth>) {
    let mut sick = BTreeMap::new();
    let mut healthy = Vec::new();
    for node in nodes {
        match health.get(node) {
            Some(h) if !h.is_ready() => {
                sick.insert(node.clone(), h.clone());
            }
            _ => healthy.push(node.clone()),
        }
    }
    (healthy, sick)
}

/// Seconds past the end of its grace period before a terminating pod counts as stuck: a kubelet
/// that can act confirms the kill well within that.
pub const STUCK_SLACK_SECONDS: i64 = 10;

/// A pod stuck terminating: its deletion's grace period ended `for_seconds` ago.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    pub pod: String,
    pub node: String,
    pub for_seconds: i64,
}

/// Pods whose deletionTimestamp (the time the grace period ends) is more than `slack` seconds
/// past: a kubelet that can act removes a pod within its grace period.
pub fn stuck_terminating(pods: &[&Pod], now: i64, slack: i64) -> Vec<Stuck> {
    let mut stuck: Vec<Stuck> = pods
        .iter()
        .filter_map(|pod| {
            let deadline = pod.metadata.deletion_timestamp.as_ref()?.0.as_second();
            let for_seconds = now - deadline;
            (for_seconds > slack).then(|| Stuck {
                pod: pod.metadata.name.clone().unwrap_or_default(),
                node: crate::daemonset::node_of(pod).unwrap_or_default(),
                for_seconds,
            })
        })
        .collect();
    stuck.sort_by(|a, b| (&a.node, &a.pod).cmp(&(&b.node, &b.pod)));
    stuck
}

/// `--force-delete-stuck AGE`: a stuck pod may be deleted with grace 0 only when its node has
/// not been Ready for longer than `age` seconds, as an operator would (a node that is merely slow
/// may still run the container, and a force delete would start a second copy beside it).
pub fn may_force_delete(
    stuck: &Stuck,
    health: &BTreeMap<String, NodeHealth>,
    now: i64,
    age: i64,
) -> bool {
    health
        .get(&stuck.node)
        .and_then(NodeHealth::sick_since)
        .is_some_and(|since| now - since > age)
}

/// The nodes of `stuck` pods, for reports.
pub fn nodes_of(stuck: &[Stuck]) -> BTreeSet<String> {
    stuck.iter().map(|s| s.node.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn at(seconds: i64) -> String {
        crate::clock::rfc3339(seconds)
    }

    fn node(ready: Option<(&str, &str)>, unreachable_taint: bool) -> Node {
        let conditions: Vec<serde_json::Value> = ready
            .map(|(status, reason)| {
                json!({"type": "Ready", "status": status, "reason": reason,
                       "lastTransitionTime": at(NOW - 600)})
            })
            .into_iter()
            .collect();
        let taints: Vec<serde_json::Value> = match unreachable_taint {
            true => vec![json!({"key": UNREACHABLE_TAINT, "effect": "NoExecute"})],
            false => Vec::new(),
        };
        serde_json::from_value(json!({
            "metadata": {"name": "n1"},
            "spec": {"taints": taints},
            "status": {"conditions": conditions},
        }))
        .unwrap()
    }

    #[test]
    fn a_node_is_ready_not_ready_or_unreachable_as_its_condition_and_taints_say() {
        let since = Some(NOW - 600);
        let cases = [
            (
                "Ready",
                node(Some(("True", "KubeletReady")), false),
                NodeHealth::Ready,
            ),
            (
                "the kubelet says not ready",
                node(Some(("False", "KubeletNotReady")), false),
                NodeHealth::NotReady {
                    since,
                    reason: "KubeletNotReady".into(),
                },
            ),
            (
                "the kubelet stopped posting status",
                node(Some(("Unknown", "NodeStatusUnknown")), false),
                NodeHealth::Unreachable { since },
            ),
            (
                "the unreachable taint wins over a stale True",
                node(Some(("True", "KubeletReady")), true),
                NodeHealth::Unreachable { since },
            ),
            (
                "no Ready condition yet",
                node(None, false),
                NodeHealth::Unreachable { since: None },
            ),
        ];
        for (what, node, want) in cases {
            assert_eq!(node_health(&node), want, "{what}");
        }
        assert_eq!(
            NodeHealth::NotReady {
                since,
                reason: "KubeletNotReady".into()
            }
            .describe(),
            "NotReady (KubeletNotReady)"
        );
    }

    #[test]
    fn sick_nodes_are_deferred_and_unknown_ones_rolled() {
        let health: BTreeMap<String, NodeHealth> = [
            ("a".to_string(), NodeHealth::Ready),
            (
                "b".to_string(),
                NodeHealth::Unreachable { since: Some(NOW) },
            ),
        ]
        .into_iter()
        .collect();
        let nodes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let (now, later) = split_sick(&nodes, &health);
        assert_eq!(now, ["a", "c"]);
        assert_eq!(later.keys().collect::<Vec<_>>(), ["b"]);
    }

    fn terminating(name: &str, node: &str, deadline: Option<i64>) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "deletionTimestamp": deadline.map(at)},
            "spec": {"nodeName": node, "containers": []},
        }))
        .unwrap()
    }

    #[test]
    fn pods_past_their_grace_period_are_stuck_and_may_be_forced_only_on_long_sick_nodes() {
        let pods = [
            terminating("agent-a", "n1", Some(NOW - 300)),
            terminating("agent-b", "n2", Some(NOW - 5)),
            terminating("agent-c", "n3", None),
        ];
        let refs: Vec<&Pod> = pods.iter().collect();
        let stuck = stuck_terminating(&refs, NOW, 30);
        assert_eq!(
            stuck,
            [Stuck {
                pod: "agent-a".into(),
                node: "n1".into(),
                for_seconds: 300
            }],
            "within the slack is still terminating normally; no deletion is not terminating"
        );
        let health = |h: NodeHealth| -> BTreeMap<String, NodeHealth> {
            [("n1".to_string(), h)].into_iter().collect()
        };
        let cases = [
            (
                "unreachable for 10m, AGE 5m",
                NodeHealth::Unreachable {
                    since: Some(NOW - 600),
                },
                300,
                true,
            ),
            (
                "unreachable for 10m, AGE 15m",
                NodeHealth::Unreachable {
                    since: Some(NOW - 600),
                },
                900,
                false,
            ),
            ("a Ready node: never", NodeHealth::Ready, 0, false),
            (
                "sick since unknown: never",
                NodeHealth::Unreachable { since: None },
                0,
                false,
            ),
        ];
        for (what, h, age, want) in cases {
            assert_eq!(
                may_force_delete(&stuck[0], &health(h), NOW, age),
                want,
                "{what}"
            );
        }
        assert_eq!(nodes_of(&stuck).into_iter().collect::<Vec<_>>(), ["n1"]);
    }
}
