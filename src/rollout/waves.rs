//! The wave plan of a controlled (OnDelete-driven) rollout: which nodes go in the canary wave and
//! in each wave after it, in which order. Pure: nodes come in as names and labels.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};

use crate::daemonset::budget::Budget;
use crate::daemonset::selector;

/// Which nodes go first.
#[derive(Debug, Clone, PartialEq)]
pub enum Canary {
    None,
    Count(u32),
    /// Of the eligible nodes, rounded up (at least one when above 0%).
    Percent(u32),
    /// These nodes, by name.
    Nodes(Vec<String>),
    /// The nodes whose labels match.
    Selector(LabelSelector),
}

/// The order nodes are updated in.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeOrder {
    /// By node name.
    Name,
    /// Grouped by the value of this label (e.g. a zone), groups by value, so one group finishes
    /// before the next starts; a wave never spans two groups. Nodes without the label go last.
    Label(String),
    /// This order; nodes not listed follow, by name.
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaveOptions {
    pub canary: Canary,
    pub max_unavailable: Budget,
    pub order: NodeOrder,
}

/// A node to update.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wave {
    pub canary: bool,
    pub nodes: Vec<String>,
}

/// Plans the waves over `nodes` (those whose pods must be replaced). Percentages resolve against
/// `eligible`, the number of nodes that run the DaemonSet, and round up like the controller.
pub fn plan_waves(
    nodes: &[NodeInfo],
    eligible: usize,
    options: &WaveOptions,
) -> Result<Vec<Wave>, String> {
    let eligible_i32 = i32::try_from(eligible).unwrap_or(i32::MAX);
    let size = usize::try_from(options.max_unavailable.resolve(eligible_i32).max(1)).unwrap_or(1);
    let ordered = order(nodes, &options.order);
    let canary = pick_canary(&ordered, eligible, &options.canary)?;
    let mut waves = Vec::new();
    if !canary.is_empty() {
        waves.push(Wave {
            canary: true,
            nodes: canary.clone(),
        });
    }
    let rest: Vec<&NodeInfo> = ordered
        .into_iter()
        .filter(|n| !canary.contains(&n.name))
        .collect();
    for group in groups(&rest, &options.order) {
        for chunk in group.chunks(size) {
            waves.push(Wave {
                canary: false,
                nodes: chunk.iter().map(|n| n.name.clone()).collect(),
            });
        }
    }
    Ok(waves)
}

fn order<'a>(nodes: &'a [NodeInfo], order: &NodeOrder) -> Vec<&'a NodeInfo> {
    let mut sorted: Vec<&NodeInfo> = nodes.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    match order {
        NodeOrder::Name => sorted,
        NodeOrder::Label(key) => {
            // Stable: within one label value, nodes stay in name order.
            sorted.sort_by(|a, b| match (a.labels.get(key), b.labels.get(key)) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
            sorted
        }
        NodeOrder::List(list) => {
            let rank = |n: &NodeInfo| list.iter().position(|l| *l == n.name).unwrap_or(usize::MAX);
            sorted.sort_by_key(|n| rank(n));
            sorted
        }
    }
}

/// Runs of nodes that waves must not mix: one per label value with `--node-order` by label.
fn groups<'a>(nodes: &[&'a NodeInfo], order: &NodeOrder) -> Vec<Vec<&'a NodeInfo>> {
    let NodeOrder::Label(key) = order else {
        return vec![nodes.to_vec()];
    };
    let mut groups: Vec<Vec<&NodeInfo>> = Vec::new();
    for node in nodes {
        let value = node.labels.get(key);
        match groups.last_mut() {
            Some(group) if group[0].labels.get(key) == value => group.push(node),
            _ => groups.push(vec![node]),
        }
    }
    groups
}

fn pick_canary(
    ordered: &[&NodeInfo],
    eligible: usize,
    canary: &Canary,
) -> Result<Vec<String>, String> {
    let first = |count: usize| ordered.iter().take(count).map(|n| n.name.clone()).collect();
    match canary {
        Canary::None => Ok(Vec::new()),
        Canary::Count(n) => Ok(first(*n as usize)),
        Canary::Percent(p) => {
            if *p > 100 {
                return Err(format!("canary {p}% is above 100%"));
            }
            let count = (eligible * *p as usize).div_ceil(100);
            Ok(first(count))
        }
        Canary::Nodes(names) => {
            let mut picked = Vec::new();
            for name in names {
                if !ordered.iter().any(|n| n.name == *name) {
                    return Err(format!(
                        "canary node {name:?} is not among the nodes to update (it does not run the DaemonSet, or it is already up to date)"
                    ));
                }
                if !picked.contains(name) {
                    picked.push(name.clone());
                }
            }
            Ok(picked)
        }
        Canary::Selector(selector) => {
            let picked: Vec<String> = ordered
                .iter()
                .filter(|n| selector::matches(selector, &n.labels) == Ok(true))
                .map(|n| n.name.clone())
                .collect();
            if picked.is_empty() {
                return Err(format!(
                    "no node to update matches the canary selector {}",
                    selector::describe(selector)
                ));
            }
            Ok(picked)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, zone: Option<&str>) -> NodeInfo {
        NodeInfo {
            name: name.into(),
            labels: zone
                .map(|z| BTreeMap::from([("zone".to_string(), z.to_string())]))
                .unwrap_or_default(),
        }
    }

    /// (canary, node names) per wave.
    type Expected<'a> = Vec<(bool, Vec<&'a str>)>;

    fn names(waves: &[Wave]) -> Expected<'_> {
        waves
            .iter()
            .map(|w| (w.canary, w.nodes.iter().map(String::as_str).collect()))
            .collect()
    }

    fn options(canary: Canary, max_unavailable: Budget, order: NodeOrder) -> WaveOptions {
        WaveOptions {
            canary,
            max_unavailable,
            order,
        }
    }

    /// Five nodes, listed out of order: two in zone a, two in zone b, one without a zone.
    fn zoned_nodes() -> Vec<NodeInfo> {
        vec![
            node("n4", Some("b")),
            node("n1", Some("a")),
            node("n3", Some("b")),
            node("n2", Some("a")),
            node("n5", None),
        ]
    }

    fn assert_waves(cases: Vec<(WaveOptions, Expected)>) {
        let nodes = zoned_nodes();
        for (opts, want) in cases {
            let waves = plan_waves(&nodes, nodes.len(), &opts).unwrap();
            assert_eq!(names(&waves), want, "{opts:?}");
        }
    }

    #[test]
    fn waves_by_budget_and_canary() {
        assert_waves(vec![
            (
                options(Canary::None, Budget::Count(2), NodeOrder::Name),
                vec![
                    (false, vec!["n1", "n2"]),
                    (false, vec!["n3", "n4"]),
                    (false, vec!["n5"]),
                ],
            ),
            (
                options(Canary::Count(1), Budget::Count(2), NodeOrder::Name),
                vec![
                    (true, vec!["n1"]),
                    (false, vec!["n2", "n3"]),
                    (false, vec!["n4", "n5"]),
                ],
            ),
            // 20% of 5 eligible = 1 node, rounded up; 30% of 5 = 2 (1.5 up).
            (
                options(Canary::Percent(20), Budget::Percent(30), NodeOrder::Name),
                vec![
                    (true, vec!["n1"]),
                    (false, vec!["n2", "n3"]),
                    (false, vec!["n4", "n5"]),
                ],
            ),
            (
                options(
                    Canary::Nodes(vec!["n4".into()]),
                    Budget::Count(3),
                    NodeOrder::Name,
                ),
                vec![
                    (true, vec!["n4"]),
                    (false, vec!["n1", "n2", "n3"]),
                    (false, vec!["n5"]),
                ],
            ),
            // A zero budget still moves one node at a time, as the controller does.
            (
                options(Canary::None, Budget::Count(0), NodeOrder::Name),
                vec![
                    (false, vec!["n1"]),
                    (false, vec!["n2"]),
                    (false, vec!["n3"]),
                    (false, vec!["n4"]),
                    (false, vec!["n5"]),
                ],
            ),
        ]);
    }

    #[test]
    fn waves_follow_the_node_order() {
        assert_waves(vec![
            // Zones finish one after the other; a wave never spans two zones.
            (
                options(
                    Canary::None,
                    Budget::Count(3),
                    NodeOrder::Label("zone".into()),
                ),
                vec![
                    (false, vec!["n1", "n2"]),
                    (false, vec!["n3", "n4"]),
                    (false, vec!["n5"]),
                ],
            ),
            (
                options(
                    Canary::Selector(selector::parse("zone=b").unwrap()),
                    Budget::Count(1),
                    NodeOrder::List(vec!["n5".into(), "n2".into()]),
                ),
                vec![
                    (true, vec!["n3", "n4"]),
                    (false, vec!["n5"]),
                    (false, vec!["n2"]),
                    (false, vec!["n1"]),
                ],
            ),
        ]);
    }

    #[test]
    fn percentages_resolve_against_all_eligible_nodes() {
        // Two of ten eligible nodes still need updating; 10% of 10 = 1 per wave.
        let nodes = vec![node("a", None), node("b", None)];
        let waves = plan_waves(
            &nodes,
            10,
            &options(Canary::None, Budget::Percent(10), NodeOrder::Name),
        )
        .unwrap();
        assert_eq!(waves.len(), 2);
        // 15% of 10 = 2 (1.5 rounded up).
        let waves = plan_waves(
            &nodes,
            10,
            &options(Canary::None, Budget::Percent(15), NodeOrder::Name),
        )
        .unwrap();
        assert_eq!(waves.len(), 1);
    }

    #[test]
    fn bad_canaries_are_explained() {
        let nodes = vec![node("a", None)];
        let unknown = plan_waves(
            &nodes,
            1,
            &options(
                Canary::Nodes(vec!["zz".into()]),
                Budget::Count(1),
                NodeOrder::Name,
            ),
        );
        assert!(unknown
            .unwrap_err()
            .contains("\"zz\" is not among the nodes"));
        let nothing = plan_waves(
            &nodes,
            1,
            &options(
                Canary::Selector(selector::parse("zone=x").unwrap()),
                Budget::Count(1),
                NodeOrder::Name,
            ),
        );
        assert!(nothing
            .unwrap_err()
            .contains("matches the canary selector zone=x"));
        let too_much = plan_waves(
            &nodes,
            1,
            &options(Canary::Percent(150), Budget::Count(1), NodeOrder::Name),
        );
        assert!(too_much.is_err());
    }
}
