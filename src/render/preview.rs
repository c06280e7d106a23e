//! What a delete will do, shown before it is asked for.

use crate::cluster::Propagation;
use crate::daemonset::orphan::Preview;
use crate::render::{Cell, Table};

/// What becomes of the pods, in a question.
pub fn what_happens(propagation: Propagation) -> &'static str {
    match propagation {
        Propagation::Orphan => "its pods keep running, unmanaged",
        Propagation::Background => "its pods are deleted too",
        Propagation::Foreground => "its pods are deleted first",
    }
}

fn after_delete(propagation: Propagation) -> &'static str {
    match propagation {
        Propagation::Orphan => "keeps running (orphaned)",
        Propagation::Background | Propagation::Foreground => "deleted",
    }
}

pub fn render_previews(
    previews: &[Preview],
    propagation: Propagation,
    dry_run: bool,
    color: bool,
) -> String {
    let mut out = String::new();
    for p in previews {
        out.push_str(&format!(
            "daemonset {}/{} (uid {}, resourceVersion {}) will be deleted{}, cascade {}:\n",
            p.namespace,
            p.name,
            p.uid,
            p.resource_version,
            if dry_run { " (dry run)" } else { "" },
            propagation.as_str()
        ));
        let mut table = Table::new(&["NODE", "POD", "UID", "READY", "AFTER"]);
        for pod in &p.pods {
            table.push(vec![
                Cell::from(pod.node.clone()),
                pod.name.clone().into(),
                pod.uid.clone().into(),
                if pod.ready { "yes" } else { "no" }.into(),
                after_delete(propagation).into(),
            ]);
        }
        if p.pods.is_empty() {
            out.push_str("No pods.\n");
        } else {
            out.push_str(&table.render(true, color));
        }
        let fate = match propagation {
            Propagation::Orphan => "orphaned too",
            _ => "deleted too",
        };
        out.push_str(&format!(
            "ControllerRevisions ({fate}): {}\n",
            if p.revisions.is_empty() {
                "none".to_string()
            } else {
                p.revisions.join(", ")
            }
        ));
    }
    out
}
