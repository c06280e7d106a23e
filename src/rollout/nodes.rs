//! How the nodes of a rollout are, without I/O: Ready, NotReady (the kubelet reports a problem) or
//! unreachable (the kubelet stopped reporting: the node controller set Ready to Unknown and
//! tainted the node `node.kubernetes.io/unreachable`); which old pods are stuck terminating (their
//! deletion's grace period is over and they are still there, usually because their node's
//! kubelet cannot confirm the kill); and when an operator would force-delete such a pod. The
//! engine defers sick nodes rather than wait on them forever.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Node, Pod};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::health::PodView;

/// The taint the node controller puts on a node whose kubelet stopped reporting.
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";

/// How long past the end of its grace period a pod may still be terminating before it counts as
/// stuck: the kubelet confirms a kill a moment after the grace period, and the watch that shows
/// the pod gone arrives a moment later still.
pub const STUCK_SLACK_SECONDS: i64 = 10;

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

    /// `ready`, `not-ready` or `unreachable`, as `-o json` writes it.
    pub fn state(&self) -> &'static str {
        match self {
            NodeHealth::Ready => "ready",
            NodeHealth::NotReady { .. } => "not-ready",
            NodeHealth::Unreachable { .. } => "unreachable",
        }
    }

    /// `NotReady 4m`, `Unreachable 2m` (without the time when the condition does not say since
    /// when), or `Ready`: the mark tables put beside a node.
    pub fn mark(&self, now: i64) -> String {
        let word = match self {
            NodeHealth::Ready => return "Ready".into(),
            NodeHealth::NotReady { .. } => "NotReady",
            NodeHealth::Unreachable { .. } => "Unreachable",
        };
        match self.sick_since() {
            Some(since) => format!("{word} {}", crate::render::age(now - since)),
            None => word.into(),
        }
    }
}

/// `{state, since, reason}`: `since` in RFC 3339, each only when known.
impl Serialize for NodeHealth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let since = self.sick_since().map(crate::clock::rfc3339);
        let reason = match self {
            NodeHealth::NotReady { reason, .. } if !reason.is_empty() => Some(reason),
            _ => None,
        };
        let fields = 1 + usize::from(since.is_some()) + usize::from(reason.is_some());
        let mut out = serializer.serialize_struct("NodeHealth", fields)?;
        out.serialize_field("state", self.state())?;
        if let Some(since) = &since {
            out.serialize_field("since", since)?;
        }
        if let Some(reason) = reason {
            out.serialize_field("reason", reason)?;
        }
        out.end()
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

/// The node's health when its status says anything about it: `None` for a node without
/// conditions and without the unreachable taint (a hand-written node dump), which is not known
/// to be sick.
pub fn known_health(node: &Node) -> Option<NodeHealth> {
    let conditions = node.status.as_ref().and_then(|s| s.conditions.as_ref());
    let tainted = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|t| t.iter().any(|t| t.key == UNREACHABLE_TAINT));
    (tainted || conditions.is_some_and(|c| !c.is_empty())).then(|| node_health(node))
}

/// Every node's known health by name (see [`known_health`]).
pub fn health_by_node<'a>(
    nodes: impl IntoIterator<Item = &'a Node>,
) -> BTreeMap<String, NodeHealth> {
    nodes
        .into_iter()
        .filter_map(|n| Some((n.metadata.name.clone()?, known_health(n)?)))
        .collect()
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

/// What keeps a node's pod from counting as available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodGap {
    /// No pod of the DaemonSet on the node.
    NoPod,
    /// Its pods are all terminating.
    Terminating,
    /// A pod that is not Ready, with why when known.
    NotReady(Option<String>),
}

/// An eligible node without a Ready pod that is not terminating: it uses up a place of the
/// unavailability budget, as the DaemonSet controller and the ondelete engine count them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub node: String,
    /// How the node is when it is not Ready (the likelier cause); `None` when Ready or unknown.
    pub sick: Option<NodeHealth>,
    pub pod: PodGap,
}

impl Unavailable {
    /// `NotReady 4m`, `Unreachable 2m, pod terminating`, `pod terminating`, `no pod`,
    /// `pod not Ready (ContainerCreating)`, `pod not scheduled: ...`. A sick node's pod not being
    /// Ready goes without saying.
    pub fn why(&self, now: i64) -> String {
        let pod = match &self.pod {
            PodGap::NoPod => "no pod".to_string(),
            PodGap::Terminating => "pod terminating".to_string(),
            // The engine's reasons may already say how it is not (`not scheduled: ...`).
            PodGap::NotReady(Some(why)) if why.starts_with("not ") => format!("pod {why}"),
            PodGap::NotReady(Some(why)) => format!("pod not Ready ({why})"),
            PodGap::NotReady(None) => "pod not Ready".to_string(),
        };
        match (&self.sick, &self.pod) {
            (Some(h), PodGap::NotReady(_)) => h.mark(now),
            (Some(h), _) => format!("{}, {pod}", h.mark(now)),
            (None, _) => pod,
        }
    }
}

/// The nodes of `observed` (every eligible node, with its pods of the DaemonSet; an eligible
/// node without any has an empty list) that have no Ready pod that is not terminating, by name.
pub fn unavailable_nodes(
    observed: &BTreeMap<String, Vec<PodView>>,
    health: &BTreeMap<String, NodeHealth>,
) -> Vec<Unavailable> {
    observed
        .iter()
        .filter(|(_, pods)| !pods.iter().any(|p| p.ready && !p.terminating))
        .map(|(node, pods)| {
            let live = pods.iter().find(|p| !p.terminating);
            let pod = match (pods.is_empty(), live) {
                (true, _) => PodGap::NoPod,
                (false, None) => PodGap::Terminating,
                (false, Some(p)) => PodGap::NotReady(p.failing.clone().or(p.not_ready.clone())),
            };
            Unavailable {
                node: node.clone(),
                sick: health.get(node).filter(|h| !h.is_ready()).cloned(),
                pod,
            }
        })
        .collect()
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

    #[test]
    fn sick_nodes_are_marked_with_how_long_and_written_to_json_with_since() {
        let cases = [
            (NodeHealth::Ready, "Ready", json!({"state": "ready"})),
            (
                NodeHealth::NotReady {
                    since: Some(NOW - 240),
                    reason: "KubeletNotReady".into(),
                },
                "NotReady 4m",
                json!({"state": "not-ready", "since": at(NOW - 240), "reason": "KubeletNotReady"}),
            ),
            (
                NodeHealth::NotReady {
                    since: None,
                    reason: String::new(),
                },
                "NotReady",
                json!({"state": "not-ready"}),
            ),
            (
                NodeHealth::Unreachable {
                    since: Some(NOW - 192),
                },
                "Unreachable 3m12s",
                json!({"state": "unreachable", "since": at(NOW - 192)}),
            ),
        ];
        for (health, mark, doc) in cases {
            assert_eq!(health.mark(NOW), mark, "{health:?}");
            assert_eq!(serde_json::to_value(&health).unwrap(), doc, "{health:?}");
        }
    }

    #[test]
    fn a_node_that_reports_nothing_is_not_known_sick() {
        let bare: Node = serde_json::from_value(json!({"metadata": {"name": "n1"}})).unwrap();
        assert_eq!(known_health(&bare), None, "a hand-written dump");
        assert_eq!(
            known_health(&node(None, true)),
            Some(NodeHealth::Unreachable { since: None })
        );
        let not_ready = node(Some(("False", "KubeletNotReady")), false);
        let health = health_by_node([&bare, &not_ready]);
        assert_eq!(
            health.into_iter().collect::<Vec<_>>(),
            [(
                "n1".to_string(),
                NodeHealth::NotReady {
                    since: Some(NOW - 600),
                    reason: "KubeletNotReady".into()
                }
            )]
        );
    }

    fn view(ready: bool, terminating: bool, not_ready: Option<&str>) -> PodView {
        PodView {
            ready,
            terminating,
            not_ready: not_ready.map(str::to_string),
            ..PodView::default()
        }
    }

    #[test]
    fn nodes_without_a_ready_pod_that_stays_use_the_budget_and_say_why() {
        let sick = NodeHealth::NotReady {
            since: Some(NOW - 240),
            reason: "KubeletNotReady".into(),
        };
        /// What, the node's pods, its health, why it uses the budget (`None`: it does not).
        type Case = (
            &'static str,
            Vec<PodView>,
            Option<NodeHealth>,
            Option<&'static str>,
        );
        let cases: Vec<Case> = vec![
            ("a Ready pod", vec![view(true, false, None)], None, None),
            (
                "a Ready pod on a NotReady node (not yet marked): available",
                vec![view(true, false, None)],
                Some(sick.clone()),
                None,
            ),
            ("no pod", vec![], None, Some("no pod")),
            (
                "the pod terminating",
                vec![view(true, true, None)],
                None,
                Some("pod terminating"),
            ),
            (
                "a new pod creating beside the terminating old one",
                vec![
                    view(true, true, None),
                    view(false, false, Some("ContainerCreating")),
                ],
                None,
                Some("pod not Ready (ContainerCreating)"),
            ),
            (
                "a pod the scheduler has not placed",
                vec![view(false, false, Some("not scheduled: Unschedulable"))],
                None,
                Some("pod not scheduled: Unschedulable"),
            ),
            (
                "the node NotReady: its pod is not Ready because of it",
                vec![view(false, false, Some("ContainersNotReady"))],
                Some(sick.clone()),
                Some("NotReady 4m"),
            ),
            (
                "the node unreachable and the pod terminating",
                vec![view(false, true, None)],
                Some(NodeHealth::Unreachable {
                    since: Some(NOW - 120),
                }),
                Some("Unreachable 2m, pod terminating"),
            ),
            (
                "no pod on a Ready node",
                vec![],
                Some(NodeHealth::Ready),
                Some("no pod"),
            ),
        ];
        for (what, pods, health, want) in cases {
            let observed = BTreeMap::from([("n1".to_string(), pods)]);
            let health: BTreeMap<String, NodeHealth> =
                health.into_iter().map(|h| ("n1".to_string(), h)).collect();
            let got: Vec<String> = unavailable_nodes(&observed, &health)
                .iter()
                .map(|u| u.why(NOW))
                .collect();
            let want: Vec<String> = want.into_iter().map(str::to_string).collect();
            assert_eq!(got, want, "{what}");
        }
    }
}
