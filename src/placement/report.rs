//! Sentences about a plan's summary that `plan`, `diff` and `rollout apply --dry-run` print
//! alike, so the three never disagree about what a change does.

use std::collections::HashMap;

use k8s_openapi::api::apps::v1::DaemonSet;

use super::plan::{plan_daemonset, summarize, PlacementInputs, Summary, Target};
use crate::render::plural;

/// At most this many nodes are named in a sentence; the rest are counted.
const SHOWN: usize = 5;

/// `a, b, c and 4 more`.
pub fn some_of(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}

fn node_reasons(list: &[(String, String)]) -> String {
    let shown: Vec<String> = list.iter().map(|(n, why)| format!("{n} ({why})")).collect();
    some_of(&shown)
}

/// What goes wrong or cannot be told, one sentence each: rejected pods, pods lost on update,
/// pods left Pending, SchedulingGated or unknown. Empty when nothing does.
pub fn risks(summary: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some((why, nodes)) = &summary.rejected {
        lines.push(format!(
            "Rejected: the API server rejects every new pod ({why}); the controller's creates fail on {} (FailedCreate events), and a RollingUpdate deletes old pods before their replacements fail.",
            plural(*nodes, "node", "nodes")
        ));
    }
    if !summary.lost.is_empty() {
        let pods: Vec<String> = summary
            .lost
            .iter()
            .map(|(node, pod)| format!("{pod} on {node}"))
            .collect();
        lines.push(format!(
            "Lost: the update deletes {} on nodes the DaemonSet may keep a pod on but not start one (a NoSchedule taint it does not tolerate), and none starts there again: {}.",
            plural(pods.len(), "outdated pod", "outdated pods"),
            some_of(&pods)
        ));
    }
    if summary.may_stall > 0 {
        lines.push(format!(
            "Stall: the new pods that stay Pending, gated or rejected use up the update's budget (maxUnavailable, or maxSurge), and the RollingUpdate waits on them: of the {} marked, some keep their old pod, which ones is up to the controller.",
            plural(summary.may_stall, "node", "nodes")
        ));
    }
    if !summary.pending.is_empty() {
        lines.push(format!(
            "Pending: the pod would stay Pending on {}: {}.",
            plural(summary.pending.len(), "node", "nodes"),
            node_reasons(&summary.pending)
        ));
    }
    if summary.gated > 0 {
        lines.push(format!(
            "Gated: the pods wait SchedulingGated on {} until their scheduling gates are removed.",
            plural(summary.gated, "node", "nodes")
        ));
    }
    if !summary.unknown.is_empty() {
        lines.push(format!(
            "Unknown: whether the pod can run on {} depends on DRA devices, which nodes and pods do not show: {}.",
            plural(summary.unknown.len(), "node", "nodes"),
            node_reasons(&summary.unknown)
        ));
    }
    lines
}

/// What applying `ds` does, as plan says it: the summary and its risk sentences.
/// `template_changed`: `ds` is a change to a live DaemonSet whose template differs.
pub fn change(
    ds: &DaemonSet,
    template_changed: bool,
    inputs: &PlacementInputs,
) -> (Summary, Vec<String>) {
    let revisions = HashMap::new();
    let target = Target {
        ds,
        template_changed,
        current_hash: None,
        revisions: &revisions,
    };
    let plans = plan_daemonset(&target, &inputs.nodes, inputs.pods.as_ref(), &inputs.facts);
    let summary = summarize(&plans);
    let risks = risks(&summary);
    (summary, risks)
}
