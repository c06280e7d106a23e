//! What a change does to the DaemonSet's pods, in one sentence.

use serde::Serialize;

use crate::daemonset::budget::{surge_words, Budget};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Verdict {
    /// Nothing differs.
    NoChanges,
    /// Only fields outside the pod template changed.
    NoPodsReplaced,
    /// RollingUpdate: pods on `nodes` nodes will be replaced in about `waves` waves; with
    /// maxSurge, on up to `surge_nodes` nodes at once beside the old pod.
    #[serde(rename_all = "camelCase")]
    Rollout {
        nodes: i32,
        max_unavailable: String,
        max_surge: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        surge_nodes: Option<i32>,
        waves: i32,
    },
    /// OnDelete: the new template waits until pods are deleted.
    #[serde(rename_all = "camelCase")]
    OnDelete { nodes: i32 },
    /// The DaemonSet does not exist yet.
    #[serde(rename_all = "camelCase")]
    Create { nodes: Option<i32> },
}

impl Verdict {
    pub fn sentence(&self) -> String {
        match self {
            Verdict::NoChanges => "no differences".into(),
            Verdict::NoPodsReplaced => {
                "only fields outside the pod template changed: no pods will be replaced".into()
            }
            Verdict::Rollout {
                nodes,
                max_unavailable,
                max_surge,
                surge_nodes,
                waves,
            } => {
                let budget = match surge_nodes {
                    Some(n) => format!("maxSurge {max_surge}: {}", surge_words(*n)),
                    None => format!("maxUnavailable {max_unavailable}"),
                };
                format!(
                    "rollout: pods on {nodes} {} will be replaced (RollingUpdate, {budget} ⇒ about {waves} {})",
                    if *nodes == 1 { "node" } else { "nodes" },
                    if *waves == 1 { "wave" } else { "waves" }
                )
            }
            Verdict::OnDelete { nodes } => format!(
                "OnDelete: no pod changes until pods are deleted ({nodes} {} run the old template); use kubectl ds rollout to replace them in waves",
                if *nodes == 1 { "node" } else { "nodes" }
            ),
            Verdict::Create { nodes: Some(n) } => format!(
                "new DaemonSet: will create pods on {n} {}",
                if *n == 1 { "node" } else { "nodes" }
            ),
            Verdict::Create { nodes: None } => "new DaemonSet: will create its pods".into(),
        }
    }
}

/// Waves of a RollingUpdate over `nodes` nodes: `nodes / budget`, rounded up, where the budget is
/// maxSurge when non-zero, else maxUnavailable (resolved against `nodes`, rounded up; at least 1,
/// as the controller uses 1 when both resolve to 0).
pub fn rolling_waves(nodes: i32, max_unavailable: Budget, max_surge: Budget) -> i32 {
    if nodes <= 0 {
        return 0;
    }
    let budget = if max_surge.is_zero() {
        max_unavailable.resolve(nodes)
    } else {
        max_surge.resolve(nodes)
    }
    .max(1);
    (nodes + budget - 1) / budget
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_follow_the_budget() {
        let cases = [
            (10, Budget::Count(1), Budget::Count(0), 10),
            (10, Budget::Percent(25), Budget::Count(0), 4),
            (15, Budget::Percent(10), Budget::Count(0), 8),
            (10, Budget::Count(0), Budget::Count(2), 5),
            (10, Budget::Count(0), Budget::Count(0), 10),
            (0, Budget::Count(1), Budget::Count(0), 0),
        ];
        for (nodes, unavailable, surge, want) in cases {
            assert_eq!(
                rolling_waves(nodes, unavailable, surge),
                want,
                "{nodes} {unavailable:?} {surge:?}"
            );
        }
    }

    #[test]
    fn sentences() {
        let rollout = Verdict::Rollout {
            nodes: 3,
            max_unavailable: "1".into(),
            max_surge: "0".into(),
            surge_nodes: None,
            waves: 3,
        };
        assert_eq!(
            rollout.sentence(),
            "rollout: pods on 3 nodes will be replaced (RollingUpdate, maxUnavailable 1 ⇒ about 3 waves)"
        );
        let surge = Verdict::Rollout {
            nodes: 3,
            max_unavailable: "0".into(),
            max_surge: "1".into(),
            surge_nodes: Some(1),
            waves: 3,
        };
        assert_eq!(
            surge.sentence(),
            "rollout: pods on 3 nodes will be replaced (RollingUpdate, maxSurge 1: surges, the new pod starting beside the old one on up to 1 node at once ⇒ about 3 waves)"
        );
        assert!(Verdict::OnDelete { nodes: 2 }
            .sentence()
            .contains("use kubectl ds rollout"));
        assert_eq!(
            Verdict::Create { nodes: Some(1) }.sentence(),
            "new DaemonSet: will create pods on 1 node"
        );
    }
}
