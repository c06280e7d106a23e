//! The test bed's Prometheus: series pushed to its Pushgateway are scraped and can be queried,
//! and go away once deleted. What the analysis gates' tests stand on.

use crate::harness::{env, require_cluster};

/// Pushes `agent_errors_total` for two nodes (one group each, as an agent per node would; the
/// grouping also names the DaemonSet, whose `/` the Pushgateway takes only base64-encoded), waits
/// until Prometheus answers both with the pushed values and labels, then deletes one group and
/// waits until only the other is left.
#[test]
fn pushed_series_are_scraped_and_queried_per_node() {
    require_cluster!();
    let env = env();
    let job = format!("e2e-prometheus-{}", std::process::id());
    let daemonset = "e2e/agents";
    let nodes = [("kds-node-1", 5), ("kds-node-2", 0)];
    for (node, errors) in nodes {
        env.push_series(
            &job,
            &[("node", node), ("daemonset", daemonset)],
            &format!("# TYPE agent_errors_total counter\nagent_errors_total {errors}\n"),
        );
    }
    let query = format!("agent_errors_total{{job=\"{job}\"}}");
    let per_node = |result: &serde_json::Value| {
        let mut found: Vec<(String, String)> = result
            .as_array()
            .into_iter()
            .flatten()
            .map(|series| {
                (
                    series["metric"]["node"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    series["value"][1].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let expected: Vec<(String, String)> = nodes
        .iter()
        .map(|(node, errors)| (node.to_string(), errors.to_string()))
        .collect();
    let result = env.wait_for_query(&query, "both nodes' pushed series in Prometheus", |r| {
        per_node(r) == expected
    });
    for series in result.as_array().expect("a vector") {
        assert_eq!(series["metric"]["job"], job.as_str(), "{series}");
        assert_eq!(series["metric"]["daemonset"], daemonset, "{series}");
        assert_eq!(
            series["metric"]["__name__"], "agent_errors_total",
            "{series}"
        );
    }

    env.delete_series(&job, &[("node", "kds-node-1"), ("daemonset", daemonset)]);
    env.wait_for_query(&query, "kds-node-1's series gone from Prometheus", |r| {
        per_node(r) == expected[1..]
    });
    env.delete_series(&job, &[("node", "kds-node-2"), ("daemonset", daemonset)]);
    env.wait_for_query(&query, "every series of the test gone", |r| {
        r.as_array().is_some_and(Vec::is_empty)
    });
}
